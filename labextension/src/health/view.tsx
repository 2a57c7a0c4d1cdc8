import { ReactWidget } from '@jupyterlab/ui-components';
import { Poll } from '@lumino/polling';
import React from 'react';

import { panelPoll } from '../poll';
import { APIError, requestAPI } from '../request';
import { IHealth } from './model';

type HealthState = { health: IHealth } | { error: APIError } | null;

/** Renders the server's health, or what is wrong when it cannot be read. */
export function HealthSummary(props: { state: HealthState }): JSX.Element {
  const { state } = props;
  if (state === null) {
    return <div className="jp-MLOps-muted">Checking the server…</div>;
  }
  if ('error' in state) {
    const { error } = state;
    if (error.extensionMissing) {
      return (
        <div className="jp-MLOps-error" data-testid="mlops-health-error">
          The jupyter-mlops server extension is not enabled on this server. Run{' '}
          <code>jupyter server extension enable jupyter_mlops</code> and restart JupyterLab.
        </div>
      );
    }
    return (
      <div className="jp-MLOps-error" data-testid="mlops-health-error">
        Cannot read the server&apos;s health: {error.message}
      </div>
    );
  }
  const { health } = state;
  return (
    <div className="jp-MLOps-health" data-testid="mlops-health">
      <dl className="jp-MLOps-facts">
        <dt>Version</dt>
        <dd>jupyter-mlops {health.version}</dd>
        <dt>Store</dt>
        <dd title={health.store_url}>{health.store_url}</dd>
        <dt>Schema</dt>
        <dd>
          {health.schema_revision.join(', ') || 'none'}{' '}
          {health.schema_up_to_date ? '(up to date)' : '(needs upgrade)'}
        </dd>
      </dl>
      <ul className="jp-MLOps-capabilities">
        {health.capabilities.map(capability => (
          <li
            key={capability.name}
            className={capability.available ? 'jp-mod-available' : 'jp-mod-unavailable'}
          >
            {capability.available ? '✓' : '·'} {capability.title}
            {capability.available ? '' : ' (not yet available)'}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** The sidebar's health section; refreshes slowly, and stands by while hidden. */
export class HealthSection extends ReactWidget {
  private _state: HealthState = null;
  private readonly _poll: Poll;

  constructor() {
    super();
    this.addClass('jp-MLOps-section');
    this.title.label = 'Server';
    this._poll = panelPoll('health', () => this.refresh(), 30000, 300000);
  }

  /** Fetch the health now. */
  async refresh(): Promise<void> {
    try {
      this._state = { health: await requestAPI<IHealth>('health') };
    } catch (error) {
      this._state = {
        error: error instanceof APIError ? error : new APIError(0, 'unknown', String(error))
      };
    }
    this.update();
    if ('error' in this._state && !this._state.error.extensionMissing) {
      throw this._state.error; // let the poll back off
    }
  }

  dispose(): void {
    this._poll.dispose();
    super.dispose();
  }

  protected render(): JSX.Element {
    return <HealthSummary state={this._state} />;
  }
}
