import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

import { announcing } from '../kit/changes';
import { API_ROOT, APIError, requestAPI, json } from '../request';
import { IJob, IJobCreate, IJobRun, IParameter, ISchedulePreview } from './model';

/** Every job, or only those `createdBy` created (the "Mine" toggle). */
export async function listJobs(createdBy: string | null = null): Promise<IJob[]> {
  const query = createdBy === null ? '' : `?${new URLSearchParams({ created_by: createdBy })}`;
  return (await requestAPI<{ jobs: IJob[] }>(`jobs${query}`)).jobs;
}

export function createJob(body: IJobCreate): Promise<IJob> {
  return announcing(requestAPI<IJob>('jobs', json('POST', body)), ['job', body.name ?? '']);
}

export function patchJob(jobId: string, body: Record<string, unknown>): Promise<IJob> {
  return announcing(requestAPI<IJob>(`jobs/${jobId}`, json('PATCH', body)), ['job', jobId]);
}

export async function deleteJob(jobId: string): Promise<void> {
  await announcing(requestAPI<unknown>(`jobs/${jobId}`, { method: 'DELETE' }), ['job', jobId]);
}

export function runJobNow(jobId: string): Promise<IJobRun> {
  return announcing(requestAPI<IJobRun>(`jobs/${jobId}/runs`, json('POST', {})), ['job', jobId]);
}

export function cancelRun(runId: string): Promise<IJobRun> {
  return announcing(requestAPI<IJobRun>(`job-runs/${runId}/cancel`, { method: 'POST' }), [
    'job',
    runId
  ]);
}

export async function listRuns(jobId: string): Promise<IJobRun[]> {
  return (await requestAPI<{ runs: IJobRun[] }>(`jobs/${jobId}/runs?limit=20`)).runs;
}

export async function notebookParameters(path: string): Promise<IParameter[]> {
  const query = new URLSearchParams({ path });
  return (await requestAPI<{ parameters: IParameter[] }>(`job-parameters?${query}`)).parameters;
}

export async function jobParameters(jobId: string): Promise<IParameter[]> {
  const query = new URLSearchParams({ job_id: jobId });
  return (await requestAPI<{ parameters: IParameter[] }>(`job-parameters?${query}`)).parameters;
}

export function previewSchedule(schedule: string, timezone: string): Promise<ISchedulePreview> {
  const query = new URLSearchParams({ schedule, timezone });
  return requestAPI<ISchedulePreview>(`job-schedule?${query}`);
}

/** The URL of a run's output file (the Lab's cookie authenticates the download). */
export function outputUrl(runId: string, format: string): string {
  const settings = ServerConnection.makeSettings();
  return URLExt.join(settings.baseUrl, API_ROOT, 'job-runs', runId, 'outputs', format);
}

/** A run's output file as a Blob (the HTML export, to show in a sandboxed frame). */
export async function outputBlob(runId: string, format: string): Promise<Blob> {
  const settings = ServerConnection.makeSettings();
  const response = await ServerConnection.makeRequest(outputUrl(runId, format), {}, settings);
  if (!response.ok) {
    throw new APIError(response.status, 'http_error', `cannot read the ${format} output`);
  }
  return response.blob();
}
