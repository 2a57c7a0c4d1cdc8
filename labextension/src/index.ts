import { JupyterFrontEndPlugin } from '@jupyterlab/application';

import { clustersPlugin } from './clusters/plugin';
import { healthPlugin } from './health/plugin';
import { launcherPlugin } from './launcher/plugin';
import { monitoringPlugin } from './monitoring/plugin';
import { kernelPreferencePlugin } from './notebooks/kernelPreference';
import { jobsPlugin } from './jobs/plugin';
import { profilingPlugin } from './profiling/plugin';
import { servingPlugin } from './serving/plugin';
import { sidebarPlugin } from './sidebar/plugin';
import { teamPlugin } from './team/plugin';
import { trackingPlugin } from './tracking/plugin';

export { IMLOpsSidebar } from './tokens';

/** Every plugin of the extension; each capability adds its own. */
const plugins: JupyterFrontEndPlugin<unknown>[] = [
  sidebarPlugin,
  healthPlugin,
  launcherPlugin,
  profilingPlugin,
  trackingPlugin,
  clustersPlugin,
  jobsPlugin,
  servingPlugin,
  monitoringPlugin,
  teamPlugin,
  kernelPreferencePlugin
];

export default plugins;
