import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  normalizePhone,
  parseAmount,
  parseDateTime,
  utcToZonedDay,
  zonedWallTimeToUtc,
} from '../../../src/core/import/values.ts';
import { centsToDecimal } from '../../../src/core/types.ts';

/** Group the integer digits of a decimal string with `sep` every three digits. */
function group(int: string, sep: string): string {
  let out = '';
  for (let i = 0; i < int.length; i++) {
    if (i > 0 && (int.length - i) % 3 === 0) out += sep;
    out += int[i];
  }
  return out;
}

type Style = 'plain' | 'ru' | 'ru-nbsp' | 'ru-narrow' | 'us' | 'us-paren' | 'ru-paren' | 'rub-suffix' | 'eu';

function format(cents: number, style: Style): string {
  const dec = centsToDecimal(cents);
  const neg = dec.startsWith('-');
  const [int, frac] = (neg ? dec.slice(1) : dec).split('.') as [string, string];
  const sign = neg ? '-' : '';
  switch (style) {
    case 'plain':
      return dec;
    case 'ru':
      return `${sign}${group(int, ' ')},${frac}`;
    case 'ru-nbsp':
      return `${sign}${group(int, '\u00a0')},${frac}`;
    case 'ru-narrow':
      return `${sign}${group(int, '\u202f')},${frac}\u00a0₽`;
    case 'us':
      return `${sign}$${group(int, ',')}.${frac} `;
    case 'us-paren':
      return neg ? `($${group(int, ',')}.${frac})` : `$${group(int, ',')}.${frac}`;
    case 'ru-paren':
      return neg ? `(${group(int, ' ')},${frac})` : `${group(int, ' ')},${frac}`;
    case 'rub-suffix':
      return `${sign}${group(int, ' ')},${frac} руб.`;
    case 'eu':
      return `${sign}${group(int, '.')},${frac} €`;
  }
}

const STYLES: Style[] = [
  'plain',
  'ru',
  'ru-nbsp',
  'ru-narrow',
  'us',
  'us-paren',
  'ru-paren',
  'rub-suffix',
  'eu',
];

describe('parseAmount round-trips formatted cents', () => {
  it('in every style', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.integer({ min: -100_000, max: 100_000 }),
          fc.integer({ min: -(10 ** 14), max: 10 ** 14 }),
        ),
        fc.constantFrom(...STYLES),
        (cents, style) => {
          const raw = format(cents, style);
          expect(parseAmount(raw), raw).toEqual({ ok: true, value: cents });
        },
      ),
      { numRuns: 3000 },
    );
  });
});

const ZONES = ['Europe/Moscow', 'America/New_York', 'UTC'] as const;

/** Wall-clock fields of an instant in a zone, via Intl (independent of the code under test). */
function wallOf(at: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(at);
  const get = (t: string) => Number(parts.find((p) => p.type === t)!.value);
  return Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

const wallTime = fc.record({
  y: fc.integer({ min: 1971, max: 2037 }),
  mo: fc.integer({ min: 1, max: 12 }),
  d: fc.integer({ min: 1, max: 28 }),
  h: fc.integer({ min: 0, max: 23 }),
  mi: fc.integer({ min: 0, max: 59 }),
  s: fc.integer({ min: 0, max: 59 }),
});

describe('parseDateTime agrees with zonedWallTimeToUtc / utcToZonedDay', () => {
  it('for random wall times in Moscow, New York (DST) and UTC', () => {
    fc.assert(
      fc.property(
        wallTime,
        fc.constantFrom(...ZONES),
        fc.constantFrom('DMY', 'YMD', 'MDY', 'ISO'),
        (w, zone, style) => {
          const text =
            style === 'DMY'
              ? `${pad(w.d)}.${pad(w.mo)}.${w.y} ${pad(w.h)}:${pad(w.mi)}:${pad(w.s)}`
              : style === 'MDY'
                ? `${w.mo}/${w.d}/${w.y} ${w.h % 12 === 0 ? 12 : w.h % 12}:${pad(w.mi)}:${pad(w.s)} ${w.h < 12 ? 'AM' : 'PM'}`
                : style === 'YMD'
                  ? `${w.y}-${pad(w.mo)}-${pad(w.d)} ${pad(w.h)}:${pad(w.mi)}:${pad(w.s)}`
                  : `${w.y}-${pad(w.mo)}-${pad(w.d)}T${pad(w.h)}:${pad(w.mi)}:${pad(w.s)}`;
          const order = style === 'MDY' ? 'MDY' : style === 'DMY' ? 'DMY' : 'YMD';
          const r = parseDateTime(text, order, zone);
          const at = zonedWallTimeToUtc(w.y, w.mo, w.d, w.h, w.mi, w.s, zone);
          expect(r, text).toEqual({ ok: true, value: { at, day: utcToZonedDay(at, zone) } });
          // The instant shows the same wall time in the zone, or one DST gap later.
          const shift = wallOf(at, zone) - Date.UTC(w.y, w.mo - 1, w.d, w.h, w.mi, w.s);
          expect([0, 3_600_000]).toContain(shift);
          if (shift === 0) expect(utcToZonedDay(at, zone)).toBe(`${w.y}-${pad(w.mo)}-${pad(w.d)}`);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('an explicit offset wins over the zone', () => {
    fc.assert(
      fc.property(
        wallTime,
        fc.integer({ min: -12 * 4, max: 14 * 4 }),
        fc.constantFrom(...ZONES),
        (w, q, zone) => {
          const off = q * 15;
          const sign = off < 0 ? '-' : '+';
          const abs = Math.abs(off);
          const text = `${w.y}-${pad(w.mo)}-${pad(w.d)}T${pad(w.h)}:${pad(w.mi)}:${pad(w.s)}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
          const at = Date.UTC(w.y, w.mo - 1, w.d, w.h, w.mi, w.s) - off * 60_000;
          expect(parseDateTime(text, 'YMD', zone)).toEqual({
            ok: true,
            value: { at, day: utcToZonedDay(at, zone) },
          });
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('utcToZonedDay matches Intl for random instants', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2_100_000_000_000 }), fc.constantFrom(...ZONES), (at, zone) => {
        const wall = wallOf(at, zone);
        expect(utcToZonedDay(at, zone)).toBe(new Date(wall).toISOString().slice(0, 10));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('normalizePhone', () => {
  it('gives one E.164 for the RU spellings of a mobile number', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 900, max: 999 }),
        fc.integer({ min: 0, max: 9_999_999 }),
        (code, rest) => {
          const n = `${code}${pad(rest, 7)}`;
          const spellings = [
            `8 (${n.slice(0, 3)}) ${n.slice(3, 6)}-${n.slice(6, 8)}-${n.slice(8)}`,
            `+7 ${n.slice(0, 3)} ${n.slice(3)}`,
            `7${n}`,
            n,
            `8-${n.slice(0, 3)}-${n.slice(3, 6)}-${n.slice(6, 8)}-${n.slice(8)}`,
          ];
          const results = spellings.map((s) => normalizePhone(s, 'RU'));
          const first = results[0]!;
          for (const r of results) expect(r.ok).toBe(first.ok);
          if (first.ok) for (const r of results) expect(r).toEqual({ ok: true, value: `+7${n}` });
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('accepts the numbers of the big RU mobile operators', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(
          '916',
          '903',
          '905',
          '925',
          '926',
          '977',
          '985',
          '999',
          '910',
          '915',
          '920',
          '960',
          '962',
        ),
        fc.integer({ min: 0, max: 9_999_999 }),
        (code, rest) => {
          expect(normalizePhone(`8${code}${pad(rest, 7)}`, 'RU')).toEqual({
            ok: true,
            value: `+7${code}${pad(rest, 7)}`,
          });
        },
      ),
      { numRuns: 500 },
    );
  });
});
