import React, { useEffect, useState } from 'react';

import { searchRuns } from './api';
import { formatValue, runLabel } from './format';
import { IRun } from './model';
import { StatusBadge } from './StatusBadge';

/** The runs nested under a run (e.g. a grid search's best candidates), with links to them. */
export function ChildRuns(props: {
  run: IRun;
  version: number;
  openRun(runId: string): void;
}): JSX.Element | null {
  const { run, version } = props;
  const [children, setChildren] = useState<IRun[]>([]);
  useEffect(() => {
    let current = true;
    searchRuns({
      experimentIds: [run.experiment_id],
      filter: `attributes.parent_run_id = '${run.run_id}'`,
      orderBy: ['attributes.run_name ASC'],
      maxResults: 100,
      offset: 0,
      view: 'active'
    })
      .then(page => current && setChildren(page.runs))
      .catch(() => current && setChildren([]));
    return () => {
      current = false;
    };
  }, [run.run_id, version]);

  if (children.length === 0) {
    return null;
  }
  const metricKeys = [...new Set(children.flatMap(child => Object.keys(child.metrics)))].sort();
  return (
    <section>
      <h3>Child runs</h3>
      <table className="jp-MLOps-kvTable" data-testid="mlops-child-runs">
        <thead>
          <tr>
            <th>Run</th>
            <th>Status</th>
            {metricKeys.map(key => (
              <th key={key}>{key}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {children.map(child => (
            <tr key={child.run_id}>
              <td>
                <button className="jp-MLOps-link" onClick={() => props.openRun(child.run_id)}>
                  {runLabel(child)}
                </button>
              </td>
              <td>
                <StatusBadge status={child.status} />
              </td>
              {metricKeys.map(key => (
                <td key={key}>{formatValue(child.metrics[key])}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
