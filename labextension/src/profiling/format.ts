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

/** A byte count in B, KB, MB or GB. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let size = bytes;
  let unit = 0;
  while (size >= 1024 && unit < units.length - 1) {
    size /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${bytes} B` : `${size.toFixed(1)} ${units[unit]}`;
}
