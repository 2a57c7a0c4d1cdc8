import React from 'react';

import { ErrorNote, formatDate, useRequest } from '../kit';
import { APIError } from '../request';
import { compareVersions, profileDrift } from './api';
import { IModelVersion, ITrainingDrift, MetricValue } from './model';

/** What the comparison shows and what its action button does. */
export interface IVersionCompareProps {
  modelName: string;
  /** The candidate (e.g. a retrained version). */
  version: number;
  /** The version served now (by the endpoint, else the Deploy alias). */
  current: number;
  /** Where `current` is served, e.g. "endpoint churn" or "@champion". */
  currentLabel: string;
  actionLabel: string;
  actionTitle: string;
  busy: boolean;
  onAction(): void;
  onClose(): void;
  openRun(runId: string): void;
  openNotebook(path: string): void;
}

function formatMetric(value: MetricValue): string {
  if (value === null) {
    return '—';
  }
  if (typeof value === 'string') {
    return value;
  }
  return Number.isInteger(value) ? String(value) : value.toPrecision(4);
}

function delta(value: MetricValue, to: MetricValue): string {
  if (typeof value !== 'number' || typeof to !== 'number') {
    return '';
  }
  const difference = value - to;
  if (difference === 0) {
    return '=';
  }
  const text = Number.isInteger(difference) ? String(difference) : difference.toPrecision(3);
  return difference > 0 ? `+${text}` : text;
}

function statisticText(value: number | string | null): string {
  return typeof value === 'number' ? value.toPrecision(3) : (value ?? '—');
}

/**
 * A candidate version beside the one served now: lineage, run metrics, the drift of its
 * training data against the served version's (the monitoring baseline), and Promote.
 */
export function VersionCompare(props: IVersionCompareProps): JSX.Element {
  const { modelName, version, current } = props;
  const comparison = useRequest(
    () => compareVersions(modelName, version, current),
    [modelName, version, current]
  );
  const candidate = comparison.data?.version ?? null;
  const served = comparison.data?.to ?? null;
  const reference = served?.training_profile ?? null;
  const profile = candidate?.training_profile ?? null;
  const drift = useRequest<ITrainingDrift>(
    reference !== null && profile !== null ? () => profileDrift(reference, profile) : null,
    [reference, profile]
  );

  return (
    <div
      className="jp-MLOps-versionCompare"
      data-testid="mlops-version-compare"
      data-version={version}
      data-to={current}
    >
      <div className="jp-MLOps-compareHead">
        <b>
          v{version} compared with v{current}
        </b>
        <span className="jp-MLOps-muted">
          (v{current} is served by {props.currentLabel})
        </span>
        <span className="jp-MLOps-compareActions">
          <button
            className="jp-Button jp-mod-styled jp-mod-small jp-mod-accept"
            data-testid="mlops-compare-promote"
            disabled={props.busy}
            title={props.actionTitle}
            onClick={props.onAction}
          >
            {props.actionLabel}
          </button>
          <button className="jp-Button jp-mod-styled jp-mod-small" onClick={props.onClose}>
            Close
          </button>
        </span>
      </div>
      {comparison.error ? (
        <ErrorNote what={`Cannot compare v${version} with v${current}`} error={comparison.error} />
      ) : candidate === null || served === null || comparison.data === null ? (
        <div className="jp-MLOps-muted">Loading…</div>
      ) : (
        <>
          <table className="jp-MLOps-compareTable" data-testid="mlops-compare-lineage">
            <thead>
              <tr>
                <th></th>
                <th>v{candidate.version} (candidate)</th>
                <th>v{served.version} (served)</th>
              </tr>
            </thead>
            <tbody>{lineageRows(candidate, served, props)}</tbody>
          </table>
          <h4>Run metrics</h4>
          {comparison.data.metrics.length === 0 ? (
            <div className="jp-MLOps-muted">Neither version's run logged metrics.</div>
          ) : (
            <table className="jp-MLOps-compareTable" data-testid="mlops-compare-metrics">
              <thead>
                <tr>
                  <th>Metric</th>
                  <th>v{candidate.version}</th>
                  <th>v{served.version}</th>
                  <th>Δ</th>
                </tr>
              </thead>
              <tbody>
                {comparison.data.metrics.map(metric => (
                  <tr key={metric.key} data-testid="mlops-compare-metric" data-key={metric.key}>
                    <td>{metric.key}</td>
                    <td>{formatMetric(metric.value)}</td>
                    <td>{formatMetric(metric.to_value)}</td>
                    <td>{delta(metric.value, metric.to_value)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <h4>
            Training data drift (v{candidate.version} against v{served.version})
          </h4>
          {renderDrift(reference, profile, drift.data, drift.error, drift.loading)}
        </>
      )}
    </div>
  );
}

function lineageRows(
  candidate: IModelVersion,
  served: IModelVersion,
  props: IVersionCompareProps
): JSX.Element[] {
  const run = (v: IModelVersion) =>
    v.run_id ? (
      <button className="jp-MLOps-link" onClick={() => props.openRun(v.run_id as string)}>
        {v.run_id.slice(0, 8)}
      </button>
    ) : (
      <span className="jp-MLOps-muted">{v.source}</span>
    );
  const notebook = (v: IModelVersion) =>
    v.notebook_path ? (
      <button
        className="jp-MLOps-link"
        onClick={() => props.openNotebook(v.notebook_path as string)}
      >
        {v.notebook_path}
      </button>
    ) : (
      '—'
    );
  const rows: [string, (v: IModelVersion) => React.ReactNode][] = [
    ['Run', run],
    ['Notebook', notebook],
    ['Created', v => formatDate(v.creation_time)],
    ['Description', v => v.description ?? '—'],
    ['Estimator', v => v.estimator_class.split('.').pop()]
  ];
  return rows.map(([label, cell]) => (
    <tr key={label}>
      <th>{label}</th>
      <td>{cell(candidate)}</td>
      <td>{cell(served)}</td>
    </tr>
  ));
}

function renderDrift(
  reference: string | null,
  profile: string | null,
  report: ITrainingDrift | null,
  error: APIError | null,
  loading: boolean
): JSX.Element {
  if (reference === null || profile === null) {
    return (
      <div className="jp-MLOps-muted" data-testid="mlops-compare-drift">
        No drift: {reference === null ? 'the served' : 'this'} version has no training-data profile
        (register it with X, or log_model(..., X=...)).
      </div>
    );
  }
  if (error) {
    return <ErrorNote what="Cannot compute the training data drift" error={error} />;
  }
  if (report === null) {
    return <div className="jp-MLOps-muted">{loading ? 'Computing drift…' : ''}</div>;
  }
  const drifted = report.columns.filter(c => c.drifted);
  return (
    <div
      data-testid="mlops-compare-drift"
      data-share={report.share_drifted}
      data-drifted={drifted.map(c => c.column).join(',')}
    >
      <p className={report.dataset_drifted ? 'jp-MLOps-drift' : ''}>
        {drifted.length} of {report.columns.length} columns drifted (
        {(report.share_drifted * 100).toFixed(0)}%)
        {report.dataset_drifted ? ': the training data moved' : ''}.
      </p>
      {drifted.length > 0 ? (
        <ul className="jp-MLOps-compareDrift">
          {drifted.map(column => (
            <li key={column.column} title={column.reason} data-column={column.column}>
              <b>{column.column}</b> · {column.test} {statisticText(column.statistic)}
              {column.p_value !== null
                ? `, p ${statisticText(column.p_value)}`
                : ''} (threshold {column.threshold})
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
