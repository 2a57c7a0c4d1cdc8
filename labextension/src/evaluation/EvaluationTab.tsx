import React, { useEffect, useState } from 'react';

import { ErrorNote, formatDate, useRequest } from '../kit';
import { APIError } from '../request';
import { getGateRun, IGateRun, listGateRuns, startGateCheck } from './api';
import {
  figure,
  ICompareRow,
  IEvaluationSummary,
  metricRows,
  signed,
  sliceMetric,
  sliceRows
} from './compare';
import { GateResults } from './GateResults';

/** How often the tab reads a running check's progress (ms). */
const PROGRESS_MS = 1000;

/** What the tab needs of the model page. */
export interface IEvaluationTabProps {
  modelName: string;
  /** The model's version numbers, newest first. */
  versions: number[];
  /** The endpoint the gates compare with (its served version), if the model is deployed. */
  endpoint: { name: string; serving_version: number | null } | null;
  /** Changes when the page re-read the model (another user's gate run shows). */
  refresh: unknown;
}

function finished(run: IGateRun): boolean {
  return run.end_time !== null;
}

/**
 * The version page's Evaluation tab: a version's latest evaluation beside the served version's
 * on the same holdout (metric by metric, slice by slice, fairness per group), its gate
 * results, and Run the gates, which checks it now as a jobs-runner task with progress.
 */
export function EvaluationTab(props: IEvaluationTabProps): JSX.Element {
  const { modelName, versions, endpoint } = props;
  const served = endpoint?.serving_version ?? null;
  const [chosen, setChosen] = useState<number | null>(null);
  const version = chosen ?? versions.find(v => v !== served) ?? versions[0] ?? null;
  const [inFlight, setInFlight] = useState<string | null>(null);
  const [startError, setStartError] = useState<APIError | null>(null);
  const [tick, setTick] = useState(0);
  const [decided, setDecided] = useState(0);

  const runs = useRequest(
    () => listGateRuns(modelName),
    [modelName],
    `${String(props.refresh)}/${decided}`
  );
  const current = useRequest(
    inFlight === null ? null : () => getGateRun(inFlight),
    [inFlight],
    tick
  );

  // While a check runs, read its progress every second; once decided, read the list again.
  useEffect(() => {
    if (inFlight === null) {
      return;
    }
    if (current.data !== null && finished(current.data)) {
      setInFlight(null);
      setDecided(d => d + 1);
      return;
    }
    const timer = window.setTimeout(() => setTick(t => t + 1), PROGRESS_MS);
    return () => window.clearTimeout(timer);
  }, [inFlight, current.data, tick]);

  const start = (): void => {
    if (endpoint === null || version === null) {
      return;
    }
    setStartError(null);
    startGateCheck(endpoint.name, version).then(
      run => setInFlight(run.gate_run_id),
      error => setStartError(APIError.from(error))
    );
  };

  const ofVersion = (runs.data ?? []).filter(r => r.version === version);
  const latest = ofVersion.find(r => Object.keys(r.evaluations).length > 0) ?? ofVersion[0];
  return (
    <div className="jp-MLOps-evaluationTab" data-testid="mlops-evaluation-tab">
      <div className="jp-MLOps-evaluationHead">
        <label>
          Version{' '}
          <select
            data-testid="mlops-evaluation-version"
            value={version ?? ''}
            onChange={event => setChosen(Number(event.target.value))}
          >
            {versions.map(v => (
              <option key={v} value={v}>
                v{v}
                {v === served ? ' (served)' : ''}
              </option>
            ))}
          </select>
        </label>
        <button
          className="jp-Button jp-mod-styled jp-mod-small jp-mod-accept"
          data-testid="mlops-evaluation-run"
          disabled={endpoint === null || version === null || inFlight !== null}
          title={
            endpoint === null
              ? 'Deploy the model first: the gates compare a version with the one an endpoint serves'
              : `Evaluate v${version} and the served v${served ?? '—'} on the holdout and run every gate (nothing is promoted)`
          }
          onClick={start}
        >
          Run the gates
        </button>
        {endpoint === null ? (
          <span className="jp-MLOps-muted">
            Not deployed: the gates compare a version with the one an endpoint serves.
          </span>
        ) : null}
      </div>
      {startError ? (
        <ErrorNote what="Cannot run the gates" error={startError} testId="mlops-evaluation-error" />
      ) : null}
      {inFlight !== null ? <Progress run={current.data} version={version} /> : null}
      {runs.error ? <ErrorNote what="Cannot read the gate runs" error={runs.error} /> : null}
      {runs.data === null ? (
        <div className="jp-MLOps-muted">Loading…</div>
      ) : latest === undefined ? (
        <p className="jp-MLOps-muted" data-testid="mlops-evaluation-none">
          v{version} was not evaluated by the gates yet. <b>Run the gates</b> evaluates it and the
          served version on the holdout the model's gates name (<code>mlops.set_gates</code>).
        </p>
      ) : (
        <GateRunReport run={latest} />
      )}
      {ofVersion.length > 1 ? <Earlier runs={ofVersion.filter(r => r !== latest)} /> : null}
    </div>
  );
}

function Progress(props: { run: IGateRun | null; version: number | null }): JSX.Element {
  const progress = props.run?.progress ?? null;
  return (
    <div className="jp-MLOps-muted" data-testid="mlops-evaluation-progress">
      Running the gates of v{props.version} ({props.run?.status ?? 'queued'})…{' '}
      <progress max={1} value={progress ?? undefined} />{' '}
      {progress !== null ? `${Math.round(progress * 100)}%` : ''}
    </div>
  );
}

/** One gate run: who, when, verdict; gates; then the two evaluations side by side. */
function GateRunReport(props: { run: IGateRun }): JSX.Element {
  const { run } = props;
  const { candidate, served } = run.evaluations;
  const wanted = run.spec.slice_metric;
  return (
    <section
      data-testid="mlops-evaluation-latest"
      data-status={run.status}
      data-gate-run={run.gate_run_id}
    >
      <h3>
        Gate run of {formatDate(run.created_time)}
        {run.requested_by ? ` by ${run.requested_by}` : ''}: {run.status}
      </h3>
      {run.message ? <p>{run.message}</p> : null}
      {run.results.length ? <GateResults run={run} /> : null}
      {candidate ? (
        <>
          <h3>
            Metrics on the holdout ({candidate.n_rows} rows): v{run.version}
            {served ? ` against served v${run.served_version}` : ' (nothing served to compare)'}
          </h3>
          <CompareTable
            rows={metricRows(candidate, served)}
            first="Metric"
            version={run.version}
            served={served ? run.served_version : null}
            testId="mlops-evaluation-metrics"
          />
          <Slices candidate={candidate} served={served} run={run} metric={wanted} />
          <Fairness candidate={candidate} served={served ?? null} run={run} />
          {candidate.notes.length ? (
            <p className="jp-MLOps-muted">{candidate.notes.join('; ')}</p>
          ) : null}
        </>
      ) : null}
    </section>
  );
}

function CompareTable(props: {
  rows: ICompareRow[];
  first: string;
  version: number;
  served: number | null;
  testId: string;
  slices?: boolean;
}): JSX.Element {
  return (
    <table className="jp-MLOps-table jp-MLOps-evaluationTable" data-testid={props.testId}>
      <thead>
        <tr>
          <th>{props.first}</th>
          {props.slices ? <th>Rows</th> : null}
          <th>v{props.version}</th>
          {props.served !== null ? (
            <>
              <th>v{props.served} (served)</th>
              <th>Change</th>
            </>
          ) : null}
        </tr>
      </thead>
      <tbody>
        {props.rows.map(row => (
          <tr key={row.label} data-row={row.label} data-verdict={row.verdict ?? ''}>
            <td>{row.label}</td>
            {props.slices ? <td>{row.n ?? '—'}</td> : null}
            <td>{figure(row.candidate)}</td>
            {props.served !== null ? (
              <>
                <td>{figure(row.served)}</td>
                <td className={row.verdict === 'worse' ? 'jp-MLOps-error' : ''}>
                  {signed(row.delta)}
                  {row.verdict === 'better' || row.verdict === 'worse' ? ` ${row.verdict}` : ''}
                </td>
              </>
            ) : null}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Slices(props: {
  candidate: IEvaluationSummary;
  served: IEvaluationSummary | null | undefined;
  run: IGateRun;
  metric: string | null;
}): JSX.Element | null {
  if (Object.keys(props.candidate.slices).length === 0) {
    return null;
  }
  const metric = sliceMetric(props.candidate, props.metric);
  return (
    <>
      <h3>Slices ({metric}), worst change first</h3>
      <CompareTable
        rows={sliceRows(props.candidate, props.served, metric)}
        first="Slice"
        version={props.run.version}
        served={props.served ? props.run.served_version : null}
        testId="mlops-evaluation-slices"
        slices
      />
    </>
  );
}

function Fairness(props: {
  candidate: IEvaluationSummary;
  served: IEvaluationSummary | null;
  run: IGateRun;
}): JSX.Element | null {
  const features = Object.entries(props.candidate.fairness);
  if (features.length === 0) {
    return null;
  }
  return (
    <>
      <h3>Fairness: the gap between groups (difference max - min; ratio min / max)</h3>
      {features.map(([feature, measures]) => (
        <table
          key={feature}
          className="jp-MLOps-table jp-MLOps-evaluationTable"
          data-testid="mlops-evaluation-fairness"
          data-feature={feature}
        >
          <thead>
            <tr>
              <th>{feature}</th>
              <th>Difference v{props.run.version}</th>
              <th>Ratio v{props.run.version}</th>
              {props.served ? <th>Difference v{props.run.served_version} (served)</th> : null}
            </tr>
          </thead>
          <tbody>
            {Object.entries(measures.difference).map(([measure, gap]) => (
              <tr key={measure} data-row={measure}>
                <td>{measure}</td>
                <td>{figure(gap)}</td>
                <td>{figure(measures.ratio[measure])}</td>
                {props.served ? (
                  <td>{figure(props.served.fairness[feature]?.difference[measure])}</td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      ))}
    </>
  );
}

function Earlier(props: { runs: IGateRun[] }): JSX.Element {
  return (
    <details data-testid="mlops-evaluation-earlier">
      <summary>Earlier gate runs of this version ({props.runs.length})</summary>
      <ul>
        {props.runs.map(run => (
          <li key={run.gate_run_id}>
            {formatDate(run.created_time)} ({run.mode}): {run.status}
            {run.failed.length ? `, failed ${run.failed.join(', ')}` : ''}
          </li>
        ))}
      </ul>
    </details>
  );
}
