import type { Schema } from '../api/types';
import { requestAPI, json } from '../request';
import {
  IApproval,
  IApprovalList,
  IAuditPage,
  IDelivery,
  IDeliveryList,
  IProvenance,
  IWhoAmI
} from './model';

const part = encodeURIComponent;

/** The audit trail of one object, newest first (`beforeId`: the page token). */
export function objectHistory(
  objectType: string,
  objectId: string,
  beforeId: number | null = null
): Promise<IAuditPage> {
  const page = beforeId === null ? '' : `&before_id=${beforeId}`;
  return requestAPI<IAuditPage>(
    `audit?object_type=${part(objectType)}&object_id=${part(objectId)}&limit=50${page}`
  );
}

export async function listApprovals(model: string): Promise<IApproval[]> {
  const answer = await requestAPI<IApprovalList>(`approvals?model=${part(model)}`);
  return answer.approvals;
}

export function requestApproval(
  model: string,
  alias: string,
  version: number,
  comment: string
): Promise<IApproval> {
  const body: Schema<'ApprovalIn'> = { model, alias, version, comment: comment || null };
  return requestAPI<IApproval>('approvals', json('POST', body));
}

export function decideApproval(id: number, approve: boolean, comment: string): Promise<IApproval> {
  const verb = approve ? 'approve' : 'reject';
  const body: Schema<'DecisionIn'> = { comment: comment || null };
  return requestAPI<IApproval>(`approvals/${id}/${verb}`, json('POST', body));
}

export function whoAmI(): Promise<IWhoAmI> {
  return requestAPI<IWhoAmI>('whoami');
}

let me: Promise<string> | null = null;

/** The Lab's user as the server names it (asked once per page; a failure asks again). */
export function currentUser(): Promise<string> {
  if (me === null) {
    me = whoAmI().then(
      answer => answer.user,
      error => {
        me = null;
        throw error;
      }
    );
  }
  return me;
}

/** An MLflow filter clause for runs `user` started (quotes doubled as the syntax wants). */
export function userClause(user: string): string {
  return `tags.mlflow.user = '${user.replace(/'/g, "''")}'`;
}

/** The notification delivery log, newest first. */
export async function listDeliveries(): Promise<IDelivery[]> {
  return (await requestAPI<IDeliveryList>('notifications/deliveries')).deliveries;
}

/** Why a version is where it is: who registered and moved it, approvals, gates. */
export function versionProvenance(model: string, version: number): Promise<IProvenance> {
  return requestAPI<IProvenance>(`models/${part(model)}/versions/${version}/provenance`);
}
