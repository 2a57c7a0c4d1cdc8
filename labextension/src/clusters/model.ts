/**
 * Clusters' REST types, generated from `jupyter_mlops/clusters/entities.py` (see
 * `../api/types.ts`).
 */

import type { Schema } from '../api/types';

/** `ClusterInfo.status`. */
export type ClusterStatus = Schema<'ClusterInfo'>['status'];

/** `ClusterInfo.kind`. */
export type ClusterKind = Schema<'ClusterInfo'>['kind'];

/** `GPUInfo`. */
export type IGPUInfo = Schema<'GPUInfo'>;

/** `WorkerInfo`. */
export type IWorkerInfo = Schema<'WorkerInfo'>;

/** `AdaptState` (a cluster's adaptive bounds; `AdaptRange` is the same pair in a request). */
export type IAdaptState = Schema<'AdaptState'>;

/** `ClusterInfo`. */
export type IClusterInfo = Schema<'ClusterInfo'>;

/** `GPUEnvironment`. */
export type IGPUEnvironment = Schema<'GPUEnvironment'>;

/** `ClusterFactoryInfo`. */
export type IClusterFactoryInfo = Schema<'ClusterFactoryInfo'>;

/** `ClusterLimits`: the most a start or scale may ask for on this server. */
export type IClusterLimits = Schema<'ClusterLimits'>;

/** `ClusterList`. */
export type IClusterList = Schema<'ClusterList'>;

/**
 * `StartCluster`: the fields the start form sends (openapi-typescript marks defaulted fields
 * as present, so they are made optional here; the server fills in the defaults).
 */
export type IStartCluster = Partial<
  Pick<Schema<'StartCluster'>, 'name' | 'workers' | 'threads' | 'memory' | 'gpus' | 'adapt'>
>;

type ChangeFields = Schema<'ChangeCluster'>;

/** `ChangeCluster`: exactly one of its fields, not null (the server refuses any other body). */
export type IChangeCluster = {
  [K in keyof ChangeFields]: { [F in K]: NonNullable<ChangeFields[F]> };
}[keyof ChangeFields];
