import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countSms, isGsm7 } from '../../../src/core/messaging/sms.ts';

describe('countSms', () => {
  const table: [string, string, object][] = [
    ['empty', '', { encoding: 'gsm7', characters: 0, segments: 0, perSegment: 160, remainingInSegment: 160 }],
    [
      '160 GSM = 1 segment',
      'a'.repeat(160),
      { encoding: 'gsm7', segments: 1, perSegment: 160, remainingInSegment: 0 },
    ],
    [
      '161 GSM = 2 segments',
      'a'.repeat(161),
      { encoding: 'gsm7', segments: 2, perSegment: 153, remainingInSegment: 145 },
    ],
    ['306 GSM = 2 segments', 'a'.repeat(306), { segments: 2, remainingInSegment: 0 }],
    ['307 GSM = 3 segments', 'a'.repeat(307), { segments: 3, remainingInSegment: 152 }],
    ['70 Cyrillic = 1', 'я'.repeat(70), { encoding: 'ucs2', characters: 70, segments: 1, perSegment: 70 }],
    [
      '71 Cyrillic = 2',
      'я'.repeat(71),
      { encoding: 'ucs2', segments: 2, perSegment: 67, remainingInSegment: 63 },
    ],
    ['134 Cyrillic = 2', 'я'.repeat(134), { segments: 2, remainingInSegment: 0 }],
    ['135 Cyrillic = 3', 'я'.repeat(135), { segments: 3 }],
    ['€ counts double', '€'.repeat(80), { encoding: 'gsm7', characters: 80, units: 160, segments: 1 }],
    ['81 € = 2 segments', '€'.repeat(81), { encoding: 'gsm7', units: 162, segments: 2 }],
    ['159 + one extension char overflows', `${'a'.repeat(159)}^`, { units: 161, segments: 2 }],
    [
      'one Cyrillic letter makes it all UCS-2',
      `${'a'.repeat(69)}ж`,
      { encoding: 'ucs2', segments: 1, nonGsm: ['ж'] },
    ],
    ['an emoji is two UCS-2 units', '👍', { encoding: 'ucs2', characters: 1, units: 2, segments: 1 }],
    ['typographic quotes force UCS-2', '«Привет»', { encoding: 'ucs2' }],
    ['GSM accents stay GSM-7', 'Café à Zürich £5 @ ¿Qué? Ñ', { encoding: 'gsm7' }],
  ];
  it.each(table)('%s', (_name, text, expected) => {
    expect(countSms(text)).toMatchObject(expected);
  });

  it('an escape pair is never split across segments', () => {
    // 152 'a' then '€': the € (2 septets) does not fit in the first 153-septet segment's last slot.
    const text = `${'a'.repeat(152)}€${'a'.repeat(10)}`;
    expect(countSms(text)).toMatchObject({ units: 164, segments: 2, remainingInSegment: 153 - 12 });
  });

  it('a surrogate pair is never split across segments', () => {
    const text = `${'я'.repeat(66)}👍я`;
    expect(countSms(text)).toMatchObject({ units: 69, segments: 1 });
    const longer = `${'я'.repeat(66)}👍${'я'.repeat(5)}`;
    expect(countSms(longer)).toMatchObject({ units: 73, segments: 2, remainingInSegment: 67 - 7 });
  });

  it('isGsm7', () => {
    expect(isGsm7('Hello {name}!')).toBe(true);
    expect(isGsm7('Привет')).toBe(false);
  });

  it('property: segments = ceil(units / 153) for plain GSM-7 over 160, ceil(units / 67) for Cyrillic over 70', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1000 }), (n) => {
        const g = countSms('x'.repeat(n));
        expect(g.segments).toBe(n === 0 ? 0 : n <= 160 ? 1 : Math.ceil(n / 153));
        const u = countSms('ы'.repeat(n));
        expect(u.segments).toBe(n === 0 ? 0 : n <= 70 ? 1 : Math.ceil(n / 67));
      }),
    );
  });

  it('property: remaining is within the segment and adding that many plain characters keeps the count', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (s) => {
        const c = countSms(s);
        expect(c.remainingInSegment).toBeGreaterThanOrEqual(0);
        expect(c.remainingInSegment).toBeLessThanOrEqual(c.perSegment);
        if (c.segments > 0 && c.encoding === 'gsm7') {
          const more = countSms(s + 'a'.repeat(c.remainingInSegment));
          expect(more.segments).toBe(c.segments);
          expect(countSms(s + 'a'.repeat(c.remainingInSegment + 1)).segments).toBe(c.segments + 1);
        }
      }),
    );
  });
});
