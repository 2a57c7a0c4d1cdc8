import { IRun } from '../src/tracking/model';

/** A run with defaults for every field a test does not care about. */
export function run(fields: Partial<IRun> & { run_id: string }): IRun {
  return {
    experiment_id: '1',
    run_name: fields.run_id,
    status: 'FINISHED',
    start_time: 0,
    end_time: 1000,
    lifecycle_stage: 'active',
    artifact_uri: '/tmp',
    parent_run_id: null,
    params: {},
    metrics: {},
    tags: {},
    ...fields
  };
}
