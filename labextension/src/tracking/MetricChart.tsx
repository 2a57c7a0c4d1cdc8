import React, { useMemo } from 'react';

import { ErrorNote } from '../kit/ErrorNote';
import { Plot } from '../kit/Plot';
import { useRequest } from '../kit/useRequest';
import { getMetricHistory } from './api';
import { XAxis, metricChart } from './metricTraces';

export type { XAxis } from './metricTraces';

/** One run to draw: its id and the label of its trace. */
export interface IChartSeries {
  runId: string;
  label: string;
}

/**
 * The history of metric `metricKey` for one or several runs: one named line per run, or
 * labelled bars when each run has a single value. `version` changes when the caller knows new
 * points were logged (live runs), which refetches while the chart stays on screen.
 */
export function MetricChart(props: {
  series: IChartSeries[];
  metricKey: string;
  xAxis?: XAxis;
  version?: number;
  height?: number;
}): JSX.Element {
  const { series, metricKey } = props;
  const xAxis = props.xAxis ?? 'step';
  const runIds = series.map(item => item.runId).join(',');
  const labels = series.map(item => item.label).join('\n');
  const histories = useRequest(
    () => Promise.all(series.map(item => getMetricHistory(item.runId, metricKey))),
    [runIds, metricKey],
    props.version
  );
  const chart = useMemo(() => {
    if (histories.data === null) {
      return null;
    }
    const chart = metricChart(histories.data, labels.split('\n'), metricKey, xAxis);
    return {
      data: chart.data,
      layout: {
        ...chart.layout,
        title: { text: metricKey, font: { size: 12 } },
        legend: { orientation: 'h' as const, y: -0.3 }
      }
    };
  }, [histories.data, labels, metricKey, xAxis]);

  if (histories.error !== null && chart === null) {
    return <ErrorNote what={`Cannot load ${metricKey}`} error={histories.error} />;
  }
  if (chart === null) {
    return <div className="jp-MLOps-muted">Loading {metricKey}…</div>;
  }
  const sampled = histories.data?.some(history => history.sampled) ?? false;
  return (
    <div className="jp-MLOps-metricChart" data-metric={metricKey}>
      <Plot
        data={chart.data}
        layout={chart.layout}
        height={props.height ?? 260}
        testId="mlops-metric-chart"
      />
      {sampled ? <div className="jp-MLOps-muted">Showing an even sample of the points.</div> : null}
    </div>
  );
}
