import { PageConfig, URLExt } from '@jupyterlab/coreutils';
import { ReactWidget } from '@jupyterlab/ui-components';
import { Poll } from '@lumino/polling';
import React from 'react';

import { panelPoll } from '../poll';
import { APIError } from '../request';
import { changeCluster, listClusters, startCluster, stopCluster } from './api';
import { ClusterCard, IClusterActions } from './ClusterCard';
import { IAdaptState, IClusterInfo, IClusterList, IStartCluster } from './model';
import { StartForm } from './StartForm';

/** What the section needs from the Lab: a notebook to insert into, a place for dashboards. */
export interface IClusterHost {
  /** Insert `code` in a new cell of the active notebook; an error message if there is none. */
  insertCode(code: string): string | null;
  /** Show `url` (the dashboard through the server's proxy) in a Lab tab. */
  openDashboard(title: string, url: string): void;
}

type Loaded = { listing: IClusterList } | { error: APIError } | null;

function asAPIError(error: unknown): APIError {
  return error instanceof APIError ? error : new APIError(0, 'unknown', String(error));
}

/** The sidebar's "Cluster" section: start form, clusters, workers; polls with backoff. */
export class ClustersSection extends ReactWidget {
  private _loaded: Loaded = null;
  private _starting = false;
  private _message: { text: string; error: boolean } | null = null;
  private readonly _poll: Poll;

  constructor(private readonly _host: IClusterHost) {
    super();
    this.id = 'jupyter-mlops-clusters';
    this.addClass('jp-MLOps-section');
    this.addClass('jp-MLOps-clusters');
    this.title.label = 'Cluster';
    this._poll = panelPoll('clusters', () => this.refresh(), 3000, 60000);
  }

  /** Fetch the clusters now. */
  async refresh(): Promise<void> {
    try {
      this._loaded = { listing: await listClusters() };
    } catch (error) {
      this._loaded = { error: asAPIError(error) };
    }
    this.update();
    if (this._loaded && 'error' in this._loaded && !this._loaded.error.extensionMissing) {
      throw this._loaded.error; // let the poll back off
    }
  }

  dispose(): void {
    this._poll.dispose();
    super.dispose();
  }

  private _say(text: string, error = false): void {
    this._message = { text, error };
    this.update();
  }

  private async _act(describe: string, action: () => Promise<unknown>): Promise<void> {
    try {
      await action();
      this._message = null;
    } catch (error) {
      const apiError = asAPIError(error);
      const field = apiError.field ? ` (${apiError.field})` : '';
      this._say(`${describe} failed${field}: ${apiError.message}`, true);
    }
    await this.refresh().catch(() => undefined);
  }

  private async _start(request: IStartCluster): Promise<void> {
    this._starting = true;
    this._say('Starting a cluster…');
    await this._act('Start', () => startCluster(request));
    this._starting = false;
    this.update();
  }

  private _dashboardHref(cluster: IClusterInfo): string | null {
    if (cluster.dashboard_path) {
      return URLExt.join(PageConfig.getBaseUrl(), cluster.dashboard_path);
    }
    return cluster.dashboard_url;
  }

  private readonly _actions: IClusterActions = {
    scale: (cluster: IClusterInfo, workers: number) =>
      void this._act('Scale', () => changeCluster(cluster.id, { workers })),
    adapt: (cluster: IClusterInfo, bounds: IAdaptState) =>
      void this._act('Adapt', () => changeCluster(cluster.id, { adapt: bounds })),
    stop: (cluster: IClusterInfo) => void this._act('Stop', () => stopCluster(cluster.id)),
    makeCurrent: (cluster: IClusterInfo) =>
      void this._act('Make current', () => changeCluster(cluster.id, { current: true })),
    insertCode: (cluster: IClusterInfo) => {
      const problem = this._host.insertCode(cluster.connect_code);
      this._say(problem ?? `Inserted the code that connects to ${cluster.name}.`, !!problem);
    },
    openDashboard: (cluster: IClusterInfo) => {
      const href = this._dashboardHref(cluster);
      if (href) {
        this._host.openDashboard(`Dask: ${cluster.name}`, href);
      }
    },
    dashboardHref: (cluster: IClusterInfo) => this._dashboardHref(cluster)
  };

  protected render(): JSX.Element {
    const loaded = this._loaded;
    if (loaded === null) {
      return <div className="jp-MLOps-muted">Looking for clusters…</div>;
    }
    if ('error' in loaded) {
      return (
        <div className="jp-MLOps-error" data-testid="mlops-clusters-error">
          {loaded.error.extensionMissing
            ? 'The jupyter-mlops server extension is not enabled on this server.'
            : `Cannot list the clusters: ${loaded.error.message}`}
        </div>
      );
    }
    const { listing } = loaded;
    return (
      <div>
        <StartForm
          listing={listing}
          starting={this._starting}
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
            <ClusterCard key={cluster.id} cluster={cluster} actions={this._actions} />
          ))
        )}
      </div>
    );
  }
}
