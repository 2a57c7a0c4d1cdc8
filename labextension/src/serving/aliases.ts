/** The aliases the model page knows by name. */

/** The model's own protected aliases (besides the configured ones), a comma list. */
export const PROTECTED_TAG = 'mlops.protected_aliases';

/** The alias the Deploy button creates and Promote moves. */
export const DEFAULT_ALIAS = 'champion';
