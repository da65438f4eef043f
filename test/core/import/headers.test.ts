import { describe, expect, it } from 'vitest';
import {
  type ColumnMapping,
  CUSTOMER_FIELDS,
  detectMapping,
  headerKey,
  type ImportKind,
  ORDER_FIELDS,
} from '../../../src/core/import/headers.ts';

// Header lines copied verbatim from /work/shared/data (see its README for the origins).
const SQUARE =
  'Date,Time,Time Zone,Gross Sales,Discounts,Net Sales,Gift Card Sales,Tax,Tip,Partial Refunds,Total Collected,Source,Card,Card Entry Methods,Cash,Square Gift Card,Installment,Other Tender,Other Tender Type,Other Tender Note,Fees,Net Total,Transaction ID,Payment ID,Card Brand,PAN Suffix,Device Name,Staff Name,Staff ID,Details,Description,Event Type,Location,Dining Option,Customer ID,Customer Name,Customer Reference ID,Device Nickname,Deposit ID,Deposit Date,Deposit Details,Fee Percentage Rate,Fee Fixed Rate,Refund Reason';
const SHOPIFY =
  'Name,Email,Financial Status,Paid at,Fulfillment Status,Fulfilled at,Accepts Marketing,Currency,Subtotal,Shipping,Taxes,Total,Discount Code,Discount Amount,Shipping Method,Created at,Lineitem quantity,Lineitem name,Lineitem price,Lineitem compare at price,Lineitem sku,Lineitem requires shipping,Lineitem taxable,Lineitem fulfillment status,Billing Name,Billing Street,Billing Address1,Billing Address2,Billing Company,Billing City,Billing Zip,Billing Province,Billing Country,Billing Phone,Shipping Name,Shipping Street,Shipping Address1,Shipping Address2,Shipping Company,Shipping City,Shipping Zip,Shipping Province,Shipping Country,Shipping Phone,Notes,Note Attributes,Cancelled at,Payment Method,Payment Reference,Refunded Amount,Vendor,Outstanding Balance,Employee,Location,Device ID,Id,Tags,Risk Level,Source,Lineitem discount,Tax 1 Name,Tax 1 Value,Tax 2 Name,Tax 2 Value,Tax 3 Name,Tax 3 Value,Tax 4 Name,Tax 4 Value,Tax 5 Name,Tax 5 Value,Phone,Receipt Number,Duties,Billing Province Name,Shipping Province Name,Payment ID,Payment Terms Name,Next Payment Due At,Payment References';
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
const UCI_INVOICES = ['InvoiceNo', 'InvoiceDate', 'CustomerID', 'TotalPrice'];
const SALON = 'Дата;Клиент;Телефон;E-mail;Услуга;Мастер;Сумма;Статус'.split(';');
const EVOTOR =
  'Дата/время чека;Номер чека;Номенклатура;Количество;Цена;Сумма;Карта клиента;Телефон покупателя;Кассир;Магазин'.split(
    ';',
  );

/** field → header text, for readable expectations. */
function named(headers: string[], kind: ImportKind, overrides: Record<string, string> = {}) {
  const r = detectMapping(headers, kind, overrides);
  if (!r.ok) throw new Error(r.error);
  const out: Record<string, string> = {};
  for (const [f, i] of Object.entries(r.value.columns)) out[f] = headers[i as number]!;
  return { fields: out, ignored: r.value.ignored, mapping: r.value as ColumnMapping };
}

describe('field lists', () => {
  it('lists the order and customer fields', () => {
    expect(ORDER_FIELDS).toContain('refunded_amount');
    expect(ORDER_FIELDS).toHaveLength(25);
    expect(CUSTOMER_FIELDS).toContain('preferred_channel');
    expect(CUSTOMER_FIELDS).toHaveLength(19);
  });
  it('normalises header keys', () => {
    expect(headerKey(' E-mail ')).toBe('email');
    expect(headerKey('Кол-во')).toBe('колво');
    expect(headerKey('Дата  и время')).toBe('датаивремя');
    expect(headerKey('Эл. почта')).toBe('элпочта');
    expect(headerKey('Customer_ID')).toBe('customerid');
    expect(headerKey('Все ёлки')).toBe('всеелки');
  });
});

describe('detectMapping on real export headers', () => {
  it('Square transactions', () => {
    const { fields, ignored } = named(SQUARE.split(','), 'orders');
    expect(fields).toEqual({
      ordered_at: 'Date',
      time: 'Time',
      amount: 'Net Sales',
      source: 'Source',
      external_id: 'Transaction ID',
      staff: 'Staff Name',
      item: 'Description',
      status: 'Event Type',
      branch: 'Location',
      customer_external_id: 'Customer ID',
      name: 'Customer Name',
    });
    expect(ignored).toEqual(
      expect.arrayContaining(['Gross Sales', 'Total Collected', 'Payment ID', 'Time Zone']),
    );
    expect(ignored).toContain('Customer Reference ID');
    expect(ignored).toHaveLength(44 - 11);
  });

  it('Shopify orders: Name is the order number', () => {
    const { fields, ignored } = named(SHOPIFY.split(','), 'orders');
    expect(fields).toEqual({
      external_id: 'Name',
      email: 'Email',
      status: 'Financial Status',
      amount: 'Total',
      ordered_at: 'Created at',
      quantity: 'Lineitem quantity',
      item: 'Lineitem name',
      price: 'Lineitem price',
      sku: 'Lineitem sku',
      name: 'Billing Name',
      phone: 'Phone',
      cancelled_at: 'Cancelled at',
      refunded_amount: 'Refunded Amount',
      staff: 'Employee',
      branch: 'Location',
      source: 'Source',
    });
    expect(ignored).toEqual(
      expect.arrayContaining([
        'Paid at',
        'Subtotal',
        'Billing Phone',
        'Shipping Phone',
        'Shipping Name',
        'Id',
      ]),
    );
    expect(ignored).toEqual(expect.arrayContaining(['Receipt Number', 'Payment ID', 'Tags', 'Notes']));
  });

  it('UCI Online Retail raw sample (leading empty header)', () => {
    const { fields, ignored } = named(UCI, 'orders');
    expect(fields).toEqual({
      external_id: 'InvoiceNo',
      sku: 'StockCode',
      item: 'Description',
      quantity: 'Quantity',
      ordered_at: 'InvoiceDate',
      price: 'UnitPrice',
      customer_external_id: 'CustomerID',
    });
    expect(ignored).toEqual(['', 'Country']);
  });

  it('UCI invoice-level file', () => {
    expect(named(UCI_INVOICES, 'orders').fields).toEqual({
      external_id: 'InvoiceNo',
      ordered_at: 'InvoiceDate',
      customer_external_id: 'CustomerID',
      amount: 'TotalPrice',
    });
  });

  it('Russian salon sheet', () => {
    const { fields, ignored } = named(SALON, 'orders');
    expect(fields).toEqual({
      ordered_at: 'Дата',
      name: 'Клиент',
      phone: 'Телефон',
      email: 'E-mail',
      item: 'Услуга',
      staff: 'Мастер',
      amount: 'Сумма',
      status: 'Статус',
    });
    expect(ignored).toEqual([]);
  });

  it('1C / Evotor receipt export', () => {
    expect(named(EVOTOR, 'orders').fields).toEqual({
      ordered_at: 'Дата/время чека',
      external_id: 'Номер чека',
      item: 'Номенклатура',
      quantity: 'Количество',
      price: 'Цена',
      amount: 'Сумма',
      customer_external_id: 'Карта клиента',
      phone: 'Телефон покупателя',
      staff: 'Кассир',
      branch: 'Магазин',
    });
  });
});

describe('detectMapping rules', () => {
  it.each([
    [['Дата и время', 'Сумма чека'], 'Дата и время', 'Сумма чека'],
    [['Дата визита', 'Итого'], 'Дата визита', 'Итого'],
    [['Дата продажи', 'Стоимость'], 'Дата продажи', 'Стоимость'],
    [['Дата чека', 'Amount'], 'Дата чека', 'Amount'],
    [['Order Date', 'Revenue'], 'Order Date', 'Revenue'],
    [['Paid at', 'TotalPrice'], 'Paid at', 'TotalPrice'],
    [['DATE', 'TOTAL'], 'DATE', 'TOTAL'],
  ])('%j', (headers, date, amount) => {
    const { fields } = named(headers, 'orders');
    expect(fields.ordered_at).toBe(date);
    expect(fields.amount).toBe(amount);
  });

  it('recognises the rest of the Russian vocabulary', () => {
    const headers = [
      'Дата',
      'ФИО',
      'Тел.',
      'Эл. почта',
      'Товар',
      'Кол-во',
      'Категория',
      'Сотрудник',
      'Филиал',
      '№ чека',
      'Код клиента',
      'Себестоимость',
      'Канал',
      'Источник',
      'Дата рождения',
      'Telegram',
      'WhatsApp',
      'ВКонтакте',
      'MAX',
      'Сумма',
    ];
    const { fields, ignored } = named(headers, 'orders');
    expect(ignored).toEqual([]);
    expect(Object.keys(fields).sort()).toEqual(
      [
        'ordered_at',
        'name',
        'phone',
        'email',
        'item',
        'quantity',
        'category',
        'staff',
        'branch',
        'external_id',
        'customer_external_id',
        'cost',
        'channel',
        'source',
        'birthday',
        'telegram',
        'whatsapp',
        'vk',
        'max',
        'amount',
      ].sort(),
    );
  });

  it('prefers Net Sales over Gross Sales over Total Collected', () => {
    expect(named(['Date', 'Total Collected', 'Gross Sales'], 'orders').fields.amount).toBe('Gross Sales');
    expect(named(['Date', 'Total Collected', 'Gross Sales', 'Net Sales'], 'orders').fields.amount).toBe(
      'Net Sales',
    );
  });

  it('prefers Phone over Billing Phone, Customer ID over Customer Reference ID', () => {
    const { fields, ignored } = named(
      ['Date', 'Amount', 'Billing Phone', 'Phone', 'Customer Reference ID', 'Customer ID'],
      'orders',
    );
    expect(fields.phone).toBe('Phone');
    expect(fields.customer_external_id).toBe('Customer ID');
    expect(ignored).toEqual(['Billing Phone', 'Customer Reference ID']);
  });

  it('Name is the customer in an orders file without Shopify columns, and in customers files', () => {
    expect(named(['Date', 'Name', 'Amount'], 'orders').fields.name).toBe('Name');
    expect(named(['Name', 'Phone'], 'customers').fields.name).toBe('Name');
    expect(named(['Name', 'Financial Status', 'Created at', 'Total'], 'orders').fields.external_id).toBe(
      'Name',
    );
  });

  it('customers file with split names, gender, tags, note', () => {
    const { fields } = named(
      [
        'Код клиента',
        'Фамилия',
        'Имя',
        'Телефон',
        'Пол',
        'Теги',
        'Комментарий',
        'Менеджер',
        'Дата регистрации',
      ],
      'customers',
    );
    expect(fields).toEqual({
      external_id: 'Код клиента',
      last_name: 'Фамилия',
      first_name: 'Имя',
      phone: 'Телефон',
      gender: 'Пол',
      tags: 'Теги',
      note: 'Комментарий',
      manager: 'Менеджер',
      created_at: 'Дата регистрации',
    });
    expect(named(['Имя', 'Телефон'], 'customers').fields.name).toBe('Имя');
    expect(named(['First Name', 'Last Name', 'Email'], 'customers').fields).toEqual({
      first_name: 'First Name',
      last_name: 'Last Name',
      email: 'Email',
    });
  });

  it('applies overrides by header text (any case) or 1-based number', () => {
    const headers = ['Когда', 'Деньги', 'Кто', 'Сумма'];
    const { fields, ignored } = named(headers, 'orders', { ordered_at: 'когда', amount: '2', name: 'КТО' });
    expect(fields).toEqual({ ordered_at: 'Когда', amount: 'Деньги', name: 'Кто' });
    expect(ignored).toEqual(['Сумма']);
  });

  it('an override takes the column away from the field it was recognised as', () => {
    const { fields } = named(['Дата', 'Клиент', 'Сумма'], 'orders', { customer_external_id: 'Клиент' });
    expect(fields).toEqual({ ordered_at: 'Дата', customer_external_id: 'Клиент', amount: 'Сумма' });
  });

  it('rejects an override naming a missing column or an unknown field', () => {
    const a = detectMapping(SALON, 'orders', { amount: 'Итог' });
    expect(a.ok).toBe(false);
    if (!a.ok) expect(a.error).toMatch(/--map amount=Итог: no such column; headers: "Дата", "Клиент"/);
    const b = detectMapping(SALON, 'orders', { amount: '9' });
    expect(b.ok).toBe(false);
    const c = detectMapping(SALON, 'orders', { gender: 'Клиент' });
    expect(c.ok).toBe(false);
    if (!c.ok) expect(c.error).toMatch(/unknown field "gender" for orders/);
  });

  it('names what is missing and lists the headers seen', () => {
    const r = detectMapping(['Клиент', 'Сумма'], 'orders', {});
    expect(r).toEqual({
      ok: false,
      error:
        'cannot find the order date (ordered_at) column; headers: "Клиент", "Сумма". Name the column with --map field=Column.',
    });
    const r2 = detectMapping(['Foo', 'Bar'], 'orders', {});
    expect(r2.ok).toBe(false);
    if (!r2.ok) expect(r2.error).toMatch(/order date \(ordered_at\) and the amount \(amount or price\)/);
    const r3 = detectMapping(['Пол', 'Теги'], 'customers', {});
    expect(r3.ok).toBe(false);
    if (!r3.ok) expect(r3.error).toMatch(/customer identity/);
    expect(detectMapping([], 'customers', {}).ok).toBe(false);
  });

  it('accepts price without amount', () => {
    expect(named(['Date', 'Price'], 'orders').fields).toEqual({ ordered_at: 'Date', price: 'Price' });
  });
});
