import React from 'react';

import { ATTRIBUTE_COLUMNS, IColumn, ISort, dataValue } from './columns';
import { formatDuration, formatTime, formatValue, runLabel, shortId } from './format';
import { IRun } from './model';
import { StatusBadge } from './StatusBadge';

/** What the runs table shows and how it reports the user's clicks. */
export interface IRunsTableProps {
  runs: IRun[];
  columns: IColumn[];
  sort: ISort | null;
  selected: ReadonlySet<string>;
  onSort(column: IColumn): void;
  onToggle(run: IRun, checked: boolean): void;
  onToggleAll(runs: IRun[], checked: boolean): void;
  onOpen(run: IRun): void;
}

function HeaderCell(props: {
  column: IColumn;
  sort: ISort | null;
  onSort(column: IColumn): void;
}): JSX.Element {
  const { column, sort } = props;
  const active = sort !== null && column.sortKey === sort.key;
  const ariaSort = active ? (sort.descending ? 'descending' : 'ascending') : 'none';
  const arrow = active ? (sort.descending ? ' ▼' : ' ▲') : '';
  const sortable = column.sortKey !== null;
  return (
    <th
      className={`jp-MLOps-col-${column.kind}${sortable ? ' jp-mod-sortable' : ''}`}
      aria-sort={sortable ? ariaSort : undefined}
      data-sort-key={column.sortKey ?? undefined}
      title={column.sortKey ? `Sort by ${column.sortKey}` : undefined}
      onClick={sortable ? () => props.onSort(column) : undefined}
    >
      {column.kind === 'metric' || column.kind === 'param' ? (
        <span className="jp-MLOps-colKind">{column.kind === 'metric' ? 'metric' : 'param'}</span>
      ) : null}
      {column.label}
      {arrow}
    </th>
  );
}

function AttributeCells(props: { run: IRun; onOpen(run: IRun): void }): JSX.Element {
  const { run } = props;
  return (
    <>
      <td className="jp-MLOps-runName">
        <button
          className="jp-MLOps-link"
          title={`Open run ${run.run_id}`}
          onClick={() => props.onOpen(run)}
        >
          {runLabel(run)}
        </button>
        {run.parent_run_id ? (
          <span className="jp-MLOps-muted" title={`child of ${run.parent_run_id}`}>
            {' '}
            ↳ {shortId(run.parent_run_id)}
          </span>
        ) : null}
      </td>
      <td>
        <StatusBadge status={run.status} lifecycle={run.lifecycle_stage} />
      </td>
      <td>{formatTime(run.start_time)}</td>
      <td>{formatDuration(run.start_time, run.end_time)}</td>
    </>
  );
}

/** The runs of one page: a checkbox, name, status, times, then one column per metric and param. */
export function RunsTable(props: IRunsTableProps): JSX.Element {
  const { runs, columns, selected } = props;
  const allChecked = runs.length > 0 && runs.every(run => selected.has(run.run_id));
  return (
    <table className="jp-MLOps-runsTable" data-testid="mlops-runs-table">
      <thead>
        <tr>
          <th className="jp-MLOps-col-check">
            <input
              type="checkbox"
              aria-label="Select every run on this page"
              checked={allChecked}
              onChange={event => props.onToggleAll(runs, event.currentTarget.checked)}
            />
          </th>
          {[...ATTRIBUTE_COLUMNS, ...columns].map(column => (
            <HeaderCell key={column.id} column={column} sort={props.sort} onSort={props.onSort} />
          ))}
        </tr>
      </thead>
      <tbody>
        {runs.map(run => (
          <tr
            key={run.run_id}
            data-run-id={run.run_id}
            className={selected.has(run.run_id) ? 'jp-mod-selected' : undefined}
          >
            <td className="jp-MLOps-col-check">
              <input
                type="checkbox"
                aria-label={`Select ${runLabel(run)}`}
                checked={selected.has(run.run_id)}
                onChange={event => props.onToggle(run, event.currentTarget.checked)}
              />
            </td>
            <AttributeCells run={run} onOpen={props.onOpen} />
            {columns.map(column => {
              const value = dataValue(run, column);
              const text =
                column.kind === 'metric' ? formatValue(value as number | null) : (value ?? '');
              return (
                <td
                  key={column.id}
                  className={`jp-MLOps-col-${column.kind}`}
                  data-column={column.id}
                  title={value === undefined || value === null ? undefined : String(value)}
                >
                  {text}
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
