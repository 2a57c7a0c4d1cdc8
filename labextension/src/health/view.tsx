import React from 'react';

import { PolledView } from '../kit/PolledView';
import { requestAPI } from '../request';
import { IHealth } from './model';

/** Renders the server's health: version, store, schema and capabilities. */
export function HealthSummary(props: { health: IHealth }): JSX.Element {
  const { health } = props;
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
            className={capability.enabled ? 'jp-mod-available' : 'jp-mod-unavailable'}
          >
            {capability.enabled ? '✓' : '·'} {capability.title}
            {capability.enabled ? '' : ' (not enabled on this server)'}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** The sidebar's health section; re-reads slowly while it shows. */
export class HealthSection extends PolledView<IHealth> {
  constructor() {
    super({ name: 'health', interval: 30000, max: 300000 });
    this.id = 'jupyter-mlops-health';
    this.addClass('jp-MLOps-section');
    this.title.label = 'Server';
  }

  protected get errorText(): string {
    return "Cannot read the server's health";
  }

  protected load(): Promise<IHealth> {
    return requestAPI<IHealth>('health');
  }

  protected renderLoading(): JSX.Element {
    return <div className="jp-MLOps-muted">Checking the server…</div>;
  }

  protected renderData(health: IHealth): JSX.Element {
    return <HealthSummary health={health} />;
  }
}
