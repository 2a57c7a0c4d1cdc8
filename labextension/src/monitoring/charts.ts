/**
 * The monitor page's chart data, as pure functions (unit tests in labextension/test): time
 * axes that read from the first window, windows drawn as their own span, per-column lines in
 * the order a user reads them (drifted first), and the training / current histograms.
 */
import type { Data, Layout } from 'plotly.js';

import { IColumnDrift, IWindow } from './model';

/** The colours of the reference (training) and current sides, in every chart of the page. */
export const REFERENCE = '#1f77b4';
export const CURRENT = '#d62728';

/** At most this many per-column score lines are offered in the drift chart's legend. */
export const MAX_COLUMN_LINES = 10;

/**
 * The time axis of windows: the span from the first window's start to the last one's end
 * (never plotly's autorange around one point, which ticks in sub-milliseconds), padded by a
 * twentieth on each side (half the span for one or two windows), with tick labels to the
 * minute (to the second below 5 minutes).
 */
export function windowsAxis(windows: IWindow[]): Partial<Layout['xaxis']> {
  if (windows.length === 0) {
    return { type: 'date' };
  }
  const start = Math.min(...windows.map(w => w.start_time));
  const end = Math.max(...windows.map(w => w.end_time));
  const span = Math.max(end - start, 1000);
  // One or two windows get room around them: a lone bar must not fill the chart's width.
  const pad = windows.length < 3 ? span / 2 : span / 20;
  return {
    type: 'date',
    range: [new Date(start - pad).toISOString(), new Date(end + pad).toISOString()],
    tickformat: span < 5 * 60_000 ? '%H:%M:%S' : span < 2 * 86_400_000 ? '%H:%M' : '%b %d %H:%M',
    hoverformat: '%Y-%m-%d %H:%M:%S'
  };
}

/** Where a window is drawn on a time axis: the middle of its span. */
export function windowMiddle(window: IWindow): string {
  return new Date((window.start_time + window.end_time) / 2).toISOString();
}

/** A window's bar width on a time axis (ms): its own span, less a gap between windows. */
export function windowWidth(window: IWindow): number {
  return Math.max(window.end_time - window.start_time, 1000) * 0.8;
}

/**
 * The columns whose score lines the drift chart offers, in reading order: the ones drifted in
 * the latest window first (highest score first), then the others by score; at most
 * `MAX_COLUMN_LINES`. All start hidden (legend only): the chart shows the drifted share.
 */
export function columnLineOrder(windows: IWindow[], latest: IColumnDrift[] | null): string[] {
  const last = windows.length ? windows[windows.length - 1] : null;
  const scores = last?.scores ?? {};
  const drifted = new Set((latest ?? []).filter(c => c.drifted).map(c => c.column));
  const columns = Array.from(new Set(windows.flatMap(w => Object.keys(w.scores ?? {}))));
  columns.sort(
    (a, b) =>
      Number(drifted.has(b)) - Number(drifted.has(a)) ||
      (scores[b] ?? 0) - (scores[a] ?? 0) ||
      a.localeCompare(b)
  );
  return columns.slice(0, MAX_COLUMN_LINES);
}

/** The name of the reference side in a legend: "training" for a version's training data. */
export function referenceName(referenceKind: string): string {
  return referenceKind === 'training' ? 'training' : 'reference';
}

/** Reference and current overlaid for one column of a window (named for the legend). */
export function columnTraces(column: IColumnDrift, reference: string): Data[] {
  const plot = column.plot;
  let x: (string | number)[];
  if (plot.kind === 'histogram' && plot.edges) {
    const edges = plot.edges;
    x = edges.slice(0, -1).map((edge, i) => (edge + edges[i + 1]) / 2);
  } else {
    x = (plot.values ?? []).map(String);
  }
  return [
    {
      type: 'bar',
      name: reference,
      x,
      y: plot.reference ?? [],
      marker: { color: REFERENCE },
      opacity: 0.55
    },
    {
      type: 'bar',
      name: 'current',
      x,
      y: plot.current ?? [],
      marker: { color: CURRENT },
      opacity: 0.55
    }
  ];
}

/** One row of the summary table (as Evidently's: column, type, test, score, threshold). */
export interface ISummaryRow {
  column: string;
  type: string;
  test: string;
  /** The test's score as text: a p-value, else the statistic ("Infinity" stays a word). */
  score: string;
  threshold: string;
  drifted: boolean;
}

function number(value: number | string | null): string {
  if (value === null) {
    return '—';
  }
  return typeof value === 'number' ? value.toPrecision(3) : value;
}

/** The summary table's rows: drifted columns first, then by name. */
export function summaryRows(columns: IColumnDrift[]): ISummaryRow[] {
  return [...columns]
    .sort((a, b) => Number(b.drifted) - Number(a.drifted) || a.column.localeCompare(b.column))
    .map(column => {
      const pValue = column.p_value !== null;
      return {
        column: column.column,
        type: column.kind,
        test: column.test,
        score: `${pValue ? 'p = ' : ''}${number(pValue ? column.p_value : column.statistic)}`,
        threshold: `${pValue ? 'p < ' : '> '}${column.threshold}`,
        drifted: column.drifted
      };
    });
}
