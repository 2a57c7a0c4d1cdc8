import React, { useState } from 'react';

import { formatBytes } from '../kit/format';
import { memoryProblem } from './inputs';
import { IClusterList, IStartCluster } from './model';

/** The start form's fields as the user typed them (empty: the class's default). */
interface IFormFields {
  name: string;
  workers: string;
  threads: string;
  memory: string;
  gpus: string;
}

function toRequest(fields: IFormFields): IStartCluster {
  const request: IStartCluster = {};
  if (fields.name.trim()) {
    request.name = fields.name.trim();
  }
  if (fields.workers.trim()) {
    request.workers = Number(fields.workers);
  }
  if (fields.threads.trim()) {
    request.threads = Number(fields.threads);
  }
  if (fields.memory.trim()) {
    request.memory = fields.memory.trim();
  }
  if (fields.gpus === 'all') {
    request.gpus = 'all';
  } else if (fields.gpus !== 'none') {
    request.gpus = Number(fields.gpus);
  }
  return request;
}

/** Workers, threads per worker, memory per worker and GPUs; says what class a start uses. */
export function StartForm(props: {
  listing: IClusterList;
  starting: boolean;
  /** Whether the form starts unfolded (when there is no cluster yet). */
  open: boolean;
  onStart: (request: IStartCluster) => void;
}): JSX.Element {
  const [fields, setFields] = useState<IFormFields>({
    name: '',
    workers: '2',
    threads: '',
    memory: '',
    gpus: 'none'
  });
  const { gpus, factory } = props.listing;
  const gpuCount = gpus.devices.length;
  const usingGpus = fields.gpus !== 'none';
  const sizesApply = usingGpus || factory.accepts_sizes;
  const limits = props.listing.limits;
  const memoryError = sizesApply ? memoryProblem(fields.memory, limits.max_memory) : null;
  const set =
    (name: keyof IFormFields) => (event: React.ChangeEvent<HTMLInputElement | HTMLSelectElement>) =>
      setFields({ ...fields, [name]: event.target.value });
  return (
    <details className="jp-MLOps-clusterFormBox" open={props.open}>
      <summary>Start a cluster</summary>
      <form
        className="jp-MLOps-clusterForm"
        data-testid="mlops-cluster-form"
        onSubmit={event => {
          event.preventDefault();
          if (memoryError === null) {
            props.onStart(toRequest(fields));
          }
        }}
      >
        <label>
          Name
          <input
            name="name"
            placeholder="optional"
            maxLength={80}
            value={fields.name}
            onChange={set('name')}
          />
        </label>
        <label>
          Workers
          <input
            name="workers"
            type="number"
            min={0}
            max={limits.max_workers}
            value={
              usingGpus ? String(fields.gpus === 'all' ? gpuCount : fields.gpus) : fields.workers
            }
            disabled={usingGpus}
            title={usingGpus ? 'one worker per GPU' : 'number of workers'}
            onChange={set('workers')}
          />
        </label>
        <label>
          Threads
          <input
            name="threads"
            type="number"
            min={1}
            placeholder="auto"
            value={fields.threads}
            disabled={!sizesApply}
            onChange={set('threads')}
          />
        </label>
        <label>
          Memory
          <input
            name="memory"
            placeholder="auto, e.g. 4GB"
            value={fields.memory}
            disabled={!sizesApply}
            aria-invalid={memoryError !== null}
            title={`at most ${formatBytes(limits.max_memory)} per worker`}
            onChange={set('memory')}
          />
        </label>
        <label>
          GPUs
          <select name="gpus" value={fields.gpus} onChange={set('gpus')} title={gpus.note}>
            <option value="none">none</option>
            <option value="all" disabled={gpuCount === 0}>
              all ({gpuCount})
            </option>
            {Array.from({ length: gpuCount }, (_, i) => (
              <option key={i + 1} value={String(i + 1)}>
                {i + 1}
              </option>
            ))}
          </select>
        </label>
        {memoryError !== null && (
          <div
            className="jp-MLOps-error jp-MLOps-clusterHint"
            data-testid="mlops-cluster-memory-error"
          >
            {memoryError}
          </div>
        )}
        <button
          type="submit"
          className="jp-Button jp-mod-styled jp-mod-small jp-mod-accept"
          disabled={props.starting || memoryError !== null}
        >
          {props.starting ? 'Starting…' : 'Start'}
        </button>
        <div className="jp-MLOps-muted jp-MLOps-clusterHint">
          {usingGpus
            ? `dask_cuda.LocalCUDACluster: one worker per GPU, each with resources {"GPU": 1}.`
            : `${factory.cluster_class} (${factory.source})` +
              (factory.accepts_sizes ? '' : '; threads and memory come from its configuration')}
          <br />
          {gpus.note}
        </div>
      </form>
    </details>
  );
}
