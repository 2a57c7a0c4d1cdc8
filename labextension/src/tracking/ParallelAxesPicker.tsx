import React from 'react';

import { IColumn } from './columns';

/**
 * Which columns parallel coordinates draws, in order: a checkbox per param (first, as in
 * MLflow) and per metric. A click adds the column at the end or removes it.
 */
export function ParallelAxesPicker(props: {
  columns: IColumn[];
  axes: IColumn[];
  onChange(axes: IColumn[]): void;
  onReset(): void;
}): JSX.Element {
  const chosen = new Set(props.axes.map(column => column.id));
  const toggle = (column: IColumn, on: boolean) =>
    props.onChange(on ? [...props.axes, column] : props.axes.filter(axis => axis.id !== column.id));
  const group = (title: string, columns: IColumn[]) =>
    columns.length === 0 ? null : (
      <fieldset className="jp-MLOps-columnGroup" data-group={title}>
        <legend>{title}</legend>
        {columns.map(column => (
          <label key={column.id} title={column.id}>
            <input
              type="checkbox"
              checked={chosen.has(column.id)}
              onChange={event => toggle(column, event.currentTarget.checked)}
            />
            {column.label}
          </label>
        ))}
      </fieldset>
    );
  return (
    <details className="jp-MLOps-columnPicker" data-testid="mlops-parallel-axes">
      <summary>
        Axes ({props.axes.length} of {props.columns.length})
      </summary>
      {group(
        'Params',
        props.columns.filter(column => column.kind === 'param')
      )}
      {group(
        'Metrics',
        props.columns.filter(column => column.kind === 'metric')
      )}
      <button className="jp-MLOps-link" onClick={props.onReset}>
        Default axes
      </button>
    </details>
  );
}
