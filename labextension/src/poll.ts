import { Poll } from '@lumino/polling';

/**
 * A poll that stands by only while the browser tab is hidden.
 *
 * @deprecated Use the kit's `ViewPoll` (or `PolledView`), which also stands by while its
 * widget is hidden (a background tab, a collapsed section). Kept until profiling/ and
 * clusters/ move to it; then this file goes.
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
