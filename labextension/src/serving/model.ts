/**
 * The REST types of the registry and endpoints, generated from `jupyter_mlops/serving`
 * (`entities.py`, `api_models.py`; see `../api/types.ts`). Times are epoch milliseconds.
 */

import type { Schema } from '../api/types';

/** `ModelVersion`; `input_schema` is empty when the version's input is not known. */
export type IModelVersion = Schema<'ModelVersion'>;

/** `RegisteredModel`. */
export type IRegisteredModel = Schema<'RegisteredModel'>;

/** `EndpointOut`; `state`: 'starting', 'running', 'restarting', 'stopped', 'failed', or later. */
export type IEndpoint = Schema<'EndpointOut'>;

/** `ModelDetail`: a model with its versions (newest first) and its endpoints. */
export type IModelDetail = Schema<'ModelDetail'>;

/** `EndpointStats`: live figures from an endpoint's `/metrics`. */
export type IEndpointStats = Schema<'EndpointStats'>;

/** `UpdateIn`: a new description and/or tags the registry merges into the old ones. */
export type IDetailsUpdate = Partial<Schema<'UpdateIn'>>;

/** `Alias`. */
export type IAlias = Schema<'Alias'>;

/** A metric is a number, or "NaN" / "Infinity" / "-Infinity"; null: that run lacks it. */
export type MetricValue = Schema<'MetricPair'>['value'];

/** `MetricPair`. */
export type IMetricPair = Schema<'MetricPair'>;

/** `GET models/{name}/versions/{v}/compare?to=N` (`VersionComparison`). */
export type IVersionComparison = Omit<Schema<'VersionComparison'>, 'version' | 'to'> & {
  version: IModelVersion;
  to: IModelVersion;
};

/** One column of `POST drift`'s report (monitoring's `ColumnDriftData`). */
export type ITrainingDriftColumn = Schema<'ColumnDriftData'>;

/** The part of `POST drift`'s report (`DriftReportData`) the comparison shows. */
export type ITrainingDrift = Pick<
  Schema<'DriftReportData'>,
  'columns' | 'share_drifted' | 'dataset_drifted'
>;
