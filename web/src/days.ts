/**
 * Calendar days as 'YYYY-MM-DD' strings, the API's unit. Arithmetic runs in UTC so a day
 * never shifts; "today" is read in the workspace time zone.
 */
export type Day = string;

const DAY_MS = 86_400_000;

function toUtc(day: Day): number {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return Date.UTC(y, m - 1, d);
}

function fromUtc(ms: number): Day {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Today in an IANA time zone (the workspace's), e.g. '2025-03-01'. */
export function todayIn(timeZone: string, now: Date = new Date()): Day {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).formatToParts(now);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

export function addDays(day: Day, n: number): Day {
  return fromUtc(toUtc(day) + n * DAY_MS);
}

export function daysBetween(from: Day, to: Day): number {
  return Math.round((toUtc(to) - toUtc(from)) / DAY_MS);
}

/** A Date at UTC midnight of the day, for Intl formatting with timeZone 'UTC'. */
export function dayDate(day: Day): Date {
  return new Date(toUtc(day));
}
