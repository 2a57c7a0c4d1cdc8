import { ReactWidget } from '@jupyterlab/ui-components';
import { Poll } from '@lumino/polling';
import React from 'react';

import { panelPoll } from '../poll';
import { APIError } from '../request';
import { getRun } from './api';
import { runLabel } from './format';
import { IRunDetail } from './model';
import { IRunPageActions, RunPage } from './RunPage';
import { confirmRunsAction, renameRunDialog } from './runActions';

const LIVE_INTERVAL_MS = 3000;

/** What a run's view needs from the Lab. */
export interface IRunViewOptions {
  runId: string;
  openNotebook(path: string): void;
  openRun(runId: string): void;
}

/** The main-area page of one run; it re-reads the run while it is RUNNING (and visible). */
export class RunView extends ReactWidget {
  readonly runId: string;
  private readonly _poll: Poll;
  private readonly _actions: IRunPageActions;
  private _run: IRunDetail | null = null;
  private _error: string | null = null;
  private _version = 0;

  constructor(options: IRunViewOptions) {
    super();
    this.runId = options.runId;
    this.addClass('jp-MLOps-runView');
    this.title.label = `Run ${options.runId.slice(0, 8)}`;
    this._actions = {
      rename: () => void this._rename(),
      remove: () => void this._lifecycle('delete'),
      restore: () => void this._lifecycle('restore'),
      openNotebook: options.openNotebook,
      openRun: options.openRun
    };
    this._poll = panelPoll(`run-${options.runId}`, () => this._tick(), LIVE_INTERVAL_MS);
  }

  /** Read the run now; charts and artifacts refetch when it is still running. */
  async refresh(): Promise<void> {
    try {
      const run = await getRun(this.runId);
      const wasLive = this._run?.status === 'RUNNING';
      this._run = run;
      this._error = null;
      if (wasLive) {
        this._version += 1; // new points may have been logged since the last read
      }
      this.title.label = `Run ${runLabel(run)}`;
      this.title.caption = `${run.experiment_name} / ${runLabel(run)} (${run.run_id})`;
    } catch (error) {
      this._error = error instanceof APIError ? error.message : String(error);
      this.update();
      throw error;
    }
    this.update();
  }

  dispose(): void {
    this._poll.dispose();
    super.dispose();
  }

  protected onAfterShow(): void {
    if (this._run?.status === 'RUNNING') {
      this.refresh().catch(() => undefined);
    }
  }

  private async _tick(): Promise<void> {
    if (this._run === null || (this.isVisible && this._run.status === 'RUNNING')) {
      await this.refresh();
    }
  }

  private async _rename(): Promise<void> {
    if (this._run !== null && (await renameRunDialog(this._run)) !== null) {
      await this.refresh();
    }
  }

  private async _lifecycle(action: 'delete' | 'restore'): Promise<void> {
    if (this._run !== null && (await confirmRunsAction(action, [this._run]))) {
      await this.refresh();
    }
  }

  protected render(): JSX.Element {
    if (this._run === null) {
      return this._error !== null ? (
        <div className="jp-MLOps-error">Cannot read the run: {this._error}</div>
      ) : (
        <div className="jp-MLOps-muted">Loading the run…</div>
      );
    }
    return (
      <>
        {this._error !== null ? <div className="jp-MLOps-error">{this._error}</div> : null}
        <RunPage run={this._run} version={this._version} actions={this._actions} />
      </>
    );
  }
}
