import React from 'react';

import { PolledView } from '../kit/PolledView';
import { listExperiments } from './api';
import { formatTime } from './format';
import { IExperiment } from './model';

/** The list of experiments: name, run count, running count; a click opens the experiment. */
export function ExperimentList(props: {
  experiments: IExperiment[];
  onOpen(experiment: IExperiment): void;
}): JSX.Element {
  const { experiments } = props;
  if (experiments.length === 0) {
    return (
      <div className="jp-MLOps-muted" data-testid="mlops-experiments-empty">
        No experiments yet. Run a cell with <code>%%track</code> or call{' '}
        <code>mlops.start_run()</code> in a notebook.
      </div>
    );
  }
  return (
    <ul className="jp-MLOps-experimentList" data-testid="mlops-experiments">
      {experiments.map(experiment => (
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

/** The sidebar's "Experiments" section; re-reads every few seconds while it shows. */
export class ExperimentsSection extends PolledView<IExperiment[]> {
  constructor(private readonly _open: (experiment: IExperiment) => void) {
    super({ name: 'experiments', interval: 10000, max: 120000 });
    this.id = 'jupyter-mlops-experiments';
    this.addClass('jp-MLOps-section');
    this.title.label = 'Experiments';
  }

  /** The experiments as last read (empty before the first read). */
  get experiments(): IExperiment[] {
    return this.data ?? [];
  }

  protected get errorText(): string {
    return 'Cannot list experiments';
  }

  protected async load(): Promise<IExperiment[]> {
    return (await listExperiments()).experiments;
  }

  protected renderLoading(): JSX.Element {
    return <div className="jp-MLOps-muted">Reading experiments…</div>;
  }

  protected renderData(experiments: IExperiment[]): JSX.Element {
    return <ExperimentList experiments={experiments} onOpen={this._open} />;
  }
}
