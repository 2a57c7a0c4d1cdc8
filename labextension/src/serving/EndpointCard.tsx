import React from 'react';

import { IConfirmOptions, plural } from '../kit';
import { Byline } from '../team/Byline';
import { endpointAction, deleteEndpoint } from './api';
import { curlSnippet, fixed } from './endpointText';
import { IEndpoint, IEndpointStats, IModelVersion } from './model';

/** What an endpoint's card asks of the model page: whether an action runs, and the actions. */
export interface IEndpointActions {
  /** An action is under way: the buttons wait for it. */
  busy: boolean;
  /** Run `work`, showing `label` meanwhile and its error after. */
  act(label: string, work: () => Promise<unknown>): void;
  /** Ask `question` first, then act. */
  confirmThen(
    label: string,
    question: IConfirmOptions,
    work: () => Promise<unknown>
  ): Promise<void>;
  /** Read (or rotate) the endpoint's token for the snippet. */
  showToken(name: string, rotate: boolean): void;
}

/** "How to call": the curl snippet, and the token's buttons when the endpoint has one. */
function EndpointCall(props: {
  endpoint: IEndpoint;
  version: IModelVersion | undefined;
  /** The token read for the snippet; undefined or null: not read. */
  token: string | null | undefined;
  actions: IEndpointActions;
}): JSX.Element {
  const { endpoint, version, token, actions } = props;
  const shown = token !== undefined && token !== null;
  return (
    <details className="jp-MLOps-endpointCall" data-testid="mlops-endpoint-call">
      <summary>How to call</summary>
      <pre data-testid="mlops-endpoint-snippet">
        {curlSnippet(endpoint, version, shown ? token : '<token>')}
      </pre>
      {endpoint.auth ? (
        <div className="jp-MLOps-endpointActions">
          <span className="jp-MLOps-muted">
            Python: <code>mlops.get_endpoint("{endpoint.name}").token</code>
          </span>
          <button
            className="jp-Button jp-mod-styled jp-mod-small"
            data-testid="mlops-endpoint-show-token"
            disabled={actions.busy}
            onClick={() => actions.showToken(endpoint.name, false)}
          >
            Show token
          </button>
          <button
            className="jp-Button jp-mod-styled jp-mod-small"
            data-testid="mlops-endpoint-rotate-token"
            disabled={actions.busy}
            title="Give the endpoint a new token; the current one stops working"
            onClick={() => {
              if (
                window.confirm(`Rotate the token of ${endpoint.name}? Callers need the new one.`)
              ) {
                actions.showToken(endpoint.name, true);
              }
            }}
          >
            Rotate token
          </button>
        </div>
      ) : (
        <div className="jp-MLOps-muted">No token: deployed without auth.</div>
      )}
    </details>
  );
}

/** An endpoint: its state, URL, live figures and actions (Rollback, Stop or Start, Delete). */
export function EndpointCard(props: {
  endpoint: IEndpoint;
  stats: IEndpointStats | undefined;
  version: IModelVersion | undefined;
  /** Requests per second since the previous poll, or null. */
  rate: number | null;
  token: string | null | undefined;
  actions: IEndpointActions;
}): JSX.Element {
  const { endpoint, stats, version, rate, actions } = props;
  const running = endpoint.state === 'running';
  return (
    <div
      className="jp-MLOps-endpointCard"
      data-testid="mlops-endpoint"
      data-state={endpoint.state}
      data-version={endpoint.serving_version ?? ''}
    >
      <div className="jp-MLOps-endpointHead">
        <span className={`jp-MLOps-endpointState jp-MLOps-state-${endpoint.state}`}>
          {endpoint.state}
        </span>
        <b>{endpoint.name}</b>
        <span>
          {endpoint.target} → v{endpoint.serving_version ?? '—'}
        </span>
        <a
          href={`${endpoint.url}/health`}
          target="_blank"
          rel="noreferrer"
          data-testid="mlops-endpoint-url"
        >
          {endpoint.url}
        </a>
        <span
          className={endpoint.restarts > 0 ? 'jp-MLOps-error' : 'jp-MLOps-muted'}
          data-testid="mlops-endpoint-restarts"
          title="Times the process was restarted after it died"
        >
          {endpoint.restarts} restart{endpoint.restarts === 1 ? '' : 's'}
        </span>
        <Byline createdBy={endpoint.created_by} updatedBy={endpoint.updated_by} />
      </div>
      {endpoint.message ? <div className="jp-MLOps-muted">{endpoint.message}</div> : null}
      <EndpointCall endpoint={endpoint} version={version} token={props.token} actions={actions} />
      {running && stats?.reachable ? (
        <div className="jp-MLOps-endpointStats" data-testid="mlops-endpoint-stats">
          <span>{stats.requests} requests</span>
          <span>{rate === null ? '—' : rate.toFixed(1)} req/s</span>
          <span>p50 {fixed(stats.latency_p50_ms)} ms</span>
          <span>p99 {fixed(stats.latency_p99_ms)} ms</span>
          <span className={stats.errors > 0 ? 'jp-MLOps-error' : ''}>
            {plural(stats.errors, 'error')}
          </span>
        </div>
      ) : null}
      <div className="jp-MLOps-endpointActions">
        <button
          className="jp-Button jp-mod-styled jp-mod-small"
          data-testid="mlops-rollback"
          disabled={actions.busy || !running}
          onClick={() =>
            void actions.confirmThen(
              'Rolling back…',
              {
                title: `Roll back ${endpoint.name}?`,
                body:
                  `${endpoint.name} serves the version it served before ` +
                  `v${endpoint.serving_version}, with the same no-downtime switch as a promotion.`,
                label: 'Roll back'
              },
              () => endpointAction(endpoint.name, 'rollback')
            )
          }
        >
          Rollback
        </button>
        {running ? (
          <button
            className="jp-Button jp-mod-styled jp-mod-small"
            disabled={actions.busy}
            onClick={() =>
              void actions.confirmThen(
                'Stopping…',
                {
                  title: `Stop ${endpoint.name}?`,
                  body: `Requests to ${endpoint.url} fail until you start it again.`,
                  label: 'Stop',
                  warn: true
                },
                () => endpointAction(endpoint.name, 'stop')
              )
            }
          >
            Stop
          </button>
        ) : (
          <button
            className="jp-Button jp-mod-styled jp-mod-small"
            disabled={actions.busy}
            onClick={() => actions.act('Starting…', () => endpointAction(endpoint.name, 'start'))}
          >
            Start
          </button>
        )}
        <button
          className="jp-Button jp-mod-styled jp-mod-small jp-mod-warn"
          disabled={actions.busy}
          onClick={() =>
            void actions.confirmThen(
              'Deleting…',
              {
                title: `Delete endpoint ${endpoint.name}?`,
                body:
                  'Its process stops and its URL stops answering. The model and its versions ' +
                  'stay in the registry; monitors of this endpoint stop receiving traffic.',
                label: 'Delete',
                warn: true
              },
              () => deleteEndpoint(endpoint.name)
            )
          }
        >
          Delete
        </button>
      </div>
    </div>
  );
}
