/** Plotly parallel coordinates of the Experiments views (pure: unit tested in labextension/test). */
import type { Data, Layout } from 'plotly.js';

import { IColumn, dataValue } from './columns';
import { IRun } from './model';
import { IAxisValues, axisValues } from './traces';

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
