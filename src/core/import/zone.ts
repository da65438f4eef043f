/**
 * Wall-clock time ↔ UTC in an IANA time zone, fast enough for a 100k rows/s import.
 *
 * The only source of zone rules is `Intl.DateTimeFormat` (one formatter per zone, cached).
 * `formatToParts` costs microseconds, so offsets are cached per zone per UTC day: a day
 * whose start and end have the same offset is taken to have no transition (real zones never
 * change twice within a day and back); a day with a transition is resolved per instant.
 * The caches are bounded by the number of distinct days seen, and cleared past a cap.
 */
import type { Day } from '../day.ts';

const MS_PER_DAY = 86_400_000;
const DAY_CACHE_CAP = 100_000;
const ZONE_CACHE_CAP = 500;

interface Zone {
  /** null for UTC-like zones (offset always 0). */
  fmt: Intl.DateTimeFormat | null;
  /** UTC epoch day → offset in ms for the whole day, or NaN when the day has a transition. */
  days: Map<number, number>;
}

const zones = new Map<string, Zone | null>();
let lastName = '';
let lastZone: Zone | null = null;

const UTC_NAMES = new Set([
  'UTC',
  'Etc/UTC',
  'Etc/GMT',
  'GMT',
  'Etc/Universal',
  'Universal',
  'Etc/Zulu',
  'Zulu',
]);

/** The cached zone, or null when the name is not a time zone this runtime knows. */
export function getZone(timeZone: string): Zone | null {
  if (timeZone === lastName && lastZone !== null) return lastZone;
  let z = zones.get(timeZone);
  if (z === undefined) {
    z = createZone(timeZone);
    if (zones.size >= ZONE_CACHE_CAP) zones.clear();
    zones.set(timeZone, z);
  }
  if (z !== null) {
    lastName = timeZone;
    lastZone = z;
  }
  return z;
}

function createZone(timeZone: string): Zone | null {
  if (UTC_NAMES.has(timeZone)) return { fmt: null, days: new Map() };
  try {
    const fmt = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      era: 'short',
    });
    return { fmt, days: new Map() };
  } catch {
    return null;
  }
}

/** True when `timeZone` is an IANA zone name the runtime understands. */
export function isTimeZone(timeZone: string): boolean {
  return getZone(timeZone) !== null;
}

/** Offset (local − UTC, ms) at the instant `t`, straight from Intl (slow path). */
function rawOffset(fmt: Intl.DateTimeFormat, t: number): number {
  const tSec = t - (((t % 1000) + 1000) % 1000);
  let y = 0;
  let mo = 0;
  let d = 0;
  let h = 0;
  let mi = 0;
  let s = 0;
  let bc = false;
  for (const p of fmt.formatToParts(tSec)) {
    switch (p.type) {
      case 'year':
        y = Number(p.value);
        break;
      case 'month':
        mo = Number(p.value);
        break;
      case 'day':
        d = Number(p.value);
        break;
      case 'hour':
        h = Number(p.value);
        break;
      case 'minute':
        mi = Number(p.value);
        break;
      case 'second':
        s = Number(p.value);
        break;
      case 'era':
        bc = p.value === 'BC' || p.value === 'B';
        break;
    }
  }
  if (bc) y = 1 - y;
  return utcMs(y, mo, d, h, mi, s) - tSec;
}

/** Date.UTC without the 0..99 → 1900..1999 year quirk. */
export function utcMs(y: number, mo: number, d: number, h: number, mi: number, s: number): number {
  if (y >= 100) return Date.UTC(y, mo - 1, d, h, mi, s);
  const dt = new Date(0);
  dt.setUTCFullYear(y, mo - 1, d);
  return dt.setUTCHours(h, mi, s, 0);
}

/** Offset (local − UTC, ms) of `zone` at the instant `t`. */
function offsetAt(zone: Zone, t: number): number {
  const fmt = zone.fmt;
  if (fmt === null) return 0;
  const day = Math.floor(t / MS_PER_DAY);
  let o = zone.days.get(day);
  if (o === undefined) {
    const start = day * MS_PER_DAY;
    const a = rawOffset(fmt, start);
    const b = rawOffset(fmt, start + MS_PER_DAY - 1000);
    o = a === b ? a : Number.NaN;
    if (zone.days.size >= DAY_CACHE_CAP) zone.days.clear();
    zone.days.set(day, o);
  }
  return Number.isNaN(o) ? rawOffset(fmt, t) : o;
}

function zoneOrThrow(timeZone: string): Zone {
  const z = getZone(timeZone);
  if (z === null) throw new RangeError(`unknown time zone: "${timeZone}"`);
  return z;
}

/**
 * The UTC instant (epoch ms) of a wall-clock time in `timeZone`. Month is 1-based;
 * out-of-range fields roll over like `Date.UTC`. In a DST overlap the earlier instant
 * wins; a time inside a DST gap is shifted forward by the gap (02:30 → 03:30).
 * Throws a RangeError for an unknown zone (`isTimeZone` checks first).
 */
export function zonedWallTimeToUtc(
  y: number,
  mo: number,
  d: number,
  h: number,
  mi: number,
  s: number,
  timeZone: string,
): number {
  return wallToUtc(zoneOrThrow(timeZone), utcMs(y, mo, d, h, mi, s));
}

/** `local` is the wall time written as if it were UTC (Date.UTC of its fields). */
export function wallToUtc(zone: Zone, local: number): number {
  if (zone.fmt === null) return local;
  const oa = offsetAt(zone, local - MS_PER_DAY);
  const ob = offsetAt(zone, local + MS_PER_DAY);
  if (oa === ob) return local - oa;
  const ta = local - oa;
  const tb = local - ob;
  const va = offsetAt(zone, ta) === oa;
  const vb = offsetAt(zone, tb) === ob;
  if (va && vb) return Math.min(ta, tb);
  if (va) return ta;
  if (vb) return tb;
  // A gap: the wall time does not exist; keep the offset from before the transition,
  // which lands the same distance after it (02:30 in a 02:00→03:00 gap becomes 03:30).
  return ta;
}

/** The calendar day (`YYYY-MM-DD`) in `timeZone` of the instant `atMs`. */
export function utcToZonedDay(atMs: number, timeZone: string): Day {
  return zonedDay(zoneOrThrow(timeZone), atMs);
}

export function zonedDay(zone: Zone, atMs: number): Day {
  return epochDayToDay(Math.floor((atMs + offsetAt(zone, atMs)) / MS_PER_DAY));
}

const PAD2: string[] = [];
for (let i = 0; i < 100; i++) PAD2.push(i < 10 ? `0${i}` : String(i));

/** `YYYY-MM-DD` of an epoch day, without Date (civil-from-days, proleptic Gregorian). */
export function epochDayToDay(n: number): Day {
  const z = n + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  const ys = y >= 1000 && y <= 9999 ? String(y) : String(y).padStart(4, '0');
  return `${ys}-${PAD2[m]}-${PAD2[d]}`;
}

/** Epoch day of a civil date (days-from-civil); no validation. */
export function civilToEpochDay(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const mp = m > 2 ? m - 3 : m + 9;
  const doy = Math.floor((153 * mp + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

export type { Zone };
