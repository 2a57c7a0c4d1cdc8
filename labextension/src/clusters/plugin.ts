import { ILayoutRestorer, JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { ICommandPalette, IFrame, MainAreaWidget } from '@jupyterlab/apputils';
import { INotebookTracker, NotebookActions } from '@jupyterlab/notebook';
import { ISignal } from '@lumino/signaling';
import { Widget } from '@lumino/widgets';

import { CommandIDs, PALETTE_CATEGORY } from '../commands';
import { addRefreshCommand } from '../kit/refreshCommand';
import { listClusters } from './api';
import { ClustersSection, IClusterHost } from './ClustersSection';
import { clusterIcon } from './icon';

/**
 * dask-labextension's command that sets its dashboard launcher's URL (its sidebar then lists
 * the dashboard's individual plots as dockable panes), and its sidebar's widget id.
 */
const DASK_POPULATE_URL = 'dask:populate-dashboard-url';
const DASK_SIDEBAR_ID = 'dask-dashboard-launcher';

/** The public methods of dask-labextension's cluster list (`DaskClusterManager`) we call. */
interface IDaskClusterManager {
  refresh(): Promise<void>;
  setActiveCluster(id: string): void;
}

/** The parts of dask-labextension's sidebar we use (its public fields, untyped here). */
type DaskSidebar = Widget & {
  clusterManager?: Partial<IDaskClusterManager>;
  dashboardLauncher?: {
    input?: {
      /** Setting it points the launcher elsewhere ('' : nowhere, no more checks). */
      url: string;
      readonly urlInfo: { url: string; isActive: boolean };
      readonly urlInfoChanged: ISignal<unknown, unknown>;
    };
  };
};

function daskSidebar(app: JupyterFrontEnd): DaskSidebar | undefined {
  return [...app.shell.widgets('left')].find<DaskSidebar>(
    (w): w is DaskSidebar => w.id === DASK_SIDEBAR_ID
  );
}

/**
 * Clear dask-labextension's dashboard URL when it points at one of our clusters that is not
 * `running`: its launcher re-reads `individual-plots.json` under that URL every few seconds
 * (a 404 and a warning each time, for as long as the Lab is open) until its URL is empty.
 */
function forgetStoppedDaskCluster(app: JupyterFrontEnd, running: Set<string>): void {
  const input = daskSidebar(app)?.dashboardLauncher?.input;
  const url = input?.urlInfo?.url;
  const selected = url ? /dask\/dashboard\/([^/?#]+)\/?$/.exec(url) : null;
  if (input && selected && !running.has(decodeURIComponent(selected[1]))) {
    input.url = '';
  }
}

/** Just below the MLOps sidebar's tab in the left area. */
const PANEL_RANK = 610;

function notebookHost(app: JupyterFrontEnd, notebooks: INotebookTracker | null): IClusterHost {
  // The open dashboard tab of each cluster (one per cluster, reused).
  const dashboards = new Map<string, MainAreaWidget<IFrame>>();
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
    async openDaskPanes(id: string, url: string): Promise<string | null> {
      if (!app.commands.hasCommand(DASK_POPULATE_URL)) {
        return 'dask-labextension is not loaded in this Lab: its panes are not available.';
      }
      // Select the cluster in its list (its list is ours: GET /dask/clusters). That points its
      // launcher at `dask/dashboard/{id}`, which our server redirects to `url`, and keeps its
      // list from selecting another cluster by itself. Set ONE url only: its URL box checks
      // each url it is given asynchronously, and the last check to finish would win.
      const manager = daskSidebar(app)?.clusterManager;
      if (manager?.refresh && manager.setActiveCluster) {
        await manager.refresh();
        manager.setActiveCluster(id);
      } else {
        await app.commands.execute(DASK_POPULATE_URL, { url });
      }
      app.shell.activateById(DASK_SIDEBAR_ID);
      return null;
    },
    openDashboard(id: string, title: string, url: string): void {
      const key = `${id}:${url}`;
      const open = dashboards.get(key);
      if (open !== undefined && !open.isDisposed) {
        app.shell.activateById(open.id);
        return;
      }
      // Sandboxed WITHOUT allow-same-origin: the dashboard's HTML comes from the scheduler,
      // and must not run with the user's Jupyter session (the server adds a CSP sandbox too).
      const frame = new IFrame({ sandbox: ['allow-scripts', 'allow-popups', 'allow-forms'] });
      frame.url = url;
      const widget = new MainAreaWidget({ content: frame });
      widget.id = `mlops-dask-dashboard-${id}`;
      widget.title.label = title;
      widget.title.closable = true;
      widget.node.dataset.clusterId = id;
      widget.node.dataset.clusterName = title.replace(/^Dask[^:]*: /, '');
      widget.addClass('jp-MLOps-daskPane');
      widget.disposed.connect(() => dashboards.delete(key));
      dashboards.set(key, widget);
      app.shell.add(widget, 'main', { mode: 'tab-after' });
      app.shell.activateById(widget.id);
    },
    closeDashboards(running: Set<string>): string[] {
      forgetStoppedDaskCluster(app, running);
      const closed = new Set<string>();
      for (const [key, widget] of [...dashboards]) {
        const id = key.slice(0, key.indexOf(':'));
        if (!running.has(id)) {
          closed.add(widget.node.dataset.clusterName ?? id);
          widget.dispose();
        }
      }
      return [...closed];
    }
  };
}

/**
 * The Cluster panel: Dask clusters owned by the server, with GPU workers. It has its own tab in
 * the left area (the whole height for the form, the cards and the workers), not a share of the
 * MLOps sidebar's accordion.
 */
export const clustersPlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyter-mlops:clusters',
  description: 'Start, scale and stop Dask clusters (GPU workers too); open their dashboards.',
  autoStart: true,
  optional: [INotebookTracker, ICommandPalette, ILayoutRestorer],
  activate: (
    app: JupyterFrontEnd,
    notebooks: INotebookTracker | null,
    palette: ICommandPalette | null,
    restorer: ILayoutRestorer | null
  ) => {
    const section = new ClustersSection(notebookHost(app, notebooks));
    // A cluster stopped elsewhere (a notebook's `cluster.close()`): when the Dask launcher
    // loses its dashboard, clear its URL if the cluster is no longer running.
    void app.restored.then(() => {
      const forgetIfStopped = async (): Promise<void> => {
        try {
          const { clusters } = await listClusters();
          const running = clusters.filter(c => c.status === 'running').map(c => c.id);
          forgetStoppedDaskCluster(app, new Set(running));
        } catch {
          // The server did not answer: keep the URL (the launcher keeps checking it).
        }
      };
      daskSidebar(app)?.dashboardLauncher?.input?.urlInfoChanged.connect((_, change) => {
        const info = (change as { newValue?: { isActive?: boolean } }).newValue;
        if (info?.isActive === false) {
          void forgetIfStopped();
        }
      });
    });
    section.addClass('jp-MLOps-clusterPanel');
    section.title.icon = clusterIcon;
    section.title.caption = 'Dask clusters';
    app.shell.add(section, 'left', { rank: PANEL_RANK });
    restorer?.add(section, section.id);
    app.commands.addCommand(CommandIDs.showClusters, {
      label: 'Show the Dask Clusters',
      execute: () => app.shell.activateById(section.id)
    });
    addRefreshCommand(app, CommandIDs.refreshClusters, 'Refresh the Dask Clusters', () => [
      section
    ]);
    for (const command of [CommandIDs.showClusters, CommandIDs.refreshClusters]) {
      palette?.addItem({ command, category: PALETTE_CATEGORY });
    }
  }
};
