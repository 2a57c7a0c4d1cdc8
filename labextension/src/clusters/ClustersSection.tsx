import { Dialog, showDialog } from '@jupyterlab/apputils';
import { PageConfig, URLExt } from '@jupyterlab/coreutils';
import React from 'react';

import { PolledView } from '../kit/PolledView';
import { APIError } from '../request';
import { changeCluster, listClusters, startCluster, stopCluster } from './api';
import { ClusterCard, IClusterActions } from './ClusterCard';
import { IAdaptState, IClusterInfo, IClusterList, IStartCluster } from './model';
import { StartForm } from './StartForm';

/** What the section needs from the Lab: a notebook to insert into, a place for dashboards. */
export interface IClusterHost {
  /** Insert `code` in a new cell of the active notebook; an error message if there is none. */
  insertCode(code: string): string | null;
  /** Show `url` (the whole dashboard through the server's proxy) in a Lab tab for cluster `id`. */
  openDashboard(id: string, title: string, url: string): void;
  /**
   * Select cluster `id` in dask-labextension's cluster list, point its dashboard launcher at
   * `url` (the dashboard through the server's proxy) and reveal its sidebar; an error message
   * when dask-labextension is not loaded.
   */
  openDaskPanes(id: string, url: string): Promise<string | null>;
  /** Close the dashboard tabs of clusters that are not among `running` ids; their names. */
  closeDashboards(running: Set<string>): string[];
}

/** Tasks executing on a cluster's workers now. */
export function runningTasks(cluster: IClusterInfo): number {
  return cluster.workers.reduce((total, worker) => total + worker.executing, 0);
}

async function confirm(title: string, body: string, label: string): Promise<boolean> {
  const result = await showDialog({
    title,
    body,
    buttons: [Dialog.cancelButton(), Dialog.warnButton({ label })]
  });
  return result.button.accept;
}

/**
 * The "Cluster" section: start form (collapsible), clusters, workers. It polls only while it
 * shows (a collapsed section or closed sidebar makes no requests) and closes the dashboard
 * tabs of clusters that stopped.
 */
export class ClustersSection extends PolledView<IClusterList> {
  private _starting = false;
  private _message: { text: string; error: boolean } | null = null;

  constructor(private readonly _host: IClusterHost) {
    super({ name: 'clusters', interval: 3000, max: 60000, refreshOn: ['cluster'] });
    this.id = 'jupyter-mlops-clusters';
    this.addClass('jp-MLOps-section');
    this.addClass('jp-MLOps-clusters');
    this.title.label = 'Cluster';
    this.title.caption = 'Dask clusters';
  }

  protected load(): Promise<IClusterList> {
    return listClusters();
  }

  protected get errorText(): string {
    return 'Cannot list the clusters';
  }

  protected renderLoading(): JSX.Element {
    return <div className="jp-MLOps-muted">Looking for clusters…</div>;
  }

  protected onLoaded(listing: IClusterList): void {
    const running = new Set(
      listing.clusters.filter(cluster => cluster.status === 'running').map(cluster => cluster.id)
    );
    const closed = this._host.closeDashboards(running);
    if (closed.length > 0) {
      this._message = {
        text: `Closed the dashboard of ${closed.join(', ')}: the cluster stopped.`,
        error: false
      };
    }
  }

  private _say(text: string, error = false): void {
    this._message = { text, error };
    this.update();
  }

  private async _act(describe: string, action: () => Promise<unknown>): Promise<void> {
    const before = this._message;
    try {
      await action();
      // Keep what a poll said meanwhile (a poll during a Stop closes the dashboard and says so).
      if (this._message === before) {
        this._message = null;
      }
    } catch (error) {
      this._say(`${describe} failed: ${APIError.from(error).detail}`, true);
    }
    await this.refresh();
  }

  private async _start(request: IStartCluster): Promise<void> {
    this._starting = true;
    this._say('Starting a cluster…');
    await this._act('Start', () => startCluster(request));
    this._starting = false;
    this.update();
  }

  private async _scale(cluster: IClusterInfo, workers: number): Promise<void> {
    if (workers === 0) {
      const tasks = runningTasks(cluster);
      const ok = await confirm(
        `Scale ${cluster.name} to 0 workers?`,
        `Every worker stops${tasks > 0 ? `, with ${tasks} tasks running` : ''}: work in ` +
          'memory on the cluster is lost and nothing runs until you scale up again.',
        'Scale to 0'
      );
      if (!ok) {
        return;
      }
    }
    await this._act('Scale', () => changeCluster(cluster.id, { workers }));
  }

  private async _stop(cluster: IClusterInfo): Promise<void> {
    const tasks = runningTasks(cluster);
    if (cluster.kind !== 'connected') {
      const ok = await confirm(
        `Stop ${cluster.name}?`,
        (tasks > 0
          ? `${tasks} task${tasks === 1 ? ' is' : 's are'} running on it; stopping the cluster ` +
            'cancels them and loses the data held in its memory.'
          : 'Its workers stop and the data held in its memory is lost.') +
          ' Notebooks connected to it lose their client.',
        'Stop'
      );
      if (!ok) {
        return;
      }
    }
    await this._act(cluster.kind === 'connected' ? 'Forget' : 'Stop', () =>
      stopCluster(cluster.id)
    );
  }

  private async _openDaskPanes(cluster: IClusterInfo): Promise<void> {
    const href = this._dashboardHref(cluster);
    if (!href) {
      return;
    }
    // dask-labextension reads `individual-plots.json` under this URL and opens each plot's page
    // under it: the server's proxy, keyed for this cluster (`dashboard_path` without `status`).
    const problem = await this._host.openDaskPanes(cluster.id, href.replace(/status$/, ''));
    this._say(
      problem ?? `Dask panes now show ${cluster.name}: open any plot from the Dask sidebar.`,
      !!problem
    );
  }

  private _dashboardHref(cluster: IClusterInfo): string | null {
    if (cluster.dashboard_path) {
      return URLExt.join(PageConfig.getBaseUrl(), cluster.dashboard_path);
    }
    return cluster.dashboard_url;
  }

  private readonly _actions: IClusterActions = {
    scale: (cluster: IClusterInfo, workers: number) => void this._scale(cluster, workers),
    adapt: (cluster: IClusterInfo, bounds: IAdaptState) =>
      void this._act('Adapt', () => changeCluster(cluster.id, { adapt: bounds })),
    stop: (cluster: IClusterInfo) => void this._stop(cluster),
    makeCurrent: (cluster: IClusterInfo) =>
      void this._act('Make current', () => changeCluster(cluster.id, { current: true })),
    insertCode: (cluster: IClusterInfo) => {
      const problem = this._host.insertCode(cluster.connect_code);
      this._say(problem ?? `Inserted the code that connects to ${cluster.name}.`, !!problem);
    },
    openDashboard: (cluster: IClusterInfo) => {
      const href = this._dashboardHref(cluster);
      if (href) {
        this._host.openDashboard(cluster.id, `Dask: ${cluster.name}`, href);
      }
    },
    openDaskPanes: (cluster: IClusterInfo) => void this._openDaskPanes(cluster),
    dashboardHref: (cluster: IClusterInfo) => this._dashboardHref(cluster),
    say: (text: string) => this._say(text, true)
  };

  protected renderData(listing: IClusterList): JSX.Element {
    return (
      <div>
        <h2 className="jp-MLOps-clusterPanelTitle">Dask clusters</h2>
        <StartForm
          listing={listing}
          starting={this._starting}
          open={listing.clusters.length === 0}
          onStart={request => void this._start(request)}
        />
        {this._message && (
          <div
            className={this._message.error ? 'jp-MLOps-error' : 'jp-MLOps-muted'}
            data-testid="mlops-cluster-message"
          >
            {this._message.text}
          </div>
        )}
        {listing.clusters.length === 0 ? (
          <div className="jp-MLOps-muted">
            No cluster yet. Start one here or with <code>%mlops cluster start</code> in a notebook.
          </div>
        ) : (
          listing.clusters.map(cluster => (
            <ClusterCard
              key={cluster.id}
              cluster={cluster}
              actions={this._actions}
              maxWorkers={listing.limits.max_workers}
            />
          ))
        )}
      </div>
    );
  }
}
