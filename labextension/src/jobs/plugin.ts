import { ILayoutRestorer, JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { ICommandPalette, ToolbarButton } from '@jupyterlab/apputils';
import { IDocumentManager } from '@jupyterlab/docmanager';
import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import { IDisposable } from '@lumino/disposable';

import { CommandIDs, PALETTE_CATEGORY } from '../commands';
import { addRefreshCommand } from '../kit/refreshCommand';
import { MainAreaOpener } from '../kit';
import { IMLOpsSidebar } from '../tokens';
import { JobsSection } from './JobsSection';
import { outputUrl } from './api';
import { openHtmlOutput, openNotebookOutput } from './outputViews';
import { IJob } from './model';
import { editJob, scheduleNotebook } from './ScheduleDialog';

/** After experiments (300). */
const SECTION_RANK = 350;

/** The **Schedule** button of every notebook's toolbar. */
class ScheduleButtonExtension {
  constructor(private readonly _app: JupyterFrontEnd) {}

  createNew(panel: NotebookPanel): IDisposable {
    const button = new ToolbarButton({
      label: 'Schedule',
      tooltip: 'Run this notebook as a job: now or on a schedule, with parameters',
      className: 'jp-MLOps-scheduleButton',
      onClick: () => {
        void this._app.commands.execute(CommandIDs.scheduleNotebook, {
          path: panel.context.path
        });
      }
    });
    panel.toolbar.insertItem(10, 'mlopsSchedule', button);
    return button;
  }
}

/** Jobs in the Lab: the Schedule button and dialog, and the Jobs section of the sidebar. */
export const jobsPlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyter-mlops:jobs',
  description: 'Schedules notebooks as jobs and lists jobs and their runs.',
  autoStart: true,
  requires: [IMLOpsSidebar],
  optional: [INotebookTracker, ICommandPalette, ILayoutRestorer, IDocumentManager],
  activate: (
    app: JupyterFrontEnd,
    sidebar: IMLOpsSidebar,
    notebooks: INotebookTracker | null,
    palette: ICommandPalette | null,
    restorer: ILayoutRestorer | null,
    docManager: IDocumentManager | null
  ) => {
    const actions = {
      openNotebook: (path: string) => {
        if (docManager) {
          openNotebookOutput(docManager, path);
        } else {
          void app.commands.execute('docmanager:open', { path });
        }
      },
      openHtml: (runId: string, label: string) => void openHtmlOutput(app, runId, label),
      openPanel: () => {
        void app.commands.execute(CommandIDs.openJobs);
      },
      editJob: (job: IJob) => editJob(job),
      openTrackingRun: (runId: string) => {
        void app.commands.execute(CommandIDs.openRun, { runId });
      },
      downloadUrl: (runId: string, format: string) => outputUrl(runId, format)
    };
    const section = new JobsSection(actions);
    sidebar.addSection(section, SECTION_RANK, 'jobs');
    const panels = new MainAreaOpener<JobsSection, Record<string, never>>({
      app,
      namespace: 'mlops-jobs',
      command: CommandIDs.openJobs,
      restorer,
      key: () => 'jobs',
      args: () => ({}),
      create: () => new JobsSection(actions, true)
    });
    app.commands.addCommand(CommandIDs.openJobs, {
      label: 'Open the Jobs Panel',
      caption: 'Every job with its runs, in the main area',
      execute: async () => {
        await panels.open({});
      }
    });

    app.commands.addCommand(CommandIDs.scheduleNotebook, {
      label: 'Schedule Notebook as a Job…',
      caption: 'Run the current notebook as a job, now or on a cron schedule',
      isEnabled: () => Boolean(notebooks?.currentWidget),
      execute: async args => {
        const path =
          typeof args.path === 'string' ? args.path : notebooks?.currentWidget?.context.path;
        if (!path) {
          return;
        }
        const context = notebooks?.currentWidget?.context;
        if (context && context.path === path && context.model.dirty) {
          await context.save();
        }
        const job = await scheduleNotebook(path);
        if (job) {
          void section.refresh();
          void app.commands.execute(CommandIDs.openSidebar);
        }
      }
    });
    addRefreshCommand(app, CommandIDs.refreshJobs, 'Refresh Jobs', () => [section]);
    app.docRegistry.addWidgetExtension('Notebook', new ScheduleButtonExtension(app));
    if (palette) {
      palette.addItem({ command: CommandIDs.scheduleNotebook, category: PALETTE_CATEGORY });
      palette.addItem({ command: CommandIDs.refreshJobs, category: PALETTE_CATEGORY });
      palette.addItem({ command: CommandIDs.openJobs, category: PALETTE_CATEGORY });
    }
  }
};
