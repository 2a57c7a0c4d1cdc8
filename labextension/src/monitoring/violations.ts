/**
 * A monitor window's data validation (`report.validation`: the window's requests checked
 * against the served version's constraints), as rows: which column, which check, how many rows.
 */
import type { Schema } from '../api/types';

/** One failed check of one column (`ViolationData`: `n` rows broke it). */
export type IViolation = Schema<'ViolationData'>;

/** `ValidationData`: the violations per column (only columns that broke a check). */
export type IValidationReport = Schema<'ValidationData'>;

export interface IViolationRow extends IViolation {
  column: string;
}

/** Every violation, the most rows first (then by column, then check). */
export function violationRows(report: IValidationReport): IViolationRow[] {
  const rows: IViolationRow[] = [];
  for (const [column, found] of Object.entries(report.violations)) {
    for (const violation of found) {
      rows.push({ column, ...violation });
    }
  }
  return rows.sort(
    (a, b) => b.n - a.n || a.column.localeCompare(b.column) || a.check.localeCompare(b.check)
  );
}
