/** Mirrors of `jupyter_mlops/jobs/api_models.py`. */

export interface IRunOutput {
  format: string;
  path: string;
  lab_path: string | null;
}

export interface IJobRun {
  run_id: string;
  job_id: string | null;
  kind: string;
  title: string;
  status: 'queued' | 'running' | 'succeeded' | 'failed' | 'timed_out' | 'cancelled';
  trigger: string;
  attempt: number;
  target: string;
  notebook_path: string | null;
  parameters: Record<string, unknown>;
  scheduled_time: number | null;
  created_time: number;
  start_time: number | null;
  end_time: number | null;
  duration_ms: number | null;
  progress: number;
  cells_done: number;
  cells_total: number;
  failed_cell: number | null;
  failed_cell_source: string | null;
  error: string | null;
  error_field: string | null;
  outputs: IRunOutput[];
  host: string | null;
  pid: number | null;
  tracking_run_ids: string[];
  /** Who the run acts as (the job's owner, or who pressed Run now). */
  created_by?: string | null;
}

export interface IJob {
  job_id: string;
  name: string;
  notebook_path: string;
  parameters: Record<string, unknown>;
  schedule: string | null;
  schedule_description: string | null;
  next_times: number[];
  timezone: string;
  target: string;
  gpu: boolean;
  timeout_s: number | null;
  retries: number;
  outputs: string[];
  paused: boolean;
  missed_policy: string;
  created_time: number;
  updated_time: number;
  last_run: IJobRun | null;
  created_by?: string | null;
  updated_by?: string | null;
}

export interface IJobCreate {
  notebook_path: string;
  name?: string | null;
  parameters: Record<string, unknown>;
  schedule: string | null;
  timezone: string;
  target: 'local' | 'dask';
  gpu: boolean;
  timeout_s: number | null;
  retries: number;
  outputs: string[];
  run_now: boolean;
}

export interface IParameter {
  name: string;
  type: string;
  default: unknown;
  default_source: string;
  help: string;
}

export interface ISchedulePreview {
  schedule: string;
  timezone: string;
  description: string;
  next_times: number[];
}
