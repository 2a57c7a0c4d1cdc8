import React, { useState } from 'react';

import { ErrorNote, formatDate, useRequest } from '../kit';
import { APIError } from '../request';
import { VersionCompare } from '../serving/VersionCompare';
import { decideApproval, listApprovals, requestApproval } from './api';
import { IApproval } from './model';

/** What the approvals section needs from the model page. */
export interface IApprovalsProps {
  modelName: string;
  versions: number[];
  /** Aliases that move only with an approval (configured, or the model's own tag). */
  protectedAliases: string[];
  refresh?: unknown;
  /** Something changed (an alias moved): the page reads the model again. */
  onChanged(): void;
  openRun(runId: string): void;
  openNotebook(path: string): void;
}

function PendingRequest(props: {
  request: IApproval;
  busy: boolean;
  onDecide(approve: boolean, comment: string): void;
  openRun(runId: string): void;
  openNotebook(path: string): void;
}): JSX.Element {
  const { request } = props;
  const [comment, setComment] = useState('');
  const [comparing, setComparing] = useState(false);
  const from = request.current_version === null ? 'unset' : `v${request.current_version}`;
  return (
    <div className="jp-MLOps-approval" data-testid="mlops-approval" data-state={request.state}>
      <div>
        <b>{request.requested_by}</b> asks to move <b>@{request.alias}</b> from {from} to{' '}
        <b>v{request.version}</b> ({formatDate(request.requested_at)})
        {request.comment ? <span>: “{request.comment}”</span> : null}
      </div>
      {comparing && request.current_version !== null ? (
        <VersionCompare
          modelName={request.model}
          version={request.version}
          current={request.current_version}
          currentLabel={`@${request.alias}`}
          actionLabel={`Approve v${request.version}`}
          actionTitle={`Move @${request.alias} to v${request.version} now`}
          busy={props.busy}
          onAction={() => props.onDecide(true, comment)}
          onClose={() => setComparing(false)}
          openRun={props.openRun}
          openNotebook={props.openNotebook}
        />
      ) : null}
      <div className="jp-MLOps-endpointActions">
        <input
          className="jp-MLOps-approvalComment"
          placeholder="Comment"
          aria-label="Decision comment"
          value={comment}
          onChange={event => setComment(event.target.value)}
        />
        {request.current_version !== null ? (
          <button
            className="jp-Button jp-mod-styled jp-mod-small"
            data-testid="mlops-approval-compare"
            aria-expanded={comparing}
            onClick={() => setComparing(!comparing)}
          >
            Compare with v{request.current_version}
          </button>
        ) : null}
        <button
          className="jp-Button jp-mod-styled jp-mod-small jp-mod-accept"
          data-testid="mlops-approve"
          disabled={props.busy}
          onClick={() => props.onDecide(true, comment)}
        >
          Approve
        </button>
        <button
          className="jp-Button jp-mod-styled jp-mod-small jp-mod-warn"
          data-testid="mlops-reject"
          disabled={props.busy}
          onClick={() => props.onDecide(false, comment)}
        >
          Reject
        </button>
      </div>
    </div>
  );
}

/** Requests to move the model's protected aliases: ask for one, approve or reject. */
export function Approvals(props: IApprovalsProps): JSX.Element | null {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<APIError | null>(null);
  const [alias, setAlias] = useState<string>(props.protectedAliases[0] ?? '');
  const [version, setVersion] = useState<number | null>(props.versions[0] ?? null);
  const [comment, setComment] = useState('');
  const requests = useRequest(
    () => listApprovals(props.modelName),
    [props.modelName],
    props.refresh
  );

  const act = (work: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    work()
      .catch(reason => setError(APIError.from(reason)))
      .finally(() => {
        setBusy(false);
        requests.reload();
        props.onChanged();
      });
  };
  if (props.protectedAliases.length === 0 && (requests.data ?? []).length === 0) {
    return null;
  }
  const pending = (requests.data ?? []).filter(r => r.state === 'pending');
  const decided = (requests.data ?? []).filter(r => r.state !== 'pending').slice(0, 5);
  const chosenAlias = alias || props.protectedAliases[0] || '';
  return (
    <div className="jp-MLOps-approvals" data-testid="mlops-approvals">
      <h3>Approvals</h3>
      {requests.error ? <ErrorNote what="Cannot list requests" error={requests.error} /> : null}
      {error ? (
        <div className="jp-MLOps-error" data-testid="mlops-approval-error">
          {error.detail}
        </div>
      ) : null}
      {pending.map(request => (
        <PendingRequest
          key={request.id}
          request={request}
          busy={busy}
          onDecide={(approve, text) => act(() => decideApproval(request.id, approve, text))}
          openRun={props.openRun}
          openNotebook={props.openNotebook}
        />
      ))}
      {props.protectedAliases.length > 0 ? (
        <div className="jp-MLOps-endpointActions" data-testid="mlops-approval-request">
          <span>Ask to move</span>
          <select aria-label="Alias" value={chosenAlias} onChange={e => setAlias(e.target.value)}>
            {props.protectedAliases.map(name => (
              <option key={name} value={name}>
                @{name}
              </option>
            ))}
          </select>
          <span>to</span>
          <select
            aria-label="Version"
            value={version ?? ''}
            onChange={e => setVersion(Number(e.target.value))}
          >
            {props.versions.map(number => (
              <option key={number} value={number}>
                v{number}
              </option>
            ))}
          </select>
          <input
            className="jp-MLOps-approvalComment"
            placeholder="Why (shown to the approver)"
            aria-label="Request comment"
            value={comment}
            onChange={e => setComment(e.target.value)}
          />
          <button
            className="jp-Button jp-mod-styled jp-mod-small"
            data-testid="mlops-request-approval"
            disabled={busy || version === null || !chosenAlias}
            onClick={() =>
              act(async () => {
                await requestApproval(props.modelName, chosenAlias, version as number, comment);
                setComment('');
              })
            }
          >
            Request approval
          </button>
        </div>
      ) : null}
      {decided.length > 0 ? (
        <ul className="jp-MLOps-muted">
          {decided.map(r => (
            <li key={r.id} data-testid="mlops-approval-decided" data-state={r.state}>
              @{r.alias} → v{r.version}: {r.state} by {r.decided_by ?? '—'}
              {r.decision_comment ? ` (“${r.decision_comment}”)` : ''}, asked by {r.requested_by}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
