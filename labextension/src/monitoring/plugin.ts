import { ILayoutRestorer, JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { ICommandPalette, InputDialog, Notification } from '@jupyterlab/apputils';

import { CommandIDs, PALETTE_CATEGORY } from '../commands';
import { addRefreshCommand } from '../kit/refreshCommand';
import { listJobs } from '../jobs/api';
import { MainAreaOpener, stringArg } from '../kit';
import { APIError } from '../request';
import { listEndpoints } from '../serving/api';
import { IMLOpsSidebar } from '../tokens';
import { createMonitor } from './api';
import { MonitorsSection } from './MonitorsSection';
import { MonitorView } from './MonitorView';

/** After models (400). */
const SECTION_RANK = 450;
const NO_JOB = '(no retraining job)';

/** Ask which endpoint to watch and which job retrains it; null when cancelled. */
async function askMonitor(): Promise<{ endpoint: string; job: string | null } | null> {
  const endpoints = await listEndpoints();
  if (endpoints.length === 0) {
    Notification.warning('No endpoints: deploy a model first (Models section).');
    return null;
  }
  const endpoint = await InputDialog.getItem({
    title: 'Watch an endpoint for drift',
    label: 'Endpoint',
    items: endpoints.map(e => e.name)
  });
  if (!endpoint.button.accept || !endpoint.value) {
    return null;
  }
  const jobs = await listJobs();
  const job = await InputDialog.getItem({
    title: 'When a window drifts, run…',
    label: 'Retraining job (its notebook gets the window as data_path)',
    items: [NO_JOB, ...jobs.map(j => `${j.name} (${j.job_id})`)]
  });
  if (!job.button.accept) {
    return null;
  }
  const match = job.value?.match(/\(([0-9a-f]{32})\)$/);
  return { endpoint: endpoint.value, job: match ? match[1] : null };
}

/** Monitoring in the Lab: the Monitoring section and one page per monitored endpoint. */
export const monitoringPlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyter-mlops:monitoring',
  description: 'Drift monitors of endpoints: timelines, latest window, alerts, retraining.',
  autoStart: true,
  requires: [IMLOpsSidebar],
  optional: [ICommandPalette, ILayoutRestorer],
  activate: (
    app: JupyterFrontEnd,
    sidebar: IMLOpsSidebar,
    palette: ICommandPalette | null,
    restorer: ILayoutRestorer | null
  ) => {
    const views = new MainAreaOpener<MonitorView, { monitorId: string; endpoint: string }>({
      app,
      restorer,
      namespace: 'mlops-monitor',
      command: CommandIDs.openMonitor,
      key: args => args.monitorId,
      args: content => ({
        monitorId: content.monitorId,
        endpoint: content.title.label.replace(/^Monitor: /, '')
      }),
      create: args =>
        new MonitorView(args.monitorId, args.endpoint, {
          openJobs: () => void app.commands.execute(CommandIDs.openJobs),
          openModel: name => void app.commands.execute(CommandIDs.openModel, { name })
        })
    });
    const section = new MonitorsSection(
      (monitorId, endpoint) =>
        void app.commands.execute(CommandIDs.openMonitor, { monitorId, endpoint }),
      () => void app.commands.execute(CommandIDs.createMonitor)
    );
    sidebar.addSection(section, SECTION_RANK, 'monitoring');

    app.commands.addCommand(CommandIDs.openMonitor, {
      label: 'Open Monitor',
      execute: async args => {
        const monitorId = stringArg(args, 'monitorId');
        if (monitorId !== null) {
          await views.open({ monitorId, endpoint: stringArg(args, 'endpoint') ?? monitorId });
        }
      }
    });

    app.commands.addCommand(CommandIDs.createMonitor, {
      label: 'Watch an Endpoint for Drift…',
      execute: async () => {
        try {
          const answer = await askMonitor();
          if (answer === null) {
            return;
          }
          const monitor = await createMonitor({
            endpoint_name: answer.endpoint,
            retrain_job_id: answer.job
          });
          void section.refresh();
          await views.open({ monitorId: monitor.monitor_id, endpoint: monitor.endpoint_name });
        } catch (error) {
          Notification.error(`Cannot create the monitor: ${APIError.from(error).detail}`);
        }
      }
    });

    addRefreshCommand(app, CommandIDs.refreshMonitors, 'Refresh Monitors', () => [
      section,
      ...views.all().map(widget => widget.content)
    ]);

    for (const command of [CommandIDs.createMonitor, CommandIDs.refreshMonitors]) {
      palette?.addItem({ command, category: PALETTE_CATEGORY });
    }
  }
};
