import { JupyterFrontEndPlugin } from '@jupyterlab/application';

import { healthPlugin } from './health/plugin';
import { sidebarPlugin } from './sidebar/plugin';

export { IMLOpsSidebar } from './tokens';

/** Every plugin of the extension; each capability adds its own. */
const plugins: JupyterFrontEndPlugin<unknown>[] = [sidebarPlugin, healthPlugin];

export default plugins;
