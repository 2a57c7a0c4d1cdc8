import { ILayoutRestorer, JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { ICommandPalette, InputDialog } from '@jupyterlab/apputils';

import { stringArg } from '../kit';
import { CommandIDs, PALETTE_CATEGORY } from '../commands';
import { addRefreshCommand } from '../kit/refreshCommand';
import { MainAreaOpener } from '../kit/opener';
import { IMLOpsSidebar } from '../tokens';
import { listExperiments } from './api';
import { ExperimentsSection } from './ExperimentsSection';
import { ExperimentView } from './ExperimentView';
import { RunView } from './RunView';

/** The section's place in the sidebar: after data and clusters, before jobs and serving. */
const SECTION_RANK = 300;

async function pickExperiment(): Promise<string | null> {
  const { experiments } = await listExperiments();
  const labels = experiments.map(e => `${e.name} (${e.run_count} runs) · ${e.experiment_id}`);
  const result = await InputDialog.getItem({ title: 'Open an experiment', items: labels });
  if (!result.button.accept || result.value === null) {
    return null;
  }
  return experiments[labels.indexOf(result.value)]?.experiment_id ?? null;
}

async function askRunId(): Promise<string | null> {
  const result = await InputDialog.getText({ title: 'Open a run', label: 'Run id' });
  return result.button.accept && result.value ? result.value.trim() : null;
}

/** Experiment tracking in the Lab: the sidebar's Experiments section and its main-area views. */
export const trackingPlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyter-mlops:tracking',
  description: 'Experiments: runs tables, run pages, metric charts and run comparison.',
  autoStart: true,
  requires: [IMLOpsSidebar],
  optional: [ICommandPalette, ILayoutRestorer],
  activate: (
    app: JupyterFrontEnd,
    sidebar: IMLOpsSidebar,
    palette: ICommandPalette | null,
    restorer: ILayoutRestorer | null
  ) => {
    const openRun = (runId: string) => void app.commands.execute(CommandIDs.openRun, { runId });
    const openNotebook = (path: string) => void app.commands.execute('docmanager:open', { path });

    const experiments = new MainAreaOpener<ExperimentView, { experimentId: string }>({
      app,
      restorer,
      namespace: 'mlops-experiment',
      command: CommandIDs.openExperiment,
      key: args => args.experimentId,
      args: content => ({ experimentId: content.experimentId }),
      create: args => new ExperimentView({ experimentId: args.experimentId, openRun })
    });
    const runs = new MainAreaOpener<RunView, { runId: string }>({
      app,
      restorer,
      namespace: 'mlops-run',
      command: CommandIDs.openRun,
      key: args => args.runId,
      args: content => ({ runId: content.runId }),
      create: args =>
        new RunView({
          runId: args.runId,
          openNotebook,
          openRun,
          canRegisterModel: () => app.commands.hasCommand(CommandIDs.registerModel),
          registerModel: (runId, path, name) =>
            void app.commands.execute(CommandIDs.registerModel, { runId, path, name })
        })
    });

    const section = new ExperimentsSection(
      experiment =>
        void app.commands.execute(CommandIDs.openExperiment, {
          experimentId: experiment.experiment_id
        })
    );
    sidebar.addSection(section, SECTION_RANK, 'tracking');

    app.commands.addCommand(CommandIDs.showExperiments, {
      label: 'Show the Experiments',
      execute: () => {
        sidebar.showSection(section);
        return section.refresh();
      }
    });

    app.commands.addCommand(CommandIDs.openExperiment, {
      label: args => (stringArg(args, 'experimentId') ? 'Open Experiment' : 'Open an Experiment…'),
      execute: async args => {
        const experimentId = stringArg(args, 'experimentId') ?? (await pickExperiment());
        if (experimentId !== null) {
          await experiments.open({ experimentId });
        }
      }
    });

    app.commands.addCommand(CommandIDs.openRun, {
      label: args => (stringArg(args, 'runId') ? 'Open Run' : 'Open a Run by Id…'),
      execute: async args => {
        const runId = stringArg(args, 'runId') ?? (await askRunId());
        if (runId !== null) {
          await runs.open({ runId });
        }
      }
    });

    addRefreshCommand(app, CommandIDs.refreshExperiments, 'Refresh the Experiments', () => [
      section,
      ...experiments.all().map(widget => widget.content),
      ...runs.all().map(widget => widget.content)
    ]);

    for (const command of [
      CommandIDs.showExperiments,
      CommandIDs.openExperiment,
      CommandIDs.openRun,
      CommandIDs.refreshExperiments
    ]) {
      palette?.addItem({ command, category: PALETTE_CATEGORY });
    }
  }
};
