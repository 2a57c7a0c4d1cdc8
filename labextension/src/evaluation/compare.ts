/**
 * The Evaluation tab's tables, as plain data: a candidate's evaluation beside the served
 * version's (the same holdout rows), metric by metric and slice by slice, each with which way
 * is better. Kept free of React so it is tested on its own (labextension/test).
 */

import type { Schema } from '../api/types';

/** An evaluation without its figures (`EvaluationSummaryOut`); a NaN figure is null. */
export type IEvaluationSummary = Schema<'EvaluationSummaryOut'>;

/** What a gate run compared (`GateEvaluationsOut`): the candidate's and the served one's. */
export type IGateEvaluations = Schema<'GateEvaluationsOut'>;

/** Metrics where lower is better (mirrors `entities.LOWER_IS_BETTER`). */
export const LOWER_IS_BETTER = new Set([
  'log_loss',
  'mae',
  'rmse',
  'mape',
  'brier',
  'calibration_error'
]);

/** better / worse / same for the candidate; null when a side is missing. */
export type Verdict = 'better' | 'worse' | 'same' | null;

export interface ICompareRow {
  /** A metric, or a slice `column=value`. */
  label: string;
  metric: string;
  candidate: number | null;
  served: number | null;
  /** candidate - served. */
  delta: number | null;
  verdict: Verdict;
  /** Rows in the slice (slices only). */
  n?: number | null;
}

function num(value: number | null | undefined): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** Whether the candidate's value is better than the served one's for `metric`. */
export function verdict(metric: string, candidate: number | null, served: number | null): Verdict {
  if (candidate === null || served === null) {
    return null;
  }
  const delta = candidate - served;
  if (Math.abs(delta) < 1e-12) {
    return 'same';
  }
  const better = LOWER_IS_BETTER.has(metric) ? delta < 0 : delta > 0;
  return better ? 'better' : 'worse';
}

function row(
  label: string,
  metric: string,
  candidate: number | null,
  served: number | null
): ICompareRow {
  const delta = candidate !== null && served !== null ? candidate - served : null;
  return { label, metric, candidate, served, delta, verdict: verdict(metric, candidate, served) };
}

/** Every metric of either side, in the candidate's order (the served side may lack some). */
export function metricRows(
  candidate: IEvaluationSummary,
  served: IEvaluationSummary | null | undefined
): ICompareRow[] {
  const names = [...Object.keys(candidate.metrics)];
  for (const name of Object.keys(served?.metrics ?? {})) {
    if (!names.includes(name)) {
      names.push(name);
    }
  }
  return names.map(name =>
    row(name, name, num(candidate.metrics[name]), num(served?.metrics[name]))
  );
}

/** The metric a slice table compares: the gates' slice metric, else accuracy / rmse. */
export function sliceMetric(candidate: IEvaluationSummary, wanted?: string | null): string {
  if (wanted) {
    return wanted;
  }
  return candidate.model_type === 'regressor' ? 'rmse' : 'accuracy';
}

/** One row per slice value (`column=value`), worst change first. */
export function sliceRows(
  candidate: IEvaluationSummary,
  served: IEvaluationSummary | null | undefined,
  metric: string
): ICompareRow[] {
  const rows: ICompareRow[] = [];
  for (const [column, values] of Object.entries(candidate.slices)) {
    for (const [value, figures] of Object.entries(values)) {
      const before = served?.slices[column]?.[value];
      const compared = row(
        `${column}=${value}`,
        metric,
        num(figures[metric]),
        num(before?.[metric])
      );
      compared.n = num(figures.n);
      rows.push(compared);
    }
  }
  const badness = (r: ICompareRow): number => {
    if (r.delta === null) {
      return -Infinity;
    }
    return LOWER_IS_BETTER.has(r.metric) ? r.delta : -r.delta;
  };
  return rows.sort((a, b) => badness(b) - badness(a) || a.label.localeCompare(b.label));
}

/** A number as the tables print it (4 significant digits; a dash for none). */
export function figure(value: number | null | undefined): string {
  return typeof value === 'number' && Number.isFinite(value) ? value.toPrecision(4) : '—';
}

/** A signed difference ("+0.0123", "-0.0400"). */
export function signed(value: number | null): string {
  if (value === null) {
    return '—';
  }
  return `${value >= 0 ? '+' : ''}${value.toPrecision(3)}`;
}
