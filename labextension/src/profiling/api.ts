import { requestAPI } from '../request';
import { IJobState, IProfile, IProfileJob, IProfileSummary } from './model';

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

/** Start profiling the file at `path` (relative to the server root); saved as `name` if given. */
export function startProfileJob(path: string, name: string | null = null): Promise<IProfileJob> {
  return requestAPI<IProfileJob>('profiles', {
    method: 'POST',
    body: JSON.stringify({ path, name })
  });
}

/** A profiling job's state and, once done, its profile. */
export function getJob(jobId: string): Promise<IJobState> {
  return requestAPI<IJobState>(`profiles/jobs/${encodeURIComponent(jobId)}`);
}
