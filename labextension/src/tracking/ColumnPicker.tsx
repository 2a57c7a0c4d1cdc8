import React from 'react';

import { IColumn, IColumnChoice, choose, isShown } from './columns';

function Group(props: {
  title: string;
  columns: IColumn[];
  choice: IColumnChoice;
  onChange(choice: IColumnChoice): void;
}): JSX.Element | null {
  const { columns, choice } = props;
  if (columns.length === 0) {
    return null;
  }
  const ids = columns.map(column => column.id);
  return (
    <fieldset className="jp-MLOps-columnGroup" data-group={props.title}>
      <legend>
        {props.title} ({columns.length}){' '}
        <button className="jp-MLOps-link" onClick={() => props.onChange(choose(choice, ids, true))}>
          all
        </button>{' '}
        <button
          className="jp-MLOps-link"
          onClick={() => props.onChange(choose(choice, ids, false))}
        >
          none
        </button>
      </legend>
      {columns.map(column => (
        <label key={column.id} title={column.sortKey ?? column.id}>
          <input
            type="checkbox"
            checked={isShown(column, choice)}
            onChange={event =>
              props.onChange(choose(choice, [column.id], event.currentTarget.checked))
            }
          />
          {column.label}
        </label>
      ))}
    </fieldset>
  );
}

/**
 * Which metric and param columns the runs table shows: metrics and the params the user logged
 * by default, autologged params (dozens per estimator) on demand. The choice is the caller's
 * to remember (per experiment).
 */
export function ColumnPicker(props: {
  columns: IColumn[];
  choice: IColumnChoice;
  onChange(choice: IColumnChoice): void;
}): JSX.Element {
  const { columns, choice } = props;
  const shown = columns.filter(column => isShown(column, choice)).length;
  const group = (title: string, test: (column: IColumn) => boolean) => (
    <Group title={title} columns={columns.filter(test)} choice={choice} onChange={props.onChange} />
  );
  return (
    <details className="jp-MLOps-columnPicker" data-testid="mlops-column-picker">
      <summary className="jp-mod-styled">
        Columns ({shown}/{columns.length})
      </summary>
      <div className="jp-MLOps-columnMenu">
        {group('Metrics', column => column.kind === 'metric')}
        {group('Params', column => column.kind === 'param' && !column.autologged)}
        {group('Autologged params', column => column.kind === 'param' && !!column.autologged)}
      </div>
    </details>
  );
}
