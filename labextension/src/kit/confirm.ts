import { Dialog, showDialog } from '@jupyterlab/apputils';

/** What {@link confirmAction} asks. */
export interface IConfirmOptions {
  /** The dialog's title: the action and its object ("Delete endpoint iris-ep?"). */
  title: string;
  /** What the action does, in a sentence or two (what stops, what is lost, what is kept). */
  body: string;
  /** The label of the button that acts ("Delete", "Promote"). */
  label: string;
  /** A destructive action: the acting button is the Lab's warning button. */
  warn?: boolean;
}

/**
 * Ask before a destructive or traffic-changing action, in the Lab's own themed dialog (never
 * the browser's `confirm()`). Resolves to whether the user chose to act.
 */
export async function confirmAction(options: IConfirmOptions): Promise<boolean> {
  const act = options.warn
    ? Dialog.warnButton({ label: options.label })
    : Dialog.okButton({ label: options.label });
  const result = await showDialog({
    title: options.title,
    body: options.body,
    buttons: [Dialog.cancelButton(), act]
  });
  return result.button.accept;
}
