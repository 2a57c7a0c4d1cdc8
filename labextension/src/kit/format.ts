/** How every MLOps view prints sizes, dates and durations (pure functions, unit tested). */

const EM_DASH = '—';
const BYTE_UNITS: [string, number][] = [
  ['PiB', 2 ** 50],
  ['TiB', 2 ** 40],
  ['GiB', 2 ** 30],
  ['MiB', 2 ** 20],
  ['kiB', 2 ** 10]
];

/**
 * Bytes the way Dask's `format_bytes` (and so its dashboard) writes them: `512 B`, `1.50 kiB`,
 * `0.93 GiB` (a unit is used from 0.9 of it); an em dash when unknown.
 */
export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) {
    return EM_DASH;
  }
  for (const [unit, size] of BYTE_UNITS) {
    if (Math.abs(bytes) >= size * 0.9) {
      return `${(bytes / size).toFixed(2)} ${unit}`;
    }
  }
  return `${bytes} B`;
}

/**
 * A timestamp as a `Date`: milliseconds since the epoch, or an ISO 8601 string of any
 * precision (`2022-07-01T13:32:12.126669568` keeps its milliseconds); null when not a date.
 * An ISO string without a zone is read as UTC (as the server writes them).
 */
export function parseDate(value: number | string | null | undefined): Date | null {
  if (value === null || value === undefined) {
    return null;
  }
  if (typeof value === 'number') {
    return Number.isFinite(value) ? new Date(value) : null;
  }
  const match =
    /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2})?)(?:\.(\d+))?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(
      value.trim()
    );
  if (match === null) {
    return null;
  }
  const [, day, time, fraction, zone] = match;
  const millis = (fraction ?? '').slice(0, 3).padEnd(3, '0');
  const text = `${day}T${time ?? '00:00:00'}${time && time.length === 5 ? ':00' : ''}.${millis}${zone ?? 'Z'}`;
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? null : date;
}

/**
 * A local date and time to the second (`Jul 1, 2022, 03:32:12 PM`), never nanoseconds;
 * only the date for a value that is midnight UTC with `dateOnly`. An em dash when missing.
 */
export function formatDate(
  value: number | string | null | undefined,
  options: { dateOnly?: boolean; timeZone?: string } = {}
): string {
  const date = parseDate(value);
  if (date === null) {
    return value === null || value === undefined ? EM_DASH : String(value);
  }
  const format: Intl.DateTimeFormatOptions = {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    timeZone: options.timeZone
  };
  if (!options.dateOnly) {
    Object.assign(format, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  }
  return date.toLocaleString('en-US', format);
}

/** A duration in ms as `850 ms`, `4.2 s`, `12 s`, `3 min 5 s`, `2 h 10 min`, `3 d 4 h`. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) {
    return EM_DASH;
  }
  const value = Math.max(0, ms);
  if (value < 1000) {
    return `${Math.round(value)} ms`;
  }
  const seconds = value / 1000;
  if (seconds < 10) {
    return `${seconds.toFixed(1)} s`;
  }
  if (seconds < 60) {
    return `${Math.floor(seconds)} s`;
  }
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) {
    return `${minutes} min ${Math.floor(seconds % 60)} s`;
  }
  const hours = Math.floor(minutes / 60);
  if (hours < 24) {
    return `${hours} h ${minutes % 60} min`;
  }
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

/** `3 workers` / `1 worker`. */
export function plural(count: number, noun: string, nouns = `${noun}s`): string {
  return `${count} ${count === 1 ? noun : nouns}`;
}
