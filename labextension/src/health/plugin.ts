import { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';

import { CommandIDs, PALETTE_CATEGORY } from '../commands';
import { addRefreshCommand } from '../kit/refreshCommand';
import { IMLOpsSidebar } from '../tokens';
import { HealthSection } from './view';

/** The sidebar's "Server" section: version, store, schema and capabilities. */
export const healthPlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyter-mlops:health',
  description: 'Shows the health of the jupyter-mlops server.',
  autoStart: true,
  requires: [IMLOpsSidebar],
  optional: [ICommandPalette],
  activate: (app: JupyterFrontEnd, sidebar: IMLOpsSidebar, palette: ICommandPalette | null) => {
    const section = new HealthSection();
    sidebar.addSection(section, 1000);
    addRefreshCommand(app, CommandIDs.refreshHealth, 'Refresh the MLOps Server Health', () => [
      section
    ]);
    palette?.addItem({ command: CommandIDs.refreshHealth, category: PALETTE_CATEGORY });
  }
};
