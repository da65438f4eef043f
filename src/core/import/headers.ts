/**
 * Column mapping: which file column holds which import field, recognised from common
 * Russian and English headers (1C, Evotor, YCLIENTS-like salon sheets, Shopify, Square,
 * UCI Online Retail), with `--map field=Column` overrides.
 */
import { err, ok, type Result } from '../result.ts';

export type ImportKind = 'orders' | 'customers';

export const ORDER_FIELDS = [
  'external_id',
  'customer_external_id',
  'name',
  'phone',
  'email',
  'ordered_at',
  'amount',
  'price',
  'status',
  'item',
  'sku',
  'category',
  'quantity',
  'staff',
  'branch',
  'cost',
  'channel',
  'source',
  'birthday',
  'telegram',
  'whatsapp',
  'vk',
  'max',
  'cancelled_at',
  'refunded_amount',
] as const;

export const CUSTOMER_FIELDS = [
  'external_id',
  'name',
  'first_name',
  'last_name',
  'phone',
  'email',
  'birthday',
  'gender',
  'source',
  'need',
  'preferred_channel',
  'manager',
  'tags',
  'note',
  'telegram',
  'whatsapp',
  'vk',
  'max',
  'created_at',
] as const;

export type OrderField = (typeof ORDER_FIELDS)[number];
export type CustomerField = (typeof CUSTOMER_FIELDS)[number];

/**
 * The fields a column can be mapped to, per kind, in the order a person reads them in a mapping
 * screen (what a file must have first). `time` is the optional separate time-of-day column.
 */
export const MAPPABLE_FIELDS: {
  readonly orders: readonly (OrderField | 'time')[];
  readonly customers: readonly CustomerField[];
} = {
  orders: readingOrder<OrderField | 'time'>(
    ['ordered_at', 'time', 'amount', 'phone', 'email', 'name'],
    [...ORDER_FIELDS, 'time'],
  ),
  customers: readingOrder<CustomerField>(
    ['name', 'first_name', 'last_name', 'phone', 'email'],
    CUSTOMER_FIELDS,
  ),
};

/** `first` in that order, then every other field in the importer's own order. */
function readingOrder<F extends string>(first: readonly F[], all: readonly F[]): F[] {
  return [...first, ...all.filter((f) => !first.includes(f))];
}

/** `time`: a separate time-of-day column (Square), merged into ordered_at by the row reader. */
export type PseudoField = 'time';
export type Field = OrderField | CustomerField | PseudoField;

export type OrderColumns = Partial<Record<OrderField | PseudoField, number>>;
export type CustomerColumns = Partial<Record<CustomerField, number>>;

export interface ColumnMapping {
  /** field → 0-based column index */
  columns: Partial<Record<Field, number>>;
  /** Headers that map to no field (unknown, empty, or lost to a higher-priority synonym). */
  ignored: string[];
}

/**
 * Synonyms per field, best first. Matching is on a normalised key: lower case, ё → е,
 * everything but letters and digits removed ("E-mail" = "email", "Кол-во" = "колво").
 */
const COMMON: Partial<Record<Field, string[]>> = {
  phone: [
    'Телефон',
    'Тел',
    'Мобильный',
    'Мобильный телефон',
    'Сотовый',
    'Сотовый телефон',
    'Номер телефона',
    'Телефон клиента',
    'Телефон покупателя',
    'Контактный телефон',
    'Phone',
    'Phone Number',
    'Mobile',
    'Mobile Phone',
    'Cell',
    'Customer Phone',
    'Billing Phone',
    'Shipping Phone',
  ],
  email: [
    'E-mail',
    'Email',
    'Почта',
    'Эл. почта',
    'Электронная почта',
    'Эл почта',
    'E-mail клиента',
    'Email клиента',
    'Почта клиента',
    'Email Address',
    'E-mail Address',
    'Customer Email',
    'Mail',
  ],
  birthday: [
    'День рождения',
    'Дата рождения',
    'ДР',
    'Birthday',
    'Birth Date',
    'Birthdate',
    'Date of Birth',
    'DOB',
  ],
  source: [
    'Источник',
    'Источник клиента',
    'Откуда узнал',
    'Откуда узнали',
    'Канал привлечения',
    'Source',
    'Lead Source',
  ],
  telegram: ['Telegram', 'Телеграм', 'Телеграмм', 'Tg'],
  whatsapp: ['WhatsApp', 'Ватсап', 'Вотсап', 'Вацап', 'WA'],
  vk: ['VK', 'ВК', 'ВКонтакте', 'VKontakte'],
  max: ['MAX', 'Макс', 'MAX мессенджер', 'Мессенджер MAX'],
};

const ORDERS: Partial<Record<OrderField | PseudoField, string[]>> = {
  ...COMMON,
  ordered_at: [
    'Дата и время',
    'Дата/время',
    'Дата, время',
    'Дата время',
    'Дата и время визита',
    'Дата и время чека',
    'Дата/время чека',
    'Дата визита',
    'Дата продажи',
    'Дата чека',
    'Дата заказа',
    'Дата покупки',
    'Дата оплаты',
    'Дата документа',
    'Дата записи',
    'Дата',
    'Date',
    'Datetime',
    'Date Time',
    'Created at',
    'Created',
    'Order Date',
    'Order Created',
    'Purchase Date',
    'Transaction Date',
    'Sale Date',
    'InvoiceDate',
    'Timestamp',
    'Paid at',
  ],
  time: ['Время', 'Время визита', 'Время чека', 'Время продажи', 'Time', 'Order Time'],
  external_id: [
    'Номер чека',
    '№ чека',
    'Чек',
    'Чек №',
    'Номер заказа',
    '№ заказа',
    'Заказ',
    'ID заказа',
    'ID чека',
    'Номер документа',
    'Номер визита',
    'ID визита',
    'ID записи',
    'Order ID',
    'Order Number',
    'Order No',
    'Order',
    'InvoiceNo',
    'Invoice No',
    'Invoice Number',
    'Invoice',
    'Transaction ID',
    'Receipt Number',
    'Receipt',
    'Payment ID',
    'ID',
  ],
  customer_external_id: [
    'ID клиента',
    'Код клиента',
    'Номер клиента',
    'Клиент ID',
    'CustomerID',
    'Customer ID',
    'Client ID',
    'Customer Number',
    'Customer Code',
    'Карта клиента',
    'Номер карты',
    'Номер карты клиента',
    'Дисконтная карта',
    'Карта',
    'Card Number',
    'Loyalty Card',
    'Customer Reference ID',
  ],
  name: [
    'Клиент',
    'ФИО',
    'ФИО клиента',
    'Имя клиента',
    'Имя',
    'Покупатель',
    'Customer',
    'Customer Name',
    'Client',
    'Client Name',
    'Full Name',
    'Billing Name',
    'Name',
    'Shipping Name',
  ],
  amount: [
    'Сумма',
    'Сумма чека',
    'Сумма заказа',
    'Итого',
    'Итого к оплате',
    'Сумма продажи',
    'Сумма оплаты',
    'Сумма со скидкой',
    'К оплате',
    'Оплачено',
    'Стоимость',
    'Amount',
    'Total',
    'Order Total',
    'Net Sales',
    'Gross Sales',
    'Total Collected',
    'TotalPrice',
    'Total Price',
    'Total Amount',
    'Revenue',
    'Sales',
    'Subtotal',
  ],
  price: [
    'Цена',
    'Цена за единицу',
    'Цена за ед',
    'Цена со скидкой',
    'Price',
    'UnitPrice',
    'Unit Price',
    'Item Price',
    'Lineitem price',
  ],
  quantity: ['Кол-во', 'Количество', 'Кол', 'Qty', 'Quantity', 'Lineitem quantity', 'Item Quantity'],
  item: [
    'Услуга',
    'Услуги',
    'Товар',
    'Товары',
    'Наименование',
    'Наименование товара',
    'Наименование услуги',
    'Номенклатура',
    'Позиция',
    'Item',
    'Item Name',
    'Product',
    'Product Name',
    'Lineitem name',
    'Service',
    'Service Name',
    'Description',
  ],
  sku: [
    'Артикул',
    'Код товара',
    'Код номенклатуры',
    'Штрихкод',
    'SKU',
    'Lineitem sku',
    'StockCode',
    'Stock Code',
    'Product Code',
    'Barcode',
  ],
  category: [
    'Категория',
    'Категория услуги',
    'Категория товара',
    'Группа',
    'Группа товаров',
    'Группа услуг',
    'Category',
    'Product Category',
    'Product Type',
  ],
  staff: [
    'Мастер',
    'Сотрудник',
    'Специалист',
    'Исполнитель',
    'Кассир',
    'Продавец',
    'Менеджер',
    'Staff',
    'Staff Name',
    'Employee',
    'Cashier',
    'Seller',
  ],
  branch: [
    'Филиал',
    'Салон',
    'Магазин',
    'Точка',
    'Торговая точка',
    'Подразделение',
    'Branch',
    'Location',
    'Store',
    'Shop',
    'Outlet',
  ],
  status: [
    'Статус',
    'Статус заказа',
    'Статус оплаты',
    'Статус визита',
    'Статус записи',
    'Тип операции',
    'Вид операции',
    'Тип чека',
    'Тип документа',
    'Status',
    'Order Status',
    'Financial Status',
    'Payment Status',
    'Event Type',
    // Lowest priority: a bare «Тип» is the receipt type in 1C/Evotor exports (Продажа/Возврат).
    'Тип',
  ],
  cost: ['Себестоимость', 'Cost', 'Cost of Goods', 'COGS'],
  channel: ['Канал', 'Канал продаж', 'Channel', 'Sales Channel'],
  cancelled_at: ['Cancelled at', 'Canceled at', 'Дата отмены'],
  refunded_amount: ['Refunded Amount', 'Сумма возврата'],
};

const CUSTOMERS: Partial<Record<CustomerField, string[]>> = {
  ...COMMON,
  external_id: [
    'ID клиента',
    'Код клиента',
    'Номер клиента',
    'Клиент ID',
    'ID',
    'CustomerID',
    'Customer ID',
    'Client ID',
    'Customer Number',
    'Customer Code',
    'Номер карты',
    'Карта клиента',
    'Дисконтная карта',
    'Карта',
    'Card Number',
    'Customer Reference ID',
  ],
  name: [
    'ФИО',
    'Клиент',
    'ФИО клиента',
    'Имя клиента',
    'Name',
    'Full Name',
    'Customer Name',
    'Client Name',
    'Customer',
    'Client',
    'Покупатель',
    'Контакт',
    'Contact',
    'Имя',
  ],
  first_name: ['First Name', 'Firstname', 'Given Name'],
  last_name: ['Фамилия', 'Last Name', 'Lastname', 'Surname', 'Family Name'],
  gender: ['Пол', 'Gender', 'Sex'],
  need: ['Потребность', 'Интерес', 'Интересы', 'Need', 'Interest'],
  preferred_channel: [
    'Предпочтительный канал',
    'Канал связи',
    'Способ связи',
    'Preferred Channel',
    'Contact Method',
  ],
  manager: ['Менеджер', 'Ответственный', 'Мастер', 'Manager', 'Owner'],
  tags: ['Теги', 'Тэги', 'Метки', 'Tags', 'Labels'],
  note: ['Заметка', 'Заметки', 'Комментарий', 'Примечание', 'Note', 'Notes', 'Comment'],
  created_at: [
    'Дата создания',
    'Дата регистрации',
    'Дата добавления',
    'Created at',
    'Created',
    'Date Added',
    'Registration Date',
  ],
};

const KEY_RE = /[^\p{L}\p{N}№]+/gu;
const YO_RE = /ё/g;

/** The matching key of a header: lower case, ё → е, only letters, digits and №. */
export function headerKey(header: string): string {
  return header.toLowerCase().replace(YO_RE, 'е').replace(KEY_RE, '');
}

interface Candidate {
  field: Field;
  rank: number;
}

function buildIndex(table: Partial<Record<Field, string[]>>): Map<string, Candidate[]> {
  const index = new Map<string, Candidate[]>();
  for (const [field, words] of Object.entries(table) as [Field, string[]][]) {
    words.forEach((w, rank) => {
      const k = headerKey(w);
      const list = index.get(k) ?? [];
      if (!list.some((c) => c.field === field)) list.push({ field, rank });
      index.set(k, list);
    });
  }
  return index;
}

const INDEX: Record<ImportKind, Map<string, Candidate[]>> = {
  orders: buildIndex(ORDERS),
  customers: buildIndex(CUSTOMERS),
};

const FIELDS: Record<ImportKind, readonly string[]> = {
  orders: [...ORDER_FIELDS, 'time'],
  customers: CUSTOMER_FIELDS,
};

/** Header texts of each detectMapping result, so row errors can name the column as the file does. */
const headersOf = new WeakMap<object, readonly string[]>();

/** The header texts behind a `columns` object returned by detectMapping (if it came from there). */
export function mappedHeaders(columns: object): readonly string[] | undefined {
  return headersOf.get(columns);
}

/**
 * Decide which column holds which field. `overrides` maps a field to a header text
 * (case-insensitive) or a 1-based column number and wins over recognition. When several
 * headers match one field the best-ranked synonym wins; the rest go to `ignored`.
 * Orders need `ordered_at` and `amount` or `price`; customers need one of external_id,
 * phone, email, name (or first/last name).
 */
export function detectMapping(
  headers: readonly string[],
  kind: ImportKind,
  overrides: Readonly<Record<string, string>>,
): Result<ColumnMapping> {
  const index = INDEX[kind];
  const keys = headers.map(headerKey);
  const has = (text: string) => keys.includes(headerKey(text));
  const candidates: { field: Field; col: number; rank: number }[] = [];

  // Context: Shopify's "Name" is the order number; "Имя" next to "Фамилия" is a first name.
  const shopify = kind === 'orders' && (has('Lineitem name') || has('Financial Status'));
  const splitName = kind === 'customers' && (has('Фамилия') || has('Last Name') || has('Surname'));
  keys.forEach((k, col) => {
    if (k === '') return;
    if (shopify && k === 'name') candidates.push({ field: 'external_id', col, rank: -1 });
    else if (splitName && (k === 'имя' || k === 'name'))
      candidates.push({ field: 'first_name', col, rank: -1 });
    else for (const c of index.get(k) ?? []) candidates.push({ field: c.field, col, rank: c.rank });
  });

  // Best-ranked first; a field gets one column and a column serves one field.
  candidates.sort((a, b) => a.rank - b.rank || a.col - b.col);
  const byField = new Map<Field, number>();
  const taken = new Set<number>();
  for (const { field, col } of candidates) {
    if (byField.has(field) || taken.has(col)) continue;
    byField.set(field, col);
    taken.add(col);
  }

  // Overrides win; a column named by an override leaves the field it was recognised as.
  const known = FIELDS[kind];
  const overridden = new Set<string>();
  for (const [field, target] of Object.entries(overrides)) {
    if (!known.includes(field)) {
      return err(`unknown field "${field}" for ${kind}; fields: ${known.join(', ')}`);
    }
    const col = resolveOverride(headers, keys, target);
    if (col === null) {
      return err(`--map ${field}=${target}: no such column; headers: ${listHeaders(headers)}`);
    }
    for (const [f, c] of [...byField]) {
      if (c === col && f !== field && !overridden.has(f)) byField.delete(f);
    }
    byField.set(field as Field, col);
    overridden.add(field);
  }
  const columns: Partial<Record<Field, number>> = Object.fromEntries(byField);

  const missing = missingFields(columns, kind);
  if (missing !== null) {
    return err(
      `cannot find the ${missing} column; headers: ${listHeaders(headers)}. ` +
        'Name the column with --map field=Column.',
    );
  }

  const used = new Set(Object.values(columns));
  const ignored = headers.filter((_, i) => !used.has(i));
  headersOf.set(columns, headers);
  return ok({ columns, ignored });
}

function resolveOverride(headers: readonly string[], keys: string[], target: string): number | null {
  const t = target.trim();
  const lower = t.toLowerCase();
  const exact = headers.findIndex((h) => h.trim().toLowerCase() === lower);
  if (exact >= 0) return exact;
  if (/^\d+$/.test(t)) {
    const n = Number(t);
    return n >= 1 && n <= headers.length ? n - 1 : null;
  }
  const k = headerKey(t);
  const loose = k === '' ? -1 : keys.indexOf(k);
  return loose >= 0 ? loose : null;
}

function missingFields(columns: Partial<Record<Field, number>>, kind: ImportKind): string | null {
  if (kind === 'orders') {
    const parts: string[] = [];
    if (columns.ordered_at === undefined) parts.push('order date (ordered_at)');
    if (columns.amount === undefined && columns.price === undefined) parts.push('amount (amount or price)');
    return parts.length ? parts.join(' and the ') : null;
  }
  const any =
    columns.external_id !== undefined ||
    columns.phone !== undefined ||
    columns.email !== undefined ||
    columns.name !== undefined ||
    columns.first_name !== undefined ||
    columns.last_name !== undefined;
  return any ? null : 'customer identity (external_id, phone, email or name)';
}

function listHeaders(headers: readonly string[]): string {
  return headers.length === 0 ? '(none)' : headers.map((h) => JSON.stringify(h)).join(', ');
}
