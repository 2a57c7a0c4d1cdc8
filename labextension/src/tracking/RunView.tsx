import React from 'react';

import { PolledView } from '../kit/PolledView';
import { getRun } from './api';
import { runLabel } from './format';
import { IRunDetail } from './model';
import { IRunPageActions, RunPage } from './RunPage';
import { confirmRunsAction, renameRunDialog } from './runActions';

/** A live run re-reads every 3 s while it shows; a finished one rarely (someone may rename it). */
const LIVE_INTERVAL_MS = 3000;
const IDLE_INTERVAL_MS = 60000;

/** What a run's view needs from the Lab. */
export interface IRunViewOptions {
  runId: string;
  openNotebook(path: string): void;
  openRun(runId: string): void;
  /** Whether a plugin offers to register a model (the serving plugin's command). */
  canRegisterModel(): boolean;
  /** Register the model folder `path` of run `runId`, offering `name` as the model's name. */
  registerModel(runId: string, path: string, name: string): void;
}

/** The main-area page of one run; it re-reads the run while it is RUNNING and shows. */
export class RunView extends PolledView<IRunDetail> {
  readonly runId: string;
  private readonly _actions: IRunPageActions;
  private _version = 0;
  private _wasLive = false;

  constructor(options: IRunViewOptions) {
    super({ name: 'run', interval: LIVE_INTERVAL_MS, readWhileHidden: true });
    this.runId = options.runId;
    this.addClass('jp-MLOps-runView');
    this.title.label = `Run ${options.runId.slice(0, 8)}`;
    this._actions = {
      rename: () => void this._rename(),
      remove: () => void this._lifecycle('delete'),
      restore: () => void this._lifecycle('restore'),
      openNotebook: options.openNotebook,
      openRun: options.openRun,
      canRegisterModel: options.canRegisterModel,
      registerModel: options.registerModel
    };
  }

  protected get errorText(): string {
    return 'Cannot read the run';
  }

  protected load(): Promise<IRunDetail> {
    return getRun(this.runId);
  }

  protected onLoaded(run: IRunDetail): void {
    if (this._wasLive) {
      this._version += 1; // new points may have been logged since the last read
    }
    this._wasLive = run.status === 'RUNNING';
    this.poll.interval = this._wasLive ? LIVE_INTERVAL_MS : IDLE_INTERVAL_MS;
    // Tabs tell runs apart by name and experiment, not "Run ×, Run ×".
    this.title.label = `${runLabel(run)} · ${run.experiment_name}`;
    this.title.caption = `Run ${runLabel(run)} of ${run.experiment_name} (${run.run_id})`;
  }

  protected renderLoading(): JSX.Element {
    return <div className="jp-MLOps-muted">Loading the run…</div>;
  }

  protected renderData(run: IRunDetail): JSX.Element {
    return <RunPage run={run} version={this._version} actions={this._actions} />;
  }

  private async _rename(): Promise<void> {
    if (this.data !== null && (await renameRunDialog(this.data)) !== null) {
      await this.refresh();
    }
  }

  private async _lifecycle(action: 'delete' | 'restore'): Promise<void> {
    if (this.data !== null && (await confirmRunsAction(action, [this.data]))) {
      await this.refresh();
    }
  }
}
