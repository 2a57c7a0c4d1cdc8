import { IRun } from './model';

/** The kind of a runs-table column, which decides how it sorts and prints. */
export type ColumnKind = 'attribute' | 'param' | 'metric' | 'tag';

/** A column of the runs table; `sortKey` is its name in the search syntax (`order_by`). */
export interface IColumn {
  id: string;
  label: string;
  kind: ColumnKind;
  sortKey: string | null;
}

/** A key as the search syntax spells it: backticks when it is not a plain identifier. */
export function quoteKey(key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? key : `\`${key.replace(/`/g, '')}\``;
}

/** The fixed columns every runs table starts with. */
export const ATTRIBUTE_COLUMNS: IColumn[] = [
  { id: 'run_name', label: 'Run', kind: 'attribute', sortKey: 'attributes.run_name' },
  { id: 'status', label: 'Status', kind: 'attribute', sortKey: 'attributes.status' },
  { id: 'start_time', label: 'Started', kind: 'attribute', sortKey: 'attributes.start_time' },
  { id: 'duration', label: 'Duration', kind: 'attribute', sortKey: null }
];

/** Columns for an experiment's params and metrics (metrics first: they are what users sort). */
export function dataColumns(paramKeys: string[], metricKeys: string[]): IColumn[] {
  return [
    ...metricKeys.map(key => ({
      id: `metrics.${key}`,
      label: key,
      kind: 'metric' as const,
      sortKey: `metrics.${quoteKey(key)}`
    })),
    ...paramKeys.map(key => ({
      id: `params.${key}`,
      label: key,
      kind: 'param' as const,
      sortKey: `params.${quoteKey(key)}`
    }))
  ];
}

/** The sort a click on `column` asks for, given the current one (a second click flips it). */
export function nextSort(column: IColumn, current: ISort | null): ISort | null {
  if (column.sortKey === null) {
    return current;
  }
  if (current !== null && current.key === column.sortKey) {
    return { key: column.sortKey, descending: !current.descending };
  }
  // Metrics and times read best largest/latest first; names and params in order.
  const descending = column.kind === 'metric' || column.id === 'start_time';
  return { key: column.sortKey, descending };
}

/** A sort of the runs table, sent as one `order_by` clause. */
export interface ISort {
  key: string;
  descending: boolean;
}

/** The `order_by` clause of a sort. */
export function orderByClause(sort: ISort): string {
  return `${sort.key} ${sort.descending ? 'DESC' : 'ASC'}`;
}

/** A param or metric cell's raw value (attributes are rendered by the table itself). */
export function dataValue(run: IRun, column: IColumn): string | number | null | undefined {
  if (column.kind === 'metric') {
    return run.metrics[column.label];
  }
  if (column.kind === 'param') {
    return run.params[column.label];
  }
  if (column.kind === 'tag') {
    return run.tags[column.label];
  }
  return undefined;
}
