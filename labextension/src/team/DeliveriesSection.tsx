import React from 'react';

import { formatDate, PolledView } from '../kit';
import { listDeliveries } from './api';
import { IDelivery } from './model';

/** Newest first; the section shows this many. */
const SHOWN = 20;

function DeliveryRow(props: { delivery: IDelivery }): JSX.Element {
  const { delivery } = props;
  return (
    <tr
      data-testid="mlops-delivery"
      data-state={delivery.state}
      data-event={delivery.event}
      title={`event ${delivery.event_id} → ${delivery.channel} ${delivery.target}`}
    >
      <td>{delivery.event}</td>
      <td className="jp-MLOps-deliveryTarget">
        {delivery.channel} {delivery.target}
      </td>
      <td>
        <span className={`jp-MLOps-deliveryState jp-MLOps-deliveryState-${delivery.state}`}>
          {delivery.state}
        </span>
        {delivery.delivered_at !== null ? (
          <span className="jp-MLOps-muted"> {formatDate(delivery.delivered_at)}</span>
        ) : null}
      </td>
      <td data-testid="mlops-delivery-attempts">{delivery.attempts}</td>
      <td className="jp-MLOps-error" data-testid="mlops-delivery-error">
        {delivery.state === 'delivered' ? '' : (delivery.last_error ?? '')}
      </td>
    </tr>
  );
}

/**
 * The sidebar's "Notifications" section: the delivery log of webhooks and emails (what was
 * sent where, how many attempts, the last error of one still retried or given up).
 */
export class DeliveriesSection extends PolledView<IDelivery[]> {
  constructor() {
    super({ name: 'deliveries', interval: 10000, max: 120000 });
    this.id = 'jupyter-mlops-deliveries';
    this.addClass('jp-MLOps-section');
    this.title.label = 'Notifications';
    this.title.caption = 'Webhook and email deliveries of team events';
  }

  protected get errorText(): string {
    return 'Cannot read the delivery log';
  }

  protected async load(): Promise<IDelivery[]> {
    return listDeliveries();
  }

  protected renderData(deliveries: IDelivery[]): JSX.Element {
    if (deliveries.length === 0) {
      return (
        <div className="jp-MLOps-muted" data-testid="mlops-deliveries-empty">
          No notifications sent. Webhooks and email are configured with{' '}
          <code>MLOpsApp.notifications</code> (docs/team.md).
        </div>
      );
    }
    return (
      <table className="jp-MLOps-deliveries" data-testid="mlops-deliveries">
        <thead>
          <tr>
            <th>Event</th>
            <th>To</th>
            <th>Status</th>
            <th>Attempts</th>
            <th>Last error</th>
          </tr>
        </thead>
        <tbody>
          {deliveries.slice(0, SHOWN).map(delivery => (
            <DeliveryRow key={delivery.id} delivery={delivery} />
          ))}
        </tbody>
      </table>
    );
  }
}
