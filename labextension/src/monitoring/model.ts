/** Mirrors `jupyter_mlops/monitoring/api_models.py`. Times are epoch milliseconds. */

export interface IMonitor {
  monitor_id: string;
  endpoint_name: string;
  reference_kind: 'training' | 'profile' | string;
  reference_profile: string | null;
  window_seconds: number;
  window_rows: number | null;
  min_rows: number;
  columns: string[] | null;
  tests: Record<string, string>;
  thresholds: Record<string, number>;
  dataset_share: number;
  retrain_job_id: string | null;
  retrain_parameter: string;
  paused: boolean;
  created_time: number;
  next_window_start: number;
}

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

export interface IColumnDrift {
  column: string;
  kind: string;
  test: string;
  reason: string;
  statistic: number | string | null;
  p_value: number | string | null;
  threshold: number;
  drifted: boolean;
  reference_count: number;
  current_count: number;
  reference_missing: number;
  current_missing: number;
  exact: boolean;
  plot: IPlotData;
  /** The statistic expected with no drift at these sizes (Jensen-Shannon), judged net of it. */
  noise?: number | null;
}

export interface IDriftReport {
  columns: IColumnDrift[];
  share_drifted: number;
  dataset_drifted: boolean;
  dataset_share: number;
  reference_rows: number;
  current_rows: number;
  missing_columns: string[];
  /** The predictions against the first window of the same version (monitor windows only). */
  prediction?: IColumnDrift;
}

export interface IWindow {
  window_id: number;
  monitor_id: string;
  start_time: number;
  end_time: number;
  status: 'pending' | 'done' | 'skipped' | 'failed' | string;
  task_run_id: string | null;
  model_version: number | null;
  n_rows: number;
  share_drifted: number | null;
  dataset_drifted: boolean | null;
  prediction_drifted: boolean | null;
  error_rate: number | null;
  latency_p50_ms: number | null;
  latency_p99_ms: number | null;
  n_labels: number;
  performance: Record<string, number> | null;
  data_path: string | null;
  error: string | null;
  created_time: number;
  report: IDriftReport | null;
  /** Per column: how far past its threshold (> 1: drifted). */
  scores: Record<string, number> | null;
}

export interface IAlert {
  alert_id: number;
  monitor_id: string;
  window_id: number;
  kind: string;
  message: string;
  job_run_id: string | null;
  job_error: string | null;
  created_time: number;
}
