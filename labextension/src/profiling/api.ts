import { fetchAPI, requestAPI } from '../request';
import { IJobState, IProfile, IProfileJob, IProfileRequest, IProfileSummary } from './model';

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
  const response = await fetchAPI(`profiles/${encodeURIComponent(profileId)}/report`);
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
