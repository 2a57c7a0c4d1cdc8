import { ReactWidget } from '@jupyterlab/ui-components';
import React from 'react';

import { APIError } from '../request';
import { changes, IObjectChange, ObjectKind } from './changes';
import { ErrorNote } from './ErrorNote';
import { ViewPoll } from './poll';

/** What a polled view holds: the last data read, the last error (cleared by a success). */
export interface ILoaded<T> {
  data: T | null;
  error: APIError | null;
  /** True until the first read ends. */
  loading: boolean;
}

/** How a polled view reads. */
export interface IPolledViewOptions {
  /** A name for the poll; the error line's test id is `mlops-<name>-error`. */
  name: string;
  /** ms between reads while the view shows. */
  interval: number;
  /** The longest backoff after errors (ms). */
  max?: number;
  /**
   * Read once at the start even while hidden (a main-area tab restored in the background
   * gets its title); afterwards it reads only while it shows. Default false.
   */
  readWhileHidden?: boolean;
  /**
   * The kinds of objects the view shows: a user action that announces a change of one of
   * them (see `changes`) makes the view read again at once while it shows (a hidden view
   * reads when it shows again).
   */
  refreshOn?: ObjectKind[];
}

/**
 * The base of every panel that re-reads the server: a sidebar section or a main-area view.
 *
 * Subclasses say how to `load` and how to `renderData`; the base polls only while the widget
 * shows (see `ViewPoll`), keeps the last data on an error and shows the error above it (never
 * as an empty list), backs off while errors last, and re-renders. `refresh()` reads now and
 * never throws (callers are commands and buttons).
 */
export abstract class PolledView<T> extends ReactWidget {
  protected loaded: ILoaded<T> = { data: null, error: null, loading: true };
  protected readonly poll: ViewPoll;
  private _pending: Promise<void> | null = null;
  private readonly _name: string;
  private readonly _refreshOn: ReadonlySet<ObjectKind>;

  constructor(options: IPolledViewOptions) {
    super();
    this._name = options.name;
    this._refreshOn = new Set(options.refreshOn ?? []);
    if (this._refreshOn.size) {
      changes.changed.connect(this._onChange, this);
    }
    this.poll = new ViewPoll(this, {
      name: options.name,
      interval: options.interval,
      max: options.max,
      tick: () => this._read(true)
    });
    if (options.readWhileHidden) {
      // After the subclass's constructor: `load` may use its fields.
      window.setTimeout(() => {
        if (this.loaded.loading && !this.isDisposed) {
          void this.refresh();
        }
      }, 0);
    }
  }

  /** The data as last read, or null. */
  get data(): T | null {
    return this.loaded.data;
  }

  /** Read now (even while hidden); errors are shown, not thrown. */
  refresh(): Promise<void> {
    return this._read(false);
  }

  dispose(): void {
    changes.changed.disconnect(this._onChange, this);
    super.dispose();
  }

  private _onChange(_: unknown, change: IObjectChange): void {
    if (this._refreshOn.has(change.kind) && this.poll.isShowing) {
      void this.refresh();
    }
  }

  /** Read the data from the server. */
  protected abstract load(): Promise<T>;

  /** Render the data (the error, if any, shows above it). */
  protected abstract renderData(data: T): JSX.Element;

  /** What failed, for the error line, e.g. "Cannot list experiments". */
  protected abstract get errorText(): string;

  /** What shows before the first read ends. */
  protected renderLoading(): JSX.Element {
    return <div className="jp-MLOps-muted">Loading…</div>;
  }

  /**
   * Whether the base shows `error` above the data (default: every error). A view that shows
   * some errors in place (a filter's, next to the filter box) answers false for those.
   */
  protected showsError(error: APIError): boolean {
    return true;
  }

  /** Called after each successful read (e.g. to retitle the tab or change the interval). */
  protected onLoaded(data: T): void {
    // Nothing by default.
  }

  protected render(): JSX.Element {
    const { data, error, loading } = this.loaded;
    const testId = `mlops-${this._name}-error`;
    if (data === null) {
      if (error !== null) {
        return <ErrorNote what={this.errorText} error={error} testId={testId} />;
      }
      return loading ? this.renderLoading() : <></>;
    }
    return (
      <>
        {error !== null && this.showsError(error) ? (
          <ErrorNote what={this.errorText} error={error} testId={testId} />
        ) : null}
        {this.renderData(data)}
      </>
    );
  }

  /** One read at a time: a refresh during a read waits for it and reads again after. */
  private async _read(rethrow: boolean): Promise<void> {
    while (this._pending !== null) {
      await this._pending.catch(() => undefined);
    }
    const read = this._load();
    this._pending = read;
    try {
      await read;
    } catch (error) {
      if (rethrow) {
        throw error; // the poll backs off
      }
    } finally {
      this._pending = null;
    }
  }

  private async _load(): Promise<void> {
    if (this.isDisposed) {
      return;
    }
    try {
      const data = await this.load();
      this.loaded = { data, error: null, loading: false };
      this.onLoaded(data);
    } catch (error) {
      const failure = APIError.from(error);
      this.loaded = { data: this.loaded.data, error: failure, loading: false };
      throw failure;
    } finally {
      if (!this.isDisposed) {
        this.update();
      }
    }
  }
}
