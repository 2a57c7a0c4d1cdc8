import { JupyterFrontEndPlugin } from '@jupyterlab/application';
import { ISessionContext } from '@jupyterlab/apputils';
import { INotebookModel, INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';

/**
 * Copy a notebook's own kernel (its `kernelspec` metadata) into its session's kernel
 * preference as soon as the notebook's content is loaded.
 *
 * Why: JupyterLab shows a notebook's cells first and sets the preference only after it has
 * listed (and, for a notebook without any, created) a checkpoint: two more requests, which
 * take seconds on a busy or freshly started server. A cell run in that window finds no
 * preferred kernel and asks "Select Kernel" although the notebook names an installed one
 * (the first notebook opened by URL on a fresh Lab did).
 *
 * Returns whether it set the preference.
 */
export function preferNotebookKernel(
  sessionContext: ISessionContext,
  model: INotebookModel | null
): boolean {
  const preference = sessionContext.kernelPreference;
  const name = model?.defaultKernelName;
  if (!name || preference.name || preference.id) {
    return false;
  }
  sessionContext.kernelPreference = {
    ...preference,
    name,
    language: model?.defaultKernelLanguage || preference.language
  };
  return true;
}

/** The plugin that applies {@link preferNotebookKernel} to every notebook the Lab opens. */
export const kernelPreferencePlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyter-mlops:notebook-kernel-preference',
  description: "Preselects a notebook's own kernel before its first cell can run.",
  autoStart: true,
  optional: [INotebookTracker],
  activate: (_app, notebooks: INotebookTracker | null) => {
    notebooks?.widgetAdded.connect((_tracker, panel: NotebookPanel) => {
      void panel.context.ready.then(() => {
        if (!panel.isDisposed && preferNotebookKernel(panel.sessionContext, panel.context.model)) {
          // Start the kernel now rather than after the checkpoint requests: the Lab's own
          // later call returns this same initialization (and still asks when it must).
          void panel.sessionContext.initialize();
        }
      });
    });
  }
};
