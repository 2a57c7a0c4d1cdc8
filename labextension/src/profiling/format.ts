import { Scalar } from './model';

const ISO = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(\.\d+)?([+-]\d{2}:?\d{2}|Z)?$/;

/**
 * An ISO timestamp as `YYYY-MM-DD HH:MM:SS` (milliseconds only when there are some, the date
 * alone at midnight, UTC written as such, another offset kept); null when `text` is not one. The twin of
 * `jupyter_mlops.profiling.report.format_datetime`: the notebook widget prints the same.
 */
export function formatDatetime(text: string): string | null {
  const match = ISO.exec(text);
  if (match === null) {
    return null;
  }
  const [, date, time, fraction, zone] = match;
  let millis = fraction ? fraction.slice(0, 4).padEnd(4, '0') : '';
  if (millis === '.000') {
    millis = '';
  }
  if (time === '00:00:00' && !millis && !zone) {
    return date;
  }
  const shownZone =
    zone === undefined ? '' : ['Z', '+00:00', '+0000'].includes(zone) ? ' UTC' : zone;
  return `${date} ${time}${millis}${shownZone}`;
}

/** A statistic as short text: thousands separators, four significant digits, dashes for null. */
export function formatValue(value: Scalar | undefined): string {
  if (value === null || value === undefined) {
    return '—';
  }
  if (typeof value === 'boolean') {
    return String(value);
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
  const text = formatDatetime(value) ?? value;
  return text.length <= 48 ? text : `${text.slice(0, 47)}…`;
}

/** A share as a percentage with one decimal. */
export function formatShare(part: number, total: number): string {
  return total === 0 ? '0%' : `${((100 * part) / total).toFixed(1)}%`;
}
