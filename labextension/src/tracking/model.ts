/**
 * The REST contract of experiment tracking; mirrors `jupyter_mlops/tracking/api_models.py`
 * field by field. Times are milliseconds since the epoch, as in MLflow.
 */

export type RunStatus = 'RUNNING' | 'SCHEDULED' | 'FINISHED' | 'FAILED' | 'KILLED';
export type LifecycleStage = 'active' | 'deleted';
export type ViewType = 'active' | 'deleted' | 'all';

/** Mirrors `ExperimentOut`. */
export interface IExperiment {
  experiment_id: string;
  name: string;
  artifact_location: string;
  lifecycle_stage: LifecycleStage;
  creation_time: number | null;
  last_update_time: number | null;
  run_count: number;
  active_run_count: number;
  last_run_time: number | null;
}

/** Mirrors `ExperimentList`. */
export interface IExperimentList {
  experiments: IExperiment[];
}

/** Mirrors `ExperimentDetail`. */
export interface IExperimentDetail extends IExperiment {
  param_keys: string[];
  metric_keys: string[];
  tag_keys: string[];
}

/** A metric value: a number, or NaN and the infinities as MLflow's REST API spells them. */
export type MetricValue = number | 'NaN' | 'Infinity' | '-Infinity';

/** Mirrors `RunOut`. */
export interface IRun {
  run_id: string;
  experiment_id: string;
  run_name: string;
  status: RunStatus;
  start_time: number | null;
  end_time: number | null;
  lifecycle_stage: LifecycleStage;
  artifact_uri: string;
  parent_run_id: string | null;
  params: Record<string, string>;
  metrics: Record<string, MetricValue>;
  tags: Record<string, string>;
}

/** Mirrors `RunsPage`. */
export interface IRunsPage {
  runs: IRun[];
  next_page_token: string | null;
  offset: number;
  total: number;
}

/** Mirrors `MetricSummary`. */
export interface IMetricSummary {
  key: string;
  value: MetricValue;
  step: number;
  timestamp: number;
  points: number;
}

/** Mirrors `NotebookSource`. */
export interface INotebookSource {
  path: string;
  lab_path: string | null;
  cell_source: string | null;
}

/** Mirrors `RunDetail`. */
export interface IRunDetail extends IRun {
  experiment_name: string;
  metric_summaries: IMetricSummary[];
  source: INotebookSource | null;
  user: string | null;
  git_commit: string | null;
  git_dirty: boolean | null;
  environment: Record<string, string>;
  failure: string | null;
}

/** Mirrors `MetricPoint`. */
export interface IMetricPoint {
  step: number;
  value: MetricValue;
  timestamp: number;
}

/** Mirrors `MetricHistory`. */
export interface IMetricHistory {
  run_id: string;
  key: string;
  points: IMetricPoint[];
  sampled: boolean;
  /** How many points the store holds (more than `points.length` when sampled). */
  total: number;
}

/** Mirrors `ArtifactFile`. */
export interface IArtifactFile {
  path: string;
  is_dir: boolean;
  file_size: number | null;
}

/** Mirrors `ArtifactList`. */
export interface IArtifactList {
  run_id: string;
  root_uri: string;
  path: string;
  files: IArtifactFile[];
}

/** Mirrors `RunsQuery`: the arguments of a runs search. */
export interface IRunsQuery {
  experimentIds: string[];
  filter: string;
  orderBy: string[];
  maxResults: number;
  offset: number;
  view: ViewType;
}
