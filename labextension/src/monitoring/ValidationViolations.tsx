import React from 'react';

import { IValidationReport, violationRows } from './violations';

/**
 * The latest window's requests checked against the served version's data constraints: one
 * row per failed check (column, check, rows that broke it, share, why), or that all passed.
 */
export function ValidationViolations(props: { report: IValidationReport }): JSX.Element {
  const { report } = props;
  if (report.ok) {
    return (
      <p className="jp-MLOps-muted" data-testid="mlops-monitor-validation" data-ok="true">
        Data validation: the {report.n_rows} requests meet the served version's constraints.
      </p>
    );
  }
  const rows = violationRows(report);
  return (
    <section data-testid="mlops-monitor-validation" data-ok="false">
      <h3 className="jp-MLOps-drift">
        Data validation: {rows.length} failed check{rows.length === 1 ? '' : 's'} in {report.n_rows}{' '}
        requests
      </h3>
      <table className="jp-MLOps-table">
        <thead>
          <tr>
            <th>Column</th>
            <th>Check</th>
            <th>Rows</th>
            <th>Share</th>
            <th>Detail</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(row => (
            <tr
              key={`${row.column}/${row.check}`}
              data-testid="mlops-monitor-violation"
              data-column={row.column}
              data-check={row.check}
              data-rows={row.n}
            >
              <td>{row.column}</td>
              <td>{row.check}</td>
              <td>{row.n}</td>
              <td>{(row.share * 100).toFixed(1)}%</td>
              <td>{row.detail}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
