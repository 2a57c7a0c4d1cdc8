import { Dialog, InputDialog, showDialog, showErrorMessage } from '@jupyterlab/apputils';

import { deleteRun, renameRun, restoreRun } from './api';
import { runLabel } from './format';
import { IRun } from './model';

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Ask, then delete (soft) or restore `runs`; errors are shown in a dialog.
 * Resolves to whether anything changed.
 */
export async function confirmRunsAction(
  action: 'delete' | 'restore',
  runs: IRun[]
): Promise<boolean> {
  const targets = runs.filter(run =>
    action === 'delete' ? run.lifecycle_stage === 'active' : run.lifecycle_stage === 'deleted'
  );
  if (targets.length === 0) {
    return false;
  }
  const names = targets.map(runLabel).join(', ');
  const result = await showDialog({
    title:
      action === 'delete'
        ? `Delete ${targets.length} run(s)?`
        : `Restore ${targets.length} run(s)?`,
    body:
      action === 'delete'
        ? `${names} will move to the deleted runs, where they can be restored.`
        : `${names} will be active again.`,
    buttons: [
      Dialog.cancelButton(),
      action === 'delete'
        ? Dialog.warnButton({ label: 'Delete' })
        : Dialog.okButton({ label: 'Restore' })
    ]
  });
  if (!result.button.accept) {
    return false;
  }
  try {
    for (const run of targets) {
      await (action === 'delete' ? deleteRun(run.run_id) : restoreRun(run.run_id));
    }
  } catch (error) {
    await showErrorMessage(`Cannot ${action} the run`, reason(error));
  }
  return true;
}

/** Ask for a new name and rename `run`; resolves to the renamed run, or null if cancelled. */
export async function renameRunDialog(run: IRun): Promise<IRun | null> {
  const result = await InputDialog.getText({
    title: 'Rename the run',
    label: 'New name',
    text: run.run_name
  });
  if (!result.button.accept || result.value === null) {
    return null;
  }
  if (result.value.trim().length === 0) {
    await showErrorMessage(
      'Cannot rename the run',
      `A run needs a name: the new name was empty, so "${runLabel(run)}" keeps its name.`
    );
    return null;
  }
  try {
    return await renameRun(run.run_id, result.value.trim());
  } catch (error) {
    await showErrorMessage('Cannot rename the run', reason(error));
    return null;
  }
}
