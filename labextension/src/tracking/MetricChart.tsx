import type { Data, Layout } from 'plotly.js';
import React, { useEffect, useMemo, useState } from 'react';

import { getMetricHistory } from './api';
import { IMetricHistory } from './model';
import { Plot } from '../kit/Plot';

/** One run to draw: its id and the label of its trace. */
export interface IChartSeries {
  runId: string;
  label: string;
}

/** What the x axis shows: the step, or the wall-clock time of each point. */
export type XAxis = 'step' | 'time';

type Loaded = { histories: IMetricHistory[] } | { error: string } | null;

function traces(histories: IMetricHistory[], series: IChartSeries[], xAxis: XAxis): Data[] {
  // A metric logged once per run (a final score) reads better as bars than as lone dots.
  if (histories.every(history => history.points.length <= 1)) {
    return [
      {
        type: 'bar',
        x: series.map(item => item.label),
        y: histories.map(history => history.points[0]?.value ?? null)
      }
    ];
  }
  return histories.map((history, index) => ({
    type: 'scatter',
    mode: history.points.length > 50 ? 'lines' : 'lines+markers',
    name: series[index].label,
    x: history.points.map(point => (xAxis === 'step' ? point.step : new Date(point.timestamp))),
    y: history.points.map(point => point.value)
  }));
}

/**
 * The history of metric `metricKey` for one or several runs, one trace per run. `version`
 * changes when the caller knows new points were logged (live runs), which refetches.
 */
export function MetricChart(props: {
  series: IChartSeries[];
  metricKey: string;
  xAxis?: XAxis;
  version?: number;
  height?: number;
}): JSX.Element {
  const { series, metricKey, version } = props;
  const xAxis = props.xAxis ?? 'step';
  const [loaded, setLoaded] = useState<Loaded>(null);
  const runIds = series.map(item => item.runId).join(',');

  useEffect(() => {
    let current = true;
    Promise.all(series.map(item => getMetricHistory(item.runId, metricKey)))
      .then(histories => current && setLoaded({ histories }))
      .catch((error: Error) => current && setLoaded({ error: error.message }));
    return () => {
      current = false;
    };
  }, [runIds, metricKey, version]);

  const data = useMemo(
    () => (loaded !== null && 'histories' in loaded ? traces(loaded.histories, series, xAxis) : []),
    [loaded, xAxis]
  );
  const maxStep =
    loaded !== null && 'histories' in loaded
      ? Math.max(0, ...loaded.histories.flatMap(history => history.points.map(p => p.step)))
      : 0;
  const layout = useMemo<Partial<Layout>>(
    () => ({
      title: { text: metricKey, font: { size: 12 } },
      height: props.height ?? 260,
      showlegend: series.length > 1,
      legend: { orientation: 'h', y: -0.25 },
      xaxis: {
        title: { text: xAxis === 'step' ? 'step' : 'time' },
        // Steps are whole numbers: no 0.5 ticks on a short history.
        ...(xAxis === 'step' && maxStep <= 10 ? { dtick: 1 } : {})
      }
    }),
    [metricKey, xAxis, series.length, props.height, maxStep]
  );

  if (loaded === null) {
    return <div className="jp-MLOps-muted">Loading {metricKey}…</div>;
  }
  if ('error' in loaded) {
    return (
      <div className="jp-MLOps-error">
        Cannot load {metricKey}: {loaded.error}
      </div>
    );
  }
  const sampled = loaded.histories.some(history => history.sampled);
  return (
    <div className="jp-MLOps-metricChart" data-metric={metricKey}>
      <Plot data={data} layout={layout} height={props.height ?? 260} testId="mlops-metric-chart" />
      {sampled ? <div className="jp-MLOps-muted">Showing an even sample of the points.</div> : null}
    </div>
  );
}
