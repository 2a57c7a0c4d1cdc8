import { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';

import { IMLOpsSidebar } from '../tokens';
import { DeliveriesSection } from './DeliveriesSection';

/** After monitoring (450): the last section. */
const SECTION_RANK = 500;

/** Team in the Lab: the notification delivery log in the sidebar. */
export const teamPlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyter-mlops:team',
  description: 'Shows the delivery log of team notifications (webhooks, email).',
  autoStart: true,
  requires: [IMLOpsSidebar],
  activate: (app: JupyterFrontEnd, sidebar: IMLOpsSidebar) => {
    sidebar.addSection(new DeliveriesSection(), SECTION_RANK, 'team');
  }
};
