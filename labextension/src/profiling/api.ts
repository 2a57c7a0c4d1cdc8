import { ServerConnection } from '@jupyterlab/services';
import { URLExt } from '@jupyterlab/coreutils';

import { API_ROOT, APIError, requestAPI } from '../request';
import { IJobState, IProfile, IProfileJob, IProfileRequest, IProfileSummary } from './model';
import type { Schema } from '../api/types';

/** The saved profiles, most recently saved first. */
export function listProfiles(): Promise<IProfileSummary[]> {
  return requestAPI<IProfileSummary[]>('profiles');
}

/** One saved profile, by id or name. */
export function getProfile(profileId: string): Promise<IProfile> {
  return requestAPI<IProfile>(`profiles/${encodeURIComponent(profileId)}`);
}

/** Delete a saved profile. */
export async function deleteProfile(profileId: string): Promise<void> {
  await requestAPI<null>(`profiles/${encodeURIComponent(profileId)}`, { method: 'DELETE' });
}

/** Start profiling a file (`path` relative to the server root); saved as `name` if given. */
export function startProfileJob(request: IProfileRequest): Promise<IProfileJob> {
  return requestAPI<IProfileJob>('profiles', {
    method: 'POST',
    body: JSON.stringify(request)
  });
}

/** Download a saved profile's standalone HTML report (a file the browser saves). */
export async function downloadReport(profileId: string): Promise<void> {
  const settings = ServerConnection.makeSettings();
  const url = URLExt.join(
    settings.baseUrl,
    API_ROOT,
    `profiles/${encodeURIComponent(profileId)}/report`
  );
  const response = await ServerConnection.makeRequest(url, {}, settings);
  if (!response.ok) {
    const body = (await response.json().catch(() => null)) as Partial<Schema<'ErrorBody'>> | null;
    throw new APIError(
      response.status,
      body?.error ?? 'http_error',
      body?.message ?? response.statusText,
      body?.field ?? null
    );
  }
  const disposition = response.headers.get('Content-Disposition') ?? '';
  const name = /filename="([^"]+)"/.exec(disposition)?.[1] ?? 'profile.html';
  const blob = await response.blob();
  const link = document.createElement('a');
  link.href = URL.createObjectURL(blob);
  link.download = name;
  document.body.appendChild(link);
  link.click();
  link.remove();
  window.setTimeout(() => URL.revokeObjectURL(link.href), 10000);
}

/** A profiling job's state and, once done, its profile. */
export function getJob(jobId: string): Promise<IJobState> {
  return requestAPI<IJobState>(`profiles/jobs/${encodeURIComponent(jobId)}`);
}
