import { describe, expect, it } from 'vitest';
import { detectMapping, type ImportKind } from '../../../src/core/import/headers.ts';
import {
  type AssembledOrder,
  type ImportContext,
  normalizeCustomerRow,
  normalizeOrderRow,
  OrderAssembler,
  type OrderRow,
} from '../../../src/core/import/rows.ts';

const CTX: ImportContext = { timeZone: 'Europe/Moscow', country: 'RU', dateOrder: 'DMY', excelSerial: false };

function columnsOf(headers: string[], kind: ImportKind, overrides: Record<string, string> = {}) {
  const m = detectMapping(headers, kind, overrides);
  if (!m.ok) throw new Error(m.error);
  return m.value.columns;
}

function orderRows(headers: string[], rows: string[][], ctx: ImportContext = CTX) {
  const columns = columnsOf(headers, 'orders');
  return rows.map((cells, i) => normalizeOrderRow(cells, i + 2, columns, ctx));
}

function okRows(headers: string[], rows: string[][], ctx: ImportContext = CTX): OrderRow[] {
  return orderRows(headers, rows, ctx).map((r) => {
    if (!r.ok) throw new Error(`${r.error.column}: ${r.error.reason}`);
    return r.value;
  });
}

function assemble(rows: OrderRow[]): AssembledOrder[] {
  const a = new OrderAssembler();
  const out: AssembledOrder[] = [];
  for (const r of rows) out.push(...a.push(r));
  out.push(...a.flush());
  return out;
}

const SALON = 'Дата;Клиент;Телефон;E-mail;Услуга;Мастер;Сумма;Статус'.split(';');

describe('normalizeOrderRow: salon sheet', () => {
  it('reads a typical row', () => {
    const [r] = okRows(SALON, [
      [
        '05.03.2024 14:02',
        '  Иванова   Анна ',
        '8 (916) 123-45-67',
        'Anna@Mail.RU',
        'Стрижка',
        'Ольга',
        '1 234,50',
        'Оплачен',
      ],
    ]);
    expect(r).toEqual({
      line: 2,
      externalId: null,
      customer: {
        externalId: null,
        phone: '+79161234567',
        email: 'anna@mail.ru',
        name: 'Иванова Анна',
        birthday: null,
        gender: null,
        telegram: null,
        whatsapp: null,
        vk: null,
        max: null,
      },
      at: Date.parse('2024-03-05T11:02:00Z'),
      day: '2024-03-05',
      status: 'completed',
      statusExplicit: true,
      totalCents: 123450,
      lineItem: {
        item: 'Стрижка',
        sku: null,
        category: null,
        quantity: 1,
        unitPriceCents: null,
        amountCents: 123450,
        staff: 'Ольга',
      },
      costCents: null,
      refundedCents: null,
      staff: 'Ольга',
      branch: null,
      channel: null,
      source: null,
    });
  });

  it('treats blank-like cells as null and a blank status as completed', () => {
    const [r] = okRows(SALON, [['05.03.2024', 'NA', '', 'N/A', '-', '—', '500', '']]);
    expect(r!.customer.name).toBeNull();
    expect(r!.customer.phone).toBeNull();
    expect(r!.customer.email).toBeNull();
    expect(r!.lineItem).toBeNull();
    expect(r!.status).toBe('completed');
    expect(r!.statusExplicit).toBe(false);
    expect(r!.totalCents).toBe(50000);
  });

  it('rejects rows naming the column as the file does', () => {
    const res = orderRows(SALON, [
      ['', 'Анна', '', '', '', '', '500', ''],
      ['31.02.2024', 'Анна', '', '', '', '', '500', ''],
      ['05.03.2024', 'Анна', '12345', '', '', '', '500', ''],
      ['05.03.2024', 'Анна', '', 'anna@', '', '', '500', ''],
      ['05.03.2024', 'Анна', '', '', '', '', 'пятьсот', ''],
      ['05.03.2024', 'Анна', '', '', '', '', '', ''],
      ['05.03.2024', 'Анна', '', '', '', '', '500', 'в ожидании'],
      ['05.03.2024', 'Анна', '', '', '', '', '500', 'может быть'],
    ]);
    expect(res.map((r) => (r.ok ? null : r.error))).toEqual([
      { column: 'Дата', reason: 'ordered_at is empty' },
      { column: 'Дата', reason: 'not a date: "31.02.2024"' },
      { column: 'Телефон', reason: 'not a phone number: "12345"' },
      { column: 'E-mail', reason: 'not an e-mail: "anna@"' },
      { column: 'Сумма', reason: 'not an amount: "пятьсот"' },
      { column: 'Сумма', reason: 'amount is empty' },
      { column: 'Статус', reason: 'not a sale yet (status "в ожидании")' },
      { column: 'Статус', reason: 'unknown order status: "может быть"' },
    ]);
  });

  it('names the field when the columns did not come from detectMapping, or uses ctx.headers', () => {
    const columns = { ordered_at: 0, amount: 1 };
    const r = normalizeOrderRow(['', '5'], 2, columns, CTX);
    expect(r).toEqual({ ok: false, error: { column: 'ordered_at', reason: 'ordered_at is empty' } });
    const r2 = normalizeOrderRow(['', '5'], 2, columns, { ...CTX, headers: ['When', 'How much'] });
    expect(r2).toEqual({ ok: false, error: { column: 'When', reason: 'ordered_at is empty' } });
  });

  it('a negative amount is a return; cancelled statuses stay cancelled', () => {
    const rows = okRows(SALON, [
      ['05.03.2024', 'Анна', '', '', 'Стрижка', '', '-1 500,00', ''],
      ['05.03.2024', 'Анна', '', '', 'Стрижка', '', '1500', 'Не пришла'],
      ['05.03.2024', 'Анна', '', '', 'Стрижка', '', '1500', 'Возврат'],
    ]);
    expect(rows.map((r) => r.status)).toEqual(['refunded', 'cancelled', 'refunded']);
  });
});

describe('normalizeOrderRow: price × quantity', () => {
  const EVOTOR =
    'Дата/время чека;Номер чека;Номенклатура;Количество;Цена;Сумма;Карта клиента;Телефон покупателя;Кассир;Магазин'.split(
      ';',
    );

  it('computes the line amount exactly and keeps the amount as the order total', () => {
    const [r] = okRows(EVOTOR, [
      [
        '05.03.2024 10:15:00',
        '17',
        'Кофе латте',
        '1,5',
        '333,00',
        '499,50',
        '0012345',
        '+7 916 123-45-67',
        'Петров',
        'ТЦ Мега',
      ],
    ]);
    expect(r!.lineItem).toEqual({
      item: 'Кофе латте',
      sku: null,
      category: null,
      quantity: 1.5,
      unitPriceCents: 33300,
      amountCents: 49950,
      staff: 'Петров',
    });
    expect(r!.totalCents).toBe(49950);
    expect(r!.externalId).toBe('17');
    expect(r!.customer.externalId).toBe('0012345');
    expect(r!.customer.phone).toBe('+79161234567');
    expect(r!.branch).toBe('ТЦ Мега');
  });

  it('rejects a bad quantity and an empty price', () => {
    const res = orderRows(EVOTOR, [
      ['05.03.2024', '1', 'Кофе', 'два', '100', '', '', '', '', ''],
      ['05.03.2024', '1', 'Кофе', '1', '', '', '', '', '', ''],
    ]);
    expect(res.map((r) => (r.ok ? null : r.error))).toEqual([
      { column: 'Количество', reason: 'not a quantity: "два"' },
      { column: 'Цена', reason: 'price is empty' },
    ]);
  });
});

describe('normalizeOrderRow: UCI Online Retail', () => {
  const UCI = [
    '',
    'InvoiceNo',
    'StockCode',
    'Description',
    'Quantity',
    'InvoiceDate',
    'UnitPrice',
    'CustomerID',
    'Country',
  ];
  const ctx: ImportContext = { ...CTX, timeZone: 'Europe/London', dateOrder: 'MDY' };

  it('reads raw lines, NA customers and C… cancellations', () => {
    const rows = okRows(
      UCI,
      [
        [
          '428465',
          '573442',
          '21479',
          'WHITE SKULL HOT WATER BOTTLE ',
          '4',
          '10/31/2011 10:42',
          '4.25',
          '12488',
          'France',
        ],
        [
          '1',
          '536365',
          '85123A',
          'WHITE HANGING HEART T-LIGHT HOLDER',
          '6',
          '12/1/2010 8:26',
          '2.55',
          'NA',
          'United Kingdom',
        ],
        [
          '228909',
          'C556966',
          '22827',
          'RUSTIC  SEVENTEEN DRAWER SIDEBOARD',
          '-1',
          '6/16/2011 9:55',
          '165',
          '13523',
          'UK',
        ],
      ],
      ctx,
    );
    expect(rows[0]!.at).toBe(Date.parse('2011-10-31T10:42:00Z'));
    expect(rows[0]!.lineItem).toMatchObject({
      item: 'WHITE SKULL HOT WATER BOTTLE',
      sku: '21479',
      amountCents: 1700,
    });
    expect(rows[0]!.customer.externalId).toBe('12488');
    expect(rows[1]!.customer.externalId).toBeNull();
    expect(rows[1]!.at).toBe(Date.parse('2010-12-01T08:26:00Z'));
    expect(rows[2]!.lineItem).toMatchObject({
      item: 'RUSTIC SEVENTEEN DRAWER SIDEBOARD',
      amountCents: -16500,
    });
    expect(rows[2]!.status).toBe('refunded');
    const orders = assemble(rows);
    expect(orders.map((o) => [o.key, o.totalCents, o.status])).toEqual([
      ['x:573442', 1700, 'completed'],
      ['x:536365', 1530, 'completed'],
      ['x:C556966', -16500, 'refunded'],
    ]);
  });
});

describe('normalizeOrderRow: Square', () => {
  const SQUARE = [
    'Date',
    'Time',
    'Time Zone',
    'Gross Sales',
    'Net Sales',
    'Total Collected',
    'Transaction ID',
    'Event Type',
    'Customer Name',
  ];
  it('merges Date and Time, reads $ amounts and refunds', () => {
    const ctx: ImportContext = { ...CTX, timeZone: 'America/Los_Angeles', dateOrder: 'MDY' };
    const rows = okRows(
      SQUARE,
      [
        [
          '12/27/2018',
          '13:45:10',
          'Pacific Time (US & Canada)',
          '$1,149.00 ',
          '$1,149.00 ',
          '$1,149.00 ',
          '',
          'Payment',
          '',
        ],
        ['12/18/2018', '', '', '$150.00 ', '($150.00)', '($150.00)', 'T2', 'Refund', 'Bob  Smith'],
      ],
      ctx,
    );
    expect(rows[0]!.at).toBe(Date.parse('2018-12-27T21:45:10Z'));
    expect(rows[0]!.totalCents).toBe(114900);
    expect(rows[0]!.status).toBe('completed');
    expect(rows[1]!.day).toBe('2018-12-18');
    expect(rows[1]!.totalCents).toBe(-15000);
    expect(rows[1]!.status).toBe('refunded');
    expect(rows[1]!.customer.name).toBe('Bob Smith');
  });
});

describe('OrderAssembler: Shopify line items', () => {
  const H = [
    'Name',
    'Email',
    'Financial Status',
    'Total',
    'Created at',
    'Lineitem quantity',
    'Lineitem name',
    'Lineitem price',
    'Billing Name',
    'Cancelled at',
    'Refunded Amount',
    'Phone',
  ];
  const rows = [
    [
      '#1001',
      'Anna@Example.com',
      'paid',
      '53.91',
      '2024-03-05 09:50:26 +0200',
      '3',
      'Mask',
      '14.90',
      'Anna K',
      '',
      '0.00',
      '',
    ],
    [
      '#1001',
      'anna@example.com',
      '',
      '',
      '2024-03-05 09:50:26 +0200',
      '1',
      'Cream',
      '9.21',
      '',
      '',
      '',
      '+33 6 10 82 64 17',
    ],
    [
      '#1002',
      'bob@example.com',
      'refunded',
      '20.00',
      '2024-03-06 10:00:00 +0200',
      '1',
      'Soap',
      '20.00',
      'Bob',
      '',
      '20.00',
      '',
    ],
    [
      '#1003',
      '',
      'voided',
      '10.00',
      '2024-03-07 10:00:00 +0200',
      '1',
      'Soap',
      '10.00',
      '',
      '2024-03-07 11:00:00 +0200',
      '',
      '',
    ],
    ['#1004', '', 'pending', '10.00', '2024-03-07 10:00:00 +0200', '1', 'Soap', '10.00', '', '', '', ''],
  ];
  const ctx: ImportContext = { ...CTX, country: 'FR', timeZone: 'Europe/Paris', dateOrder: 'YMD' };
  const normalized = orderRows(H, rows, ctx);

  it('normalises each line; the pending order is rejected', () => {
    expect(normalized[4]).toEqual({
      ok: false,
      error: { column: 'Financial Status', reason: 'not a sale yet (status "pending")' },
    });
    expect(normalized[1]!.ok && normalized[1]!.value.totalCents).toBeNull();
  });

  it('groups adjacent rows of one order; the Total column is the order total', () => {
    const orders = assemble(normalized.flatMap((r) => (r.ok ? [r.value] : [])));
    expect(orders).toHaveLength(3);
    const [a, b, c] = orders;
    expect(a).toMatchObject({
      key: 'x:#1001',
      externalId: '#1001',
      at: Date.parse('2024-03-05T07:50:26Z'),
      day: '2024-03-05',
      status: 'completed',
      totalCents: 5391,
      firstLine: 2,
      lastLine: 3,
      rowCount: 2,
      customer: { email: 'anna@example.com', name: 'Anna K', phone: '+33610826417' },
    });
    expect(a!.lines.map((l) => [l.item, l.quantity, l.unitPriceCents, l.amountCents])).toEqual([
      ['Mask', 3, 1490, 4470],
      ['Cream', 1, 921, 921],
    ]);
    expect(b).toMatchObject({ key: 'x:#1002', status: 'refunded', totalCents: 2000, refundedCents: 2000 });
    expect(c).toMatchObject({ key: 'x:#1003', status: 'cancelled' });
  });

  it('push returns only orders that ended before the pushed row', () => {
    const a = new OrderAssembler();
    const ok = normalized.flatMap((r) => (r.ok ? [r.value] : []));
    expect(a.push(ok[0]!)).toEqual([]);
    expect(a.push(ok[1]!)).toEqual([]);
    const done = a.push(ok[2]!);
    expect(done.map((o) => o.key)).toEqual(['x:#1001']);
    expect(done[0]!.lastLine).toBeLessThan(ok[2]!.line);
    expect(a.flush().map((o) => o.key)).toEqual(['x:#1002']);
    expect(a.flush()).toEqual([]);
  });
});

describe('OrderAssembler: totals of multi-row receipts', () => {
  const H = ['Дата', 'Номер чека', 'Товар', 'Кол-во', 'Цена', 'Сумма', 'Себестоимость'];
  const d = '05.03.2024 10:00';

  it('a per-line Сумма on every row sums up (with discounts, it is the line amount)', () => {
    const orders = assemble(
      okRows(H, [
        [d, '1', 'Кофе', '2', '150', '270', '40'],
        [d, '1', 'Круассан', '1', '120', '120', '30'],
      ]),
    );
    expect(orders).toHaveLength(1);
    expect(orders[0]!.totalCents).toBe(39000);
    expect(orders[0]!.lines.map((l) => l.amountCents)).toEqual([27000, 12000]);
    expect(orders[0]!.costCents).toBe(7000);
  });

  it('per-line sums equal to price × quantity sum up', () => {
    const orders = assemble(
      okRows(H, [
        [d, '2', 'Кофе', '1', '150', '150', ''],
        [d, '2', 'Кофе', '1', '150', '150', ''],
      ]),
    );
    expect(orders[0]!.totalCents).toBe(30000);
  });

  it('an order total repeated on every row counts once', () => {
    const orders = assemble(
      okRows(H, [
        [d, '3', 'Кофе', '1', '150', '270', ''],
        [d, '3', 'Круассан', '1', '120', '270', ''],
      ]),
    );
    expect(orders[0]!.totalCents).toBe(27000);
  });

  it('without a price column each row amount adds to the order', () => {
    const orders = assemble(
      okRows(
        ['Дата', 'Номер чека', 'Услуга', 'Сумма'],
        [
          [d, '7', 'Стрижка', '1500'],
          [d, '7', 'Укладка', '700'],
          [d, '8', 'Стрижка', '1500'],
        ],
      ),
    );
    expect(orders.map((o) => [o.key, o.totalCents, o.lines.length])).toEqual([
      ['x:7', 220000, 2],
      ['x:8', 150000, 1],
    ]);
  });

  it('no total column: the sum of the lines; a negative sum is a return', () => {
    const orders = assemble(
      okRows(
        ['Дата', 'Чек', 'Товар', 'Кол-во', 'Цена'],
        [
          [d, 'A', 'Кофе', '1', '150'],
          [d, 'A', 'Кофе', '-2', '150'],
        ],
      ),
    );
    expect(orders[0]).toMatchObject({ totalCents: -15000, status: 'refunded' });
  });
});

describe('OrderAssembler: content keys', () => {
  const H = ['Дата', 'Клиент', 'Телефон', 'Услуга', 'Сумма'];
  const rows = [
    ['05.03.2024 10:00', 'Анна', '89161234567', 'Кофе', '150'],
    ['05.03.2024 10:00', 'Анна', '+7 916 123-45-67', 'Кофе', '150'],
    ['05.03.2024 10:00', 'Анна', '89161234567', 'Чай', '150'],
    ['05.03.2024 10:00', 'Анна', '89161234567', 'Кофе', '150'],
  ];

  it('orders without an id are their own; identical content is numbered', () => {
    const keys = assemble(okRows(H, rows)).map((o) => o.key);
    expect(keys).toHaveLength(4);
    expect(keys[0]).toMatch(/^c:[0-9a-f]{16}#0$/);
    expect(keys[1]).toBe(keys[0]!.replace('#0', '#1'));
    expect(keys[2]).toMatch(/#0$/);
    expect(keys[2]!.slice(0, 18)).not.toBe(keys[0]!.slice(0, 18));
    expect(keys[3]).toBe(keys[0]!.replace('#0', '#2'));
  });

  it('re-importing the same file yields the same keys', () => {
    const a = assemble(okRows(H, rows)).map((o) => o.key);
    const b = assemble(okRows(H, rows)).map((o) => o.key);
    expect(b).toEqual(a);
  });

  it('any identity or amount change changes the hash', () => {
    const base = assemble(okRows(H, [rows[0]!]))[0]!.key;
    const variants = [
      ['05.03.2024 10:01', 'Анна', '89161234567', 'Кофе', '150'],
      ['05.03.2024 10:00', 'Анна ', '89161234568', 'Кофе', '150'],
      ['05.03.2024 10:00', 'Аня', '89161234567', 'Кофе', '150'],
      ['05.03.2024 10:00', 'Анна', '89161234567', 'Кофе', '151'],
    ];
    for (const v of variants) expect(assemble(okRows(H, [v]))[0]!.key).not.toBe(base);
  });
});

describe('normalizeCustomerRow', () => {
  const H = [
    'Код клиента',
    'Фамилия',
    'Имя',
    'Телефон',
    'Email',
    'Дата рождения',
    'Пол',
    'Теги',
    'Комментарий',
    'Менеджер',
    'Telegram',
    'WhatsApp',
    'VK',
    'Источник',
    'Дата регистрации',
  ];
  const columns = columnsOf(H, 'customers');
  const ctx: ImportContext = { ...CTX, today: '2025-06-01' };

  it('reads a full row', () => {
    const r = normalizeCustomerRow(
      [
        'C-17',
        'Иванова',
        'Анна',
        '8 (916) 123-45-67',
        'mailto:Anna@Mail.ru',
        '15.03.1990',
        'Ж',
        'vip; постоянный, vip',
        'любит кофе',
        'Ольга',
        'https://t.me/Anna_Iv',
        'да',
        'https://vk.com/id123',
        'Instagram',
        '01.02.2023',
      ],
      5,
      columns,
      ctx,
    );
    expect(r).toEqual({
      ok: true,
      value: {
        line: 5,
        externalId: 'C-17',
        phone: '+79161234567',
        email: 'anna@mail.ru',
        name: 'Анна Иванова',
        birthday: '1990-03-15',
        gender: 'female',
        telegram: 'anna_iv',
        whatsapp: '+79161234567',
        vk: 'id123',
        max: null,
        firstName: 'Анна',
        lastName: 'Иванова',
        source: 'Instagram',
        need: null,
        preferredChannel: null,
        manager: 'Ольга',
        tags: ['vip', 'постоянный'],
        note: 'любит кофе',
        createdAt: Date.parse('2023-01-31T21:00:00Z'),
        createdDay: '2023-02-01',
      },
    });
  });

  it('messenger ids: @names, phones and bad values', () => {
    const row = (tg: string, wa: string, vk: string) => {
      const cells = new Array<string>(H.length).fill('');
      cells[0] = 'C-1';
      cells[10] = tg;
      cells[11] = wa;
      cells[12] = vk;
      return normalizeCustomerRow(cells, 2, columns, ctx);
    };
    const a = row('@Anna_Iv', '8 916 123 45 67', 'anna.iv');
    expect(a.ok && [a.value.telegram, a.value.whatsapp, a.value.vk]).toEqual([
      'anna_iv',
      '+79161234567',
      'anna.iv',
    ]);
    const b = row('+7 916 123 45 67', 'нет', '12345');
    expect(b.ok && [b.value.telegram, b.value.whatsapp, b.value.vk]).toEqual([
      '+79161234567',
      null,
      'id12345',
    ]);
    expect(row('a b', '', '')).toEqual({
      ok: false,
      error: { column: 'Telegram', reason: 'not a Telegram username: "a b"' },
    });
    expect(row('', 'anna', '')).toEqual({
      ok: false,
      error: { column: 'WhatsApp', reason: 'not a WhatsApp number: "anna"' },
    });
  });

  it('rejects bad contacts, birthdays and rows without identity', () => {
    const cells = (patch: Record<number, string>) => {
      const c = new Array<string>(H.length).fill('');
      c[2] = 'Анна';
      for (const [i, v] of Object.entries(patch)) c[Number(i)] = v;
      return normalizeCustomerRow(c, 2, columns, ctx);
    };
    expect(cells({ 3: '123' })).toEqual({
      ok: false,
      error: { column: 'Телефон', reason: 'not a phone number: "123"' },
    });
    expect(cells({ 5: '01.01.2030' })).toEqual({
      ok: false,
      error: { column: 'Дата рождения', reason: 'birthday in the future: "01.01.2030"' },
    });
    expect(cells({ 6: 'кот' })).toEqual({
      ok: false,
      error: { column: 'Пол', reason: 'unknown gender: "кот"' },
    });
    expect(cells({ 2: '' })).toEqual({
      ok: false,
      error: {
        column: 'Код клиента',
        reason: 'no customer identity: id, phone, e-mail and name are all empty',
      },
    });
    const nameOnly = cells({});
    expect(nameOnly.ok && nameOnly.value.name).toBe('Анна');
  });
});

describe('normalizeOrderRow: a separate time column', () => {
  const columns = columnsOf(['Дата', 'Время', 'Сумма'], 'orders');
  it.each([
    ['05.03.2024', '14:02', '2024-03-05T11:02:00Z'],
    ['05.03.2024 0:00:00', '14:02', '2024-03-05T11:02:00Z'],
    ['05.03.2024', '', '2024-03-04T21:00:00Z'],
    ['05.03.2024', '0.5', '2024-03-05T09:00:00Z'],
  ])('%j + %j', (date, time, iso) => {
    const r = normalizeOrderRow([date, time, '100'], 2, columns, CTX);
    expect(r.ok && r.value.at).toBe(Date.parse(iso));
  });
  it('sums Excel serial date and time', () => {
    const r = normalizeOrderRow(['45292', '0.25', '100'], 2, columns, { ...CTX, excelSerial: true });
    expect(r.ok && r.value.at).toBe(Date.parse('2024-01-01T03:00:00Z'));
  });
});
