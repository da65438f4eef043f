/**
 * Calendar days. A `Day` is a `YYYY-MM-DD` string in the workspace time zone; inside hot
 * loops days are epoch-day integers (days since 1970-01-01), which make "days since X"
 * a subtraction. Pure arithmetic: no Date parsing of local time, no clock.
 */
export type Day = string;

const DAY_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MS_PER_DAY = 86_400_000;

/** Epoch day of a `YYYY-MM-DD` string; throws on anything else. */
export function dayToNumber(day: Day): number {
  const m = DAY_RE.exec(day);
  if (!m) throw new RangeError(`not a day (YYYY-MM-DD): ${day}`);
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  const n = ms / MS_PER_DAY;
  if (numberToDay(n) !== day) throw new RangeError(`not a calendar day: ${day}`);
  return n;
}

/** `YYYY-MM-DD` of an epoch day. */
export function numberToDay(n: number): Day {
  return new Date(n * MS_PER_DAY).toISOString().slice(0, 10);
}

/** True when `s` is a real calendar day in `YYYY-MM-DD` form. */
export function isDay(s: string): boolean {
  try {
    dayToNumber(s);
    return true;
  } catch {
    return false;
  }
}

export function addDays(day: Day, n: number): Day {
  return numberToDay(dayToNumber(day) + n);
}

/** Number of calendar days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: Day, to: Day): number {
  return dayToNumber(to) - dayToNumber(from);
}

/** `YYYY-MM` of a day. */
export function monthOf(day: Day): string {
  return day.slice(0, 7);
}

/** First day of the month `months` after the month of `day` (may be negative). */
export function addMonths(day: Day, months: number): Day {
  const y = Number(day.slice(0, 4));
  const m = Number(day.slice(5, 7)) - 1 + months;
  const d = new Date(Date.UTC(y, m, 1));
  return d.toISOString().slice(0, 10);
}
