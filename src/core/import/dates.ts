/**
 * Dates and date-times of real exports, read by a hand-written scanner (no regex, no Date
 * parsing of local time). Wall-clock times are interpreted in the workspace time zone;
 * an explicit offset (`Z`, `+03:00`, `+0300`) wins over it.
 */
import type { Day } from '../day.ts';
import { err, ok, type Result } from '../result.ts';
import { getZone, utcMs, wallToUtc, type Zone, zonedDay } from './zone.ts';

/**
 * How to read an all-numeric date whose year comes last: 05.03.2024 (DMY) or 3/5/2024 (MDY).
 * Year-first dates (2024-03-05) are read as Y-M-D whatever the order; with order `YMD`,
 * a year-last date falls back to DMY for dots/dashes and MDY for slashes.
 */
export type DateOrder = 'DMY' | 'MDY' | 'YMD';

export interface DateTimeValue {
  /** The instant, epoch ms UTC. */
  at: number;
  /** The calendar day of that instant in the time zone. */
  day: Day;
}

export interface DateTimeOptions {
  /** Accept Excel serial day numbers (1900 date system), as XLSX cells give them. */
  excelSerial?: boolean;
}

// Scratch results of the scanner.
let pos = 0;
let nDigitsValue = 0;
/** Digits read by the last readInt (a function, so TypeScript does not narrow it). */
function nDigitsOf(): number {
  return nDigitsValue;
}
let gY = 0;
let gM = 0;
let gD = 0;
let gH = 0;
let gMi = 0;
let gS = 0;
let gMs = 0;
/** Explicit offset in ms, or NaN when the text has none. */
let gOff = Number.NaN;
let gTwoDigitYear = false;
let gHasTime = false;

function readInt(s: string, maxDigits: number): number {
  let v = 0;
  let n = 0;
  const len = s.length;
  while (pos < len && n < maxDigits) {
    const c = s.charCodeAt(pos);
    if (c < 48 || c > 57) break;
    v = v * 10 + (c - 48);
    n++;
    pos++;
  }
  nDigitsValue = n;
  return v;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 0xa0 || c === 0x202f || c === 0x2009 || c === 9;
}

function skipSpaces(s: string): void {
  while (pos < s.length && isSpace(s.charCodeAt(pos))) pos++;
}

function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

function validDate(y: number, m: number, d: number): boolean {
  return y >= 1900 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m);
}

/** Excel 1900 date system: 1 = 1900-01-01, 60 = the nonexistent 1900-02-29, 61 = 1900-03-01. */
function excelSerialParts(v: number): boolean {
  if (!(v >= 1 && v < 2958466)) return false;
  const totalSec = Math.round(v * 86400);
  const days = Math.floor(totalSec / 86400);
  let secs = totalSec - days * 86400;
  if (days === 60 || days > 2958465) return false;
  const epochDay = days < 60 ? days - 25568 : days - 25569;
  const dt = new Date(epochDay * 86_400_000);
  gY = dt.getUTCFullYear();
  gM = dt.getUTCMonth() + 1;
  gD = dt.getUTCDate();
  gH = Math.floor(secs / 3600);
  secs -= gH * 3600;
  gMi = Math.floor(secs / 60);
  gS = secs - gMi * 60;
  gMs = 0;
  gOff = Number.NaN;
  gTwoDigitYear = false;
  gHasTime = totalSec !== days * 86400;
  return true;
}

/** digits [.,] digits to the end? (an Excel serial such as 45292.5) */
function isPlainNumber(s: string): boolean {
  let seps = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) continue;
    if ((c === 46 || c === 44) && i > 0 && i < s.length - 1 && seps === 0) seps++;
    else return false;
  }
  return s.length > 0;
}

/**
 * Scan `s` (trimmed) into the g* fields. Returns false when it is not a date this reader
 * knows or names a nonexistent calendar day / time.
 */
function scanDateTime(s: string, order: DateOrder, excelSerial: boolean): boolean {
  const len = s.length;
  if (len === 0) return false;
  gH = 0;
  gMi = 0;
  gS = 0;
  gMs = 0;
  gOff = Number.NaN;
  gTwoDigitYear = false;
  gHasTime = false;
  pos = 0;
  const n1 = readInt(s, 9);
  const c1 = nDigitsOf();
  if (c1 === 0) return false;
  if (pos === len) {
    if (c1 === 8) {
      gY = Math.floor(n1 / 10000);
      gM = Math.floor(n1 / 100) % 100;
      gD = n1 % 100;
      if (validDate(gY, gM, gD)) return true;
    }
    return excelSerial && c1 <= 7 && excelSerialParts(n1);
  }
  const sep = s.charCodeAt(pos);
  if (excelSerial && (sep === 46 || sep === 44) && isPlainNumber(s)) {
    return excelSerialParts(Number(sep === 44 ? s.replace(',', '.') : s));
  }
  if (sep !== 45 && sep !== 46 && sep !== 47) return false;
  pos++;
  const n2 = readInt(s, 2);
  if (nDigitsOf() === 0 || pos >= len || s.charCodeAt(pos) !== sep) return false;
  pos++;
  const n3 = readInt(s, 4);
  const c3 = nDigitsOf();
  if (c1 === 4) {
    if (c3 === 0 || c3 > 2) return false;
    gY = n1;
    gM = n2;
    gD = n3;
  } else if (c1 <= 2) {
    if (c3 !== 2 && c3 !== 4) return false;
    gTwoDigitYear = c3 === 2;
    gY = c3 === 2 ? 2000 + n3 : n3;
    const eff = order === 'YMD' ? (sep === 47 ? 'MDY' : 'DMY') : order;
    if (eff === 'MDY') {
      gM = n1;
      gD = n2;
    } else {
      gD = n1;
      gM = n2;
    }
  } else return false;
  if (!validDate(gY, gM, gD)) return false;
  if (pos === len) return true;
  return scanTime(s);
}

function scanTime(s: string): boolean {
  const len = s.length;
  let c = s.charCodeAt(pos);
  if (c === 84 || c === 116) pos++;
  else if (c === 44) {
    pos++;
    skipSpaces(s);
  } else if (isSpace(c)) skipSpaces(s);
  else return false;
  let h = readInt(s, 2);
  if (nDigitsOf() === 0 || pos >= len || s.charCodeAt(pos) !== 58) return false;
  pos++;
  const mi = readInt(s, 2);
  if (nDigitsOf() !== 2) return false;
  let sec = 0;
  let ms = 0;
  if (pos < len && s.charCodeAt(pos) === 58) {
    pos++;
    sec = readInt(s, 2);
    if (nDigitsOf() !== 2) return false;
    c = s.charCodeAt(pos);
    if (pos < len && (c === 46 || c === 44)) {
      pos++;
      const start = pos;
      const f = readInt(s, 3);
      if (nDigitsOf() === 0) return false;
      ms = nDigitsOf() === 1 ? f * 100 : nDigitsOf() === 2 ? f * 10 : f;
      readInt(s, 9); // sub-millisecond digits are dropped
      if (pos === start) return false;
    }
  }
  skipSpaces(s);
  // AM / PM (also a.m. / p.m.)
  if (pos < len) {
    c = s.charCodeAt(pos) | 32;
    if (c === 97 || c === 112) {
      let p = pos + 1;
      if (p < len && s.charCodeAt(p) === 46) p++;
      if (p < len && (s.charCodeAt(p) | 32) === 109) {
        p++;
        if (p < len && s.charCodeAt(p) === 46) p++;
        if (h < 1 || h > 12) return false;
        if (c === 97) h = h === 12 ? 0 : h;
        else h = h === 12 ? 12 : h + 12;
        pos = p;
        skipSpaces(s);
      }
    }
  }
  if (h > 23 || mi > 59 || sec > 59) return false;
  // Offset: Z, UTC, GMT, ±HH, ±HHMM, ±HH:MM (optionally after UTC/GMT).
  if (pos < len) {
    c = s.charCodeAt(pos);
    if (c === 90 || c === 122) {
      gOff = 0;
      pos++;
    } else {
      const word = s.slice(pos, pos + 3).toUpperCase();
      if (word === 'UTC' || word === 'GMT') {
        gOff = 0;
        pos += 3;
        c = s.charCodeAt(pos);
      }
      if (pos < len && (c === 43 || c === 45 || c === 0x2212)) {
        pos++;
        const oh = readInt(s, 2);
        if (nDigitsOf() === 0) return false;
        let om = 0;
        if (pos < len && s.charCodeAt(pos) === 58) pos++;
        if (pos < len) {
          om = readInt(s, 2);
          if (nDigitsOf() !== 2) return false;
        }
        if (oh > 18 || om > 59) return false;
        const off = (oh * 60 + om) * 60_000;
        gOff = c === 43 ? off : -off;
      }
    }
    skipSpaces(s);
    if (pos !== len) return false;
  }
  gH = h;
  gMi = mi;
  gS = sec;
  gMs = ms;
  gHasTime = true;
  return true;
}

let lastZoneName = '';
let lastZoneValue: Zone | null = null;
function zoneOf(timeZone: string): Zone | null {
  if (timeZone !== lastZoneName) {
    lastZoneValue = getZone(timeZone);
    lastZoneName = timeZone;
  }
  return lastZoneValue;
}

/**
 * A date or date-time: `DD.MM.YYYY[ HH:MM[:SS]]`, `DD.MM.YY` (→ 20YY), `YYYY-MM-DD[ HH:MM[:SS]]`,
 * ISO 8601 (`T`, fractions, `Z`/`+03:00`), `M/D/YYYY[ H:MM[:SS]][ AM/PM]`, Shopify's
 * `2024-03-05 14:02:11 +0300`, compact `YYYYMMDD`, and Excel serials with `excelSerial`.
 * Calendar days are validated (31.02.2024 is rejected).
 */
export function parseDateTime(
  raw: string,
  order: DateOrder,
  timeZone: string,
  opts?: DateTimeOptions,
): Result<DateTimeValue> {
  const zone = zoneOf(timeZone);
  if (zone === null) return err(`unknown time zone: "${timeZone}"`);
  const s = raw.trim();
  if (!scanDateTime(s, order, opts?.excelSerial === true)) return err(`not a date: "${s}"`);
  const local = utcMs(gY, gM, gD, gH, gMi, gS);
  const at = (!Number.isNaN(gOff) ? local - gOff : wallToUtc(zone, local)) + gMs;
  return ok({ at, day: zonedDay(zone, at) });
}

const PAD2: string[] = [];
for (let i = 0; i < 100; i++) PAD2.push(i < 10 ? `0${i}` : String(i));

/**
 * A birthday (no time part; a midnight time such as Excel's `00:00:00` is tolerated).
 * Before 1900 or after `today` (when given) is rejected. A two-digit year is the latest
 * year not after `today` (19YY without `today`).
 */
export function parseBirthday(raw: string, order: DateOrder, today?: Day, excelSerial = false): Result<Day> {
  const s = raw.trim();
  if (!scanDateTime(s, order, excelSerial)) {
    return err(isYearless(s) ? `birthday without a year: "${s}"` : `not a date: "${s}"`);
  }
  if (gHasTime && (gH !== 0 || gMi !== 0 || gS !== 0 || gMs !== 0))
    return err(`a birthday has no time: "${s}"`);
  let y = gY;
  const todayYear = today === undefined ? Number.NaN : Number(today.slice(0, 4));
  if (gTwoDigitYear) {
    y = 1900 + (gY - 2000);
    if (!Number.isNaN(todayYear) && gY <= todayYear) y = gY;
    if (!validDate(y, gM, gD)) return err(`not a date: "${s}"`);
  }
  const day = `${y}-${PAD2[gM]}-${PAD2[gD]}`;
  if (today !== undefined && day > today) return err(`birthday in the future: "${s}"`);
  return ok(day);
}

function isYearless(s: string): boolean {
  pos = 0;
  readInt(s, 2);
  if (nDigitsOf() === 0 || pos >= s.length) return false;
  const sep = s.charCodeAt(pos);
  if (sep !== 46 && sep !== 47 && sep !== 45) return false;
  pos++;
  readInt(s, 2);
  return nDigitsOf() > 0 && pos === s.length;
}

/**
 * Guess the order of year-last dates from sample values. Year-first samples only → YMD.
 * Otherwise a first component > 12 anywhere means DMY and a second component > 12 means
 * MDY; when nothing decides, dotted/dashed dates are DMY (Russian/European exports) and
 * slashed ones MDY (US exports such as UCI Online Retail and Square). Null when no sample
 * looks like a date.
 */
export function detectDateOrder(samples: readonly string[]): DateOrder | null {
  let yearFirst = 0;
  let dotted = 0;
  let slashed = 0;
  let firstBig = false;
  let secondBig = false;
  for (const raw of samples) {
    const s = raw.trim();
    pos = 0;
    const n1 = readInt(s, 9);
    const c1 = nDigitsOf();
    if (c1 === 0) continue;
    if (pos === s.length) {
      if (c1 === 8) yearFirst++;
      continue;
    }
    const sep = s.charCodeAt(pos);
    if (sep !== 45 && sep !== 46 && sep !== 47) continue;
    pos++;
    const n2 = readInt(s, 2);
    if (nDigitsOf() === 0 || s.charCodeAt(pos) !== sep) continue;
    pos++;
    readInt(s, 4);
    const c3 = nDigitsOf();
    if (c1 === 4 && c3 >= 1 && c3 <= 2) yearFirst++;
    else if (c1 <= 2 && (c3 === 2 || c3 === 4)) {
      if (sep === 47) slashed++;
      else dotted++;
      if (n1 > 12) firstBig = true;
      if (n2 > 12) secondBig = true;
    }
  }
  if (dotted + slashed === 0) return yearFirst > 0 ? 'YMD' : null;
  if (firstBig && !secondBig) return 'DMY';
  if (secondBig && !firstBig) return 'MDY';
  return dotted >= slashed ? 'DMY' : 'MDY';
}
