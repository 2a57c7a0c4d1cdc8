/** The REST shapes of the registry and endpoints (mirror `jupyter_mlops/serving/api_models.py`). */

export interface IColumnSpec {
  name: string;
  dtype: string | null;
}

export interface IModelVersion {
  name: string;
  version: number;
  uri: string;
  source: string;
  run_id: string | null;
  storage_location: string;
  content_hash: string;
  estimator_class: string;
  creation_time: number;
  input_schema: { columns?: IColumnSpec[]; named?: boolean };
  predict_methods: string[];
  versions: Record<string, string>;
  description: string | null;
  tags: Record<string, string>;
  training_profile: string | null;
  notebook_path: string | null;
  aliases: string[];
  created_by?: string | null;
}

export interface IRegisteredModel {
  name: string;
  description: string | null;
  tags: Record<string, string>;
  creation_time: number;
  last_update_time: number;
  latest_version: number | null;
  aliases: Record<string, number>;
  created_by?: string | null;
  updated_by?: string | null;
}

export interface IEndpoint {
  name: string;
  model_name: string;
  alias: string | null;
  version: number | null;
  serving_version: number | null;
  previous_version: number | null;
  target: string;
  url: string;
  host: string;
  port: number;
  workers: number;
  persistent: boolean;
  auth: boolean;
  /** 'starting', 'running', 'restarting', 'stopped', 'failed', or a state added later. */
  state: string;
  pid: number | null;
  restarts: number;
  message: string | null;
  creation_time: number;
  update_time: number;
  created_by?: string | null;
  updated_by?: string | null;
}

export interface IModelDetail extends IRegisteredModel {
  versions: IModelVersion[];
  endpoints: IEndpoint[];
}

export interface IEndpointStats {
  reachable: boolean;
  message: string | null;
  requests: number;
  errors: number;
  rows: number;
  model_version: number | null;
  latency_p50_ms: number | null;
  latency_p99_ms: number | null;
  time_ms: number | null;
}

export interface IAlias {
  name: string;
  alias: string;
  version: number;
  previous_version: number | null;
  update_time: number;
}

/** A metric is a number, or "NaN" / "Infinity" / "-Infinity"; null: that run lacks it. */
export type MetricValue = number | string | null;

export interface IMetricPair {
  key: string;
  value: MetricValue;
  to_value: MetricValue;
}

/** `GET models/{name}/versions/{v}/compare?to=N`. */
export interface IVersionComparison {
  version: IModelVersion;
  to: IModelVersion;
  metrics: IMetricPair[];
}

/** The part of `POST drift`'s report (monitoring's `DriftReportOut`) the comparison shows. */
export interface ITrainingDriftColumn {
  column: string;
  test: string;
  reason: string;
  statistic: number | string | null;
  p_value: number | string | null;
  threshold: number;
  drifted: boolean;
}

export interface ITrainingDrift {
  columns: ITrainingDriftColumn[];
  share_drifted: number;
  dataset_drifted: boolean;
}
