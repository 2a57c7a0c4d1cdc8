import React from 'react';

import { PolledView } from '../kit';
import { listMonitors, listWindows } from './api';
import { IMonitor, IWindow } from './model';

interface IMonitorRow {
  monitor: IMonitor;
  latest: IWindow | null;
}

/** A window's verdict in a few words, for the section and the timeline. */
export function windowVerdict(window: IWindow | null): string {
  if (window === null) {
    return 'no window yet';
  }
  switch (window.status) {
    case 'pending':
      return 'evaluating…';
    case 'skipped':
      return `skipped (${window.n_rows} requests)`;
    case 'failed':
      return 'evaluation failed';
    default:
      return window.dataset_drifted
        ? `DRIFT: ${Math.round((window.share_drifted ?? 0) * 100)}% of features`
        : `no drift (${Math.round((window.share_drifted ?? 0) * 100)}% of features)`;
  }
}

/** The sidebar's "Monitoring" section: each watched endpoint and its latest window. */
export class MonitorsSection extends PolledView<IMonitorRow[]> {
  constructor(
    private readonly _open: (monitorId: string, endpoint: string) => void,
    private readonly _create: () => void
  ) {
    super({ name: 'monitors', interval: 10000, max: 120000, refreshOn: ['monitor', 'endpoint'] });
    this.id = 'jupyter-mlops-monitors';
    this.addClass('jp-MLOps-section');
    this.title.label = 'Monitoring';
  }

  protected get errorText(): string {
    return 'Cannot list monitors';
  }

  protected async load(): Promise<IMonitorRow[]> {
    const monitors = await listMonitors();
    return Promise.all(
      monitors.map(async monitor => {
        const windows = await listWindows(monitor.monitor_id, 1);
        return { monitor, latest: windows.length ? windows[windows.length - 1] : null };
      })
    );
  }

  protected renderData(rows: IMonitorRow[]): JSX.Element {
    return (
      <div>
        {rows.length === 0 ? (
          <div className="jp-MLOps-muted" data-testid="mlops-monitors-empty">
            No monitors. Deploy a model, then watch its endpoint for drift.
          </div>
        ) : (
          <ul className="jp-MLOps-monitorList" data-testid="mlops-monitors">
            {rows.map(({ monitor, latest }) => (
              <li key={monitor.monitor_id}>
                <button
                  className="jp-MLOps-monitorItem"
                  data-testid="mlops-monitor"
                  data-endpoint={monitor.endpoint_name}
                  onClick={() => this._open(monitor.monitor_id, monitor.endpoint_name)}
                  title="Open the endpoint's drift timeline, latest window and alerts"
                >
                  <span className="jp-MLOps-monitorName">{monitor.endpoint_name}</span>
                  <span
                    className={
                      latest?.dataset_drifted
                        ? 'jp-MLOps-monitorVerdict jp-mod-drift'
                        : 'jp-MLOps-monitorVerdict'
                    }
                  >
                    {monitor.paused ? 'paused' : windowVerdict(latest)}
                  </span>
                </button>
              </li>
            ))}
          </ul>
        )}
        <button className="jp-Button jp-mod-styled jp-mod-accept" onClick={this._create}>
          Watch an endpoint…
        </button>
      </div>
    );
  }
}
