import { IDisposable } from '@lumino/disposable';
import { Message, MessageLoop } from '@lumino/messaging';
import { Poll } from '@lumino/polling';
import { Widget } from '@lumino/widgets';

/** How often a view polls. */
export interface IViewPollOptions {
  /** A name for debugging (`jupyter-mlops:<name>`). */
  name: string;
  /** One refresh; a rejection makes the poll back off, the next success resets it. */
  tick: () => Promise<unknown>;
  /** ms between refreshes while the view shows. */
  interval: number;
  /** The longest backoff after errors (ms); default 12 x interval, at most 5 minutes. */
  max?: number;
}

/**
 * A factor on every view's poll interval, from the browser's `localStorage` key
 * `jupyter-mlops:poll-scale` (a number >= 1; default 1): slower polls on a slow server, and
 * browser tests that show a view updating after an action without waiting for its poll.
 */
function pollScale(): number {
  try {
    const scale = Number(window.localStorage.getItem('jupyter-mlops:poll-scale') ?? '1');
    return Number.isFinite(scale) && scale >= 1 ? scale : 1;
  } catch {
    return 1; // storage refused (privacy mode)
  }
}

/**
 * A poll bound to a widget's visibility. It ticks only while `widget.isVisible` and the browser
 * tab shows: a background main-area tab, a collapsed accordion section and a closed sidebar
 * make no requests (as dask-labextension's panes do). It refreshes at once when the widget is
 * shown or attached again, backs off on errors and never stops for good on one; it is disposed
 * with the widget.
 */
export class ViewPoll implements IDisposable {
  private readonly _poll: Poll;
  private readonly _widget: Widget;
  private _interval: number;
  private _max: number;
  private readonly _scale: number;

  constructor(widget: Widget, options: IViewPollOptions) {
    this._widget = widget;
    this._scale = pollScale();
    this._interval = options.interval * this._scale;
    this._max =
      this._scale *
      (options.max ?? Math.min(300000, Math.max(options.interval * 12, options.interval)));
    this._poll = new Poll({
      auto: true,
      factory: () => options.tick(),
      frequency: { interval: this._interval, backoff: true, max: this._max },
      name: `jupyter-mlops:${options.name}`,
      standby: () => !this.isShowing
    });
    MessageLoop.installMessageHook(widget, this._onMessage);
    widget.disposed.connect(this.dispose, this);
  }

  /** Whether the widget shows on screen now (the only time the poll makes requests). */
  get isShowing(): boolean {
    return this._widget.isVisible && document.visibilityState !== 'hidden';
  }

  /** The time between refreshes; a view can poll faster while something is live. */
  get interval(): number {
    return this._interval / this._scale;
  }
  set interval(wanted: number) {
    const interval = wanted * this._scale;
    if (interval === this._interval || this._poll.isDisposed) {
      return;
    }
    this._interval = interval;
    this._max = Math.max(this._max, interval);
    this._poll.frequency = { interval, backoff: true, max: this._max };
  }

  get isDisposed(): boolean {
    return this._poll.isDisposed;
  }

  /** Refresh now (when the widget shows), restarting the interval. */
  refresh(): Promise<void> {
    return this._poll.isDisposed ? Promise.resolve() : this._poll.refresh();
  }

  dispose(): void {
    if (this._poll.isDisposed) {
      return;
    }
    MessageLoop.removeMessageHook(this._widget, this._onMessage);
    this._widget.disposed.disconnect(this.dispose, this);
    this._poll.dispose();
  }

  private readonly _onMessage = (_handler: unknown, message: Message): boolean => {
    // The hook runs before the widget sets its visible flag; the refresh ticks after it.
    if (message.type === 'after-show' || message.type === 'after-attach') {
      void this.refresh();
    }
    return true;
  };
}
