/**
 * The REST contract of jobs: aliases of the schemas generated from the server's OpenAPI
 * document (`../api/schema.d.ts`, from `jupyter_mlops/jobs/api_models.py`).
 */

import type { Schema } from '../api/types';

/** `RunOutput`: one output file of a run. */
export type IRunOutput = Schema<'RunOutput'>;

/** `JobRunOut`. */
export type IJobRun = Schema<'JobRunOut'>;

/** `JobOut`. */
export type IJob = Schema<'JobOut'>;

/** `JobCreate` (a POST body: fields with a server default may be left out). */
export type IJobCreate = Schema<'JobCreate'>;

/** `ParameterOut`: a notebook parameter as papermill reads it. */
export type IParameter = Schema<'ParameterOut'>;

/** `SchedulePreview`. */
export type ISchedulePreview = Schema<'SchedulePreview'>;
