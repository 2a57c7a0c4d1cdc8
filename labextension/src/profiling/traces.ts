import type { Data, Layout } from 'plotly.js';

import { IColumnProfile, ICorrelations } from './model';

/** A chart of a profile: plotly traces and the layout they need. */
export interface IChartSpec {
  data: Data[];
  layout: Partial<Layout>;
}

const BAR_COLOUR = '#4c78a8';
const MAX_LABEL = 32;

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
      height: 180,
      bargap: 0.02,
      margin: { l: 40, r: 8, t: 8, b: 32 },
      xaxis: { type: isDate ? 'date' : 'linear' }
    }
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
        y: reversed.map(([value]) => label(value)),
        marker: { color: BAR_COLOUR },
        hovertemplate: '%{y}<br>%{x:,} rows<extra></extra>'
      }
    ],
    layout: {
      height: Math.max(120, 18 * reversed.length + 40),
      margin: { l: 100, r: 8, t: 8, b: 24 },
      yaxis: { automargin: true, type: 'category' }
    }
  };
}

/** The chart that suits a column: a histogram for numbers and datetimes, else top values. */
export function columnChart(column: IColumnProfile): IChartSpec | null {
  if (column.type === 'numeric' || column.type === 'datetime') {
    return histogramChart(column) ?? topValuesChart(column);
  }
  return topValuesChart(column);
}

/** A heat map of the Pearson correlations. */
export function correlationChart(correlations: ICorrelations | null): IChartSpec | null {
  if (correlations === null || correlations.columns.length < 2) {
    return null;
  }
  const labels = correlations.columns.map(label);
  const size = Math.min(720, Math.max(300, 22 * labels.length + 140));
  return {
    data: [
      {
        type: 'heatmap',
        z: correlations.matrix,
        x: labels,
        y: labels,
        zmin: -1,
        zmax: 1,
        colorscale: 'RdBu',
        reversescale: true,
        hovertemplate: '%{y} / %{x}: %{z:.3f}<extra></extra>'
      }
    ],
    layout: {
      height: size,
      margin: { l: 120, r: 16, t: 8, b: 120 },
      yaxis: { autorange: 'reversed', automargin: true },
      xaxis: { automargin: true }
    }
  };
}
