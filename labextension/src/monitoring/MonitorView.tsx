import { Notification } from '@jupyterlab/apputils';
import React from 'react';

import { formatDate, Plot, PolledView } from '../kit';
import { APIError } from '../request';
import { evaluateNow, getMonitor, getWindow, listAlerts, listWindows, setPaused } from './api';
import { IAlert, IColumnDrift, IMonitor, IWindow } from './model';
import { Byline } from '../team/Byline';
import { windowVerdict } from './MonitorsSection';
import { columnTraces, CURRENT, REFERENCE, referenceName } from './charts';
import { DriftSummary } from './DriftSummary';
import { ValidationViolations } from './ValidationViolations';
import { IRetrainingLinks, RetrainingCell } from './Retraining';
import { DriftTimeline, TrafficCharts } from './WindowCharts';

interface IMonitorData {
  monitor: IMonitor;
  windows: IWindow[];
  latest: IWindow | null;
  alerts: IAlert[];
}

/** The statistic of a column as text ("Infinity" stays a word). */
function statistic(column: IColumnDrift): string {
  const value = column.p_value ?? column.statistic;
  const name = column.p_value !== null ? 'p' : column.test;
  return typeof value === 'number' ? `${name}=${value.toPrecision(3)}` : `${name}=${value}`;
}

/** A monitor's page: drift timeline, traffic, labelled performance, latest window, alerts. */
export class MonitorView extends PolledView<IMonitorData> {
  readonly monitorId: string;

  private _tick = 0;

  constructor(
    monitorId: string,
    endpoint: string,
    private readonly _links: IRetrainingLinks
  ) {
    super({
      name: 'monitor',
      interval: 10000,
      max: 120000,
      refreshOn: ['monitor', 'endpoint', 'model', 'job']
    });
    this.monitorId = monitorId;
    this.addClass('jp-MLOps-monitorView');
    this.title.label = `Monitor: ${endpoint}`;
    this.title.caption = `Drift monitor of endpoint ${endpoint}`;
  }

  protected get errorText(): string {
    return 'Cannot read the monitor';
  }

  protected async load(): Promise<IMonitorData> {
    const [monitor, windows, alerts] = await Promise.all([
      getMonitor(this.monitorId),
      listWindows(this.monitorId),
      listAlerts(this.monitorId)
    ]);
    const done = windows.filter(w => w.status === 'done');
    const last = done.length ? done[done.length - 1] : null;
    const latest = last ? await getWindow(this.monitorId, last.window_id) : null;
    this.title.label = `Monitor: ${monitor.endpoint_name}`;
    this._tick += 1;
    return { monitor, windows, latest, alerts };
  }

  private async _evaluate(): Promise<void> {
    try {
      const window = await evaluateNow(this.monitorId);
      Notification.info(`Evaluating window ${window.number}…`, { autoClose: 3000 });
      await this.refresh();
    } catch (error) {
      Notification.error(`Cannot evaluate: ${APIError.from(error).detail}`);
    }
  }

  private async _togglePause(monitor: IMonitor): Promise<void> {
    try {
      await setPaused(this.monitorId, !monitor.paused);
      await this.refresh();
    } catch (error) {
      Notification.error(`Cannot change the monitor: ${APIError.from(error).detail}`);
    }
  }

  protected renderData(data: IMonitorData): JSX.Element {
    const { monitor, windows, latest, alerts } = data;
    const reference =
      monitor.reference_kind === 'training'
        ? "the served version's training data"
        : `profile ${monitor.reference_profile}`;
    return (
      <div className="jp-MLOps-monitorPage" data-testid="mlops-monitor-view">
        <header className="jp-MLOps-monitorHeader">
          <h2>{monitor.endpoint_name}</h2>
          <Byline createdBy={monitor.created_by} updatedBy={monitor.updated_by} />
          <div className="jp-MLOps-muted">
            Windows of{' '}
            {monitor.window_rows
              ? `${monitor.window_rows} requests`
              : `${monitor.window_seconds} s (at least ${monitor.min_rows} requests)`}{' '}
            compared with {reference}
            {monitor.retrain_job_id
              ? `; a drifted window runs job ${monitor.retrain_job_id.slice(0, 8)} with ${monitor.retrain_parameter}`
              : '; no retraining job'}
            .
          </div>
          <div className="jp-MLOps-buttons">
            <button
              className="jp-Button jp-mod-styled jp-mod-accept"
              data-testid="mlops-monitor-evaluate"
              onClick={() => void this._evaluate()}
            >
              Evaluate now
            </button>
            <button
              className="jp-Button jp-mod-styled"
              onClick={() => void this._togglePause(monitor)}
            >
              {monitor.paused ? 'Resume' : 'Pause'}
            </button>
          </div>
        </header>
        {this._retraining(alerts, monitor)}
        {this._latest(latest)}
        <DriftTimeline windows={windows} latest={latest} />
        <TrafficCharts windows={windows} />
        {this._columns(latest, monitor)}
        {this._alerts(alerts, monitor)}
      </div>
    );
  }

  /** The latest window's verdict and its summary table (as Evidently's), above the charts. */
  private _latest(window: IWindow | null): JSX.Element | null {
    if (window === null || window.report === null) {
      return null;
    }
    const report = window.report;
    return (
      <section data-testid="mlops-monitor-latest">
        <h3>
          Latest window: <span data-testid="mlops-window-number">window {window.number}</span> (
          {formatDate(window.start_time)} – {formatDate(window.end_time)}, {window.n_rows} requests,
          version {window.model_version ?? '?'}): {windowVerdict(window)}
        </h3>
        {report.prediction ? (
          <p className={report.prediction.drifted ? 'jp-MLOps-drift' : 'jp-MLOps-muted'}>
            Predictions {report.prediction.drifted ? 'drifted' : 'stable'} against the first window
            of this version ({statistic(report.prediction)}).
          </p>
        ) : null}
        {report.validation ? <ValidationViolations report={report.validation} /> : null}
        <DriftSummary columns={report.columns} />
      </section>
    );
  }

  /** The latest window's columns: training and current histograms, drifted ones first. */
  private _columns(window: IWindow | null, monitor: IMonitor): JSX.Element | null {
    if (window === null || window.report === null) {
      return null;
    }
    const columns = [...window.report.columns].sort(
      (a, b) => Number(b.drifted) - Number(a.drifted) || a.column.localeCompare(b.column)
    );
    return (
      <section data-testid="mlops-monitor-columns">
        <h3>Columns of the latest window</h3>
        <div className="jp-MLOps-driftLegend" data-testid="mlops-drift-legend">
          <span className="jp-MLOps-swatch" style={{ background: REFERENCE }} />
          {referenceName(monitor.reference_kind)}
          <span className="jp-MLOps-swatch" style={{ background: CURRENT }} />
          current (this window)
        </div>
        <div className="jp-MLOps-driftGrid">
          {columns.map(column => (
            <div
              key={column.column}
              className={column.drifted ? 'jp-MLOps-driftCard jp-mod-drift' : 'jp-MLOps-driftCard'}
              data-testid="mlops-drift-column"
              data-column={column.column}
              data-drifted={String(column.drifted)}
            >
              <div className="jp-MLOps-driftTitle" title={column.reason}>
                <b>{column.column}</b> {column.drifted ? 'DRIFT' : 'ok'} · {column.test},{' '}
                {statistic(column)}
              </div>
              <Plot
                data={columnTraces(column, referenceName(monitor.reference_kind))}
                height={180}
                lazy
                layout={{
                  barmode: 'overlay',
                  showlegend: false,
                  margin: { t: 5, b: 30, l: 35, r: 5 }
                }}
              />
            </div>
          ))}
        </div>
      </section>
    );
  }

  /** The latest retraining an alert started, at the top: its run, then its version. */
  private _retraining(alerts: IAlert[], monitor: IMonitor): JSX.Element | null {
    const latest = alerts.find(alert => alert.job_run_id); // alerts come newest first
    if (!latest?.job_run_id) {
      return null;
    }
    return (
      <section className="jp-MLOps-monitorRetraining" data-testid="mlops-monitor-retraining">
        <h3>Retraining</h3>
        <div className="jp-MLOps-muted">
          Started by the alert of window {latest.window_number ?? '?'} (
          {formatDate(latest.created_time)}):
        </div>
        <RetrainingCell
          runId={latest.job_run_id}
          endpointName={monitor.endpoint_name}
          links={this._links}
          tick={this._tick}
        />
      </section>
    );
  }

  private _alerts(alerts: IAlert[], monitor: IMonitor): JSX.Element {
    return (
      <section>
        <h3>Alerts</h3>
        {alerts.length === 0 ? (
          <p className="jp-MLOps-muted">No alerts.</p>
        ) : (
          <table className="jp-MLOps-table" data-testid="mlops-monitor-alerts">
            <thead>
              <tr>
                <th>When</th>
                <th>Window</th>
                <th>What</th>
                <th>Retraining</th>
              </tr>
            </thead>
            <tbody>
              {alerts.map(alert => (
                <tr key={alert.alert_id}>
                  <td>{formatDate(alert.created_time)}</td>
                  <td data-testid="mlops-alert-window">window {alert.window_number ?? '?'}</td>
                  <td>{alert.message}</td>
                  <td>
                    {alert.job_run_id ? (
                      <RetrainingCell
                        runId={alert.job_run_id}
                        endpointName={monitor.endpoint_name}
                        links={this._links}
                        tick={this._tick}
                      />
                    ) : (
                      (alert.job_error ?? '—')
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    );
  }
}
