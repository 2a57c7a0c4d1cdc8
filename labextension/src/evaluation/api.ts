import type { Schema } from '../api/types';
import { announcing } from '../kit/changes';
import { APIError, requestAPI } from '../request';

/** One gate's verdict (`GateResultOut`); `passed` null: skipped. */
export type IGateResult = Schema<'GateResultOut'>;

/** A gate run (`GateRunOut`), with the evaluations its gates compared. */
export type IGateRun = Schema<'GateRunOut'>;

/** A model's gate runs, newest first. */
export async function listGateRuns(model: string, limit = 50): Promise<IGateRun[]> {
  const query = `model=${encodeURIComponent(model)}&limit=${limit}`;
  return (await requestAPI<Schema<'GateRunList'>>(`evaluation/gate-runs?${query}`)).gate_runs;
}

/** One gate run, with its task's progress while it runs. */
export function getGateRun(gateRunId: string): Promise<IGateRun> {
  return requestAPI<IGateRun>(`evaluation/gate-runs/${encodeURIComponent(gateRunId)}`);
}

/**
 * Start a check of `version` on `endpoint` (the gates evaluate it and the served version on
 * the holdout; nothing is promoted): answers at once with the queued run (a jobs-runner task).
 */
export function startGateCheck(endpoint: string, version: number): Promise<IGateRun> {
  return requestAPI<IGateRun>('evaluation/gate-runs', {
    method: 'POST',
    body: JSON.stringify({ endpoint, version, mode: 'check' })
  });
}

function gateRun(body: Record<string, unknown>): Promise<IGateRun> {
  return requestAPI<IGateRun>('evaluation/gate-runs', {
    method: 'POST',
    body: JSON.stringify({ ...body, wait: true })
  });
}

/**
 * Run the model's gates for serving `version` on `endpoint`, without promoting. Null when the
 * model declares no gates (the plain Promote applies).
 */
export async function checkGates(endpoint: string, version: number): Promise<IGateRun | null> {
  try {
    return await gateRun({ endpoint, version, mode: 'check' });
  } catch (error) {
    const failure = APIError.from(error);
    if (failure.status === 409 && failure.field === 'gates') {
      return null;
    }
    throw error;
  }
}

/** Promote through the gates (again, now); `override` promotes despite failed gates (MANAGE). */
export function promoteThroughGates(
  endpoint: string,
  version: number,
  override: boolean
): Promise<IGateRun> {
  return announcing(gateRun({ endpoint, version, mode: 'promote', override }), [
    'endpoint',
    endpoint
  ]);
}
