import { IFrame, MainAreaWidget, Notification } from '@jupyterlab/apputils';
import { JupyterFrontEnd } from '@jupyterlab/application';
import { IDocumentManager } from '@jupyterlab/docmanager';
import { NotebookPanel } from '@jupyterlab/notebook';

import { APIError } from '../request';
import { outputBlob } from './api';

/**
 * A run's executed notebook, read-only and without a kernel: reading outputs starts nothing
 * (the Lab's default would start, or ask for, the notebook's kernel). Run it again from the
 * file browser to get a kernel.
 */
export function openNotebookOutput(docManager: IDocumentManager, path: string): void {
  const widget = docManager.openOrReveal(path, 'Notebook', undefined, undefined, {
    shouldStart: false,
    canStart: false,
    autoStartDefault: false
  });
  if (!(widget instanceof NotebookPanel)) {
    return;
  }
  widget.addClass('jp-MLOps-jobOutputNotebook');
  widget.title.caption = `${path} (a job run's output: read-only, no kernel)`;
  void widget.context.ready.then(() => {
    widget.context.model.readOnly = true;
    for (const cell of widget.content.widgets) {
      // Not written to the cells' metadata: the file stays as the run wrote it.
      cell.syncEditable = false;
      cell.readOnly = true;
    }
  });
}

/** The open HTML view of each run (one per run, reused). */
const htmlViews = new Map<string, MainAreaWidget<IFrame>>();

/**
 * A run's HTML export in a tab: drawn at once (no "Trust HTML"), in a frame sandboxed
 * WITHOUT allow-same-origin, so the export's scripts (plotly, the notebook's own HTML) run
 * but cannot act with the user's Jupyter session. The export carries plotly.js itself: it
 * draws offline.
 */
export async function openHtmlOutput(
  app: JupyterFrontEnd,
  runId: string,
  label: string
): Promise<void> {
  const open = htmlViews.get(runId);
  if (open !== undefined && !open.isDisposed) {
    app.shell.activateById(open.id);
    return;
  }
  let blob: Blob;
  try {
    blob = await outputBlob(runId, 'html');
  } catch (error) {
    Notification.error(`Cannot open the HTML output: ${APIError.from(error).detail}`);
    return;
  }
  const frame = new IFrame({ sandbox: ['allow-scripts'] });
  const url = URL.createObjectURL(new Blob([blob], { type: 'text/html' }));
  frame.url = url;
  const widget = new MainAreaWidget({ content: frame });
  widget.id = `mlops-job-html-${runId}`;
  widget.title.label = label;
  widget.title.caption = `HTML output of job run ${runId}`;
  widget.title.closable = true;
  widget.addClass('jp-MLOps-jobHtml');
  widget.disposed.connect(() => {
    htmlViews.delete(runId);
    URL.revokeObjectURL(url);
  });
  htmlViews.set(runId, widget);
  app.shell.add(widget, 'main', { mode: 'tab-after' });
  app.shell.activateById(widget.id);
}
