import React, { useState } from 'react';

import { ErrorNote, formatDate, useRequest } from '../kit';
import { objectHistory } from './api';
import { IAuditEntry } from './model';

function shown(value: unknown): string {
  if (value === null || value === undefined) {
    return '';
  }
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** One object's audit trail: who changed what, when, from where (newest first, paged). */
export function History(props: {
  objectType: string;
  objectId: string;
  refresh?: unknown;
}): JSX.Element {
  const [beforeId, setBeforeId] = useState<number | null>(null);
  const page = useRequest(
    () => objectHistory(props.objectType, props.objectId, beforeId),
    [props.objectType, props.objectId, beforeId],
    props.refresh
  );
  if (page.error) {
    return <ErrorNote what="Cannot read the history" error={page.error} />;
  }
  const entries: IAuditEntry[] = page.data?.entries ?? [];
  return (
    <div className="jp-MLOps-history" data-testid="mlops-history">
      {entries.length === 0 && !page.loading ? (
        <div className="jp-MLOps-muted">No recorded changes.</div>
      ) : (
        <table className="jp-MLOps-versionTable">
          <thead>
            <tr>
              <th>When</th>
              <th>Who</th>
              <th>From</th>
              <th>What</th>
              <th>Before</th>
              <th>After</th>
              <th>Comment</th>
            </tr>
          </thead>
          <tbody>
            {entries.map(entry => (
              <tr key={entry.id} data-testid="mlops-history-entry" data-action={entry.action}>
                <td>{formatDate(entry.time)}</td>
                <td>{entry.user}</td>
                <td>{entry.source}</td>
                <td>
                  {entry.action}
                  {entry.object_id !== props.objectId ? ` ${entry.object_id}` : ''}
                </td>
                <td className="jp-MLOps-historyValue">{shown(entry.before)}</td>
                <td className="jp-MLOps-historyValue">{shown(entry.after)}</td>
                <td>{entry.comment ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div className="jp-MLOps-endpointActions">
        {beforeId !== null ? (
          <button
            className="jp-Button jp-mod-styled jp-mod-small"
            onClick={() => setBeforeId(null)}
          >
            Newest
          </button>
        ) : null}
        {page.data?.next_before_id ? (
          <button
            className="jp-Button jp-mod-styled jp-mod-small"
            onClick={() => setBeforeId(page.data?.next_before_id ?? null)}
          >
            Older
          </button>
        ) : null}
      </div>
    </div>
  );
}
