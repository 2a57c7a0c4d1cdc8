import { IRun } from './model';

/** A row of the runs table: a run, how deep it is nested, and what sets it apart. */
export interface IRunRow {
  run: IRun;
  depth: number;
  /** Its child runs on this page (0 for a leaf). */
  childCount: number;
  /** For a child: the params whose values differ between it and its siblings. */
  differing: [string, string][];
}

/** The param keys whose values are not the same in every one of `runs` (sorted). */
export function differingParamKeys(runs: IRun[]): string[] {
  if (runs.length < 2) {
    return [];
  }
  const keys = new Set(runs.flatMap(run => Object.keys(run.params)));
  return [...keys]
    .filter(key => new Set(runs.map(run => run.params[key] ?? '\u0000missing')).size > 1)
    .sort();
}

/**
 * The page's runs as a tree: each run whose parent is on the page is listed under it (in page
 * order), only when that parent is in `expanded`. A run whose parent is on another page stays
 * at the top level. Children carry the params that differ between siblings (the value a grid
 * search tried).
 */
export function nestRuns(runs: IRun[], expanded: ReadonlySet<string>): IRunRow[] {
  const onPage = new Set(runs.map(run => run.run_id));
  const children = new Map<string, IRun[]>();
  const roots: IRun[] = [];
  for (const run of runs) {
    const parent = run.parent_run_id;
    if (parent !== null && parent !== run.run_id && onPage.has(parent)) {
      children.set(parent, [...(children.get(parent) ?? []), run]);
    } else {
      roots.push(run);
    }
  }
  const rows: IRunRow[] = [];
  const visit = (run: IRun, depth: number, siblingKeys: string[], seen: Set<string>) => {
    if (seen.has(run.run_id)) {
      return; // a parent cycle in bad data: show each run once
    }
    seen.add(run.run_id);
    const kids = children.get(run.run_id) ?? [];
    rows.push({
      run,
      depth,
      childCount: kids.length,
      differing: siblingKeys.map(key => [key, run.params[key] ?? '—'])
    });
    if (kids.length > 0 && expanded.has(run.run_id)) {
      const keys = differingParamKeys(kids);
      kids.forEach(kid => visit(kid, depth + 1, keys, seen));
    }
  };
  const seen = new Set<string>();
  roots.forEach(run => visit(run, 0, [], seen));
  return rows;
}
