/**
 * The REST contract of experiment tracking: aliases of the schemas generated from the
 * server's OpenAPI document (`../api/schema.d.ts`, from `jupyter_mlops/tracking/api_models.py`).
 * Times are milliseconds since the epoch, as in MLflow.
 */

import type { Schema } from '../api/types';

/** `RunOut`. */
export type IRun = Schema<'RunOut'>;
export type RunStatus = IRun['status'];
export type LifecycleStage = IRun['lifecycle_stage'];
export type ViewType = 'active' | 'deleted' | 'all';

/** `ExperimentOut`. */
export type IExperiment = Schema<'ExperimentOut'>;

/** `ExperimentList`. */
export type IExperimentList = Schema<'ExperimentList'>;

/** `ExperimentDetail`. */
export type IExperimentDetail = Schema<'ExperimentDetail'>;

/** A metric value: a number, or NaN and the infinities as MLflow's REST API spells them. */
export type MetricValue = IRun['metrics'][string];

/** `RunsPage`. */
export type IRunsPage = Schema<'RunsPage'>;

/** `MetricSummary`. */
export type IMetricSummary = Schema<'MetricSummary'>;

/** `NotebookSource`. */
export type INotebookSource = Schema<'NotebookSource'>;

/** `RunDetail`. */
export type IRunDetail = Schema<'RunDetail'>;

/** `MetricPoint`. */
export type IMetricPoint = Schema<'MetricPoint'>;

/** `MetricHistory`: `total` is how many points the store holds (more when `sampled`). */
export type IMetricHistory = Schema<'MetricHistory'>;

/** `ArtifactFile`. */
export type IArtifactFile = Schema<'ArtifactFile'>;

/** `ArtifactList`. */
export type IArtifactList = Schema<'ArtifactList'>;

/** Mirrors `RunsQuery`: the arguments of a runs search. */
export interface IRunsQuery {
  experimentIds: string[];
  filter: string;
  orderBy: string[];
  maxResults: number;
  offset: number;
  view: ViewType;
}
