import { JupyterFrontEnd } from '@jupyterlab/application';

/** Something a refresh command reloads: a sidebar section or an open view's content. */
export interface IRefreshable {
  refresh(): Promise<unknown>;
}

/**
 * Add the command `id` ("Refresh ...", `label`) that reloads every `targets()` at once: the
 * capability's sidebar section and its open views. Each one shows its own failure, so one
 * failing does not stop the others or reject the command.
 */
export function addRefreshCommand(
  app: JupyterFrontEnd,
  id: string,
  label: string,
  targets: () => Iterable<IRefreshable>
): void {
  app.commands.addCommand(id, {
    label,
    execute: async () => {
      await Promise.allSettled([...targets()].map(target => target.refresh()));
    }
  });
}
