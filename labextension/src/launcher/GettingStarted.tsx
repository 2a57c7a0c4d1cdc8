import { ReactWidget } from '@jupyterlab/ui-components';
import React from 'react';

/** A step of the tour: what it does and the command that does it. */
export interface IGettingStartedStep {
  title: string;
  text: string;
  /** The button's label and what it runs; null when the step is reading only. */
  action: { label: string; run(): void } | null;
}

/** The getting-started page: the loop in a few steps, each with a button that starts it. */
export function GettingStartedPage(props: { steps: IGettingStartedStep[] }): JSX.Element {
  return (
    <div className="jp-MLOps-gettingStarted" data-testid="mlops-getting-started">
      <h1>MLOps in JupyterLab</h1>
      <p className="jp-MLOps-muted">
        Explore data, train on a Dask cluster, track experiments, schedule notebooks, serve and
        monitor models, without leaving the Lab. Everything here is also a Python call (
        <code>import jupyter_mlops as mlops</code>) and a REST call.
      </p>
      <ol className="jp-MLOps-steps">
        {props.steps.map(step => (
          <li key={step.title}>
            <h3>{step.title}</h3>
            <p>{step.text}</p>
            {step.action !== null ? (
              <button className="jp-mod-styled jp-mod-accept" onClick={step.action.run}>
                {step.action.label}
              </button>
            ) : null}
          </li>
        ))}
      </ol>
    </div>
  );
}

/** The getting-started page as a main-area widget. */
export class GettingStartedView extends ReactWidget {
  constructor(private readonly _steps: IGettingStartedStep[]) {
    super();
    this.id = 'jupyter-mlops-getting-started';
    this.addClass('jp-MLOps-gettingStartedView');
    this.title.label = 'MLOps: Getting Started';
  }

  protected render(): JSX.Element {
    return <GettingStartedPage steps={this._steps} />;
  }
}
