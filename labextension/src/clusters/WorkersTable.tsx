import React from 'react';

import { formatBytes } from '../kit/format';
import { IWorkerInfo } from './model';

function gpuText(worker: IWorkerInfo): string {
  const gpu = worker.gpu;
  if (gpu === null) {
    return '–';
  }
  const memory =
    gpu.memory_total !== null
      ? ` · ${formatBytes(gpu.memory_used)} / ${formatBytes(gpu.memory_total)}`
      : '';
  return `${gpu.name}${memory}`;
}

/** A cluster's workers: cores, memory use, GPU (name, memory) and running tasks. */
export function WorkersTable(props: { workers: IWorkerInfo[] }): JSX.Element {
  if (props.workers.length === 0) {
    return <div className="jp-MLOps-muted">No workers yet.</div>;
  }
  return (
    <table className="jp-MLOps-workers" data-testid="mlops-cluster-workers">
      <thead>
        <tr>
          <th>Worker</th>
          <th title="threads">Cores</th>
          <th>Memory</th>
          <th>GPU</th>
          <th title="tasks executing now">Tasks</th>
        </tr>
      </thead>
      <tbody>
        {props.workers.map(worker => (
          <tr key={worker.address} title={worker.address}>
            <td>{worker.name}</td>
            <td>{worker.threads}</td>
            <td>
              <meter
                min={0}
                max={worker.memory_limit || 1}
                value={worker.memory_used}
                title={`${formatBytes(worker.memory_used)} of ${formatBytes(worker.memory_limit)}`}
              />{' '}
              {formatBytes(worker.memory_used)} / {formatBytes(worker.memory_limit)}
            </td>
            <td>{gpuText(worker)}</td>
            <td>{worker.executing}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
