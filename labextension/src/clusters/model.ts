/** Mirrors `jupyter_mlops.clusters.entities`. */

export type ClusterStatus = 'starting' | 'running' | 'lost' | 'failed' | 'closed';
export type ClusterKind = 'local' | 'gpu' | 'configured' | 'connected';

/** Mirrors `GPUInfo`. */
export interface IGPUInfo {
  index: number | null;
  name: string;
  memory_total: number | null;
  memory_used: number | null;
  utilization: number | null;
}

/** Mirrors `WorkerInfo`. */
export interface IWorkerInfo {
  address: string;
  name: string;
  threads: number;
  memory_limit: number;
  memory_used: number;
  cpu: number;
  executing: number;
  in_memory: number;
  resources: Record<string, number>;
  gpu: IGPUInfo | null;
}

/** Mirrors `AdaptState`. */
export interface IAdaptState {
  minimum: number;
  maximum: number;
}

/** Mirrors `ClusterInfo`. */
export interface IClusterInfo {
  id: string;
  name: string;
  kind: ClusterKind;
  cluster_class: string;
  status: ClusterStatus;
  error: string | null;
  scheduler_address: string | null;
  dashboard_path: string | null;
  dashboard_url: string | null;
  secured?: boolean;
  started: number;
  workers: IWorkerInfo[];
  requested_workers: number | null;
  adapt: IAdaptState | null;
  threads: number;
  memory_limit: number;
  memory_used: number;
  gpus: number;
  current: boolean;
  connect_code: string;
}

/** Mirrors `GPUEnvironment`. */
export interface IGPUEnvironment {
  devices: IGPUInfo[];
  dask_cuda: boolean;
  note: string;
}

/** Mirrors `ClusterFactoryInfo`. */
export interface IClusterFactoryInfo {
  cluster_class: string;
  source: string;
  accepts_sizes: boolean;
}

/** Mirrors `ClusterLimits`: the most a start or scale may ask for on this server. */
export interface IClusterLimits {
  max_workers: number;
  max_threads: number;
  max_memory: number;
}

/** Mirrors `ClusterList`. */
export interface IClusterList {
  clusters: IClusterInfo[];
  current: string | null;
  gpus: IGPUEnvironment;
  factory: IClusterFactoryInfo;
  limits?: IClusterLimits;
  local: boolean;
}

/** Mirrors `StartCluster` (the fields the start form sends). */
export interface IStartCluster {
  name?: string;
  workers?: number;
  threads?: number;
  memory?: string;
  gpus?: 'all' | number;
  adapt?: IAdaptState;
}

/** Mirrors `ChangeCluster`: exactly one field. */
export type IChangeCluster = { workers: number } | { adapt: IAdaptState } | { current: true };
