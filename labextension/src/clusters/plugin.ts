import { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { ICommandPalette, IFrame, MainAreaWidget } from '@jupyterlab/apputils';
import { INotebookTracker, NotebookActions } from '@jupyterlab/notebook';

import { CommandIDs, PALETTE_CATEGORY } from '../commands';
import { IMLOpsSidebar } from '../tokens';
import { ClustersSection, IClusterHost } from './ClustersSection';

/** After data profiling, before experiments. */
const SECTION_RANK = 200;

function notebookHost(app: JupyterFrontEnd, notebooks: INotebookTracker | null): IClusterHost {
  return {
    insertCode(code: string): string | null {
      const panel = notebooks?.currentWidget;
      if (!panel) {
        return 'Open a notebook first: the code goes into a new cell of the active notebook.';
      }
      const notebook = panel.content;
      NotebookActions.insertBelow(notebook);
      notebook.activeCell?.model.sharedModel.setSource(code);
      app.shell.activateById(panel.id);
      return null;
    },
    openDashboard(title: string, url: string): void {
      const frame = new IFrame({
        sandbox: ['allow-scripts', 'allow-same-origin', 'allow-popups', 'allow-forms']
      });
      frame.url = url;
      const widget = new MainAreaWidget({ content: frame });
      widget.id = `mlops-dask-dashboard-${Date.now()}`;
      widget.title.label = title;
      widget.title.closable = true;
      app.shell.add(widget, 'main');
      app.shell.activateById(widget.id);
    }
  };
}

/** The sidebar's Cluster section: Dask clusters owned by the server, with GPU workers. */
export const clustersPlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyter-mlops:clusters',
  description: 'Start, scale and stop Dask clusters (GPU workers too); open their dashboards.',
  autoStart: true,
  requires: [IMLOpsSidebar],
  optional: [INotebookTracker, ICommandPalette],
  activate: (
    app: JupyterFrontEnd,
    sidebar: IMLOpsSidebar,
    notebooks: INotebookTracker | null,
    palette: ICommandPalette | null
  ) => {
    const section = new ClustersSection(notebookHost(app, notebooks));
    sidebar.addSection(section, SECTION_RANK);
    app.commands.addCommand(CommandIDs.showClusters, {
      label: 'Show the Dask Clusters',
      execute: () => sidebar.showSection(section)
    });
    app.commands.addCommand(CommandIDs.refreshClusters, {
      label: 'Refresh the Dask Clusters',
      execute: () => section.refresh().catch(() => undefined)
    });
    for (const command of [CommandIDs.showClusters, CommandIDs.refreshClusters]) {
      palette?.addItem({ command, category: PALETTE_CATEGORY });
    }
  }
};
