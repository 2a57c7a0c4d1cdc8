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
        void app.commands.execute(command, args);
    const steps: IGettingStartedStep[] = [
      {
        title: 'Open the MLOps sidebar',
        text: 'Profiles, the cluster, experiments, jobs and models, each in its own section.',
        action: { label: 'Open the sidebar', run: run(CommandIDs.openSidebar) }
      },
      {
        title: 'Run the example notebooks',
        text:
          `${FIRST_NOTEBOOK} walks through the loop; 01 to 04 track experiments, profile ` +
          'data, use a Dask cluster and schedule training.',
        action: {
          label: `Open ${FIRST_NOTEBOOK}`,
          run: () =>
            void app.serviceManager.contents
              .get(FIRST_NOTEBOOK, { content: false })
              .then(() => app.commands.execute('docmanager:open', { path: FIRST_NOTEBOOK }))
              .catch(() => app.commands.execute('filebrowser:activate'))
        }
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
