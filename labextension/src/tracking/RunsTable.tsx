import React from 'react';

import { ATTRIBUTE_COLUMNS, IColumn, ISort, dataValue } from './columns';
import { formatTime, formatValue, runDuration, runLabel, shortId } from './format';
import { IRun } from './model';
import { IRunRow } from './runTree';
import { StatusBadge } from './StatusBadge';

/** What the runs table shows and how it reports the user's clicks. */
export interface IRunsTableProps {
  /** The page's runs as nested rows (see `nestRuns`). */
  rows: IRunRow[];
  columns: IColumn[];
  sort: ISort | null;
  selected: ReadonlySet<string>;
  expanded: ReadonlySet<string>;
  /** The table holds the last good search's runs while the filter box holds a bad one. */
  stale: boolean;
  onSort(column: IColumn): void;
  onToggle(run: IRun, checked: boolean): void;
  onToggleAll(runs: IRun[], checked: boolean): void;
  onExpand(run: IRun, expanded: boolean): void;
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
  const pinned = column.id === 'run_name' ? ' jp-MLOps-col-run' : '';
  return (
    <th
      className={`jp-MLOps-col-${column.kind}${pinned}${sortable ? ' jp-mod-sortable' : ''}`}
      aria-sort={sortable ? ariaSort : undefined}
      data-sort-key={column.sortKey ?? undefined}
      title={column.sortKey ? `Sort by ${column.sortKey}` : undefined}
      onClick={sortable ? () => props.onSort(column) : undefined}
    >
      {column.kind === 'metric' || column.kind === 'param' ? (
        <span className="jp-MLOps-colKind">
          {column.kind === 'metric' ? 'metric' : column.autologged ? 'autolog' : 'param'}
        </span>
      ) : null}
      {column.label}
      {arrow}
    </th>
  );
}

function RunNameCell(props: {
  row: IRunRow;
  expanded: boolean;
  onExpand(run: IRun, expanded: boolean): void;
  onOpen(run: IRun): void;
}): JSX.Element {
  const { row, expanded } = props;
  const { run } = row;
  const parentElsewhere = run.parent_run_id !== null && row.depth === 0;
  return (
    <td
      className="jp-MLOps-runName jp-MLOps-col-run"
      style={{ paddingLeft: `${4 + row.depth * 18}px` }}
    >
      {row.childCount > 0 ? (
        <button
          className="jp-MLOps-expander"
          aria-expanded={expanded}
          aria-label={`${expanded ? 'Hide' : 'Show'} the ${row.childCount} child runs of ${runLabel(run)}`}
          title={`${row.childCount} child run${row.childCount === 1 ? '' : 's'}`}
          onClick={() => props.onExpand(run, !expanded)}
        >
          {expanded ? '▾' : '▸'} {row.childCount}
        </button>
      ) : row.depth > 0 ? (
        <span className="jp-MLOps-muted jp-MLOps-childMark">↳ </span>
      ) : null}
      <button
        className="jp-MLOps-link jp-MLOps-runLink"
        title={`Open run ${run.run_id}`}
        onClick={() => props.onOpen(run)}
      >
        {runLabel(run)}
      </button>
      {row.differing.length > 0 ? (
        <span className="jp-MLOps-muted jp-MLOps-differing" data-testid="mlops-run-differing">
          {' '}
          {row.differing.map(([key, value]) => `${key}=${value}`).join(', ')}
        </span>
      ) : null}
      {parentElsewhere ? (
        <span className="jp-MLOps-muted" title={`child of ${run.parent_run_id}`}>
          {' '}
          ↳ {shortId(run.parent_run_id ?? '')}
        </span>
      ) : null}
    </td>
  );
}

/**
 * The runs of one page: a checkbox and the run's name (both pinned while scrolling sideways),
 * status, times, then one column per metric and param. Child runs nest under their parent.
 */
export function RunsTable(props: IRunsTableProps): JSX.Element {
  const { rows, columns, selected, expanded } = props;
  const runs = rows.map(row => row.run);
  const allChecked = runs.length > 0 && runs.every(run => selected.has(run.run_id));
  return (
    <table
      className={`jp-MLOps-runsTable${props.stale ? ' jp-mod-stale' : ''}`}
      data-testid="mlops-runs-table"
      aria-busy={props.stale}
    >
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
        {rows.map(row => {
          const { run } = row;
          return (
            <tr
              key={run.run_id}
              data-run-id={run.run_id}
              data-depth={row.depth}
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
              <RunNameCell
                row={row}
                expanded={expanded.has(run.run_id)}
                onExpand={props.onExpand}
                onOpen={props.onOpen}
              />
              <td>
                <StatusBadge status={run.status} lifecycle={run.lifecycle_stage} />
              </td>
              <td>{formatTime(run.start_time)}</td>
              <td>{runDuration(run.start_time, run.end_time)}</td>
              {columns.map(column => {
                const value = dataValue(run, column);
                const text = column.kind === 'metric' ? formatValue(value) : (value ?? '');
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
          );
        })}
      </tbody>
    </table>
  );
}
