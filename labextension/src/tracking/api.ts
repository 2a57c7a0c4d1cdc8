import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

import { API_ROOT, fetchAPI, requestAPI } from '../request';
import {
  IArtifactList,
  IExperimentDetail,
  IExperimentList,
  IMetricHistory,
  IRun,
  IRunDetail,
  IRunsPage,
  IRunsQuery,
  ViewType
} from './model';

/** A query string from repeated `[name, value]` pairs (a name may repeat, as for `order_by`). */
function query(pairs: [string, string][]): string {
  const params = new URLSearchParams();
  for (const [name, value] of pairs) {
    params.append(name, value);
  }
  const text = params.toString();
  return text.length > 0 ? `?${text}` : '';
}

function runPath(runId: string, ...rest: string[]): string {
  return ['runs', encodeURIComponent(runId), ...rest].join('/');
}

/** `GET experiments`: every experiment with its run counts. */
export function listExperiments(view: ViewType = 'active'): Promise<IExperimentList> {
  return requestAPI<IExperimentList>(`experiments${query([['view', view]])}`);
}

/** `GET experiments/{id}`: one experiment and the param/metric/tag keys of its runs. */
export function getExperiment(experimentId: string): Promise<IExperimentDetail> {
  return requestAPI<IExperimentDetail>(`experiments/${encodeURIComponent(experimentId)}`);
}

/** `GET runs`: one page of a search, sorted and filtered on the server. */
export function searchRuns(search: IRunsQuery): Promise<IRunsPage> {
  const pairs: [string, string][] = search.experimentIds.map(id => ['experiment_id', id]);
  if (search.filter.trim().length > 0) {
    pairs.push(['filter', search.filter]);
  }
  for (const clause of search.orderBy) {
    pairs.push(['order_by', clause]);
  }
  pairs.push(['max_results', String(search.maxResults)]);
  pairs.push(['offset', String(search.offset)]);
  pairs.push(['view', search.view]);
  return requestAPI<IRunsPage>(`runs${query(pairs)}`);
}

/** `GET runs/{id}`: a run with its metric summaries and source notebook. */
export function getRun(runId: string): Promise<IRunDetail> {
  return requestAPI<IRunDetail>(runPath(runId));
}

/** `GET runs/{id}/metrics?key=...`: every point of one metric (the key may contain `/`). */
export function getMetricHistory(runId: string, key: string): Promise<IMetricHistory> {
  return requestAPI<IMetricHistory>(runPath(runId, `metrics${query([['key', key]])}`));
}

/** `GET runs/{id}/artifacts?path=...`: the entries of one artifact folder. */
export function listArtifacts(runId: string, path = ''): Promise<IArtifactList> {
  return requestAPI<IArtifactList>(runPath(runId, `artifacts${query([['path', path]])}`));
}

/** A URL that downloads one artifact file with the browser's session (as Lab's own downloads). */
export function artifactDownloadUrl(runId: string, path: string): string {
  const settings = ServerConnection.makeSettings();
  const url = new URL(
    URLExt.join(settings.baseUrl, API_ROOT, runPath(runId, 'artifacts', URLExt.encodeParts(path))),
    window.location.href
  );
  const xsrf = document.cookie.match('\\b_xsrf=([^;]*)\\b');
  if (xsrf) {
    url.searchParams.append('_xsrf', xsrf[1]);
  }
  return url.toString();
}

/**
 * `GET runs/{id}/artifacts/{path}`: one artifact file's body (for previews), with the Lab's
 * credentials; an error status is thrown as an `APIError`.
 */
export function fetchArtifact(runId: string, path: string): Promise<Response> {
  return fetchAPI(runPath(runId, 'artifacts', URLExt.encodeParts(path)));
}

/** `GET runs/{id}/children`: one page of a run's child runs, oldest first. */
export function listChildRuns(run: IRun, offset: number, maxResults = 100): Promise<IRunsPage> {
  const pairs: [string, string][] = [
    ['max_results', String(maxResults)],
    ['offset', String(offset)]
  ];
  return requestAPI<IRunsPage>(runPath(run.run_id, `children${query(pairs)}`));
}

/** `PATCH runs/{id}`: rename a run. */
export function renameRun(runId: string, name: string): Promise<IRun> {
  return requestAPI<IRun>(runPath(runId), { method: 'PATCH', body: JSON.stringify({ name }) });
}

/** `DELETE runs/{id}`: soft-delete a run (it can be restored). */
export function deleteRun(runId: string): Promise<IRun> {
  return requestAPI<IRun>(runPath(runId), { method: 'DELETE' });
}

/** `POST runs/{id}/restore`: bring a deleted run back. */
export function restoreRun(runId: string): Promise<IRun> {
  return requestAPI<IRun>(runPath(runId, 'restore'), { method: 'POST', body: '{}' });
}
