import { ReactWidget } from '@jupyterlab/ui-components';
import { Poll } from '@lumino/polling';
import React from 'react';

import { panelPoll } from '../poll';
import { APIError } from '../request';
import { listExperiments } from './api';
import { formatTime } from './format';
import { IExperiment } from './model';

type SectionState = { experiments: IExperiment[] } | { error: APIError } | null;

/** The list of experiments: name, run count, running count; a click opens the experiment. */
export function ExperimentList(props: {
  state: SectionState;
  onOpen(experiment: IExperiment): void;
}): JSX.Element {
  const { state } = props;
  if (state === null) {
    return <div className="jp-MLOps-muted">Reading experiments…</div>;
  }
  if ('error' in state) {
    return (
      <div className="jp-MLOps-error" data-testid="mlops-experiments-error">
        Cannot list experiments: {state.error.message}
      </div>
    );
  }
  if (state.experiments.length === 0) {
    return (
      <div className="jp-MLOps-muted" data-testid="mlops-experiments-empty">
        No experiments yet. Run a cell with <code>%%track</code> or call{' '}
        <code>mlops.start_run()</code> in a notebook.
      </div>
    );
  }
  return (
    <ul className="jp-MLOps-experimentList" data-testid="mlops-experiments">
      {state.experiments.map(experiment => (
        <li key={experiment.experiment_id} data-experiment-id={experiment.experiment_id}>
          <button
            className="jp-MLOps-experimentItem"
            title={`Open ${experiment.name}; last run ${formatTime(experiment.last_run_time)}`}
            onClick={() => props.onOpen(experiment)}
          >
            <span className="jp-MLOps-experimentName">{experiment.name}</span>
            {experiment.active_run_count > 0 ? (
              <span className="jp-MLOps-badge jp-MLOps-badge-running">
                ● {experiment.active_run_count}
              </span>
            ) : null}
            <span className="jp-MLOps-count" data-testid="mlops-experiment-run-count">
              {experiment.run_count} run{experiment.run_count === 1 ? '' : 's'}
            </span>
          </button>
        </li>
      ))}
    </ul>
  );
}

/** The sidebar's "Experiments" section; refreshes every few seconds while visible. */
export class ExperimentsSection extends ReactWidget {
  private _state: SectionState = null;
  private readonly _poll: Poll;
  private readonly _open: (experiment: IExperiment) => void;

  constructor(open: (experiment: IExperiment) => void) {
    super();
    this._open = open;
    this.id = 'jupyter-mlops-experiments';
    this.addClass('jp-MLOps-section');
    this.title.label = 'Experiments';
    this._poll = panelPoll('experiments', () => this._tick(), 10000, 120000);
  }

  /** The experiments as last read (empty before the first read). */
  get experiments(): IExperiment[] {
    return this._state !== null && 'experiments' in this._state ? this._state.experiments : [];
  }

  /** Read the experiments now. */
  async refresh(): Promise<void> {
    try {
      this._state = { experiments: (await listExperiments()).experiments };
    } catch (error) {
      this._state = {
        error: error instanceof APIError ? error : new APIError(0, 'unknown', String(error))
      };
    }
    this.update();
    if ('error' in this._state) {
      throw this._state.error; // let the poll back off
    }
  }

  dispose(): void {
    this._poll.dispose();
    super.dispose();
  }

  protected onAfterShow(): void {
    this.refresh().catch(() => undefined);
  }

  private async _tick(): Promise<void> {
    if (this._state === null || this.isVisible) {
      await this.refresh();
    }
  }

  protected render(): JSX.Element {
    return <ExperimentList state={this._state} onOpen={this._open} />;
  }
}
