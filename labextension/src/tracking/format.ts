/** How the tracking views print times, durations, numbers and sizes. */

/** A local date and time for a timestamp in ms, or an em dash. */
export function formatTime(ms: number | null): string {
  if (ms === null) {
    return '—';
  }
  return new Date(ms).toLocaleString(undefined, {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit'
  });
}

/** How long a run took (or has run so far when it has no end yet). */
export function formatDuration(start: number | null, end: number | null): string {
  if (start === null) {
    return '—';
  }
  const seconds = Math.max(0, ((end ?? Date.now()) - start) / 1000);
  if (seconds < 60) {
    return `${seconds.toFixed(seconds < 10 ? 1 : 0)} s`;
  }
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) {
    return `${minutes} min ${Math.round(seconds % 60)} s`;
  }
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
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
