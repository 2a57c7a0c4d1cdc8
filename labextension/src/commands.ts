/** Every command ID of the extension, in one place. */
export namespace CommandIDs {
  export const openSidebar = 'mlops:open-sidebar';
  export const refreshHealth = 'mlops:refresh-health';
}

/** The command palette category of every MLOps command. */
export const PALETTE_CATEGORY = 'MLOps';
