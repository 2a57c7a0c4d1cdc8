/**
 * The health contract: aliases of the schemas generated from the server's OpenAPI document
 * (`../api/schema.d.ts`, from `jupyter_mlops/health/service.py`).
 */

import type { Schema } from '../api/types';

/** `CapabilityStatus`: one installed capability and whether this server runs it. */
export type ICapabilityStatus = Schema<'CapabilityStatus'>;

/** `Health`. */
export type IHealth = Schema<'Health'>;
