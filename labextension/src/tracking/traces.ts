/** Plotly traces of the Experiments views (pure: unit tested in labextension/test). */
import type { Data, Layout } from 'plotly.js';

import { IColumn, dataValue } from './columns';
import { runLabel } from './format';
import { IMetricHistory, IRun, MetricValue } from './model';

/** Values on one chart axis: numbers, or categories mapped to 0..n-1 with their labels. */
export interface IAxisValues {
  values: (number | null)[];
  /** For categories: the label of each integer tick. */
  categories: string[] | null;
}

/**
 * A column's values over `runs` on a numeric axis. Metrics are numbers; params are text and
 * read as numbers when every present value is one, else as sorted categories.
 */
export function axisValues(runs: IRun[], column: IColumn): IAxisValues {
  // NaN and the infinities (MLflow spells them as text) cannot be placed: not drawn.
  const raw = runs.map(run => {
    const value = dataValue(run, column);
    return column.kind === 'metric' && typeof value !== 'number' ? null : value;
  });
  const present = raw.filter(
    (value): value is string | number => value !== null && value !== undefined
  );
  const asNumber = (value: string | number): number =>
    typeof value === 'number' ? value : value.trim() === '' ? Number.NaN : Number(value);
  if (present.every(value => Number.isFinite(asNumber(value)))) {
    return {
      values: raw.map(value =>
        value === null || value === undefined || !Number.isFinite(asNumber(value))
          ? null
          : asNumber(value)
      ),
      categories: null
    };
  }
  const categories = [...new Set(present.map(String))].sort();
  return {
    values: raw.map(value =>
      value === null || value === undefined ? null : categories.indexOf(String(value))
    ),
    categories
  };
}

function axisLayout(column: IColumn, axis: IAxisValues): Record<string, unknown> {
  const title = { text: `${column.kind === 'metric' ? 'metric' : column.kind} ${column.label}` };
  if (axis.categories === null) {
    return { title };
  }
  return {
    title,
    tickvals: axis.categories.map((_, index) => index),
    ticktext: axis.categories
  };
}

/**
 * The scatter of `y` against `x`, one point per run that has both (run ids in `customdata`,
 * names on hover); `selected` runs are drawn as selected points.
 */
export function scatterChart(
  runs: IRun[],
  x: IColumn,
  y: IColumn,
  selected: ReadonlySet<string>
): { data: Data[]; layout: Partial<Layout>; plotted: number } {
  const xs = axisValues(runs, x);
  const ys = axisValues(runs, y);
  const points = runs
    .map((run, index) => ({ run, x: xs.values[index], y: ys.values[index] }))
    .filter(point => point.x !== null && point.y !== null);
  const selectedPoints = points
    .map((point, index) => (selected.has(point.run.run_id) ? index : -1))
    .filter(index => index >= 0);
  const trace = {
    type: 'scatter',
    mode: 'markers',
    name: 'runs',
    x: points.map(point => point.x),
    y: points.map(point => point.y),
    customdata: points.map(point => point.run.run_id),
    text: points.map(point => runLabel(point.run)),
    hovertemplate: `%{text}<br>${x.label}: %{x}<br>${y.label}: %{y}<extra></extra>`,
    marker: { size: 9 },
    selectedpoints: selectedPoints.length > 0 ? selectedPoints : null,
    selected: { marker: { size: 12 } },
    unselected: { marker: { opacity: 0.35 } }
  } as unknown as Data;
  return {
    data: [trace],
    layout: {
      dragmode: 'select',
      hovermode: 'closest',
      xaxis: axisLayout(x, xs),
      yaxis: axisLayout(y, ys),
      margin: { l: 60, r: 16, t: 16, b: 48 }
    },
    plotted: points.length
  };
}

/** The label of the place where a parallel axis puts the runs that have no value. */
export const MISSING_LABEL = '—';

/**
 * One parallel-coordinates axis. Plotly draws no line through a missing value, and runs that
 * lack one column or another are the rule (a search's children have CV scores, their parent a
 * test score), so a missing value gets its own place just below the axis, labelled "—".
 *
 * An axis with `tickvals` is an ordinal axis to plotly: a brush on it snaps to the ticks (each
 * end to the midpoint between the ticks around it). So every value a run has is a tick (the
 * ones between the labelled steps are unlabelled): a brush over a run's line then always takes
 * it in, and never cuts between two ticks where it would leave out runs the user swept over.
 */
export function parallelAxis(
  label: string,
  axis: IAxisValues
): {
  label: string;
  values: number[];
  range: [number, number];
  tickvals: number[];
  ticktext: string[];
} {
  const present = axis.values.filter((value): value is number => value !== null);
  const low = present.length > 0 ? Math.min(...present) : 0;
  const high = present.length > 0 ? Math.max(...present) : 1;
  const span = high - low || Math.abs(high) || 1;
  let tickvals: number[];
  let ticktext: string[];
  let missing: number;
  if (axis.categories !== null) {
    missing = -1;
    tickvals = axis.categories.map((_, index) => index);
    ticktext = [...axis.categories];
  } else {
    missing = low - 0.08 * span;
    const steps = high === low ? [low] : [0, 0.25, 0.5, 0.75, 1].map(t => low + t * (high - low));
    const labels = new Map(steps.map(value => [value, String(Number(value.toPrecision(4)))]));
    tickvals = [...new Set([...steps, ...present])].sort((a, b) => a - b);
    ticktext = tickvals.map(value => labels.get(value) ?? '');
  }
  const anyMissing = axis.values.some(value => value === null);
  // A single value still needs an axis with some height.
  const top =
    axis.categories !== null
      ? Math.max(axis.categories.length - 1, 0)
      : high === low
        ? high + 0.5 * span
        : high;
  return {
    label,
    values: axis.values.map(value => value ?? missing),
    range: [anyMissing ? missing : axis.categories !== null ? 0 : low, top],
    tickvals: anyMissing ? [missing, ...tickvals] : tickvals,
    ticktext: anyMissing ? [MISSING_LABEL, ...ticktext] : ticktext
  };
}

/**
 * Parallel coordinates over `columns` (one line per run), coloured by `color` (a metric);
 * `ranges` keeps the axes the user brushed across redraws.
 * Category axes show their labels. Runs without the colour metric are grey-free: they get
 * the scale's minimum.
 */
export function parallelChart(
  runs: IRun[],
  columns: IColumn[],
  color: IColumn | null,
  ranges: ConstraintRange[] = []
): { data: Data[]; layout: Partial<Layout> } {
  const dimensions = columns.map((column, index) => ({
    ...parallelAxis(column.label, axisValues(runs, column)),
    ...(ranges[index] !== undefined ? { constraintrange: ranges[index] } : {})
  }));
  const colors = color === null ? null : axisValues(runs, color).values;
  const known = (colors ?? []).filter((value): value is number => value !== null);
  const lowest = known.length > 0 ? Math.min(...known) : 0;
  const trace = {
    type: 'parcoords',
    dimensions,
    line:
      colors === null
        ? {}
        : {
            color: colors.map(value => value ?? lowest),
            colorscale: 'Viridis',
            showscale: true,
            colorbar: { title: { text: color?.label ?? '' } }
          }
  } as unknown as Data;
  // Horizontal titles overlap once axes are closer than a title is wide: tilt them and make
  // room above the plot for the tilted ones.
  const longest = Math.max(0, ...dimensions.map(dimension => dimension.label.length));
  const tilted = columns.length > TITLES_LEVEL_UP_TO || longest > 14;
  (trace as unknown as Record<string, unknown>).labelangle = tilted ? -30 : 0;
  const top = tilted ? Math.min(48 + Math.round(longest * 3.5), 140) : 48;
  return { data: [trace], layout: { margin: { l: 60, r: 60, t: top, b: 24 } } };
}

/** Up to this many axes of short titles, titles stay level. */
const TITLES_LEVEL_UP_TO = 6;

/** Parallel coordinates stay readable up to about a dozen axes: the default takes no more. */
export const MAX_PARALLEL_AXES = 12;

/**
 * The first axes of parallel coordinates, among `shown` (the table's columns): the params the
 * user logged, then the metrics, then autologged params, as MLflow puts params first; only
 * columns some run has a value in, and at most `max`.
 */
export function defaultParallelAxes(
  runs: IRun[],
  shown: IColumn[],
  max = MAX_PARALLEL_AXES
): IColumn[] {
  const present = shown.filter(column =>
    runs.some(run => {
      const value = dataValue(run, column);
      return value !== undefined && value !== null;
    })
  );
  const userParams = present.filter(column => column.kind === 'param' && !column.autologged);
  const metrics = present.filter(column => column.kind === 'metric');
  const autologged = present.filter(column => column.kind === 'param' && column.autologged);
  return [...userParams, ...metrics, ...autologged].slice(0, max);
}

/**
 * The scatter's first axes: Y the metric most top-level runs have; X the param the user
 * logged or the other metric that most runs have together with Y (autologged params last).
 */
export function defaultAxes(
  runs: IRun[],
  columns: IColumn[]
): { x: IColumn | null; y: IColumn | null } {
  const has = (run: IRun, column: IColumn) => {
    const value = dataValue(run, column);
    return value !== undefined && value !== null;
  };
  const count = (test: (run: IRun) => boolean) => runs.filter(test).length;
  const best = (candidates: IColumn[], score: (column: IColumn) => number): IColumn | null =>
    candidates.reduce<{ column: IColumn | null; score: number }>(
      (top, column) => {
        const value = score(column);
        return value > top.score ? { column, score: value } : top;
      },
      { column: null, score: 0 }
    ).column;
  const metrics = columns.filter(column => column.kind === 'metric');
  // Top-level runs count first: a grid search's candidates all share their CV scores.
  const reach = (column: IColumn) =>
    1000 * count(run => run.parent_run_id === null && has(run, column)) +
    count(run => has(run, column));
  const y = best(metrics, reach) ?? metrics[0] ?? null;
  if (y === null) {
    return { x: null, y: null };
  }
  const together = (column: IColumn) => count(run => has(run, column) && has(run, y));
  const userParams = columns.filter(column => column.kind === 'param' && !column.autologged);
  const otherMetrics = metrics.filter(column => column.id !== y.id);
  const autologged = columns.filter(column => column.kind === 'param' && column.autologged);
  // The user's params win a tie; autologged params only when nothing else goes with Y.
  const x =
    best([...userParams, ...otherMetrics], together) ??
    best(autologged, together) ??
    otherMetrics[0] ??
    y;
  return { x, y };
}

/** A parallel-coordinates axis's brushed range(s), as plotly keeps them (`constraintrange`). */
export type ConstraintRange = [number, number] | [number, number][] | undefined;

/**
 * The runs whose lines pass every brushed axis: `values[axis][run]` are the axis values of
 * `parallelChart` (NaN for missing), `ranges[axis]` its brushed ranges. No brush: null.
 */
export function runsWithin(
  runs: IRun[],
  values: number[][],
  ranges: ConstraintRange[]
): string[] | null {
  const brushed = ranges
    .map((range, axis) => ({ axis, range }))
    .filter(
      (entry): entry is { axis: number; range: [number, number] | [number, number][] } =>
        Array.isArray(entry.range) && entry.range.length > 0
    )
    .map(({ axis, range }) => ({
      axis,
      spans: (Array.isArray(range[0]) ? range : [range]) as [number, number][]
    }));
  if (brushed.length === 0) {
    return null;
  }
  return runs
    .filter((_, index) =>
      brushed.every(({ axis, spans }) => {
        const value = values[axis]?.[index];
        return (
          value !== undefined &&
          !Number.isNaN(value) &&
          spans.some(([low, high]) => value >= Math.min(low, high) && value <= Math.max(low, high))
        );
      })
    )
    .map(run => run.run_id);
}

/** The metric to compare first: the current one if every run has it, else the first such. */
export function commonMetric(runs: IRun[], metricKeys: string[], current: string | null): string {
  const everyRunHas = (key: string) => runs.every(run => run.metrics[key] !== undefined);
  if (current !== null && metricKeys.includes(current) && everyRunHas(current)) {
    return current;
  }
  return metricKeys.find(everyRunHas) ?? current ?? metricKeys[0] ?? '';
}

/** What the x axis of a history shows: the step, or the wall-clock time of each point. */
export type XAxis = 'step' | 'time';

/**
 * A metric over several runs: labelled bars when each run has a single value (a final score),
 * else one line per run with the run's name in the legend. Axis titles say what they show.
 */
export function metricChart(
  histories: IMetricHistory[],
  labels: string[],
  metricKey: string,
  xAxis: XAxis
): { data: Data[]; layout: Partial<Layout> } {
  if (histories.every(history => history.points.length <= 1)) {
    const data = histories.map((history, index) => {
      const value = history.points[0]?.value ?? null;
      return {
        type: 'bar',
        name: labels[index],
        x: [labels[index]],
        y: [value],
        text: [typeof value === 'number' ? String(Number(value.toPrecision(4))) : (value ?? '')],
        textposition: 'auto',
        hovertemplate: `${labels[index]}: %{y}<extra></extra>`
      } as unknown as Data;
    });
    return {
      data,
      layout: {
        barmode: 'group',
        showlegend: histories.length > 1,
        xaxis: { title: { text: 'run' }, type: 'category' },
        yaxis: { title: { text: metricKey } }
      }
    };
  }
  const maxStep = Math.max(0, ...histories.flatMap(history => history.points.map(p => p.step)));
  const data = histories.map((history, index) => ({
    type: 'scatter',
    mode: history.points.length > 50 ? 'lines' : 'lines+markers',
    name: labels[index],
    x: history.points.map(point => (xAxis === 'step' ? point.step : new Date(point.timestamp))),
    y: history.points.map(point => point.value)
  })) as Data[];
  return {
    data,
    layout: {
      showlegend: histories.length > 1,
      xaxis: {
        title: { text: xAxis === 'step' ? 'step' : 'time' },
        // Steps are whole numbers: no 0.5 ticks on a short history.
        ...(xAxis === 'step' && maxStep <= 10 ? { dtick: 1 } : {})
      },
      yaxis: { title: { text: metricKey } }
    }
  };
}

/** Rows of the side-by-side table: metrics, then params (only those that differ, unless `all`). */
export function compareRows(
  runs: IRun[],
  all: boolean,
  format: (value: MetricValue | null | undefined) => string
): { key: string; values: string[]; differs: boolean }[] {
  const rows: { key: string; values: string[]; differs: boolean }[] = [];
  const metricKeys = [...new Set(runs.flatMap(run => Object.keys(run.metrics)))].sort();
  for (const key of metricKeys) {
    const values = runs.map(run => format(run.metrics[key]));
    rows.push({ key: `metrics.${key}`, values, differs: new Set(values).size > 1 });
  }
  const paramKeys = [...new Set(runs.flatMap(run => Object.keys(run.params)))].sort();
  for (const key of paramKeys) {
    const values = runs.map(run => run.params[key] ?? '—');
    const differs = new Set(values).size > 1;
    if (differs || all) {
      rows.push({ key: `params.${key}`, values, differs });
    }
  }
  return rows;
}
