import { ILayoutRestorer, JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { ILauncher } from '@jupyterlab/launcher';

import { CommandIDs, PALETTE_CATEGORY } from '../commands';
import { MainAreaOpener } from '../kit/opener';
import { mlopsIcon } from '../sidebar/widget';
import { GettingStartedView, IGettingStartedStep } from './GettingStarted';

/** The example notebook the tour starts with, relative to the Lab's root (when it is there). */
const FIRST_NOTEBOOK = '00_getting_started.ipynb';

/** The "MLOps" tile of the Launcher, and the getting-started page it opens. */
export const launcherPlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyter-mlops:launcher',
  description: 'An MLOps tile in the Launcher that opens the sidebar and a getting-started page.',
  autoStart: true,
  optional: [ILauncher, ICommandPalette, ILayoutRestorer],
  activate: (
    app: JupyterFrontEnd,
    launcher: ILauncher | null,
    palette: ICommandPalette | null,
    restorer: ILayoutRestorer | null
  ) => {
    const run =
      (command: string, args = {}) =>
      () =>
        // A capability the server does not run has no command: nothing happens.
        void app.commands.execute(command, args).catch(() => undefined);
    // An example notebook when the Lab's root has it (a copy of example_notebooks/), else the
    // file browser to find it.
    const openExample = (path: string) => () =>
      void app.serviceManager.contents
        .get(path, { content: false })
        .then(() => app.commands.execute('docmanager:open', { path }))
        .catch(() => app.commands.execute('filebrowser:activate'));
    const steps: IGettingStartedStep[] = [
      {
        title: 'Open the MLOps sidebar',
        text:
          'Profiles, experiments, jobs, models and monitors, each in its own section. Dask ' +
          'clusters have their own Cluster tab in the left bar, below the MLOps tab.',
        action: { label: 'Open the sidebar', run: run(CommandIDs.openSidebar) }
      },
      {
        title: 'Run the example notebooks',
        text:
          `${FIRST_NOTEBOOK} walks through the loop; 01 tracks experiments, 02 profiles data, ` +
          '03 uses a Dask cluster, 04 schedules training, 05 deploys a model and promotes a ' +
          'new version under traffic, 06 monitors drift, retrains and promotes, 07 evaluates ' +
          'and gates a version before it serves.',
        action: { label: `Open ${FIRST_NOTEBOOK}`, run: openExample(FIRST_NOTEBOOK) }
      },
      {
        title: 'Track an experiment',
        text: 'Start a cell with %%track (or call mlops.start_run()); its runs show under Experiments.',
        action: { label: 'Show the experiments', run: run(CommandIDs.showExperiments) }
      },
      {
        title: 'Profile a dataset',
        text: 'Right-click a CSV or Parquet file in the file browser and choose Profile data.',
        action: null
      },
      {
        title: 'Start a Dask cluster',
        text:
          'Start one in the Cluster tab, or with %mlops cluster start in a notebook: it ' +
          "belongs to the server, survives kernel restarts, and its dashboard's panes open " +
          'in the Lab.',
        action: { label: 'Show the Cluster tab', run: run(CommandIDs.showClusters) }
      },
      {
        title: 'Schedule a notebook',
        text:
          "Press Schedule in a notebook's toolbar: run it now or on a cron schedule, with " +
          'typed parameters. Runs, their outputs and what started them show under Jobs.',
        action: { label: 'Open the Jobs panel', run: run(CommandIDs.openJobs) }
      },
      {
        title: 'Deploy a model',
        text:
          "Register a run's model, then deploy it from the Models section: an HTTP endpoint, " +
          'with one-click Promote and Rollback of versions under traffic ' +
          '(05_deploy_model.ipynb).',
        action: { label: 'Open 05_deploy_model.ipynb', run: openExample('05_deploy_model.ipynb') }
      },
      {
        title: 'Monitor drift and retrain',
        text:
          'Watch an endpoint from the Monitoring section: windows of its traffic are compared ' +
          'with the training data; a drift alert runs a retraining job, and the version it ' +
          'registers is one click from Promote (06_monitor_drift.ipynb).',
        action: { label: 'Open 06_monitor_drift.ipynb', run: openExample('06_monitor_drift.ipynb') }
      }
    ];
    const pages = new MainAreaOpener<GettingStartedView, { page: string }>({
      app,
      restorer,
      namespace: 'mlops-getting-started',
      command: CommandIDs.openGettingStarted,
      key: () => 'getting-started',
      args: () => ({ page: 'getting-started' }),
      create: () => new GettingStartedView(steps),
      icon: mlopsIcon
    });

    app.commands.addCommand(CommandIDs.openGettingStarted, {
      label: args => (args.isLauncher ? 'MLOps' : 'MLOps: Getting Started'),
      caption: 'Open the MLOps sidebar and a getting-started page',
      icon: args => (args.isPalette ? undefined : mlopsIcon),
      execute: async () => {
        await app.commands.execute(CommandIDs.openSidebar).catch(() => undefined);
        await pages.open({ page: 'getting-started' });
      }
    });
    launcher?.add({ command: CommandIDs.openGettingStarted, category: 'MLOps', rank: 0 });
    palette?.addItem({ command: CommandIDs.openGettingStarted, category: PALETTE_CATEGORY });
  }
};
