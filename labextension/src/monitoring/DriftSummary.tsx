import React from 'react';

import { summaryRows } from './charts';
import { IColumnDrift } from './model';

/**
 * A window's drift summary, one row per column as Evidently's report: column, type, test,
 * score, threshold and verdict; drifted columns first.
 */
export function DriftSummary(props: { columns: IColumnDrift[] }): JSX.Element {
  const rows = summaryRows(props.columns);
  return (
    <table className="jp-MLOps-table jp-MLOps-driftSummary" data-testid="mlops-drift-summary">
      <thead>
        <tr>
          <th>Column</th>
          <th>Type</th>
          <th>Test</th>
          <th>Score</th>
          <th>Threshold</th>
          <th>Verdict</th>
        </tr>
      </thead>
      <tbody>
        {rows.map(row => (
          <tr
            key={row.column}
            data-testid="mlops-drift-summary-row"
            data-column={row.column}
            data-drifted={String(row.drifted)}
          >
            <td>{row.column}</td>
            <td>{row.type}</td>
            <td>{row.test}</td>
            <td>{row.score}</td>
            <td>{row.threshold}</td>
            <td className={row.drifted ? 'jp-MLOps-drift' : 'jp-MLOps-muted'}>
              {row.drifted ? 'Drift' : 'No drift'}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
