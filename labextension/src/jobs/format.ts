import { formatDate } from '../kit';

/** A time as read in the schedule's own timezone (the browser's when the name is unknown). */
export function inZone(time: number, timeZone: string): string {
  try {
    return new Date(time).toLocaleString(undefined, {
      timeZone,
      dateStyle: 'medium',
      timeStyle: 'short'
    });
  } catch {
    return formatDate(time);
  }
}

/** What started a run, as the Jobs panel labels it (`trigger` of a run). */
const TRIGGERS: Record<string, string> = {
  manual: 'by hand',
  schedule: 'schedule',
  alert: 'drift alert',
  pipeline: 'pipeline',
  retry: 'retry',
  api: 'API'
};

/** The label of a run's trigger ("drift alert" for `alert`; an unknown one as it is). */
export function triggerLabel(trigger: string): string {
  return TRIGGERS[trigger] ?? trigger;
}
