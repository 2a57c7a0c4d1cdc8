import React from 'react';

import { IColumn } from './columns';

function Group(props: {
  title: string;
  columns: IColumn[];
  hidden: ReadonlySet<string>;
  onChange(hidden: Set<string>): void;
}): JSX.Element | null {
  const { columns, hidden } = props;
  if (columns.length === 0) {
    return null;
  }
  const toggle = (ids: string[], show: boolean) => {
    const next = new Set(hidden);
    for (const id of ids) {
      if (show) {
        next.delete(id);
      } else {
        next.add(id);
      }
    }
    props.onChange(next);
  };
  const ids = columns.map(column => column.id);
  return (
    <fieldset className="jp-MLOps-columnGroup">
      <legend>
        {props.title}{' '}
        <button className="jp-MLOps-link" onClick={() => toggle(ids, true)}>
          all
        </button>{' '}
        <button className="jp-MLOps-link" onClick={() => toggle(ids, false)}>
          none
        </button>
      </legend>
      {columns.map(column => (
        <label key={column.id} title={column.sortKey ?? column.id}>
          <input
            type="checkbox"
            checked={!hidden.has(column.id)}
            onChange={event => toggle([column.id], event.currentTarget.checked)}
          />
          {column.label}
        </label>
      ))}
    </fieldset>
  );
}

/** Which metric and param columns the runs table shows (autolog logs dozens of params). */
export function ColumnPicker(props: {
  columns: IColumn[];
  hidden: ReadonlySet<string>;
  onChange(hidden: Set<string>): void;
}): JSX.Element {
  const { columns, hidden } = props;
  const shown = columns.filter(column => !hidden.has(column.id)).length;
  return (
    <details className="jp-MLOps-columnPicker" data-testid="mlops-column-picker">
      <summary className="jp-mod-styled">
        Columns ({shown}/{columns.length})
      </summary>
      <div className="jp-MLOps-columnMenu">
        <Group
          title="Metrics"
          columns={columns.filter(column => column.kind === 'metric')}
          hidden={hidden}
          onChange={props.onChange}
        />
        <Group
          title="Params"
          columns={columns.filter(column => column.kind === 'param')}
          hidden={hidden}
          onChange={props.onChange}
        />
      </div>
    </details>
  );
}
