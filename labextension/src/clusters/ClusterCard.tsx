import React, { useState } from 'react';

import { formatBytes } from '../kit/format';
import { plural } from './format';
import { parseWorkers } from './inputs';
import { IAdaptState, IClusterInfo } from './model';
import { WorkersTable } from './WorkersTable';

/** What a cluster card can ask the section to do. */
export interface IClusterActions {
  scale(cluster: IClusterInfo, workers: number): void;
  adapt(cluster: IClusterInfo, bounds: IAdaptState): void;
  stop(cluster: IClusterInfo): void;
  makeCurrent(cluster: IClusterInfo): void;
  insertCode(cluster: IClusterInfo): void;
  openDashboard(cluster: IClusterInfo): void;
  /** Point dask-labextension's pane launcher at this cluster and show its sidebar. */
  openDaskPanes(cluster: IClusterInfo): void;
  dashboardHref(cluster: IClusterInfo): string | null;
  /** Show a problem with what was typed. */
  say(text: string): void;
}

function Summary(props: { cluster: IClusterInfo }): JSX.Element {
  const { cluster } = props;
  const target =
    cluster.requested_workers !== null && cluster.requested_workers !== cluster.workers.length
      ? ` (scaling to ${cluster.requested_workers})`
      : '';
  const adaptive = cluster.adapt
    ? ` · adaptive ${cluster.adapt.minimum}–${cluster.adapt.maximum}`
    : '';
  return (
    <div className="jp-MLOps-clusterSummary">
      {plural(cluster.workers.length, 'worker')}
      {target} · {plural(cluster.threads, 'core')} · {formatBytes(cluster.memory_used)} /{' '}
      {formatBytes(cluster.memory_limit)}
      {cluster.gpus > 0 ? ` · ${plural(cluster.gpus, 'GPU')}` : ''}
      {adaptive}
    </div>
  );
}

function ScaleControls(props: {
  cluster: IClusterInfo;
  actions: IClusterActions;
  maxWorkers?: number;
}): JSX.Element {
  const { cluster, actions } = props;
  const [workers, setWorkers] = useState(
    String(cluster.requested_workers ?? cluster.workers.length)
  );
  const [minimum, setMinimum] = useState(String(cluster.adapt?.minimum ?? 0));
  const [maximum, setMaximum] = useState(String(cluster.adapt?.maximum ?? 4));
  return (
    <div className="jp-MLOps-clusterScale">
      <label>
        Scale to
        <input
          name="scale-workers"
          type="number"
          min={0}
          value={workers}
          onChange={event => setWorkers(event.target.value)}
        />
      </label>
      <button
        className="jp-Button jp-mod-styled jp-mod-small"
        disabled={workers.trim() === ''}
        title={workers.trim() === '' ? 'give a number of workers' : undefined}
        onClick={() => {
          const count = parseWorkers(workers, props.maxWorkers);
          if (typeof count === 'string') {
            actions.say(count);
          } else {
            actions.scale(cluster, count);
          }
        }}
      >
        Scale
      </button>
      <label>
        Adapt
        <input
          name="adapt-minimum"
          type="number"
          min={0}
          value={minimum}
          title="minimum workers"
          onChange={event => setMinimum(event.target.value)}
        />
        –
        <input
          name="adapt-maximum"
          type="number"
          min={1}
          value={maximum}
          title="maximum workers"
          onChange={event => setMaximum(event.target.value)}
        />
      </label>
      <button
        className="jp-Button jp-mod-styled jp-mod-small"
        onClick={() =>
          actions.adapt(cluster, { minimum: Number(minimum), maximum: Number(maximum) })
        }
      >
        Adapt
      </button>
    </div>
  );
}

/** One cluster: status, sizes, actions (dashboard, insert code, scale, stop) and workers. */
export function ClusterCard(props: {
  cluster: IClusterInfo;
  actions: IClusterActions;
  maxWorkers?: number;
}): JSX.Element {
  const { cluster, actions } = props;
  const href = actions.dashboardHref(cluster);
  const running = cluster.status === 'running';
  const scalable = running && cluster.kind !== 'connected';
  return (
    <div
      className={`jp-MLOps-cluster jp-mod-${cluster.status}`}
      data-testid="mlops-cluster"
      data-cluster-id={cluster.id}
    >
      <div className="jp-MLOps-clusterHeader">
        <span className="jp-MLOps-clusterName" title={cluster.cluster_class}>
          {cluster.current ? '★ ' : ''}
          {cluster.name}
        </span>
        <span className={`jp-MLOps-clusterStatus jp-mod-${cluster.status}`}>{cluster.status}</span>
      </div>
      <div className="jp-MLOps-muted jp-MLOps-clusterAddress">
        <code>{cluster.scheduler_address ?? ''}</code> · {cluster.id}
      </div>
      {cluster.error && <div className="jp-MLOps-error">{cluster.error}</div>}
      {running && <Summary cluster={cluster} />}
      <div className="jp-MLOps-clusterActions">
        {href && running && (
          <a className="jp-MLOps-link" href={href} target="_blank" rel="noopener noreferrer">
            Dashboard
          </a>
        )}
        {href && running && (
          <button
            className="jp-Button jp-mod-styled jp-mod-small"
            onClick={() => actions.openDashboard(cluster)}
          >
            Dashboard in Lab
          </button>
        )}
        {href && running && cluster.dashboard_path && (
          <button
            className="jp-Button jp-mod-styled jp-mod-small"
            data-testid="mlops-dask-panes"
            title="Task stream, progress, worker memory, graph… as dockable Lab panels (dask-labextension), for this cluster"
            onClick={() => actions.openDaskPanes(cluster)}
          >
            Dask panes
          </button>
        )}
        {running && (
          <button
            className="jp-Button jp-mod-styled jp-mod-small"
            onClick={() => actions.insertCode(cluster)}
          >
            Insert connect code
          </button>
        )}
        {running && !cluster.current && (
          <button
            className="jp-Button jp-mod-styled jp-mod-small"
            onClick={() => actions.makeCurrent(cluster)}
          >
            Make current
          </button>
        )}
        <button
          className="jp-Button jp-mod-styled jp-mod-small jp-mod-warn"
          onClick={() => actions.stop(cluster)}
        >
          {cluster.kind === 'connected' ? 'Forget' : 'Stop'}
        </button>
      </div>
      {scalable && (
        <ScaleControls cluster={cluster} actions={actions} maxWorkers={props.maxWorkers} />
      )}
      {running && <WorkersTable workers={cluster.workers} />}
    </div>
  );
}
