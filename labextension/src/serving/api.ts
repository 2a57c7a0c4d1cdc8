import type { Schema } from '../api/types';
import { announcing } from '../kit/changes';
import { requestAPI, json } from '../request';
import {
  IAlias,
  IDetailsUpdate,
  IEndpoint,
  IEndpointStats,
  IModelDetail,
  IModelVersion,
  IRegisteredModel,
  ITrainingDrift,
  IVersionComparison
} from './model';

const part = encodeURIComponent;

export async function listModels(): Promise<IRegisteredModel[]> {
  return (await requestAPI<{ models: IRegisteredModel[] }>('models')).models;
}

export function getModel(name: string): Promise<IModelDetail> {
  return requestAPI<IModelDetail>(`models/${part(name)}`);
}

export function registerModel(source: string, name: string): Promise<IModelVersion> {
  return announcing(requestAPI<IModelVersion>('models', json('POST', { source, name })), [
    'model',
    name
  ]);
}

/** Set a model's description and/or merge tags into its tags. */
export function updateModel(name: string, update: IDetailsUpdate): Promise<IRegisteredModel> {
  return announcing(requestAPI<IRegisteredModel>(`models/${part(name)}`, json('PATCH', update)), [
    'model',
    name
  ]);
}

/** Set a version's description and/or merge tags into its tags. */
export function updateVersion(
  name: string,
  version: number,
  update: IDetailsUpdate
): Promise<IModelVersion> {
  return announcing(
    requestAPI<IModelVersion>(`models/${part(name)}/versions/${version}`, json('PATCH', update)),
    ['model', name]
  );
}

export function setAlias(name: string, alias: string, version: number): Promise<IAlias> {
  return announcing(
    requestAPI<IAlias>(`models/${part(name)}/aliases/${part(alias)}`, json('PUT', { version })),
    ['model', name]
  );
}

/** An endpoint process started outside this server (a terminal, a container, a pod), as it
 * registered itself in the store: its URL, version, health and heartbeat. */
export type IRegisteredEndpoint = Schema<'RegisteredEndpointOut'>;

export async function listEndpoints(): Promise<IEndpoint[]> {
  return (await listAllEndpoints()).endpoints;
}

/** The Lab's endpoints and the external ones that registered themselves. */
export async function listAllEndpoints(): Promise<{
  endpoints: IEndpoint[];
  external: IRegisteredEndpoint[];
}> {
  const answer = await requestAPI<Schema<'EndpointList'>>('endpoints');
  return { endpoints: answer.endpoints, external: answer.external };
}

export function deploy(model: string, name?: string): Promise<IEndpoint> {
  return announcing(requestAPI<IEndpoint>('endpoints', json('POST', { model, name })), [
    'endpoint',
    name ?? model
  ]);
}

export function endpointAction(
  name: string,
  action: 'promote' | 'rollback' | 'stop' | 'start',
  body: Record<string, unknown> = {}
): Promise<IEndpoint> {
  // Every view of the endpoint (and of its model's serving version) reads it again.
  return announcing(
    requestAPI<IEndpoint>(`endpoints/${part(name)}/${action}`, json('POST', body)),
    ['endpoint', name]
  );
}

export async function deleteEndpoint(name: string): Promise<void> {
  await announcing(requestAPI<unknown>(`endpoints/${part(name)}`, { method: 'DELETE' }), [
    'endpoint',
    name
  ]);
}

export function endpointStats(name: string): Promise<IEndpointStats> {
  return requestAPI<IEndpointStats>(`endpoints/${part(name)}/stats`);
}

/** An endpoint's bearer token (null: deployed without auth). */
export async function endpointToken(name: string): Promise<string | null> {
  return (await requestAPI<{ token: string | null }>(`endpoints/${part(name)}/token`)).token;
}

/** A new bearer token for the endpoint; the old one is refused once this resolves. */
export async function rotateEndpointToken(name: string): Promise<string | null> {
  const path = `endpoints/${part(name)}/token`;
  return (await requestAPI<{ token: string | null }>(path, json('POST', {}))).token;
}

export function compareVersions(
  name: string,
  version: number,
  to: number
): Promise<IVersionComparison> {
  return requestAPI<IVersionComparison>(
    `models/${part(name)}/versions/${version}/compare?to=${to}`
  );
}

/** Drift of one stored profile (`current`) against another (`reference`). */
export function profileDrift(reference: string, current: string): Promise<ITrainingDrift> {
  return requestAPI<ITrainingDrift>('drift', json('POST', { reference, current }));
}
