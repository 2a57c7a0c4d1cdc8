import type { Data, Layout } from 'plotly.js';

import { formatDatetime } from './format';
import { IColumnProfile, ICorrelations, IMissingMatrix, IProfile } from './model';

/** A chart of a profile: plotly traces, the layout they need and their height. */
export interface IChartSpec {
  data: Data[];
  layout: Partial<Layout>;
  height: number;
}

// Twins of the constants in jupyter_mlops/profiling/charts.py: the notebook widget and the
// saved report draw with the same colours and sizes.
export const CHART_HEIGHT = 180;
export const BAR_COLOUR = '#4c78a8';
export const MISSING_COLOUR = '#e45756';
/** Blue for +1, red for -1, spelled out (plotly.js and plotly.py name "RdBu" oppositely). */
export const CORRELATION_SCALE: Array<[number, string]> = [
  [0, '#b2182b'],
  [0.25, '#ef8a62'],
  [0.5, '#f7f7f7'],
  [0.75, '#67a9cf'],
  [1, '#2166ac']
];
export const ASSOCIATION_SCALE: Array<[number, string]> = [
  [0, '#f7f7f7'],
  [1, '#2166ac']
];
const MISSING_SCALE: Array<[number, string]> = [
  [0, 'rgba(76, 120, 168, 0.18)'],
  [1, MISSING_COLOUR]
];
const MAX_LABEL = 40;

function label(value: unknown): string {
  const text = String(value);
  return text.length <= MAX_LABEL ? text : `${text.slice(0, MAX_LABEL - 1)}…`;
}

/** Milliseconds of an ISO timestamp; one without an offset is UTC (as profiles write them). */
function utcMillis(iso: string): number {
  const millis = iso.replace(/(\.\d{3})\d+/, '$1'); // nanoseconds are beyond Date
  const hasZone = /(Z|[+-]\d\d:?\d\d)$/.test(millis);
  return Date.parse(hasZone ? millis : `${millis}Z`);
}

/** Bars over the histogram bins of a numeric or datetime column. */
export function histogramChart(column: IColumnProfile): IChartSpec | null {
  const histogram = column.histogram;
  if (histogram === null || histogram.counts.length === 0) {
    return null;
  }
  const edges = histogram.edges.map(edge => (typeof edge === 'string' ? utcMillis(edge) : edge));
  const x = histogram.counts.map((_, i) => (edges[i] + edges[i + 1]) / 2);
  const width = histogram.counts.map((_, i) => edges[i + 1] - edges[i]);
  const isDate = column.type === 'datetime';
  return {
    data: [
      {
        type: 'bar',
        // Naive UTC timestamps, as the profile has them (plotly ignores time zones).
        x: isDate ? x.map(value => new Date(value).toISOString().slice(0, -1)) : x,
        y: histogram.counts,
        width,
        marker: { color: BAR_COLOUR },
        hovertemplate: '%{x}<br>%{y:,} rows<extra></extra>'
      }
    ],
    layout: {
      bargap: 0.02,
      margin: { l: 40, r: 8, t: 8, b: 32 },
      xaxis: { type: isDate ? 'date' : 'linear' }
    },
    height: CHART_HEIGHT
  };
}

/** Horizontal bars of the most frequent values. */
export function topValuesChart(column: IColumnProfile): IChartSpec | null {
  const top = column.top_values;
  if (top === null || top.length === 0) {
    return null;
  }
  const reversed = [...top].reverse();
  return {
    data: [
      {
        type: 'bar',
        orientation: 'h',
        x: reversed.map(([, count]) => count),
        y: reversed.map(([value]) =>
          label(typeof value === 'string' ? (formatDatetime(value) ?? value) : value)
        ),
        marker: { color: BAR_COLOUR },
        hovertemplate: '%{y}<br>%{x:,} rows<extra></extra>'
      }
    ],
    layout: {
      margin: { l: 100, r: 8, t: 8, b: 24 },
      yaxis: { automargin: true, type: 'category' }
    },
    height: Math.max(120, 18 * reversed.length + 40)
  };
}

/** The chart that suits a column: a histogram for numbers and datetimes, else top values. */
export function columnChart(column: IColumnProfile): IChartSpec | null {
  if (column.type === 'numeric' || column.type === 'datetime') {
    return histogramChart(column) ?? topValuesChart(column);
  }
  return topValuesChart(column);
}

/** A heat map of Pearson correlations (-1..1) or Cramér's V (0..1). */
export function matrixChart(correlations: ICorrelations | null | undefined): IChartSpec | null {
  if (!correlations || correlations.columns.length < 2) {
    return null;
  }
  const labels = correlations.columns.map(label);
  const signed = correlations.method !== 'cramers_v';
  return {
    data: [
      {
        type: 'heatmap',
        z: correlations.matrix,
        x: labels,
        y: labels,
        zmin: signed ? -1 : 0,
        zmax: 1,
        colorscale: signed ? CORRELATION_SCALE : ASSOCIATION_SCALE,
        hovertemplate: '%{y} / %{x}: %{z:.3f}<extra></extra>'
      }
    ],
    layout: {
      margin: { l: 120, r: 16, t: 8, b: 120 },
      yaxis: { autorange: 'reversed', automargin: true },
      xaxis: { automargin: true }
    },
    height: Math.min(720, Math.max(300, 22 * labels.length + 140))
  };
}

/** Missing values per column as a share of the rows (the axis runs to 100%). */
export function missingChart(profile: IProfile): IChartSpec | null {
  const columns = Object.values(profile.columns).filter(column => column.n_missing > 0);
  if (columns.length === 0) {
    return null;
  }
  return {
    data: [
      {
        type: 'bar',
        x: columns.map(column => label(column.name)),
        y: columns.map(column => column.n_missing / (column.count + column.n_missing)),
        marker: { color: MISSING_COLOUR },
        hovertemplate: '%{x}: %{y:.1%} missing<extra></extra>'
      }
    ],
    layout: {
      margin: { l: 40, r: 8, t: 8, b: 32 },
      yaxis: { tickformat: '.0%', range: [0, 1] },
      // At least ten bar slots: one column with missing values is one narrow bar, not a wall.
      xaxis: { type: 'category', range: [-0.5, Math.max(columns.length, 10) - 0.5] }
    },
    height: CHART_HEIGHT
  };
}

/** Where values are missing: columns across, blocks of rows down, the missing share as colour. */
export function missingMatrixChart(matrix: IMissingMatrix | null | undefined): IChartSpec | null {
  if (!matrix || matrix.block_rows.length === 0) {
    return null;
  }
  if (!matrix.counts.some(column => column.some(count => count > 0))) {
    return null;
  }
  const starts: number[] = [];
  let start = 0;
  for (const rows of matrix.block_rows) {
    starts.push(start);
    start += rows;
  }
  const z = matrix.block_rows.map((rows, b) =>
    matrix.columns.map((_, i) => matrix.counts[i][b] / (rows || 1))
  );
  return {
    data: [
      {
        type: 'heatmap',
        z,
        x: matrix.columns.map(label),
        y: starts,
        zmin: 0,
        zmax: 1,
        colorscale: MISSING_SCALE,
        showscale: false,
        hovertemplate: '%{x}, rows from %{y:,}: %{z:.0%} missing<extra></extra>'
      }
    ],
    layout: {
      margin: { l: 40, r: 8, t: 8, b: 32 },
      yaxis: { autorange: 'reversed', title: { text: 'row' } },
      xaxis: { type: 'category' }
    },
    height: 260
  };
}
