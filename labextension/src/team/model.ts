/**
 * Team's REST types, generated from `jupyter_mlops/team/api_models.py` (see
 * `../api/types.ts`). Times are epoch milliseconds.
 */

import type { Schema } from '../api/types';

/** `AuditEntryOut`: one change to one object, with its state before and after. */
export type IAuditEntry = Schema<'AuditEntryOut'>;

/** `AuditPageOut`: a page of the audit trail, newest first. */
export type IAuditPage = Schema<'AuditPageOut'>;

/** `ApprovalOut`. */
export type IApproval = Schema<'ApprovalOut'>;

/** `ApprovalList`. */
export type IApprovalList = Schema<'ApprovalList'>;

/** `WhoAmI`. */
export type IWhoAmI = Schema<'WhoAmI'>;

/**
 * `DeliveryOut`: one notification to one channel (`GET notifications/deliveries`); a 'pending'
 * one is retried with back-off, a 'failed' one was given up.
 */
export type IDelivery = Schema<'DeliveryOut'>;

/** `DeliveryList`. */
export type IDeliveryList = Schema<'DeliveryList'>;

/**
 * `ProvenanceOut` (`GET models/{name}/versions/{v}/provenance`, built by
 * jupyter_mlops/team/provenance.py); the Lab shows `summary`, the rest is there for scripts.
 */
export type IProvenance = Schema<'ProvenanceOut'>;
