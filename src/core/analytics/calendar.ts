/**
 * Month arithmetic on epoch days (days since 1970-01-01) without `Date`, for hot loops.
 * Civil-calendar conversion after Howard Hinnant's `days_from_civil` / `civil_from_days`.
 * A "month index" is `year × 12 + (month − 1)`, so consecutive months differ by 1.
 */

/** Month index of an epoch day. */
export function monthIndexOfDay(epochDay: number): number {
  const z = epochDay + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return year * 12 + (month - 1);
}

/** Month index of every day in `[fromDay, toDay)` (a lookup table for hot loops). */
export function monthIndexTable(fromDay: number, toDay: number): Int32Array {
  const out = new Int32Array(Math.max(0, toDay - fromDay));
  for (let k = 0; k < out.length; k++) out[k] = monthIndexOfDay(fromDay + k);
  return out;
}

/** Epoch day of the first day of a month index. */
export function monthStartDay(monthIndex: number): number {
  let y = Math.floor(monthIndex / 12);
  const m = monthIndex - y * 12 + 1;
  if (m <= 2) y -= 1;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5);
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** `YYYY-MM` of a month index. */
export function monthLabel(monthIndex: number): string {
  const y = Math.floor(monthIndex / 12);
  const m = monthIndex - y * 12 + 1;
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}`;
}

/** Average month length used to turn a period's days into months (LTV): 365.25 / 12. */
export const DAYS_PER_MONTH = 30.4375;
