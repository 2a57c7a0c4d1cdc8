import React from 'react';

import { Dialog, showDialog } from '@jupyterlab/apputils';

import { IGateRun } from './api';

const MARKS: Record<string, string> = { true: 'passed', false: 'FAILED', null: 'skipped' };

/** The gates of a run, one row each: verdict, gate, why. */
export function GateResults(props: { run: IGateRun }): JSX.Element {
  const { run } = props;
  return (
    <div className="jp-MLOps-gates" data-testid="mlops-gate-results">
      <p>
        v{run.version} against served v{run.served_version ?? '—'}:{' '}
        <b>{run.failed.length ? `failed: ${run.failed.join(', ')}` : 'every gate passed'}</b>
      </p>
      <table className="jp-MLOps-table">
        <tbody>
          {run.results.map(gate => (
            <tr key={gate.name} data-gate={gate.name} data-passed={String(gate.passed)}>
              <td>{MARKS[String(gate.passed)]}</td>
              <td>{gate.name}</td>
              <td>{gate.detail}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/**
 * Show a check's gate results inline and ask: Promote when every gate passed, else Promote
 * anyway (an override: needs MANAGE on the model, and is audited). Resolves to the choice.
 */
export async function confirmGatedPromotion(
  endpoint: string,
  run: IGateRun
): Promise<'promote' | 'override' | null> {
  const failed = run.failed.length > 0;
  const act = failed
    ? Dialog.warnButton({ label: 'Promote anyway (override)' })
    : Dialog.okButton({ label: 'Promote' });
  const result = await showDialog({
    title: `Promote v${run.version} on ${endpoint}?`,
    body: <GateResults run={run} />,
    buttons: [Dialog.cancelButton(), act]
  });
  if (!result.button.accept) {
    return null;
  }
  return failed ? 'override' : 'promote';
}
