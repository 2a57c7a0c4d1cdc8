import { Scalar } from './model';

/** A statistic as short text: thousands separators, four significant digits, dashes for null. */
export function formatValue(value: Scalar | undefined): string {
  if (value === null || value === undefined) {
    return '—';
  }
  if (typeof value === 'number') {
    if (Number.isInteger(value)) {
      return value.toLocaleString('en-US');
    }
    const abs = Math.abs(value);
    return abs !== 0 && (abs < 1e-3 || abs >= 1e6)
      ? value.toExponential(3)
      : value.toLocaleString('en-US', { maximumSignificantDigits: 4 });
  }
  const text = String(value);
  return text.length <= 48 ? text : `${text.slice(0, 47)}…`;
}

/** A share as a percentage with one decimal. */
export function formatShare(part: number, total: number): string {
  return total === 0 ? '0%' : `${((100 * part) / total).toFixed(1)}%`;
}
