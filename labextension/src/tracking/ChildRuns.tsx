import React, { useEffect, useState } from 'react';

import { ErrorNote } from '../kit/ErrorNote';
import { APIError } from '../request';
import { listChildRuns } from './api';
import { formatValue, runLabel } from './format';
import { IRun } from './model';
import { differingParamKeys } from './runTree';
import { StatusBadge } from './StatusBadge';

const PAGE_SIZE = 100;

interface IChildren {
  runs: IRun[];
  total: number;
}

/**
 * The runs nested under a run (e.g. a grid search's best candidates), with links to them, the
 * params that differ between them and their metrics. Read 100 at a time: "Load more" reads
 * the next page, and the count says how many there are in all.
 */
export function ChildRuns(props: {
  run: IRun;
  version: number;
  openRun(runId: string): void;
}): JSX.Element | null {
  const { run, version } = props;
  const [children, setChildren] = useState<IChildren | null>(null);
  const [error, setError] = useState<APIError | null>(null);
  const [loading, setLoading] = useState(false);
  const [pages, setPages] = useState(1);

  useEffect(() => {
    let current = true;
    setLoading(true);
    // Re-read every page shown so far (a live parent may have new children).
    (async () => {
      const runs: IRun[] = [];
      let total = 0;
      for (let page = 0; page < pages; page++) {
        const answer = await listChildRuns(run, page * PAGE_SIZE, PAGE_SIZE);
        runs.push(...answer.runs);
        total = answer.total;
        if (runs.length >= total) {
          break;
        }
      }
      return { runs, total };
    })().then(
      loaded => {
        if (current) {
          setChildren(loaded);
          setError(null);
          setLoading(false);
        }
      },
      (failure: unknown) => {
        if (current) {
          setError(APIError.from(failure));
          setLoading(false);
        }
      }
    );
    return () => {
      current = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- a poll gives a new `run` object for the same run: fetch per run id
  }, [run.run_id, version, pages]);

  if (error !== null) {
    return (
      <section>
        <h3>Child runs</h3>
        <ErrorNote what="Cannot list the child runs" error={error} />
      </section>
    );
  }
  if (children === null || children.total === 0) {
    return null;
  }
  const differing = differingParamKeys(children.runs);
  const metricKeys = [
    ...new Set(children.runs.flatMap(child => Object.keys(child.metrics)))
  ].sort();
  return (
    <section>
      <h3>
        Child runs <span className="jp-MLOps-count">{children.total}</span>
      </h3>
      <div className="jp-MLOps-tableScroll">
        <table className="jp-MLOps-kvTable" data-testid="mlops-child-runs">
          <thead>
            <tr>
              <th>Run</th>
              <th>Status</th>
              {differing.map(key => (
                <th key={`p-${key}`} className="jp-MLOps-col-param">
                  {key}
                </th>
              ))}
              {metricKeys.map(key => (
                <th key={`m-${key}`}>{key}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {children.runs.map(child => (
              <tr key={child.run_id} data-run-id={child.run_id}>
                <td>
                  <button className="jp-MLOps-link" onClick={() => props.openRun(child.run_id)}>
                    {runLabel(child)}
                  </button>
                </td>
                <td>
                  <StatusBadge status={child.status} />
                </td>
                {differing.map(key => (
                  <td key={`p-${key}`} className="jp-MLOps-col-param">
                    {child.params[key] ?? '—'}
                  </td>
                ))}
                {metricKeys.map(key => (
                  <td key={`m-${key}`}>{formatValue(child.metrics[key])}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {children.runs.length < children.total ? (
        <div className="jp-MLOps-pager">
          <span>
            {children.runs.length.toLocaleString()} of {children.total.toLocaleString()} shown
          </span>
          <button className="jp-mod-styled" disabled={loading} onClick={() => setPages(pages + 1)}>
            Load more
          </button>
        </div>
      ) : null}
    </section>
  );
}
