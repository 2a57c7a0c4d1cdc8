/** Mirrors of jupyter_mlops/team/api_models.py. */

export interface IAuditEntry {
  id: number;
  time: number;
  user: string;
  source: string;
  action: string;
  object_type: string;
  object_id: string;
  before: unknown;
  after: unknown;
  comment: string | null;
}

export interface IAuditPage {
  entries: IAuditEntry[];
  next_before_id: number | null;
}

export interface IApproval {
  id: number;
  model: string;
  alias: string;
  version: number;
  current_version: number | null;
  state: 'pending' | 'approved' | 'rejected' | 'applied';
  requested_by: string;
  requested_at: number;
  comment: string | null;
  decided_by: string | null;
  decided_at: number | null;
  decision_comment: string | null;
  gates: unknown;
}

export interface IWhoAmI {
  user: string;
  source: string;
  default_permission: string;
  admins: string[];
  protected_aliases: string[];
  events: string[];
}

/** One notification to one channel (`GET notifications/deliveries`). */
export interface IDelivery {
  id: number;
  event_id: number;
  event: string;
  channel: string;
  target: string;
  /** 'pending' (retried with back-off), 'sending', 'delivered' or 'failed' (gave up). */
  state: string;
  attempts: number;
  last_error: string | null;
  delivered_at: number | null;
}

/** `GET models/{name}/versions/{v}/provenance` (jupyter_mlops/team/provenance.py); the Lab
 * shows `summary`, the rest is there for scripts. */
export interface IProvenance {
  model: string;
  version: number;
  created_by: string | null;
  creation_time: number;
  source: string;
  notebook_path: string | null;
  run: Record<string, unknown> | null;
  aliases: Record<string, unknown>[];
  approvals: IApproval[];
  gate_runs: Record<string, unknown>[];
  trail: IAuditEntry[];
  summary: string[];
}
