import React from 'react';

import { LifecycleStage, RunStatus } from './model';

/** A coloured badge with a run's status (and "deleted" when it is in the bin). */
export function StatusBadge(props: { status: RunStatus; lifecycle?: LifecycleStage }): JSX.Element {
  const { status, lifecycle } = props;
  return (
    <span className="jp-MLOps-statusCell">
      <span
        className={`jp-MLOps-badge jp-MLOps-badge-${status.toLowerCase()}`}
        data-status={status}
        title={status === 'RUNNING' ? 'running: updates live' : status}
      >
        {status === 'RUNNING' ? '● ' : ''}
        {status.toLowerCase()}
      </span>
      {lifecycle === 'deleted' ? (
        <span className="jp-MLOps-badge jp-MLOps-badge-deleted">deleted</span>
      ) : null}
    </span>
  );
}
