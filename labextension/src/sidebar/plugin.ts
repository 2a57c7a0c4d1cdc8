import { ILabShell, JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';

import { CommandIDs, PALETTE_CATEGORY } from '../commands';
import type { IHealth } from '../health/model';
import { requestAPI } from '../request';
import { IMLOpsSidebar } from '../tokens';
import { MLOpsSidebar } from './widget';

/** Adds the MLOps entry to the left sidebar and provides it to the capabilities. */
export const sidebarPlugin: JupyterFrontEndPlugin<IMLOpsSidebar> = {
  id: 'jupyter-mlops:sidebar',
  description: 'The MLOps sidebar.',
  autoStart: true,
  requires: [ILabShell],
  optional: [ICommandPalette],
  provides: IMLOpsSidebar,
  activate: (
    app: JupyterFrontEnd,
    shell: ILabShell,
    palette: ICommandPalette | null
  ): IMLOpsSidebar => {
    const sidebar = new MLOpsSidebar();
    shell.add(sidebar, 'left', { rank: 400 });
    app.commands.addCommand(CommandIDs.openSidebar, {
      label: 'Open the MLOps Sidebar',
      execute: () => shell.activateById(sidebar.id)
    });
    palette?.addItem({ command: CommandIDs.openSidebar, category: PALETTE_CATEGORY });
    // Sections of capabilities this server does not run go away (their routes answer 404).
    requestAPI<IHealth>('health')
      .then(health =>
        sidebar.setEnabledCapabilities(health.capabilities.filter(c => c.enabled).map(c => c.name))
      )
      .catch(reason => console.warn('jupyter-mlops: could not read the server health', reason));
    return sidebar;
  }
};
