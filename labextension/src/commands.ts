/** Every command ID of the extension, in one place. */
export const CommandIDs = {
  openSidebar: 'mlops:open-sidebar',
  profileFile: 'mlops:profile-file',
  openProfile: 'mlops:open-profile',
  refreshProfiles: 'mlops:refresh-profiles',
  showClusters: 'mlops:show-clusters',
  refreshClusters: 'mlops:refresh-clusters',
  showExperiments: 'mlops:show-experiments',
  openExperiment: 'mlops:open-experiment',
  openRun: 'mlops:open-run',
  refreshExperiments: 'mlops:refresh-experiments',
  refreshHealth: 'mlops:refresh-health',
  registerModel: 'mlops:register-model',
  openModel: 'mlops:open-model',
  refreshModels: 'mlops:refresh-models',
  openGettingStarted: 'mlops:open-getting-started',
  scheduleNotebook: 'mlops:schedule-notebook',
  refreshJobs: 'mlops:refresh-jobs',
  openJobs: 'mlops:open-jobs',
  openMonitor: 'mlops:open-monitor',
  createMonitor: 'mlops:create-monitor',
  refreshMonitors: 'mlops:refresh-monitors'
} as const;

/** The command palette category of every MLOps command. */
export const PALETTE_CATEGORY = 'MLOps';
