import { IRun } from './model';

/** The kind of a runs-table column, which decides how it sorts and prints. */
export type ColumnKind = 'attribute' | 'param' | 'metric' | 'tag';

/** A column of the runs table; `sortKey` is its name in the search syntax (`order_by`). */
export interface IColumn {
  id: string;
  label: string;
  kind: ColumnKind;
  sortKey: string | null;
  /** A param that autolog logged (an estimator's every argument), not one the user chose. */
  autologged?: boolean;
}

/** The run tag in which autolog lists the param keys it logged (a JSON list). */
export const AUTOLOG_PARAMS_TAG = 'mlops.autolog.params';

/** The param keys autolog logged in any of `runs`, from their `mlops.autolog.params` tag. */
export function autologgedParamKeys(runs: IRun[]): Set<string> {
  const keys = new Set<string>();
  for (const run of runs) {
    const text = run.tags[AUTOLOG_PARAMS_TAG];
    if (text === undefined) {
      continue;
    }
    try {
      const listed: unknown = JSON.parse(text);
      if (Array.isArray(listed)) {
        listed.filter(key => typeof key === 'string').forEach(key => keys.add(key));
      }
    } catch {
      // A tag someone else wrote: not ours to read.
    }
  }
  return keys;
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

/**
 * Columns for an experiment's params and metrics: metrics first (they are what users sort),
 * then the params the user logged, then the autologged ones.
 */
export function dataColumns(
  paramKeys: string[],
  metricKeys: string[],
  autologged: ReadonlySet<string> = new Set()
): IColumn[] {
  const param = (key: string): IColumn => ({
    id: `params.${key}`,
    label: key,
    kind: 'param',
    sortKey: `params.${quoteKey(key)}`,
    autologged: autologged.has(key)
  });
  return [
    ...metricKeys.map(key => ({
      id: `metrics.${key}`,
      label: key,
      kind: 'metric' as const,
      sortKey: `metrics.${quoteKey(key)}`
    })),
    ...paramKeys.filter(key => !autologged.has(key)).map(param),
    ...paramKeys.filter(key => autologged.has(key)).map(param)
  ];
}

/**
 * `columns` with the metrics and params most of the page's top-level runs have first (then by
 * name within each kind), so the scores every run reports are not pushed off-screen by those
 * only a grid search's child runs have. Attribute and tag columns keep their place.
 */
export function byCoverage(columns: IColumn[], runs: IRun[]): IColumn[] {
  const coverage = new Map<string, number>();
  for (const column of columns) {
    let count = 0;
    for (const run of runs) {
      const value = dataValue(run, column);
      if (value !== undefined && value !== null) {
        count += run.parent_run_id === null ? 1000 : 1;
      }
    }
    coverage.set(column.id, count);
  }
  const rank = (column: IColumn) =>
    column.kind === 'metric' ? 0 : column.kind === 'param' ? (column.autologged ? 2 : 1) : 3;
  return [...columns].sort(
    (a, b) =>
      rank(a) - rank(b) ||
      (coverage.get(b.id) ?? 0) - (coverage.get(a.id) ?? 0) ||
      a.label.localeCompare(b.label)
  );
}

/** The user's choice of columns, over the defaults: ids shown and ids hidden on purpose. */
export interface IColumnChoice {
  shown: string[];
  hidden: string[];
}

/** No choice made: every column at its default. */
export const NO_CHOICE: IColumnChoice = { shown: [], hidden: [] };

/** Whether `column` shows: the user's choice, else metrics and user params yes, autologged no. */
export function isShown(column: IColumn, choice: IColumnChoice): boolean {
  if (choice.shown.includes(column.id)) {
    return true;
  }
  if (choice.hidden.includes(column.id)) {
    return false;
  }
  return !column.autologged;
}

/** `choice` with the columns `ids` shown (or hidden). */
export function choose(choice: IColumnChoice, ids: string[], show: boolean): IColumnChoice {
  const chosen = new Set(ids);
  const shown = choice.shown.filter(id => !chosen.has(id));
  const hidden = choice.hidden.filter(id => !chosen.has(id));
  return show ? { shown: [...shown, ...ids], hidden } : { shown, hidden: [...hidden, ...ids] };
}

/** A stored choice read back; anything malformed is no choice. */
export function parseChoice(text: string | null): IColumnChoice {
  if (text === null) {
    return NO_CHOICE;
  }
  try {
    const value = JSON.parse(text) as Partial<IColumnChoice>;
    const strings = (list: unknown): string[] =>
      Array.isArray(list) ? list.filter((id): id is string => typeof id === 'string') : [];
    return { shown: strings(value.shown), hidden: strings(value.hidden) };
  } catch {
    return NO_CHOICE;
  }
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
