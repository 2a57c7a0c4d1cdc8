/** Mirrors `jupyter_mlops.profiling.entities.Histogram` (edges are ISO strings for datetimes). */
export interface IHistogram {
  edges: Array<number | string>;
  counts: number[];
}

/** A JSON scalar as it appears in a profile. */
export type Scalar = number | string | boolean | null;

/** Mirrors `jupyter_mlops.profiling.entities.ColumnProfile`. */
export interface IColumnProfile {
  name: string;
  type: 'numeric' | 'categorical' | 'boolean' | 'datetime' | 'text' | 'id-like';
  dtype: string;
  count: number;
  n_missing: number;
  n_distinct: number | null;
  distinct_is_approximate: boolean;
  mean: Scalar;
  std: number | null;
  min: Scalar;
  max: Scalar;
  quantiles: Record<string, Scalar> | null;
  quantiles_are_approximate: boolean;
  n_zeros: number | null;
  n_negative: number | null;
  n_infinite: number | null;
  skewness: number | null;
  histogram: IHistogram | null;
  top_values: Array<[Scalar, number]> | null;
  top_values_are_approximate: boolean;
  value_types: Record<string, number> | null;
  min_length: number | null;
  mean_length: number | null;
  max_length: number | null;
}

/** Mirrors `jupyter_mlops.profiling.entities.Alert`. */
export interface IAlert {
  column: string | null;
  kind: string;
  detail: string;
  value: number | null;
}

/** Mirrors `jupyter_mlops.profiling.entities.Correlations`. */
export interface ICorrelations {
  method: string;
  columns: string[];
  matrix: Array<Array<number | null>>;
  truncated: boolean;
}

/** Mirrors `jupyter_mlops.profiling.entities.SampleRows`. */
export interface ISampleRows {
  columns: string[];
  head: Scalar[][];
  random: Scalar[][];
}

/** Mirrors `jupyter_mlops.profiling.entities.MissingMatrix`. */
export interface IMissingMatrix {
  columns: string[];
  block_rows: number[];
  counts: number[][];
}

/** Mirrors `jupyter_mlops.profiling.entities.Profile` (see docs/profiling.md). */
export interface IProfile {
  n_rows: number;
  n_columns: number;
  n_duplicate_rows: number | null;
  memory_bytes: number;
  fingerprint: string;
  columns: Record<string, IColumnProfile>;
  correlations: ICorrelations | null;
  alerts: IAlert[];
  engine: string;
  created_at: string;
  duplicates_are_approximate: boolean;
  quantile_rank_error: number;
  distinct_relative_error: number | null;
  source: string | null;
  name: string | null;
  id: string | null;
  sample: number | null;
  scheduler: string | null;
  n_partitions: number | null;
  /** Absent or null in profiles saved before these were added. */
  samples?: ISampleRows | null;
  missing_matrix?: IMissingMatrix | null;
  associations?: ICorrelations | null;
  format_version: number;
}

/** Mirrors `jupyter_mlops.profiling.store.ProfileSummary`. */
export interface IProfileSummary {
  id: string;
  name: string;
  source: string | null;
  engine: string;
  n_rows: number;
  n_columns: number;
  n_alerts: number;
  fingerprint: string;
  created_at: string;
  saved_time: number;
}

/** Mirrors `jupyter_mlops.profiling.jobs.JobError`. */
export interface IJobError {
  error: string;
  message: string;
  field: string | null;
}

/** Mirrors `jupyter_mlops.profiling.jobs.ProfileJob`. */
export interface IProfileJob {
  id: string;
  path: string;
  name: string | null;
  status: 'running' | 'done' | 'failed';
  /** Where it runs: the server's thread pool (a small file, answered at once) or a task. */
  runs_in: 'server' | 'runner';
  progress: number;
  started_time: number;
  finished_time: number | null;
  profile_id: string | null;
  error: IJobError | null;
}

/** Mirrors `jupyter_mlops.profiling.api_models.CSVOptions`. */
export interface ICSVOptions {
  delimiter?: ',' | ';' | '\t' | '|';
  encoding?: string;
}

/** Mirrors `jupyter_mlops.profiling.api_models.ProfileRequest`. */
export interface IProfileRequest {
  path: string;
  name?: string | null;
  sample?: number | null;
  csv?: ICSVOptions | null;
}

/** Mirrors `jupyter_mlops.profiling.handlers.JobState`. */
export interface IJobState {
  job: IProfileJob;
  profile: IProfile | null;
}
