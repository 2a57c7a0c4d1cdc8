import React from 'react';

/** A two-column table of a run's params or tags, sorted by key. */
export function KeyValueTable(props: {
  entries: Record<string, string>;
  empty: string;
  testId?: string;
}): JSX.Element {
  const keys = Object.keys(props.entries).sort();
  if (keys.length === 0) {
    return <div className="jp-MLOps-muted">{props.empty}</div>;
  }
  return (
    <table className="jp-MLOps-kvTable" data-testid={props.testId}>
      <tbody>
        {keys.map(key => (
          <tr key={key}>
            <th>{key}</th>
            <td title={props.entries[key]}>{props.entries[key]}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
