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

/** Memory use as a bar, the figures in its tooltip: one line per worker, however narrow. */
function MemoryBar(props: { used: number; limit: number }): JSX.Element {
  const share = props.limit > 0 ? Math.min(1, props.used / props.limit) : 0;
  const level = share >= 0.9 ? 'high' : share >= 0.6 ? 'mid' : 'low';
  const text = `${formatBytes(props.used)} of ${formatBytes(props.limit)}`;
  return (
    <div className="jp-MLOps-memoryBar" title={text} aria-label={`memory ${text}`}>
      <div className={`jp-MLOps-memoryFill jp-mod-${level}`} style={{ width: `${100 * share}%` }} />
      <span>{Math.round(100 * share)}%</span>
    </div>
  );
}

/** A cluster's workers, compact: name, cores, a memory bar, running tasks, GPU if any. */
export function WorkersTable(props: { workers: IWorkerInfo[] }): JSX.Element {
  if (props.workers.length === 0) {
    return <div className="jp-MLOps-muted">No workers yet.</div>;
  }
  const gpus = props.workers.some(worker => worker.gpu !== null);
  return (
    <table className="jp-MLOps-workers" data-testid="mlops-cluster-workers">
      <thead>
        <tr>
          <th>Worker</th>
          <th title="threads">Cores</th>
          <th>Memory</th>
          <th title="tasks executing now">Tasks</th>
          {gpus && <th>GPU</th>}
        </tr>
      </thead>
      <tbody>
        {props.workers.map(worker => (
          <tr key={worker.address} title={worker.address}>
            <td>{worker.name}</td>
            <td>{worker.threads}</td>
            <td>
              <MemoryBar used={worker.memory_used} limit={worker.memory_limit} />
            </td>
            <td>{worker.executing}</td>
            {gpus && <td>{gpuText(worker)}</td>}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
