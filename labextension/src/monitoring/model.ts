/**
 * Monitoring's REST types, generated from `jupyter_mlops/monitoring/entities.py` and
 * `api_models.py` (see `../api/types.ts`). Times are epoch milliseconds.
 */

import type { Schema } from '../api/types';

/** `Monitor`. */
export type IMonitor = Schema<'Monitor'>;

/**
 * `MonitorCreate`: the fields the Lab sends (openapi-typescript marks defaulted fields as
 * present, so all but the endpoint are made optional here; the server fills in defaults).
 */
export type IMonitorCreate = Pick<Schema<'MonitorCreate'>, 'endpoint_name'> &
  Partial<
    Pick<
      Schema<'MonitorCreate'>,
      'reference_profile' | 'window_seconds' | 'min_rows' | 'retrain_job_id' | 'retrain_parameter'
    >
  >;

/** `PlotData`: what a chart of one column draws (common bins, or top categories). */
export type IPlotData = Schema<'PlotData'>;

/** `ColumnDriftData`: one column's verdict with its chart data. */
export type IColumnDrift = Schema<'ColumnDriftData'>;

/** `DriftReportData`: a drift report (`POST drift`). */
export type IDriftReport = Schema<'DriftReportData'>;

/**
 * `WindowReport`: a monitor window's drift report, with the predictions' drift against the
 * first window of the same version (`prediction`) and the requests' validation (`validation`).
 */
export type IWindowReport = Schema<'WindowReport'>;

/** `Window`; `report` only when one window is asked for. */
export type IWindow = Schema<'Window'>;

/** `MonitorAlert`. */
export type IAlert = Schema<'MonitorAlert'>;

/** `MonitorList`: `GET monitors`. */
export type IMonitorList = Schema<'MonitorList'>;

/** `WindowList`: `GET monitors/{id}/windows`, oldest first. */
export type IWindowList = Schema<'WindowList'>;

/** `AlertList`: `GET monitors/{id}/alerts`, newest first. */
export type IAlertList = Schema<'AlertList'>;

/** `AlertChainOut`: what followed a drift alert (job run, version, gate run, approval). */
export type IAlertChain = Schema<'AlertChainOut'>;
