import React, { useState } from 'react';

import { checkGates, promoteThroughGates } from '../evaluation/api';
import { confirmGatedPromotion } from '../evaluation/GateResults';
import { confirmAction, useChanges, useRequest } from '../kit';
import type { Schema } from '../api/types';
import { APIError, requestAPI } from '../request';
import { endpointAction } from '../serving/api';

/** An alert's retraining run (jobs' `JobRunOut`). */
type IRetrainRun = Schema<'JobRunOut'>;

/** What it needs of the monitored endpoint and of its model (serving's REST answers). */
interface IServed {
  endpoint: string;
  model: string;
  serving: number | null;
  /** The version registered from the retraining run, if any. */
  version: number | null;
}

/** How the cell opens the other views. */
export interface IRetrainingLinks {
  openJobs(): void;
  openModel(name: string): void;
}

async function loadRetraining(
  runId: string,
  endpointName: string
): Promise<{ run: IRetrainRun; served: IServed | null }> {
  const run = await requestAPI<IRetrainRun>(`job-runs/${encodeURIComponent(runId)}`);
  // Always sent; optional in the schema only because the server fills it by a default factory.
  const trackingRuns = run.tracking_run_ids;
  if (run.status !== 'succeeded' || trackingRuns.length === 0) {
    return { run, served: null };
  }
  const { endpoints } = await requestAPI<Schema<'EndpointList'>>('endpoints');
  const endpoint = endpoints.find(e => e.name === endpointName);
  if (!endpoint) {
    return { run, served: null };
  }
  const model = await requestAPI<Schema<'ModelDetail'>>(
    `models/${encodeURIComponent(endpoint.model_name)}`
  );
  const made = model.versions.filter(v => v.run_id && trackingRuns.includes(v.run_id));
  return {
    run,
    served: {
      endpoint: endpoint.name,
      model: endpoint.model_name,
      serving: endpoint.serving_version,
      version: made.length ? Math.max(...made.map(v => v.version)) : null
    }
  };
}

/**
 * An alert's "Retraining" cell: the job run it started (status; opens the Jobs panel), then
 * the version that run registered, "vN ready: Compare / Promote" (Promote asks first, then
 * serves it on the monitored endpoint), or "vN serving" once it is.
 */
export function RetrainingCell(props: {
  runId: string;
  endpointName: string;
  links: IRetrainingLinks;
  /** Changes on each poll of the page: the run's status is read again. */
  tick: unknown;
}): JSX.Element {
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  // A Promote or Rollback anywhere in the page (here, the model's page) reads the cell again.
  const changed = useChanges(['endpoint', 'model', 'job']);
  const { data, error } = useRequest(
    () => loadRetraining(props.runId, props.endpointName),
    [props.runId, props.endpointName],
    `${String(props.tick)}/${changed}`
  );
  const run = data?.run;
  const served = data?.served;
  const promote = async (version: number, endpoint: string): Promise<void> => {
    setProblem(null);
    try {
      // A model that declares gates runs them first and shows their verdicts in the dialog.
      setBusy(`Running the gates of v${version}…`);
      const gates = await checkGates(endpoint, version).finally(() => setBusy(null));
      if (gates) {
        const choice = await confirmGatedPromotion(endpoint, gates);
        if (choice) {
          setBusy(`Promoting v${version}…`);
          await promoteThroughGates(endpoint, version, choice === 'override');
        }
        return;
      }
      const ok = await confirmAction({
        title: `Promote v${version} on ${endpoint}?`,
        body:
          `${endpoint} serves v${version}, the version this alert's retraining registered: ` +
          'the new process takes the traffic once it answers (no request fails). ' +
          'Rollback serves the previous version again.',
        label: 'Promote'
      });
      if (ok) {
        setBusy(`Promoting v${version}…`);
        await endpointAction(endpoint, 'promote', { version });
      }
    } catch (reason) {
      setProblem(APIError.from(reason).detail);
    } finally {
      setBusy(null);
    }
  };
  return (
    <div className="jp-MLOps-retraining" data-testid="mlops-alert-retraining">
      <button
        className="jp-MLOps-link"
        data-testid="mlops-alert-run"
        data-status={run?.status ?? ''}
        title="Open the Jobs panel"
        onClick={props.links.openJobs}
      >
        job run {props.runId.slice(0, 8)}
        {run ? ` · ${run.status}` : ''}
      </button>
      {served && served.version !== null ? (
        served.version === served.serving ? (
          <span className="jp-MLOps-muted" data-testid="mlops-alert-version-serving">
            v{served.version} serving
          </span>
        ) : (
          <span className="jp-MLOps-retrainingReady" data-testid="mlops-alert-version">
            v{served.version} ready:
            <button
              className="jp-Button jp-mod-styled jp-mod-small"
              data-testid="mlops-alert-compare"
              title={`Open model ${served.model}: compare v${served.version} with v${served.serving}`}
              onClick={() => props.links.openModel(served.model)}
            >
              Compare
            </button>
            <button
              className="jp-Button jp-mod-styled jp-mod-small jp-mod-accept"
              data-testid="mlops-alert-promote"
              disabled={busy !== null}
              onClick={() => void promote(served.version as number, served.endpoint)}
            >
              Promote
            </button>
          </span>
        )
      ) : null}
      {busy ? (
        <span className="jp-MLOps-muted" data-testid="mlops-alert-busy">
          {busy}
        </span>
      ) : null}
      {error || problem ? <div className="jp-MLOps-error">{problem ?? error?.detail}</div> : null}
    </div>
  );
}
