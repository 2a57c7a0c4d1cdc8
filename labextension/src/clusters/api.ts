import { announcing } from '../kit/changes';
import { requestAPI } from '../request';
import { IChangeCluster, IClusterInfo, IClusterList, IStartCluster } from './model';

/** `GET /mlops/api/clusters`. */
export function listClusters(): Promise<IClusterList> {
  return requestAPI<IClusterList>('clusters');
}

/** `POST /mlops/api/clusters`: resolves once the cluster runs. */
export function startCluster(request: IStartCluster): Promise<IClusterInfo> {
  return announcing(
    requestAPI<IClusterInfo>('clusters', { method: 'POST', body: JSON.stringify(request) }),
    ['cluster', '']
  );
}

/** `PATCH /mlops/api/clusters/{id}`: scale, adapt, or make current. */
export function changeCluster(id: string, change: IChangeCluster): Promise<IClusterInfo> {
  return announcing(
    requestAPI<IClusterInfo>(`clusters/${encodeURIComponent(id)}`, {
      method: 'PATCH',
      body: JSON.stringify(change)
    }),
    ['cluster', id]
  );
}

/** `DELETE /mlops/api/clusters/{id}`. */
export function stopCluster(id: string): Promise<IClusterInfo> {
  return announcing(
    requestAPI<IClusterInfo>(`clusters/${encodeURIComponent(id)}`, { method: 'DELETE' }),
    ['cluster', id]
  );
}
