/**
 * The periods the dashboard asks the reports for, from the workspace's today: the last
 * `months` months up to and including today, the same length before it (for "vs previous"),
 * and the monthly trend over the twelve months ending with this one. One definition for the
 * web app (through src/http/contract/dashboard.ts) and for the server, which computes these
 * reports ahead of the first visit (src/app/api/warm-dashboard.ts): the report cache is keyed
 * by the exact period, so both must agree to the day.
 */
import { addDays, type Day, dayToNumber, numberToDay } from './day.ts';

/** The period lengths the dashboard offers, in months; the first visit shows DEFAULT_DASHBOARD_MONTHS. */
export const DASHBOARD_MONTHS = [1, 3, 6, 12] as const;
export type DashboardMonths = (typeof DASHBOARD_MONTHS)[number];
export const DEFAULT_DASHBOARD_MONTHS: DashboardMonths = 3;

export interface Period {
  from: Day;
  /** Exclusive. */
  to: Day;
}

export interface DashboardPeriods {
  current: Period;
  previous: Period;
  trend: Period;
}

/** The same day of the month `n` months later, clamped to that month's last day (Jan 31 + 1 → Feb 28/29). */
export function shiftMonthsClamped(day: Day, n: number): Day {
  dayToNumber(day);
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const first = Date.UTC(y, m - 1 + n, 1);
  const firstDate = new Date(first);
  const last = new Date(Date.UTC(firstDate.getUTCFullYear(), firstDate.getUTCMonth() + 1, 0)).getUTCDate();
  return numberToDay(first / 86_400_000 + Math.min(d, last) - 1);
}

function firstOfMonth(day: Day): Day {
  return `${day.slice(0, 7)}-01`;
}

export function dashboardPeriods(today: Day, months: number): DashboardPeriods {
  const to = addDays(today, 1);
  const from = shiftMonthsClamped(to, -months);
  return {
    current: { from, to },
    previous: { from: shiftMonthsClamped(from, -months), to: from },
    trend: {
      from: firstOfMonth(shiftMonthsClamped(today, -11)),
      to: firstOfMonth(shiftMonthsClamped(today, 1)),
    },
  };
}
