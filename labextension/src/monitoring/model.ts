/** Mirrors `jupyter_mlops/monitoring/api_models.py`. Times are epoch milliseconds. */

import type { Schema } from '../api/types';

/** `MonitorOut`. */
export type IMonitor = Schema<'MonitorOut'>;

export interface IMonitorCreate {
  endpoint_name: string;
  reference_profile?: string | null;
  window_seconds?: number;
  min_rows?: number;
  retrain_job_id?: string | null;
  retrain_parameter?: string;
}

/** What a chart of one column draws (both sides on common bins, or top categories). */
export interface IPlotData {
  kind?: 'histogram' | 'categories';
  edges?: number[];
  values?: (string | number | boolean)[];
  reference?: number[];
  current?: number[];
}

/** `ColumnDriftOut`, with the chart data the server types as a plain object. */
export type IColumnDrift = Omit<Schema<'ColumnDriftOut'>, 'plot'> & { plot: IPlotData };

/**
 * `DriftReportOut`. A monitor window's report (`IWindow.report`, a plain object on the server)
 * adds `prediction`: the predictions against the first window of the same version.
 */
export type IDriftReport = Omit<Schema<'DriftReportOut'>, 'columns'> & {
  columns: IColumnDrift[];
  prediction?: IColumnDrift;
};

/** `WindowOut`; `report` is a drift report (a plain object on the server). */
export type IWindow = Omit<Schema<'WindowOut'>, 'report'> & { report: IDriftReport | null };

/** `AlertOut`. */
export type IAlert = Schema<'AlertOut'>;
