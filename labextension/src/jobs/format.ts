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
