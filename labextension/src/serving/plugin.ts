import { ILayoutRestorer, JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { ICommandPalette, InputDialog, Notification } from '@jupyterlab/apputils';

import { CommandIDs, PALETTE_CATEGORY } from '../commands';
import { addRefreshCommand } from '../kit/refreshCommand';
import { MainAreaOpener, stringArg } from '../kit';
import { APIError } from '../request';
import { IMLOpsSidebar } from '../tokens';
import { listModels, registerModel } from './api';
import { ModelsSection } from './ModelsSection';
import { ModelView } from './ModelView';

/** After experiments (300) and jobs (350). */
const SECTION_RANK = 400;

async function pickModel(): Promise<string | null> {
  const models = await listModels();
  if (models.length === 0) {
    return null;
  }
  const result = await InputDialog.getItem({
    title: 'Open a model',
    items: models.map(m => m.name)
  });
  return result.button.accept ? result.value : null;
}

/** Serving in the Lab: the Models section, model pages, and Register for run artifacts. */
export const servingPlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyter-mlops:serving',
  description: 'Model registry and endpoints: register, deploy, promote, roll back, stop.',
  autoStart: true,
  requires: [IMLOpsSidebar],
  optional: [ICommandPalette, ILayoutRestorer],
  activate: (
    app: JupyterFrontEnd,
    sidebar: IMLOpsSidebar,
    palette: ICommandPalette | null,
    restorer: ILayoutRestorer | null
  ) => {
    const models = new MainAreaOpener<ModelView, { name: string }>({
      app,
      restorer,
      namespace: 'mlops-model',
      command: CommandIDs.openModel,
      key: args => args.name,
      args: content => ({ name: content.modelName }),
      create: args =>
        new ModelView({
          name: args.name,
          openRun: runId => void app.commands.execute(CommandIDs.openRun, { runId }),
          openNotebook: path => void app.commands.execute('docmanager:open', { path }),
          openProfile: profileId => void app.commands.execute(CommandIDs.openProfile, { profileId })
        })
    });
    const section = new ModelsSection(
      name => void app.commands.execute(CommandIDs.openModel, { name })
    );
    sidebar.addSection(section, SECTION_RANK, 'serving');

    app.commands.addCommand(CommandIDs.openModel, {
      label: args => (stringArg(args, 'name') ? 'Open Model' : 'Open a Registered Model…'),
      execute: async args => {
        const name = stringArg(args, 'name') ?? (await pickModel());
        if (name !== null) {
          await models.open({ name });
        }
      }
    });

    app.commands.addCommand(CommandIDs.registerModel, {
      label: 'Register Model…',
      caption: "Register a run's model artifact as a new version of a named model",
      execute: async args => {
        const runId = stringArg(args, 'runId');
        const path = stringArg(args, 'path') ?? 'model';
        if (runId === null) {
          return;
        }
        // The caller's suggestion (the run page offers its experiment's name), else the folder's.
        const answer = await InputDialog.getText({
          title: `Register ${path} of run ${runId.slice(0, 8)}`,
          label: 'Model name (a new name creates the model; an existing one adds a version)',
          text: stringArg(args, 'name') ?? path.split('/').pop() ?? path
        });
        if (!answer.button.accept || !answer.value) {
          return;
        }
        try {
          const version = await registerModel(`runs:/${runId}/${path}`, answer.value.trim());
          Notification.success(`Registered ${version.name} version ${version.version}`, {
            autoClose: 4000
          });
          void section.refresh();
          await models.open({ name: version.name });
        } catch (error) {
          Notification.error(`Cannot register the model: ${APIError.from(error).detail}`);
        }
      }
    });

    addRefreshCommand(app, CommandIDs.refreshModels, 'Refresh Models', () => [
      section,
      ...models.all().map(widget => widget.content)
    ]);

    for (const command of [CommandIDs.openModel, CommandIDs.refreshModels]) {
      palette?.addItem({ command, category: PALETTE_CATEGORY });
    }
  }
};
