import React, { useEffect, useMemo, useState } from 'react';

import { formatValue, runLabel } from './format';
import { MetricChart } from './MetricChart';
import { IRun } from './model';
import { XAxis, commonMetric, compareRows } from './metricTraces';

/**
 * The selected runs side by side: one metric's chart (a line per run, or labelled bars for
 * single values; run names in the legend) and a table of their metrics and the params that
 * differ (all params on demand).
 */
export function ComparePanel(props: {
  runs: IRun[];
  metricKeys: string[];
  version: number;
  onClear(): void;
}): JSX.Element {
  const { runs, metricKeys } = props;
  const [chosen, setChosen] = useState<string | null>(null);
  const [xAxis, setXAxis] = useState<XAxis>('step');
  const [allParams, setAllParams] = useState(false);
  const runKey = runs.map(run => run.run_id + run.run_name).join(',');
  // A metric the user picked stays; else one that every selected run has.
  const metricKey = useMemo(
    () => commonMetric(runs, metricKeys, chosen),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- keyed by content: every poll gives new arrays with the same runs and keys
    [runKey, metricKeys.join('\n'), chosen]
  );
  useEffect(() => {
    if (chosen !== null && !metricKeys.includes(chosen)) {
      setChosen(null);
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps -- keyed by content: every poll gives a new array with the same keys
  }, [metricKeys.join('\n')]);

  const series = useMemo(
    () => runs.map(run => ({ runId: run.run_id, label: runLabel(run) })),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- keyed by content: every poll gives new run objects for the same runs
    [runKey]
  );
  const rows = useMemo(() => compareRows(runs, allParams, formatValue), [runs, allParams]);
  const missing = runs.filter(run => run.metrics[metricKey] === undefined).map(runLabel);

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
            onChange={event => setChosen(event.currentTarget.value)}
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
            aria-label="X axis"
            value={xAxis}
            onChange={event => setXAxis(event.currentTarget.value as XAxis)}
          >
            <option value="step">step</option>
            <option value="time">time</option>
          </select>
        </label>
        <label>
          <input
            type="checkbox"
            checked={allParams}
            onChange={event => setAllParams(event.currentTarget.checked)}
          />{' '}
          show all params
        </label>
        <button className="jp-mod-styled" onClick={props.onClear}>
          Clear selection
        </button>
      </header>
      {metricKey.length > 0 ? (
        <>
          <MetricChart
            series={series}
            metricKey={metricKey}
            xAxis={xAxis}
            version={props.version}
          />
          {missing.length > 0 ? (
            <div className="jp-MLOps-muted">
              No {metricKey} in {missing.join(', ')}.
            </div>
          ) : null}
        </>
      ) : (
        <div className="jp-MLOps-muted">These runs have no metrics.</div>
      )}
      <table className="jp-MLOps-compareTable" data-testid="mlops-compare-table">
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
            <tr key={row.key} className={row.differs ? 'jp-mod-differs' : undefined}>
              <th>{row.key}</th>
              {row.values.map((value, index) => (
                <td key={runs[index].run_id}>{value}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {!allParams && !rows.some(row => row.key.startsWith('params.')) ? (
        <div className="jp-MLOps-muted">Every param is the same in these runs.</div>
      ) : null}
    </section>
  );
}
