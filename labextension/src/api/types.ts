/**
 * The REST API's types, generated from its OpenAPI document into `schema.d.ts` by
 * `make api-types` (openapi-typescript); `make lint` fails when that file is stale. An
 * interface that mirrors a response model is an alias of its schema here, so a field renamed
 * or retyped on the server breaks the build instead of the page.
 */
import type { components } from './schema';

/** Every schema of the API, by its name under `components/schemas`. */
export type Schemas = components['schemas'];

/** The schema named `K`, e.g. `Schema<'RunOut'>`. */
export type Schema<K extends keyof Schemas> = Schemas[K];
