import type { Data } from 'plotly.js';
import React from 'react';

import { Plot } from '../kit';
import {
  columnLineOrder,
  CURRENT,
  REFERENCE,
  windowMiddle,
  windowsAxis,
  windowWidth
} from './charts';
import { IWindow } from './model';

/** The drifted share per evaluated window, and each column's score (drifted columns first). */
export function DriftTimeline(props: { windows: IWindow[]; latest: IWindow | null }): JSX.Element {
  const { windows, latest } = props;
  const done = windows.filter(w => w.status === 'done');
  if (done.length === 0) {
    return (
      <p className="jp-MLOps-muted" data-testid="mlops-monitor-nowindows">
        No evaluated window yet ({windows.length} claimed). Windows are evaluated as they end, or
        now with <b>Evaluate now</b>.
      </p>
    );
  }
  const x = done.map(windowMiddle);
  // The drifted columns first, a few at most: 31 entries made the legend larger than the plot.
  const columns = columnLineOrder(done, latest?.report?.columns ?? null);
  const traces: Data[] = [
    {
      type: 'scatter',
      mode: 'lines+markers',
      name: 'share of drifted features',
      x,
      y: done.map(w => w.share_drifted ?? 0),
      // Windows are numbered per monitor (1, 2, 3...), as the page names them.
      text: done.map(w => `window ${w.number}`),
      marker: { color: done.map(w => (w.dataset_drifted ? CURRENT : REFERENCE)), size: 9 },
      yaxis: 'y'
    },
    ...columns.map((column): Data => ({
      type: 'scatter',
      mode: 'lines',
      name: column,
      x,
      y: done.map(w => Math.min(w.scores?.[column] ?? 0, 10)),
      yaxis: 'y2',
      line: { width: 1 },
      visible: 'legendonly'
    }))
  ];
  return (
    <section>
      <h3>Drift over time</h3>
      <Plot
        testId="mlops-monitor-timeline"
        data={traces}
        height={280}
        layout={{
          xaxis: windowsAxis(done),
          yaxis: { title: { text: 'drifted share' }, range: [0, 1] },
          yaxis2: { title: { text: 'score (÷ threshold)' }, overlaying: 'y', side: 'right' },
          legend: { orientation: 'v', x: 1.08, y: 1, font: { size: 10 } },
          margin: { t: 10, r: 60 }
        }}
      />
    </section>
  );
}

/** Requests, latency and error rate per window, and the labelled performance when labels came. */
export function TrafficCharts(props: { windows: IWindow[] }): JSX.Element | null {
  const { windows } = props;
  const done = windows.filter(w => w.status === 'done' || w.status === 'skipped');
  if (done.length === 0) {
    return null;
  }
  const x = done.map(windowMiddle);
  const performance = done.filter(w => w.performance !== null);
  const traces: Data[] = [
    {
      type: 'bar',
      name: 'requests',
      x,
      y: done.map(w => w.n_rows),
      // Each bar spans its own window (one window drew a bar across the whole width).
      width: done.map(windowWidth),
      marker: { color: '#999' }
    },
    {
      type: 'scatter',
      mode: 'lines+markers',
      name: 'latency p50 (ms)',
      x,
      y: done.map(w => w.latency_p50_ms),
      yaxis: 'y2'
    },
    {
      type: 'scatter',
      mode: 'lines+markers',
      name: 'latency p99 (ms)',
      x,
      y: done.map(w => w.latency_p99_ms),
      yaxis: 'y2'
    },
    {
      type: 'scatter',
      mode: 'lines+markers',
      name: 'error rate',
      x,
      y: done.map(w => w.error_rate),
      yaxis: 'y3'
    }
  ];
  const metric = performance.length
    ? Object.keys(performance[0].performance ?? {}).find(k => k !== 'n')
    : undefined;
  return (
    <section>
      <h3>Traffic</h3>
      <Plot
        testId="mlops-monitor-traffic"
        data={traces}
        height={240}
        layout={{
          xaxis: windowsAxis(done),
          yaxis: { title: { text: 'requests' } },
          yaxis2: { title: { text: 'ms' }, overlaying: 'y', side: 'right' },
          yaxis3: { overlaying: 'y', side: 'right', range: [0, 1], visible: false },
          legend: { orientation: 'h' },
          margin: { t: 10, r: 60 }
        }}
      />
      {metric !== undefined ? (
        <>
          <h3>Labelled performance ({metric})</h3>
          <Plot
            testId="mlops-monitor-performance"
            height={200}
            data={[
              {
                type: 'scatter',
                mode: 'lines+markers',
                name: metric,
                x: performance.map(windowMiddle),
                y: performance.map(w => w.performance?.[metric] ?? null),
                text: performance.map(w => `${w.n_labels} labels`)
              }
            ]}
            layout={{ xaxis: windowsAxis(done), margin: { t: 10 } }}
          />
        </>
      ) : (
        <p className="jp-MLOps-muted">
          No labels yet: post them with <code>mlops.log_labels(endpoint, request_ids, labels)</code>
          .
        </p>
      )}
    </section>
  );
}
