/** What the Cluster panel reads from its boxes (pure: unit tested). */

import { formatBytes } from '../kit/format';

/** A "Scale to" box's text as a worker count, or a message saying what is wrong. */
export function parseWorkers(text: string, maximum?: number): number | string {
  const value = text.trim();
  if (value === '') {
    return 'Give the number of workers to scale to (0 stops every worker).';
  }
  const count = Number(value);
  if (!Number.isInteger(count) || count < 0) {
    return `“${value}” is not a number of workers (a whole number, 0 or more).`;
  }
  if (maximum !== undefined && count > maximum) {
    return `At most ${maximum} workers on this server.`;
  }
  return count;
}

const UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1e3,
  kb: 1e3,
  m: 1e6,
  mb: 1e6,
  g: 1e9,
  gb: 1e9,
  t: 1e12,
  tb: 1e12,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
  tib: 2 ** 40
};

/** A memory size as Dask's `parse_bytes` reads it (`4GB`, `512 MiB`, `1e9`); null if not one. */
export function parseMemory(text: string): number | null {
  const match = /^\s*(\d+(?:\.\d*)?(?:e\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  if (match === null) {
    return null;
  }
  const unit = UNITS[match[2].toLowerCase()];
  const bytes = unit === undefined ? NaN : Number(match[1]) * unit;
  return Number.isFinite(bytes) && bytes > 0 ? Math.round(bytes) : null;
}

/** What is wrong with the typed memory per worker, or null (empty is the default). */
export function memoryProblem(text: string, maxMemory?: number): string | null {
  if (!text.trim()) {
    return null;
  }
  const bytes = parseMemory(text);
  if (bytes === null) {
    return `“${text.trim()}” is not a memory size (e.g. 4GB, 512MiB).`;
  }
  if (maxMemory !== undefined && bytes > maxMemory) {
    return `At most ${formatBytes(maxMemory)} per worker on this machine.`;
  }
  return null;
}
