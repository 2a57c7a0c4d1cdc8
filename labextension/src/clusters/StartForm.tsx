import React, { useState } from 'react';

import { IClusterList, IStartCluster } from './model';

/** The start form's fields as the user typed them (empty: the class's default). */
interface IFormFields {
  workers: string;
  threads: string;
  memory: string;
  gpus: string;
}

function toRequest(fields: IFormFields): IStartCluster {
  const request: IStartCluster = {};
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
  onStart: (request: IStartCluster) => void;
}): JSX.Element {
  const [fields, setFields] = useState<IFormFields>({
    workers: '2',
    threads: '',
    memory: '',
    gpus: 'none'
  });
  const { gpus, factory } = props.listing;
  const gpuCount = gpus.devices.length;
  const usingGpus = fields.gpus !== 'none';
  const sizesApply = usingGpus || factory.accepts_sizes;
  const set =
    (name: keyof IFormFields) => (event: React.ChangeEvent<HTMLInputElement | HTMLSelectElement>) =>
      setFields({ ...fields, [name]: event.target.value });
  return (
    <form
      className="jp-MLOps-clusterForm"
      data-testid="mlops-cluster-form"
      onSubmit={event => {
        event.preventDefault();
        props.onStart(toRequest(fields));
      }}
    >
      <label>
        Workers
        <input
          name="workers"
          type="number"
          min={0}
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
      <button type="submit" className="jp-mod-styled jp-mod-accept" disabled={props.starting}>
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
  );
}
