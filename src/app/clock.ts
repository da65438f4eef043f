/**
 * The app's only clock. Core never reads time; use-cases ask here for "today" in the
 * workspace time zone and pass it down as the as-of day.
 */
import type { Day } from '../core/day.ts';
import { utcToZonedDay } from '../core/import/values.ts';

export function todayIn(timeZone: string, now: Date = new Date()): Day {
  return utcToZonedDay(now.getTime(), timeZone);
}
