import { Poll } from '@lumino/polling';

/**
 * A poll for a panel: refreshes every `interval` ms, backs off on errors up to `max` ms, and
 * stands by while the page is hidden. Dispose it with the panel.
 */
export function panelPoll(
  name: string,
  factory: () => Promise<void>,
  interval = 5000,
  max = 60000
): Poll {
  return new Poll({
    auto: true,
    factory,
    frequency: { interval, backoff: true, max },
    name: `jupyter-mlops:${name}`,
    standby: 'when-hidden'
  });
}
