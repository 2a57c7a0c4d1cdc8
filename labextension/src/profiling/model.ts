/**
 * Profiling's REST types: aliases of the schemas generated from the server's OpenAPI document
 * (`../api/schema.d.ts`, from `jupyter_mlops/profiling/entities.py` and `api_models.py`).
 * A profile's JSON shape is documented in docs/profiling.md. Times are epoch milliseconds.
 */

import type { Schema } from '../api/types';

/** `Profile`: a dataset's profile (see docs/profiling.md). */
export type IProfile = Schema<'Profile'>;

/** `ColumnProfile`: the statistics of one column (null where a field does not apply). */
export type IColumnProfile = Schema<'ColumnProfile'>;

/** A JSON scalar as it appears in a profile (datetimes are ISO strings). */
export type Scalar = IColumnProfile['mean'];

/** `Histogram`: bin edges (ISO strings for datetimes) and counts per bin. */
export type IHistogram = Schema<'Histogram'>;

/** `Alert`: something to look at, about a column (null: the whole table). */
export type IAlert = Schema<'Alert'>;

/** `Correlations`: Pearson correlations or Cramér's V, a matrix over `columns`. */
export type ICorrelations = Schema<'Correlations'>;

/** `SampleRows`: the first rows and a random few. */
export type ISampleRows = Schema<'SampleRows'>;

/** `MissingMatrix`: missing cells per column and block of rows. */
export type IMissingMatrix = Schema<'MissingMatrix'>;

/** `ProfileSummary`: a saved profile as the list shows it. */
export type IProfileSummary = Schema<'ProfileSummary'>;

/** `ProfileJob`: where a profiling job runs (`runs_in`), how far it is, how it ended. */
export type IProfileJob = Schema<'ProfileJob'>;

/** `CSVOptions`: how to read a CSV file (absent fields: guessed). */
export type ICSVOptions = Partial<Schema<'CSVOptions'>>;

/**
 * `ProfileRequest`: what the Lab sends (openapi-typescript marks defaulted fields as present,
 * so all but the path are made optional here; the server fills in the defaults).
 */
export type IProfileRequest = Pick<Schema<'ProfileRequest'>, 'path'> &
  Partial<Pick<Schema<'ProfileRequest'>, 'name' | 'sample'>> & { csv?: ICSVOptions | null };

/** `JobState`: a profiling job and, once done, its profile. */
export type IJobState = Schema<'JobState'>;
