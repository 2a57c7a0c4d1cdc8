import React, { useEffect, useMemo, useState } from 'react';

import { formatValue, runLabel } from './format';
import { MetricChart, XAxis } from './MetricChart';
import { IRun } from './model';

/** Rows of the side-by-side table: every param and metric whose values differ between runs. */
function differingRows(runs: IRun[]): { key: string; values: string[] }[] {
  const rows: { key: string; values: string[] }[] = [];
  const paramKeys = new Set(runs.flatMap(run => Object.keys(run.params)));
  const metricKeys = new Set(runs.flatMap(run => Object.keys(run.metrics)));
  for (const key of [...metricKeys].sort()) {
    const values = runs.map(run => formatValue(run.metrics[key]));
    rows.push({ key: `metrics.${key}`, values });
  }
  for (const key of [...paramKeys].sort()) {
    const values = runs.map(run => run.params[key] ?? '—');
    if (new Set(values).size > 1) {
      rows.push({ key: `params.${key}`, values });
    }
  }
  return rows;
}

/** The selected runs side by side: one metric's chart (a trace per run) and a diff table. */
export function ComparePanel(props: {
  runs: IRun[];
  metricKeys: string[];
  version: number;
  onClear(): void;
}): JSX.Element {
  const { runs, metricKeys } = props;
  const [metricKey, setMetricKey] = useState<string>(metricKeys[0] ?? '');
  const [xAxis, setXAxis] = useState<XAxis>('step');
  useEffect(() => {
    if (!metricKeys.includes(metricKey) && metricKeys.length > 0) {
      setMetricKey(metricKeys[0]);
    }
  }, [metricKeys.join('\n')]);

  const series = useMemo(
    () => runs.map(run => ({ runId: run.run_id, label: runLabel(run) })),
    [runs.map(run => run.run_id + run.run_name).join(',')]
  );
  const rows = useMemo(() => differingRows(runs), [runs]);

  return (
    <section className="jp-MLOps-compare" data-testid="mlops-compare">
      <header className="jp-MLOps-compareHeader">
        <h3>Compare {runs.length} runs</h3>
        <label>
          Metric{' '}
          <select
            className="jp-MLOps-select"
            aria-label="Metric to compare"
            value={metricKey}
            onChange={event => setMetricKey(event.currentTarget.value)}
          >
            {metricKeys.map(key => (
              <option key={key} value={key}>
                {key}
              </option>
            ))}
          </select>
        </label>
        <label>
          X axis{' '}
          <select
            className="jp-MLOps-select"
            value={xAxis}
            onChange={event => setXAxis(event.currentTarget.value as XAxis)}
          >
            <option value="step">step</option>
            <option value="time">time</option>
          </select>
        </label>
        <button className="jp-mod-styled" onClick={props.onClear}>
          Clear selection
        </button>
      </header>
      {metricKey.length > 0 ? (
        <MetricChart series={series} metricKey={metricKey} xAxis={xAxis} version={props.version} />
      ) : (
        <div className="jp-MLOps-muted">These runs have no metrics.</div>
      )}
      <table className="jp-MLOps-compareTable">
        <thead>
          <tr>
            <th />
            {runs.map(run => (
              <th key={run.run_id}>{runLabel(run)}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map(row => (
            <tr key={row.key}>
              <th>{row.key}</th>
              {row.values.map((value, index) => (
                <td key={runs[index].run_id}>{value}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
