/** The Schedule form's cron presets: common schedules without writing cron by hand. */

export type CronPreset = 'hourly' | 'daily' | 'weekdays' | 'weekly' | 'custom';

export const PRESETS: { value: CronPreset; label: string }[] = [
  { value: 'hourly', label: 'Hourly' },
  { value: 'daily', label: 'Daily at' },
  { value: 'weekdays', label: 'Weekdays at' },
  { value: 'weekly', label: 'Weekly on' },
  { value: 'custom', label: 'Custom (cron)' }
];

export const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/**
 * The cron of a preset at `time` ("HH:MM") on `day` (0 = Sunday, weekly only); null for
 * "custom" or a time that is not HH:MM.
 */
export function presetCron(preset: CronPreset, time: string, day = 1): string | null {
  const match = /^(\d{1,2}):(\d{2})$/.exec(time.trim());
  const hour = match ? Number(match[1]) : NaN;
  const minute = match ? Number(match[2]) : NaN;
  if (preset === 'hourly') {
    return `${Number.isInteger(minute) && minute < 60 ? minute : 0} * * * *`;
  }
  if (preset === 'custom' || !match || hour > 23 || minute > 59) {
    return null;
  }
  const at = `${minute} ${hour}`;
  switch (preset) {
    case 'daily':
      return `${at} * * *`;
    case 'weekdays':
      return `${at} * * 1-5`;
    case 'weekly':
      return `${at} * * ${day}`;
  }
}

/** The preset, time and day a cron reads as (custom when it is none of them). */
export function readPreset(cron: string): { preset: CronPreset; time: string; day: number } {
  const fields = cron.trim().split(/\s+/);
  const fallback = { preset: 'custom' as CronPreset, time: '02:00', day: 1 };
  if (fields.length !== 5 || !/^\d+$/.test(fields[0])) {
    return fallback;
  }
  const [minute, hour, dom, month, dow] = fields;
  if (hour === '*' && dom === '*' && month === '*' && dow === '*') {
    return { preset: 'hourly', time: `00:${minute.padStart(2, '0')}`, day: 1 };
  }
  if (!/^\d+$/.test(hour) || dom !== '*' || month !== '*') {
    return fallback;
  }
  const time = `${hour.padStart(2, '0')}:${minute.padStart(2, '0')}`;
  if (dow === '*') {
    return { preset: 'daily', time, day: 1 };
  }
  if (dow === '1-5') {
    return { preset: 'weekdays', time, day: 1 };
  }
  if (/^[0-6]$/.test(dow)) {
    return { preset: 'weekly', time, day: Number(dow) };
  }
  return fallback;
}

/** The time zones the browser knows (the picker's list), the given one first if missing. */
export function timeZones(current: string): string[] {
  const intl = Intl as unknown as { supportedValuesOf?: (key: string) => string[] };
  const zones = intl.supportedValuesOf ? intl.supportedValuesOf('timeZone') : [];
  const all = zones.includes('UTC') ? zones : ['UTC', ...zones];
  return current && !all.includes(current) ? [current, ...all] : all;
}
