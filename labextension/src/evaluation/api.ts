import { announcing } from '../kit/changes';
import { APIError, requestAPI } from '../request';
import { IGateEvaluations } from './compare';

/** One gate's verdict (mirrors `GateResultOut`); `passed` null: skipped. */
export interface IGateResult {
  name: string;
  passed: boolean | null;
  detail: string;
  values: Record<string, unknown>;
}

/** A gate run (mirrors `GateRunOut`). */
export interface IGateRun {
  gate_run_id: string;
  model_name: string;
  version: number;
  endpoint_name: string | null;
  served_version: number | null;
  mode: string;
  status: string;
  override: boolean;
  requested_by: string | null;
  failed: string[];
  results: IGateResult[];
  message: string | null;
  task_run_id: string | null;
  progress: number | null;
  created_time: number;
  end_time: number | null;
  /** The gates declared when it ran (`GateSpec`). */
  spec: Record<string, unknown>;
  /** The candidate's and the served version's evaluations on the holdout; empty until run. */
  evaluations: IGateEvaluations;
}

/** A model's gate runs, newest first. */
export async function listGateRuns(model: string, limit = 50): Promise<IGateRun[]> {
  const query = `model=${encodeURIComponent(model)}&limit=${limit}`;
  return (await requestAPI<{ gate_runs: IGateRun[] }>(`evaluation/gate-runs?${query}`)).gate_runs;
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
