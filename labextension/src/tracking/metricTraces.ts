/**
 * A metric over runs, and the side-by-side rows of the compare panel (pure: unit tested in
 * labextension/test).
 */
import type { Data, Layout } from 'plotly.js';

import { IMetricHistory, IRun, MetricValue } from './model';

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
