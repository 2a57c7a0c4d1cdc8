/**
 * Plotly traces of the Experiments chart view: a column's values on an axis, the scatter and its
 * first axes (pure: unit tested in labextension/test). Parallel coordinates are in
 * `parallelTraces.ts`, a metric over runs in `metricTraces.ts`.
 */
import type { Data, Layout } from 'plotly.js';

import { IColumn, dataValue } from './columns';
import { runLabel } from './format';
import { IRun } from './model';

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
