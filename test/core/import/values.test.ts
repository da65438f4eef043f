import { describe, expect, it } from 'vitest';
import {
  type DateOrder,
  detectDateOrder,
  isBlank,
  isTimeZone,
  multiplyCents,
  normalizeEmail,
  normalizePhone,
  parseAmount,
  parseBirthday,
  parseDateTime,
  parseGender,
  parseOrderStatus,
  parseQuantity,
  utcToZonedDay,
  zonedWallTimeToUtc,
} from '../../../src/core/import/values.ts';

describe('isBlank', () => {
  it.each(['', '   ', '\u00a0', 'NA', 'N/A', 'null', 'NULL', '-', '—', 'nan', 'NaN', '#N/A', ' na '])(
    '%j is blank',
    (v) => expect(isBlank(v)).toBe(true),
  );
  it.each(['0', 'Анна', 'nana', 'none?', '12', 'N/A2'])('%j is not blank', (v) =>
    expect(isBlank(v)).toBe(false),
  );
});

describe('parseAmount', () => {
  it.each([
    ['1 234,50', 123450],
    ['1\u00a0234,50', 123450],
    ['1\u202f234,50', 123450],
    ['1234.5', 123450],
    ['1 234,50 ₽', 123450],
    ['1234 руб.', 123400],
    ['1234 руб', 123400],
    ['500 р.', 50000],
    ['RUB 10', 1000],
    ['10 RUB', 1000],
    ['$1,149.00 ', 114900],
    ['$150.00 ', 15000],
    ['$0.00 ', 0],
    ['(33.62)', -3362],
    ['($33.62)', -3362],
    ['($5.40)', -540],
    ['-5', -500],
    ['−5', -500],
    ['-$5', -500],
    ['$-5', -500],
    ['+7', 700],
    ['22.200000000000003', 2220],
    ['139.12', 13912],
    ['222.831', 22283],
    ['15.001', 1500],
    ['0.005', 1],
    ['-0.005', -1],
    ['-0.004', 0],
    ['1,234', 123400],
    ['12,345,678', 1234567800],
    ['1,5', 150],
    ['12,34', 1234],
    ['0,125', 13],
    ['1234,567', 123457],
    ['1.234,56', 123456],
    ['1.234.567,89', 123456789],
    ['1,234.5', 123450],
    ["1'234.50", 123450],
    ['.5', 50],
    ['5.', 500],
    ['10 000', 1000000],
    ['  42  ', 4200],
    ['€ 12,00', 1200],
    ['12.00 USD', 1200],
    ['0', 0],
  ])('%j → %d', (raw, cents) => {
    expect(parseAmount(raw)).toEqual({ ok: true, value: cents });
  });

  it.each([
    'abc',
    '',
    '12a3',
    '1e5',
    '1 2',
    '12,34,5',
    '1,2,3',
    '1.2.3,4,5',
    '--5',
    '(5',
    '5)',
    '5 коп',
    '1-2',
    '12345 678',
  ])('rejects %j', (raw) => {
    const r = parseAmount(raw);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toBe(`not an amount: "${raw.trim()}"`);
  });
});

describe('parseQuantity and multiplyCents', () => {
  it.each([
    ['2', 2],
    ['1,5', 1.5],
    ['0.25', 0.25],
    ['-1', -1],
    ['1 000', 1000],
    ['2 шт', 2],
    ['2шт.', 2],
    ['3 pcs', 3],
    ['1,250', 1.25],
    ['0.3333333', 0.333333],
  ])('%j → %d', (raw, q) => expect(parseQuantity(raw)).toEqual({ ok: true, value: q }));

  it.each(['x', 'два', '1/2', '2 кг?'])('rejects %j', (raw) => {
    expect(parseQuantity(raw)).toEqual({ ok: false, error: `not a quantity: "${raw}"` });
  });

  it.each([
    [425, 4, 1700],
    [425, -1, -425],
    [333, 1.5, 500], // 499.5 → 500
    [-333, 1.5, -500],
    [199, 0.25, 50], // 49.75 → 50
    [100, 0.333333, 33],
    [9_007_199_254, 3.5, 31_525_197_389],
  ])('%d × %d = %d', (price, qty, cents) => expect(multiplyCents(price, qty)).toBe(cents));
});

const MSK = 'Europe/Moscow';
const NY = 'America/New_York';

describe('parseDateTime', () => {
  const utc = (iso: string) => Date.parse(iso);
  it.each<[string, DateOrder, string, string]>([
    ['05.03.2024', 'DMY', '2024-03-04T21:00:00Z', '2024-03-05'],
    ['05.03.2024 14:02', 'DMY', '2024-03-05T11:02:00Z', '2024-03-05'],
    ['05.03.2024 14:02:11', 'DMY', '2024-03-05T11:02:11Z', '2024-03-05'],
    ['5.3.2024 9:05', 'DMY', '2024-03-05T06:05:00Z', '2024-03-05'],
    ['05.03.24', 'DMY', '2024-03-04T21:00:00Z', '2024-03-05'],
    ['05.03.2024, 14:02', 'DMY', '2024-03-05T11:02:00Z', '2024-03-05'],
    ['2024-03-05', 'DMY', '2024-03-04T21:00:00Z', '2024-03-05'],
    ['2024-03-05 14:02', 'MDY', '2024-03-05T11:02:00Z', '2024-03-05'],
    ['2024-03-05 14:02:11', 'YMD', '2024-03-05T11:02:11Z', '2024-03-05'],
    ['2024-03-05T14:02:11', 'YMD', '2024-03-05T11:02:11Z', '2024-03-05'],
    ['2024-03-05T14:02:11.123Z', 'YMD', '2024-03-05T14:02:11.123Z', '2024-03-05'],
    ['2024-03-05T14:02:11.123456Z', 'YMD', '2024-03-05T14:02:11.123Z', '2024-03-05'],
    ['2024-03-05T22:30:00Z', 'YMD', '2024-03-05T22:30:00Z', '2024-03-06'],
    ['2024-03-05T14:02:11+03:00', 'YMD', '2024-03-05T11:02:11Z', '2024-03-05'],
    ['2024-03-05T14:02:11-05:00', 'YMD', '2024-03-05T19:02:11Z', '2024-03-05'],
    ['2024-03-05 14:02:11 +0300', 'YMD', '2024-03-05T11:02:11Z', '2024-03-05'],
    ['2024-03-05 23:02:11 -0500', 'YMD', '2024-03-06T04:02:11Z', '2024-03-06'],
    ['2024-03-05 14:02 UTC', 'YMD', '2024-03-05T14:02:00Z', '2024-03-05'],
    ['10/31/2011 10:42', 'MDY', '2011-10-31T06:42:00Z', '2011-10-31'],
    ['6/12/2011 12:34', 'MDY', '2011-06-12T08:34:00Z', '2011-06-12'],
    ['6/12/2011', 'MDY', '2011-06-11T20:00:00Z', '2011-06-12'],
    ['12/27/2018', 'MDY', '2018-12-26T21:00:00Z', '2018-12-27'],
    ['12/27/2018 1:05 PM', 'MDY', '2018-12-27T10:05:00Z', '2018-12-27'],
    ['12/27/2018 12:05 AM', 'MDY', '2018-12-26T21:05:00Z', '2018-12-27'],
    ['12/27/2018 12:05:30 pm', 'MDY', '2018-12-27T09:05:30Z', '2018-12-27'],
    ['12/27/2018 11:59 p.m.', 'MDY', '2018-12-27T20:59:00Z', '2018-12-27'],
    ['27/12/2018', 'DMY', '2018-12-26T21:00:00Z', '2018-12-27'],
    ['05.03.2024', 'YMD', '2024-03-04T21:00:00Z', '2024-03-05'],
    ['3/5/2024', 'YMD', '2024-03-04T21:00:00Z', '2024-03-05'],
    ['20240305', 'DMY', '2024-03-04T21:00:00Z', '2024-03-05'],
  ])('%j (%s) in Moscow', (raw, order, iso, day) => {
    expect(parseDateTime(raw, order, MSK)).toEqual({ ok: true, value: { at: utc(iso), day } });
  });

  it.each([
    '31.02.2024',
    '29.02.2023',
    '32.01.2024',
    '01.13.2024',
    '2024-02-30',
    '2024-03-05 24:00',
    '2024-03-05 12:60',
    '2024-03-05 13:00 PM',
    '05.03.2024 14',
    '05.03.2024 xx',
    'вчера',
    '45292',
    '12/27',
    '2024-03-05T14:02:11+25:00',
    '01.01.1899',
  ])('rejects %j', (raw) => {
    const r = parseDateTime(raw, 'DMY', MSK);
    expect(r).toEqual({ ok: false, error: `not a date: "${raw}"` });
  });

  it('rejects 10/31/2011 as DMY (no month 31)', () => {
    expect(parseDateTime('10/31/2011', 'DMY', MSK).ok).toBe(false);
  });

  it('reports an unknown time zone', () => {
    expect(parseDateTime('2024-03-05', 'YMD', 'Mars/Olympus')).toEqual({
      ok: false,
      error: 'unknown time zone: "Mars/Olympus"',
    });
    expect(isTimeZone('Mars/Olympus')).toBe(false);
    expect(isTimeZone(MSK)).toBe(true);
  });

  it.each<[string, string, string]>([
    ['45292', '2024-01-01T00:00:00Z', '2024-01-01'],
    ['45292.5', '2024-01-01T12:00:00Z', '2024-01-01'],
    ['45292,75', '2024-01-01T18:00:00Z', '2024-01-01'],
    ['1', '1900-01-01T00:00:00Z', '1900-01-01'],
    ['59', '1900-02-28T00:00:00Z', '1900-02-28'],
    ['61', '1900-03-01T00:00:00Z', '1900-03-01'],
    ['2958465', '9999-12-31T00:00:00Z', '9999-12-31'],
    ['05.03.2024', '2024-03-05T00:00:00Z', '2024-03-05'],
  ])('Excel serial %j', (raw, iso, day) => {
    expect(parseDateTime(raw, 'DMY', 'UTC', { excelSerial: true })).toEqual({
      ok: true,
      value: { at: Date.parse(iso), day },
    });
  });

  it.each(['60', '0', '2958466', '-1', '1.2.3'])('Excel serial %j is rejected', (raw) => {
    expect(parseDateTime(raw, 'DMY', 'UTC', { excelSerial: true }).ok).toBe(false);
  });

  it('reads Excel serials as wall time in the zone', () => {
    expect(parseDateTime('45292.5', 'DMY', MSK, { excelSerial: true })).toEqual({
      ok: true,
      value: { at: Date.parse('2024-01-01T09:00:00Z'), day: '2024-01-01' },
    });
  });

  it('handles the DST gap (shift forward) and overlap (earlier instant) in New York', () => {
    // 2024-03-10 02:30 does not exist in New York: 03:30 EDT.
    expect(parseDateTime('2024-03-10 02:30', 'YMD', NY)).toEqual({
      ok: true,
      value: { at: Date.parse('2024-03-10T07:30:00Z'), day: '2024-03-10' },
    });
    // 2024-11-03 01:30 happens twice: the earlier one is EDT (UTC-4).
    expect(parseDateTime('11/3/2024 1:30 AM', 'MDY', NY)).toEqual({
      ok: true,
      value: { at: Date.parse('2024-11-03T05:30:00Z'), day: '2024-11-03' },
    });
    expect(parseDateTime('11/3/2024 2:30 AM', 'MDY', NY)).toEqual({
      ok: true,
      value: { at: Date.parse('2024-11-03T07:30:00Z'), day: '2024-11-03' },
    });
  });
});

describe('zonedWallTimeToUtc / utcToZonedDay', () => {
  it('converts Moscow wall time', () => {
    expect(zonedWallTimeToUtc(2024, 1, 1, 0, 30, 0, MSK)).toBe(Date.parse('2023-12-31T21:30:00Z'));
    expect(utcToZonedDay(Date.parse('2023-12-31T21:30:00Z'), MSK)).toBe('2024-01-01');
    expect(utcToZonedDay(Date.parse('2023-12-31T20:59:59Z'), MSK)).toBe('2023-12-31');
  });
  it('follows historical Moscow offsets (UTC+4 in 2012)', () => {
    expect(zonedWallTimeToUtc(2012, 6, 1, 12, 0, 0, MSK)).toBe(Date.parse('2012-06-01T08:00:00Z'));
  });
  it('handles New York DST both ways', () => {
    expect(zonedWallTimeToUtc(2024, 3, 10, 1, 59, 59, NY)).toBe(Date.parse('2024-03-10T06:59:59Z'));
    expect(zonedWallTimeToUtc(2024, 3, 10, 3, 0, 0, NY)).toBe(Date.parse('2024-03-10T07:00:00Z'));
    expect(zonedWallTimeToUtc(2024, 11, 3, 1, 0, 0, NY)).toBe(Date.parse('2024-11-03T05:00:00Z'));
    expect(zonedWallTimeToUtc(2024, 11, 3, 2, 0, 0, NY)).toBe(Date.parse('2024-11-03T07:00:00Z'));
    expect(utcToZonedDay(Date.parse('2024-11-03T03:59:59Z'), NY)).toBe('2024-11-02');
    expect(utcToZonedDay(Date.parse('2024-11-03T04:00:00Z'), NY)).toBe('2024-11-03');
  });
  it('handles half-hour DST zones (Lord Howe) and a midnight gap (Santiago)', () => {
    // Lord Howe: +10:30 → +11 at 02:00 local on 2024-10-06; 02:15 is in the gap → 02:45 (+11).
    expect(zonedWallTimeToUtc(2024, 10, 6, 2, 15, 0, 'Australia/Lord_Howe')).toBe(
      Date.parse('2024-10-05T15:45:00Z'),
    );
    expect(zonedWallTimeToUtc(2024, 10, 6, 1, 59, 0, 'Australia/Lord_Howe')).toBe(
      Date.parse('2024-10-05T15:29:00Z'),
    );
    // Santiago skips 2024-09-08 00:00–01:00: midnight becomes 01:00 the same day.
    const at = zonedWallTimeToUtc(2024, 9, 8, 0, 0, 0, 'America/Santiago');
    expect(at).toBe(Date.parse('2024-09-08T04:00:00Z'));
    expect(utcToZonedDay(at, 'America/Santiago')).toBe('2024-09-08');
  });
  it('throws on an unknown zone', () => {
    expect(() => zonedWallTimeToUtc(2024, 1, 1, 0, 0, 0, 'Nowhere/Land')).toThrow(RangeError);
  });
});

describe('detectDateOrder', () => {
  it.each<[string[], DateOrder | null]>([
    [['2024-03-05', '2024-03-06T10:00:00Z'], 'YMD'],
    [['20240305'], 'YMD'],
    [['05.03.2024', '06.03.2024 10:00'], 'DMY'],
    [['05-03-2024'], 'DMY'],
    [['1/2/2024', '3/4/2024'], 'MDY'],
    [['10/31/2011 10:42', '6/12/2011 12:34'], 'MDY'],
    [['1/2/2024', '31/01/2024'], 'DMY'],
    [['01.02.2024', '01.31.2024'], 'MDY'],
    [['2024-03-05', '05.03.2024'], 'DMY'],
    [['', 'abc', '12'], null],
    [[], null],
  ])('%j → %s', (samples, order) => expect(detectDateOrder(samples)).toBe(order));
});

describe('parseBirthday', () => {
  const today = '2025-06-01';
  it.each<[string, DateOrder, string]>([
    ['15.03.1990', 'DMY', '1990-03-15'],
    ['1990-03-15', 'DMY', '1990-03-15'],
    ['1990-03-15 00:00:00', 'DMY', '1990-03-15'],
    ['3/15/1990', 'MDY', '1990-03-15'],
    ['15.03.90', 'DMY', '1990-03-15'],
    ['15.03.05', 'DMY', '2005-03-15'],
    ['01.01.1900', 'DMY', '1900-01-01'],
  ])('%j → %s', (raw, order, day) =>
    expect(parseBirthday(raw, order, today)).toEqual({ ok: true, value: day }),
  );

  it.each<[string, string]>([
    ['15.03', 'birthday without a year: "15.03"'],
    ['01.01.1899', 'not a date: "01.01.1899"'],
    ['01.01.2030', 'birthday in the future: "01.01.2030"'],
    ['1990-03-15 10:00', 'a birthday has no time: "1990-03-15 10:00"'],
    ['31.02.1990', 'not a date: "31.02.1990"'],
  ])('rejects %j', (raw, error) => expect(parseBirthday(raw, 'DMY', today)).toEqual({ ok: false, error }));

  it('reads a two-digit year as 19YY without today, and Excel serials', () => {
    expect(parseBirthday('15.03.05', 'DMY')).toEqual({ ok: true, value: '1905-03-15' });
    expect(parseBirthday('32947', 'DMY', today, true)).toEqual({ ok: true, value: '1990-03-15' });
  });
});

describe('normalizePhone', () => {
  it.each([
    ['8 (916) 123-45-67', '+79161234567'],
    ['+7 916 1234567', '+79161234567'],
    ['79161234567', '+79161234567'],
    ['9161234567', '+79161234567'],
    ['8-916-123-45-67', '+79161234567'],
    ['+7 (916) 123-45-67', '+79161234567'],
    ['8 916 123 45 67 доб. 12', '+79161234567'],
    ['8 916 123-45-67, 8 495 123-45-67', '+79161234567'],
    ['84951234567', '+74951234567'],
    ['8 800 555 35 35', '+78005553535'],
    ['+1 212 555 0100', '+12125550100'],
    ['+44 20 7946 0958', '+442079460958'],
    ['+380 44 123 4567', '+380441234567'],
    ['87011234567', '+77011234567'], // Kazakhstan mobile written with 8
  ])('%j → %s (RU)', (raw, e164) => expect(normalizePhone(raw, 'RU')).toEqual({ ok: true, value: e164 }));

  it('uses the default country', () => {
    expect(normalizePhone('(212) 555-0100', 'US')).toEqual({ ok: true, value: '+12125550100' });
    expect(normalizePhone('8 916 123 45 67', 'RU')).toEqual(normalizePhone('+79161234567', 'US'));
  });

  it.each(['123', '+7 000 000 00 00', 'abc', '8 (916) 123', '+0 123 456 789', '1234567890123456789'])(
    'rejects %j',
    (raw) => expect(normalizePhone(raw, 'RU')).toEqual({ ok: false, error: `not a phone number: "${raw}"` }),
  );
});

describe('normalizeEmail', () => {
  it.each([
    [' Foo@Bar.RU ', 'foo@bar.ru'],
    ['mailto:a@b.com', 'a@b.com'],
    ['MAILTO:Ivan.Petrov+spa@Mail.Ru', 'ivan.petrov+spa@mail.ru'],
    ['Ivan <ivan@mail.ru>', 'ivan@mail.ru'],
    ['a@b.ru; c@d.ru', 'a@b.ru'],
    ['почта@пример.рф', 'почта@пример.рф'],
    ['x@sub.domain.co.uk', 'x@sub.domain.co.uk'],
  ])('%j → %s', (raw, email) => expect(normalizeEmail(raw)).toEqual({ ok: true, value: email }));

  it.each(['a@b', 'a b@c.de', 'ab.c', 'a@@b.c', '@b.ru', 'a@.ru', 'a@b.', 'a@b.1'])('rejects %j', (raw) => {
    expect(normalizeEmail(raw)).toEqual({ ok: false, error: `not an e-mail: "${raw}"` });
  });
});

describe('parseOrderStatus', () => {
  const completed = [
    '',
    '  ',
    'оплачен',
    'Оплачено',
    'оплата',
    'Выполнен',
    'выполнено',
    'завершен',
    'Завершён',
    'завершено',
    'закрыт',
    'продажа',
    'продан',
    'Пришел',
    'пришёл',
    'пришла',
    'визит состоялся',
    'Приход',
    'paid',
    'PAID',
    'completed',
    'complete',
    'done',
    'closed',
    'fulfilled',
    'success',
    'succeeded',
    'Payment',
    'sale',
    'authorized',
    'partially_refunded',
    'Partially Refunded',
  ];
  const cancelled = [
    'отменен',
    'отменён',
    'Отменено',
    'отмена',
    'не пришел',
    'Не пришёл',
    'не пришла',
    'неявка',
    'cancelled',
    'canceled',
    'voided',
    'void',
    'no-show',
    'no show',
    'No_Show',
    'declined',
    'failed',
  ];
  const refunded = [
    'возврат',
    'возвращен',
    'Возвращён',
    'возвращено',
    'refund',
    'Refund',
    'refunded',
    'returned',
    'return',
  ];
  it.each(completed)('%j → completed', (raw) =>
    expect(parseOrderStatus(raw)).toEqual({ ok: true, value: 'completed' }),
  );
  it.each(cancelled)('%j → cancelled', (raw) =>
    expect(parseOrderStatus(raw)).toEqual({ ok: true, value: 'cancelled' }),
  );
  it.each(refunded)('%j → refunded', (raw) =>
    expect(parseOrderStatus(raw)).toEqual({ ok: true, value: 'refunded' }),
  );
  it.each(['pending', 'Expired', 'unpaid', 'в ожидании', 'В ОЖИДАНИИ'])('%j is not a sale yet', (raw) => {
    expect(parseOrderStatus(raw)).toEqual({ ok: false, error: `not a sale yet (status "${raw}")` });
  });
  it('rejects unknown statuses', () => {
    expect(parseOrderStatus('maybe')).toEqual({ ok: false, error: 'unknown order status: "maybe"' });
  });
});

describe('parseGender', () => {
  it.each([
    ['Ж', 'female'],
    ['жен.', 'female'],
    ['Female', 'female'],
    ['f', 'female'],
    ['М', 'male'],
    ['муж', 'male'],
    ['Male', 'male'],
    ['m', 'male'],
    ['другое', 'other'],
    ['не указан', null],
    ['', null],
  ])('%j → %s', (raw, g) => expect(parseGender(raw)).toEqual({ ok: true, value: g }));
  it('rejects other words', () => {
    expect(parseGender('кот')).toEqual({ ok: false, error: 'unknown gender: "кот"' });
  });
});
