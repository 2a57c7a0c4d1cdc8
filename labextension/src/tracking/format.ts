/** How the tracking views print times, durations, numbers and run names. */
import { formatDate, formatDuration } from '../kit/format';

/** A local date and time for a timestamp in ms, or an em dash. */
export function formatTime(ms: number | null): string {
  return formatDate(ms);
}

/** How long a run took (or has run so far when it has no end yet). */
export function runDuration(start: number | null, end: number | null): string {
  return start === null ? '—' : formatDuration((end ?? Date.now()) - start);
}

/** A metric value in at most 4 significant digits (NaN and missing values as an em dash). */
export function formatValue(value: number | string | null | undefined): string {
  if (typeof value === 'string') {
    // NaN and the infinities travel as MLflow's strings: "NaN", "Infinity", "-Infinity".
    return value === 'Infinity' ? '∞' : value === '-Infinity' ? '-∞' : value;
  }
  if (value === null || value === undefined || Number.isNaN(value)) {
    return '—';
  }
  if (Number.isInteger(value) && Math.abs(value) < 1e9) {
    return String(value);
  }
  const abs = Math.abs(value);
  if (abs !== 0 && (abs < 1e-3 || abs >= 1e6)) {
    return value.toExponential(3);
  }
  return String(Number(value.toPrecision(4))); // 0.8100 -> 0.81
}

/** The first 8 characters of a run id, as MLflow's UI shows it. */
export function shortId(runId: string): string {
  return runId.slice(0, 8);
}

/** A run's display name: its name, else its short id. */
export function runLabel(run: { run_name: string; run_id: string }): string {
  return run.run_name.length > 0 ? run.run_name : shortId(run.run_id);
}
