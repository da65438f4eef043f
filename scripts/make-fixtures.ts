/**
 * Writes the import fixtures in test/fixtures/imports/ (see README.md there), byte for byte
 * the same on every run: `node --import tsx scripts/make-fixtures.ts`.
 * Prints the expected import facts of each fixture, computed from the annotations below.
 * All names, phones and e-mails are invented.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';

const OUT = fileURLToPath(new URL('../test/fixtures/imports/', import.meta.url));
const NBSP = '\u00a0';

type Status = 'completed' | 'cancelled' | 'refunded';
interface Order {
  customer: string; // identity key of the person (after phone/e-mail normalisation)
  status: Status;
  amount: number;
}

function facts(name: string, rows: number, rejected: number, orders: Order[]) {
  const done = orders.filter((o) => o.status === 'completed' && o.amount > 0);
  const revenue = done.reduce((s, o) => s + o.amount, 0);
  console.log(
    `${name}: data rows ${rows}, rejected ${rejected}, customers ${new Set(orders.map((o) => o.customer)).size}, ` +
      `orders ${orders.length}, completed ${done.length} (buyers ${new Set(done.map((o) => o.customer)).size}), ` +
      `cancelled ${orders.filter((o) => o.status === 'cancelled').length}, refunded ${orders.filter((o) => o.status === 'refunded').length}, ` +
      `revenue ${revenue.toFixed(2)}`,
  );
}

function csvCell(value: string, delimiter: string): string {
  return /["\r\n]/.test(value) || value.includes(delimiter) ? `"${value.replaceAll('"', '""')}"` : value;
}
function csvLine(cells: string[], delimiter: string): string {
  return cells.map((c) => csvCell(c, delimiter)).join(delimiter);
}

// ---------------------------------------------------------------------------------------------
// 1. salon-ru-cp1251.csv — beauty salon visits, Windows-1251, `;`, CRLF. Windows-1251 has no
// ₽ sign (iconv writes `?`), so currency suffixes are spelled `руб.` / `р.` as such exports do.
// key: [date, client, phone, email, service, master, amount, status], who, reject reason
type SalonRow = [string, string, string, string, string, string, string, string];
const S: { row: SalonRow; who: string; reject?: string }[] = [
  {
    row: [
      '09.01.2024 10:00',
      'Иванова Мария',
      '8 (916) 123-45-67',
      'maria.ivanova@mail.ru',
      'Стрижка женская',
      'Ольга',
      '1 500,00',
      'оплачен',
    ],
    who: 'MI',
  },
  {
    row: [
      '09.01.2024 12:30',
      'Петрова Анна',
      '+7 (903) 555-12-34',
      '',
      'Маникюр с покрытием',
      'Ирина',
      '2 000',
      'оплачен',
    ],
    who: 'AP',
  },
  {
    row: [
      '11.01.2024 15:00',
      'Смирнова Ольга',
      '8-925-777-88-99',
      'olga.smirnova@yandex.ru',
      'Окрашивание',
      'Светлана',
      '4 800,00',
      'оплачен',
    ],
    who: 'OS',
  },
  {
    row: [
      '13.01.2024 11:00',
      'Кузнецова Елена',
      '',
      'elena.k@gmail.com',
      'Педикюр',
      'Ирина',
      `2${NBSP}300,50`,
      'оплачен',
    ],
    who: 'EK',
  },
  {
    row: [
      '16.01.2024 18:00',
      'Соколова Татьяна',
      '+7 916 555 00 11',
      '',
      'Укладка',
      'Ольга',
      '1 200,00',
      'оплачен',
    ],
    who: 'TS',
  },
  {
    row: [
      '20.01.2024 10:30',
      'Попова Ирина',
      '89031112233',
      '',
      'Маникюр; покрытие гель-лак',
      'Ирина',
      '2 300,00',
      'оплачен',
    ],
    who: 'IP',
  },
  {
    row: [
      '23.01.2024 14:00',
      'Лебедева Наталья',
      '+79859990077',
      'n.lebedeva@bk.ru',
      'Стрижка женская',
      'Светлана',
      '1 500,00',
      'отменен',
    ],
    who: 'NL',
  },
  {
    row: [
      '27.01.2024 16:00',
      'Козлова Светлана',
      '8 (926) 444-33-22',
      '',
      'Брови и ресницы',
      'Ирина',
      '1 100',
      'оплачен',
    ],
    who: 'SK',
  },
  {
    row: [
      '02.02.2024 12:00',
      'Новикова Юлия',
      '+7 968 777-66-55',
      '',
      'Окрашивание',
      'Светлана',
      '3 200 руб.',
      'оплачен',
    ],
    who: 'YN',
  },
  {
    row: [
      '06.02.2024 10:00',
      'Иванова Мария',
      '+7 916 1234567',
      'maria.ivanova@mail.ru',
      'Маникюр с покрытием',
      'Ирина',
      '2 000,00',
      'оплачен',
    ],
    who: 'MI',
  },
  {
    row: [
      '08.02.2024 13:00',
      'Морозова Дарья',
      '8 915 123 40 00',
      'daria.m@mail.ru',
      'Стрижка женская',
      'Ольга',
      '1 500,00',
      'Оплачено',
    ],
    who: 'DM',
  },
  {
    row: [
      '10.02.2024 17:30',
      'Петрова Анна',
      '8 903 555 12 34',
      '',
      'Маникюр с покрытием',
      'Ирина',
      '2 000,00',
      'оплачен',
    ],
    who: 'AP',
  },
  {
    row: [
      '14.02.2024 11:00',
      'Волкова Ксения',
      '+7 905 765-43-21',
      '',
      'Окрашивание',
      'Светлана',
      '5 500,00',
      'отменен',
    ],
    who: 'KV',
  },
  {
    row: [
      '15.02.2024 19:00',
      'Смирнова Ольга',
      '89257778899',
      'olga.smirnova@yandex.ru',
      'Укладка',
      'Ольга',
      '1 200,00',
      'оплачен',
    ],
    who: 'OS',
  },
  {
    row: [
      '31.02.2024 12:00',
      'Соколова Татьяна',
      '+79165550011',
      '',
      'Педикюр',
      'Ирина',
      '2 300,00',
      'оплачен',
    ],
    who: 'TS',
    reject: 'Дата: 31.02.2024 is not a calendar day',
  },
  {
    row: [
      '19.02.2024 10:00',
      'Кузнецова Елена',
      '',
      'ELENA.K@GMAIL.COM',
      'Маникюр с покрытием',
      'Ирина',
      '2 000,00',
      'оплачен',
    ],
    who: 'EK',
  },
  {
    row: [
      '22.02.2024 15:30',
      'Лебедева Наталья',
      '8 (985) 999-00-77',
      'n.lebedeva@bk.ru',
      'Стрижка женская',
      'Светлана',
      '1 500,00',
      'оплачен',
    ],
    who: 'NL',
  },
  {
    row: ['26.02.2024 12:00', 'Попова Ирина', '+7 903 111 22 33', '', 'Педикюр', 'Ирина', 'abc', 'оплачен'],
    who: 'IP',
    reject: 'Сумма: abc is not an amount',
  },
  {
    row: [
      '01.03.2024 11:00',
      'Иванова Мария',
      '79161234567',
      '',
      'Окрашивание',
      'Светлана',
      '4 800,00',
      'оплачен',
    ],
    who: 'MI',
  },
  {
    row: [
      '04.03.2024 14:00',
      'Козлова Светлана',
      '89264443322',
      '',
      'Маникюр с покрытием',
      'Ирина',
      '2 000,00',
      'возврат',
    ],
    who: 'SK',
  },
  {
    row: ['05.03.2024 16:00', 'Белова Алина', '12345', '', 'Стрижка женская', 'Ольга', '1 500,00', 'оплачен'],
    who: 'AB',
    reject: 'Телефон: 12345 is not a phone number',
  },
  {
    row: ['07.03.2024 10:30', 'Новикова Юлия', '89687776655', '', 'Укладка', 'Ольга', '1 200,00', 'оплачен'],
    who: 'YN',
  },
  {
    row: [
      '12.03.2024 13:00',
      'Морозова Дарья',
      '+79151234000',
      'daria.m@mail.ru',
      'Маникюр с покрытием',
      'Ирина',
      '2 000,00',
      'Оплачено',
    ],
    who: 'DM',
  },
  {
    row: ['', 'Петрова Анна', '+79035551234', '', 'Педикюр', 'Ирина', '2 300,00', 'оплачен'],
    who: 'AP',
    reject: 'Дата: empty',
  },
  {
    row: [
      '15.03.2024 18:00',
      'Соколова Татьяна',
      '8 916 555-00-11',
      '',
      'Стрижка женская',
      'Ольга',
      '1 500,00',
      'оплачен',
    ],
    who: 'TS',
  },
  {
    row: [
      '19.03.2024 11:30',
      'Петрова Анна',
      '+79035551234',
      '',
      'Маникюр с покрытием',
      'Ирина',
      '2 000,00',
      'оплачен',
    ],
    who: 'AP',
  },
  {
    row: [
      '22.03.2024 15:00',
      'Смирнова Ольга',
      '8 (925) 777-88-99',
      'olga.smirnova@yandex.ru',
      'Окрашивание',
      'Светлана',
      '4 800,00',
      'оплачен',
    ],
    who: 'OS',
  },
  {
    row: [
      '28.03.2024 12:00',
      'Попова Ирина',
      '89031112233',
      '',
      'Маникюр; покрытие гель-лак',
      'Ирина',
      '2 300,00',
      'оплачен',
    ],
    who: 'IP',
  },
  {
    row: [
      '03.04.2024 10:00',
      'Иванова Мария',
      '9161234567',
      'maria.ivanova@mail.ru',
      'Маникюр с покрытием',
      'Ирина',
      '2 000,00',
      'оплачен',
    ],
    who: 'MI',
  },
  {
    row: [
      '05.04.2024 17:00',
      'Кузнецова Елена',
      '',
      'elena.k@gmail.com',
      'Педикюр',
      'Ирина',
      '2 300,00',
      'отменен',
    ],
    who: 'EK',
  },
  {
    row: [
      '09.04.2024 13:30',
      'Лебедева Наталья',
      '+7 985 999 00 77',
      '',
      'Укладка',
      'Ольга',
      '1 200,00',
      'оплачен',
    ],
    who: 'NL',
  },
  {
    row: [
      '12.04.2024 16:00',
      'Волкова Ксения',
      '89057654321',
      '',
      'Стрижка женская',
      'Ольга',
      '1 500,00',
      'отменен',
    ],
    who: 'KV',
  },
  {
    row: [
      '16.04.2024 11:00',
      'Новикова Юлия',
      '+79687776655',
      '',
      'Маникюр с покрытием',
      'Ирина',
      '2 000,00',
      'оплачен',
    ],
    who: 'YN',
  },
  {
    row: [
      '19.04.2024 14:30',
      'Козлова Светлана',
      '8 (926) 444-33-22',
      '',
      'Брови и ресницы',
      'Ирина',
      '1 100,00',
      'оплачен',
    ],
    who: 'SK',
  },
  {
    row: [
      '24.04.2024 10:00',
      'Петрова Анна',
      '8 (903) 555-12-34',
      '',
      'Окрашивание',
      'Светлана',
      '4 800,00',
      'возврат',
    ],
    who: 'AP',
  },
  {
    row: [
      '27.04.2024 12:00',
      'Морозова Дарья',
      '89151234000',
      '',
      'Укладка',
      'Ольга',
      '1 200,00',
      'Оплачено',
    ],
    who: 'DM',
  },
  {
    row: [
      '03.05.2024 15:00',
      'Иванова Мария',
      '8 (916) 123-45-67',
      '',
      'Стрижка женская',
      'Ольга',
      '1 500,00',
      'оплачен',
    ],
    who: 'MI',
  },
  {
    row: [
      '08.05.2024 11:00',
      'Смирнова Ольга',
      '+7 925 777 88 99',
      '',
      'Маникюр с покрытием',
      'Ирина',
      '2 000,00',
      'оплачен',
    ],
    who: 'OS',
  },
  {
    row: [
      '14.05.2024 18:30',
      'Соколова Татьяна',
      '+79165550011',
      '',
      'Окрашивание',
      'Светлана',
      '3 200 р.',
      'оплачен',
    ],
    who: 'TS',
  },
  {
    row: [
      '21.05.2024 10:00',
      'Попова Ирина',
      '+7 (903) 111-22-33',
      '',
      'Стрижка женская',
      'Ольга',
      '1 500,00',
      'оплачен',
    ],
    who: 'IP',
  },
];

function salonAmount(s: string): number {
  return Number(s.replace(/\s|руб\.|р\./g, '').replace(',', '.'));
}
function salonStatus(s: string): Status {
  const l = s.toLowerCase();
  return l.startsWith('оплач') ? 'completed' : l.startsWith('отмен') ? 'cancelled' : 'refunded';
}

function writeSalon() {
  const lines = [
    'Дата;Клиент;Телефон;E-mail;Услуга;Мастер;Сумма;Статус',
    ...S.map((r) => csvLine(r.row, ';')),
  ];
  lines.push(';;;;;;;'); // Excel leaves an empty row behind
  writeFileSync(`${OUT}salon-ru-cp1251.csv`, iconv.encode(`${lines.join('\r\n')}\r\n`, 'win1251'));
  const ok = S.filter((r) => !r.reject);
  facts(
    'salon-ru-cp1251.csv',
    S.length,
    S.length - ok.length,
    ok.map((r) => ({ customer: r.who, status: salonStatus(r.row[7]), amount: salonAmount(r.row[6]) })),
  );
}

// ---------------------------------------------------------------------------------------------
// 2. evotor-receipts.csv — receipt lines (1C / Evotor style), UTF-8 with BOM, `;`, CRLF
const EVOTOR_HEADER = [
  'Дата/время чека',
  'Номер чека',
  'Тип',
  'Номенклатура',
  'Количество',
  'Цена',
  'Сумма',
  'Карта клиента',
  'Телефон покупателя',
  'Кассир',
  'Магазин',
];
const SHOP = 'Магазин «У дома», ул. Лесная, 5';
// receipt: [datetime, number, type, card, phone, cashier, lines: [item, qty, price, sum]], who
const RECEIPTS: {
  at: string;
  no: string;
  type: 'Продажа' | 'Возврат';
  card: string;
  phone: string;
  cashier: string;
  who: string;
  lines: [string, string, string, string][];
}[] = [
  {
    at: '05.03.2024 09:15:22',
    no: '1041',
    type: 'Продажа',
    card: '2000012345678',
    phone: '+7 916 111-22-33',
    cashier: 'Орлова Е.',
    who: 'C1',
    lines: [
      ['Молоко 3,2% 1 л', '2', '89,90', '179,80'],
      ['Хлеб «Бородинский»', '1', '54,00', '54,00'],
    ],
  },
  {
    at: '05.03.2024 10:02:10',
    no: '1042',
    type: 'Продажа',
    card: '',
    phone: '8 916 222-33-44',
    cashier: 'Орлова Е.',
    who: 'C2',
    lines: [['Кофе зерновой 1 кг', '1', '1 249,00', '1 249,00']],
  },
  {
    at: '05.03.2024 18:40:05',
    no: '1043',
    type: 'Продажа',
    card: '2000012345678',
    phone: '',
    cashier: 'Зайцев П.',
    who: 'C1',
    lines: [
      ['Сыр «Российский» весовой', '0,356', '799,00', '284,44'],
      ['Яблоки Гала', '1,204', '149,90', '180,48'],
      ['Вода минеральная 1,5 л', '3', '65,00', '195,00'],
    ],
  },
  {
    at: '06.03.2024 11:20:00',
    no: '1044',
    type: 'Возврат',
    card: '',
    phone: '89162223344',
    cashier: 'Орлова Е.',
    who: 'C2',
    lines: [['Кофе зерновой 1 кг', '1', '1 249,00', '1 249,00']],
  },
  {
    at: '07.03.2024 12:30:41',
    no: '1045',
    type: 'Продажа',
    card: '',
    phone: '+7 (903) 444-55-66',
    cashier: 'Зайцев П.',
    who: 'C3',
    lines: [
      ['Шоколад горький 70%', '2', '119,00', '238,00'],
      ['Чай чёрный 100 пак.', '1', '329,00', '329,00'],
    ],
  },
  {
    at: '09.03.2024 20:05:13',
    no: '1046',
    type: 'Продажа',
    card: '2000012345678',
    phone: '79161112233',
    cashier: 'Орлова Е.',
    who: 'C1',
    lines: [['Пельмени «Домашние» 800 г', '1', '459,00', '459,00']],
  },
];

function writeEvotor() {
  const lines = [EVOTOR_HEADER.join(';')];
  for (const r of RECEIPTS) {
    for (const [item, qty, price, sum] of r.lines) {
      lines.push(csvLine([r.at, r.no, r.type, item, qty, price, sum, r.card, r.phone, r.cashier, SHOP], ';'));
    }
  }
  writeFileSync(`${OUT}evotor-receipts.csv`, `\ufeff${lines.join('\r\n')}\r\n`, 'utf8');
  const num = (s: string) => Number(s.replace(/\s/g, '').replace(',', '.'));
  facts(
    'evotor-receipts.csv',
    lines.length - 1,
    0,
    RECEIPTS.map((r) => ({
      customer: r.who,
      status: r.type === 'Продажа' ? 'completed' : 'refunded',
      amount: r.lines.reduce((s, l) => s + num(l[3]), 0),
    })),
  );
}

// ---------------------------------------------------------------------------------------------
// 3. shopify-orders.csv — native Shopify "Export orders" layout (header copied verbatim from
// shared/data/exports/shopify__orders_export_HEADER_ONLY.csv), UTF-8, `,`, LF
const SHOPIFY_HEADER =
  'Name,Email,Financial Status,Paid at,Fulfillment Status,Fulfilled at,Accepts Marketing,Currency,Subtotal,Shipping,Taxes,Total,Discount Code,Discount Amount,Shipping Method,Created at,Lineitem quantity,Lineitem name,Lineitem price,Lineitem compare at price,Lineitem sku,Lineitem requires shipping,Lineitem taxable,Lineitem fulfillment status,Billing Name,Billing Street,Billing Address1,Billing Address2,Billing Company,Billing City,Billing Zip,Billing Province,Billing Country,Billing Phone,Shipping Name,Shipping Street,Shipping Address1,Shipping Address2,Shipping Company,Shipping City,Shipping Zip,Shipping Province,Shipping Country,Shipping Phone,Notes,Note Attributes,Cancelled at,Payment Method,Payment Reference,Refunded Amount,Vendor,Outstanding Balance,Employee,Location,Device ID,Id,Tags,Risk Level,Source,Lineitem discount,Tax 1 Name,Tax 1 Value,Tax 2 Name,Tax 2 Value,Tax 3 Name,Tax 3 Value,Tax 4 Name,Tax 4 Value,Tax 5 Name,Tax 5 Value,Phone,Receipt Number,Duties,Billing Province Name,Shipping Province Name,Payment ID,Payment Terms Name,Next Payment Due At,Payment References';

interface ShopifyOrder {
  name: string;
  email: string;
  financial: 'paid' | 'refunded' | 'voided';
  created: string;
  cancelled?: string;
  shipping: string;
  billing: { name: string; street: string; city: string; zip: string; country: string; phone: string };
  phone: string;
  id: string;
  who: string;
  items: [qty: number, name: string, price: string, sku: string][];
}
const SHOPIFY_ORDERS: ShopifyOrder[] = [
  {
    name: '#1001',
    email: 'alice.walker@example.com',
    financial: 'paid',
    created: '2024-03-05 14:02:11 +0300',
    shipping: '0.00',
    billing: {
      name: 'Alice Walker',
      street: '12 Birch Lane',
      city: 'Springfield',
      zip: '62701',
      country: 'US',
      phone: '+1 217-555-0141',
    },
    phone: '+12175550141',
    id: '5512345670001',
    who: 'alice',
    items: [
      [1, 'Ceramic Mug - Sand', '650.00', 'MUG-SND'],
      [1, 'Pour-over Coffee Set', '499.00', 'POUR-01'],
    ],
  },
  {
    name: '#1002',
    email: 'bob.nguyen@example.net',
    financial: 'paid',
    created: '2024-03-06 09:41:57 +0300',
    shipping: '15.00',
    billing: {
      name: 'Bob Nguyen',
      street: '480 Harbor Rd',
      city: 'Portland',
      zip: '97205',
      country: 'US',
      phone: '',
    },
    phone: '',
    id: '5512345670002',
    who: 'bob',
    items: [
      [2, 'Linen Napkin Set', '24.00', 'NAP-LIN'],
      [1, 'Walnut Serving Board', '89.00', 'BRD-WAL'],
      [3, 'Beeswax Candle', '12.50', 'CND-BEE'],
    ],
  },
  {
    name: '#1003',
    email: 'carol.diaz@example.org',
    financial: 'refunded',
    created: '2024-03-08 18:15:03 +0300',
    shipping: '0.00',
    billing: {
      name: 'Carol Diaz',
      street: '7 Elm St',
      city: 'Austin',
      zip: '73301',
      country: 'US',
      phone: '+1 512-555-0187',
    },
    phone: '',
    id: '5512345670003',
    who: 'carol',
    items: [[1, 'Cast Iron Teapot', '1149.00', 'TEA-CST']],
  },
  {
    name: '#1004',
    email: 'Alice.Walker@Example.com',
    financial: 'paid',
    created: '2024-03-12 11:20:45 +0300',
    shipping: '0.00',
    billing: {
      name: 'Alice Walker',
      street: '12 Birch Lane',
      city: 'Springfield',
      zip: '62701',
      country: 'US',
      phone: '+1 217-555-0141',
    },
    phone: '',
    id: '5512345670004',
    who: 'alice',
    items: [
      [2, 'Ceramic Mug - Sand', '650.00', 'MUG-SND'],
      [1, 'Beeswax Candle', '12.50', 'CND-BEE'],
    ],
  },
  {
    name: '#1005',
    email: 'dave.okafor@example.com',
    financial: 'voided',
    created: '2024-03-14 20:03:19 +0300',
    cancelled: '2024-03-14 21:10:00 +0300',
    shipping: '15.00',
    billing: {
      name: 'Dave Okafor',
      street: '99 Lake Dr',
      city: 'Madison',
      zip: '53703',
      country: 'US',
      phone: '',
    },
    phone: '',
    id: '5512345670005',
    who: 'dave',
    items: [[1, 'Walnut Serving Board', '89.00', 'BRD-WAL']],
  },
  {
    name: '#1006',
    email: 'erin.park@example.com',
    financial: 'paid',
    created: '2024-03-19 08:55:30 +0300',
    shipping: '0.00',
    billing: {
      name: 'Erin Park',
      street: '3150 Mission St',
      city: 'San Francisco',
      zip: '94110',
      country: 'US',
      phone: '',
    },
    phone: '+14155550132',
    id: '5512345670006',
    who: 'erin',
    items: [
      [1, 'Pour-over Coffee Set', '499.00', 'POUR-01'],
      [1, 'Linen Napkin Set', '24.00', 'NAP-LIN'],
      [2, 'Ceramic Mug - Sand', '650.00', 'MUG-SND'],
    ],
  },
];

function writeShopify() {
  const header = SHOPIFY_HEADER.split(',');
  const col = (name: string) => {
    const i = header.indexOf(name);
    if (i < 0) throw new Error(`no Shopify column ${name}`);
    return i;
  };
  const lines = [SHOPIFY_HEADER];
  const orders: Order[] = [];
  for (const o of SHOPIFY_ORDERS) {
    const subtotal = o.items.reduce((s, [q, , p]) => s + q * Number(p), 0);
    const total = subtotal + Number(o.shipping);
    orders.push({
      customer: o.who,
      status: o.cancelled ? 'cancelled' : o.financial === 'refunded' ? 'refunded' : 'completed',
      amount: total,
    });
    o.items.forEach(([qty, item, price, sku], i) => {
      const cells = new Array<string>(header.length).fill('');
      cells[col('Name')] = o.name;
      cells[col('Lineitem quantity')] = String(qty);
      cells[col('Lineitem name')] = item;
      cells[col('Lineitem price')] = price;
      cells[col('Lineitem compare at price')] = '';
      cells[col('Lineitem sku')] = sku;
      cells[col('Lineitem requires shipping')] = 'true';
      cells[col('Lineitem taxable')] = 'true';
      cells[col('Lineitem fulfillment status')] = o.financial === 'paid' ? 'fulfilled' : 'pending';
      cells[col('Lineitem discount')] = '0.00';
      if (i === 0) {
        const b = o.billing;
        Object.assign(cells, {
          [col('Email')]: o.email,
          [col('Financial Status')]: o.financial,
          [col('Paid at')]: o.financial === 'voided' ? '' : o.created,
          [col('Fulfillment Status')]: o.financial === 'paid' ? 'fulfilled' : 'unfulfilled',
          [col('Fulfilled at')]: o.financial === 'paid' ? o.created : '',
          [col('Accepts Marketing')]: o.who === 'bob' ? 'yes' : 'no',
          [col('Currency')]: 'USD',
          [col('Subtotal')]: subtotal.toFixed(2),
          [col('Shipping')]: o.shipping,
          [col('Taxes')]: '0.00',
          [col('Total')]: total.toFixed(2),
          [col('Discount Amount')]: '0.00',
          [col('Shipping Method')]: o.shipping === '0.00' ? 'Free Shipping' : 'Standard',
          [col('Created at')]: o.created,
          [col('Billing Name')]: b.name,
          [col('Billing Street')]: b.street,
          [col('Billing Address1')]: b.street,
          [col('Billing City')]: b.city,
          [col('Billing Zip')]: b.zip,
          [col('Billing Province')]: '',
          [col('Billing Country')]: b.country,
          [col('Billing Phone')]: b.phone,
          [col('Shipping Name')]: b.name,
          [col('Shipping Street')]: b.street,
          [col('Shipping Address1')]: b.street,
          [col('Shipping City')]: b.city,
          [col('Shipping Zip')]: b.zip,
          [col('Shipping Country')]: b.country,
          [col('Cancelled at')]: o.cancelled ?? '',
          [col('Payment Method')]: 'Shopify Payments',
          [col('Refunded Amount')]: o.financial === 'refunded' ? total.toFixed(2) : '0.00',
          [col('Vendor')]: 'Hearth & Home',
          [col('Outstanding Balance')]: '0.00',
          [col('Id')]: o.id,
          [col('Tags')]: o.who === 'alice' && o.name === '#1004' ? 'repeat, vip' : '',
          [col('Risk Level')]: 'Low',
          [col('Source')]: 'web',
          [col('Phone')]: o.phone,
        });
      }
      lines.push(csvLine(cells, ','));
    });
  }
  writeFileSync(`${OUT}shopify-orders.csv`, `${lines.join('\n')}\n`, 'utf8');
  facts('shopify-orders.csv', lines.length - 1, 0, orders);
}

// ---------------------------------------------------------------------------------------------
// 6. customers-en.csv — US-style customer list, UTF-8, `,`, LF
const CUSTOMERS_EN: [string, string, string, string, string, string, string][] = [
  [
    'C-1001',
    'Alice',
    'Walker',
    'alice.walker@example.com',
    '+1 217-555-0141',
    '1988-04-12',
    'vip, newsletter',
  ],
  ['C-1002', 'Bob', 'Nguyen', 'bob.nguyen@example.net', '+1 (503) 555-0112', '1979-11-02', 'newsletter'],
  ['C-1003', 'Carol', 'Diaz', 'carol.diaz@example.org', '+1 512-555-0187', '', ''],
  ['C-1004', 'Dave', 'Okafor', 'dave.okafor@example.com', '', '1992-07-30', 'wholesale'],
  ['C-1005', 'Erin', "O'Park", 'erin.park@example.com', '+1 415 555 0132', '1995-02-28', ''],
  ['C-1006', 'Frank', 'Miller', 'frank.miller@example.com', '+1 312-555-0175', '1969-12-31', 'vip'],
  ['C-1007', 'Grace', 'Lee', 'GRACE.LEE@EXAMPLE.COM', '', '1990-06-15', ''],
  ['C-1008', 'Grace', 'Lee', 'grace.lee@example.com', '+1 646-555-0190', '', 'newsletter, "early bird"'],
];

function writeCustomersEn() {
  const lines = [
    'Customer ID,First Name,Last Name,Email,Phone,Birthday,Tags',
    ...CUSTOMERS_EN.map((r) => csvLine(r, ',')),
  ];
  writeFileSync(`${OUT}customers-en.csv`, `${lines.join('\n')}\n`, 'utf8');
  console.log(
    `customers-en.csv: data rows ${CUSTOMERS_EN.length}, rejected 0, customers ${new Set(CUSTOMERS_EN.map((r) => r[3].toLowerCase())).size}`,
  );
}

// ---------------------------------------------------------------------------------------------
// XLSX helpers: fixed document dates, and zip entry times normalised afterwards
const FIXED_DATE = new Date(Date.UTC(2024, 5, 1, 12, 0, 0));

function newWorkbook(): ExcelJS.Workbook {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Comeback fixtures';
  wb.lastModifiedBy = 'Comeback fixtures';
  wb.created = FIXED_DATE;
  wb.modified = FIXED_DATE;
  return wb;
}

/** Set every zip entry's DOS time/date to 2024-06-01 12:00 so the bytes do not depend on when we ran. */
function normalizeZipTimes(zip: Buffer): Buffer {
  const dosTime = (12 << 11) | (0 << 5) | 0;
  const dosDate = ((2024 - 1980) << 9) | (6 << 5) | 1;
  let eocd = -1;
  for (let i = zip.length - 22; i >= 0; i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('not a zip');
  const entries = zip.readUInt16LE(eocd + 10);
  let p = zip.readUInt32LE(eocd + 16);
  for (let e = 0; e < entries; e++) {
    if (zip.readUInt32LE(p) !== 0x02014b50) throw new Error('bad central directory');
    zip.writeUInt16LE(dosTime, p + 12);
    zip.writeUInt16LE(dosDate, p + 14);
    const local = zip.readUInt32LE(p + 42);
    if (zip.readUInt32LE(local) !== 0x04034b50) throw new Error('bad local header');
    zip.writeUInt16LE(dosTime, local + 10);
    zip.writeUInt16LE(dosDate, local + 12);
    p += 46 + zip.readUInt16LE(p + 28) + zip.readUInt16LE(p + 30) + zip.readUInt16LE(p + 32);
  }
  return zip;
}

async function saveWorkbook(wb: ExcelJS.Workbook, file: string) {
  const buf = Buffer.from(await wb.xlsx.writeBuffer());
  writeFileSync(`${OUT}${file}`, normalizeZipTimes(buf));
}

const day = (y: number, m: number, d: number) => new Date(Date.UTC(y, m - 1, d));

// 4. customers-ru.xlsx — customer list on sheet «Клиенты», notes on «Справка»
async function writeCustomersRu() {
  const wb = newWorkbook();
  const ws = wb.addWorksheet('Клиенты');
  ws.columns = [
    { header: 'ФИО', key: 'name', width: 30 },
    { header: 'Телефон', key: 'phone', width: 20 },
    { header: 'Email', key: 'email', width: 28 },
    { header: 'Дата рождения', key: 'birthday', width: 14, style: { numFmt: 'dd.mm.yyyy' } },
    { header: 'Источник', key: 'source', width: 16 },
    { header: 'Теги', key: 'tags', width: 24 },
  ];
  // who: identity key; reject: reason the importer should give
  const people: { row: (ExcelJS.CellValue | undefined)[]; who: string; reject?: string }[] = [
    {
      row: [
        'Иванова Мария Сергеевна',
        '+7 916 123-45-67',
        'maria.ivanova@mail.ru',
        day(1990, 5, 14),
        'Instagram',
        'VIP, окрашивание',
      ],
      who: 'MI',
    },
    {
      row: ['Петрова Анна Викторовна', '8 (903) 555-12-34', '', day(1985, 11, 2), 'Рекомендация', ''],
      who: 'AP',
    },
    {
      row: ['Смирнова Ольга', 79257778899, 'olga.smirnova@yandex.ru', day(1978, 1, 30), '2ГИС', 'постоянная'],
      who: 'OS',
    },
    {
      row: ['Кузнецова Елена Игоревна', '', 'elena.k@gmail.com', day(1995, 7, 7), 'Instagram', ''],
      who: 'EK',
    },
    { row: ['Соколова Татьяна', '8-916-555-00-11', '', undefined, 'Вывеска', ''], who: 'TS' },
    {
      row: [
        { richText: [{ text: 'Попова ', font: { bold: true } }, { text: 'Ирина Олеговна' }] },
        '+7 903 111 22 33',
        { text: 'irina.popova@mail.ru', hyperlink: 'mailto:irina.popova@mail.ru' },
        day(2000, 2, 29),
        'ВКонтакте',
        'студентка',
      ],
      who: 'IP',
    },
    {
      row: ['Лебедева Наталья', '+79859990077', 'n.lebedeva@bk', day(1988, 9, 9), 'Яндекс Карты', ''],
      who: 'NL',
      reject: 'Email: n.lebedeva@bk is not an e-mail address',
    },
    {
      row: [
        'Козлова Светлана',
        '89264443322',
        'svetlana.kozlova@inbox.ru',
        day(1992, 12, 25),
        'Рекомендация',
        'VIP',
      ],
      who: 'SK',
    },
    { row: ['Новикова Юлия', '+7 968 777-66-55', '', day(1999, 3, 8), 'Instagram', ''], who: 'YN' },
    { row: ['Морозова Дарья', '8 915 123 40 00', 'daria.m@mail.ru', undefined, 'Сайт', 'новая'], who: 'DM' },
    { row: ['Иванова М. С.', '9161234567', '', day(1990, 5, 14), 'Instagram', ''], who: 'MI' }, // same person, other spelling
    {
      row: ['Волкова Ксения', '+7 (905) 765-43-21', 'k.volkova@yandex.ru', day(1983, 4, 1), '2ГИС', ''],
      who: 'KV',
    },
    { row: ['Орлова Вера', '', 'vera.orlova@gmail.com', day(1975, 10, 19), 'Сайт', ''], who: 'VO' },
    { row: ['Зайцева Полина', '+7 926 300 40 50', '', day(2001, 6, 1), 'ВКонтакте', 'студентка'], who: 'PZ' },
    {
      row: [
        'Егорова Алла',
        '8 (916) 700-80-90',
        'alla.egorova@mail.ru',
        day(1965, 8, 23),
        'Вывеска',
        'пенсионерка, скидка 10%',
      ],
      who: 'AE',
    },
  ];
  people.forEach((p, i) => {
    ws.addRow(p.row);
    if (i === 7) ws.addRow([]); // an empty row in the middle: skipped by the reader
  });
  // sparse row: only name and phone; no e-mail, birthday, source or tags cells at all
  ws.addRow(['Белова Алина', '+7 999 123-45-67']);
  const info = wb.addWorksheet('Справка');
  info.addRow(['Выгрузка клиентской базы салона «Лилия»']);
  info.addRow(['Источник — откуда клиент узнал о салоне']);
  info.addRow(['Всего клиентов', { formula: "COUNTA('Клиенты'!A2:A100)", result: people.length + 1 }]);
  await saveWorkbook(wb, 'customers-ru.xlsx');
  const ok = people.filter((p) => !p.reject).map((p) => p.who);
  console.log(
    `customers-ru.xlsx: data rows ${people.length + 1}, rejected ${people.length - ok.length}, customers ${new Set([...ok, 'AB']).size}`,
  );
}

// 5. orders-serial-dates.xlsx — orders on sheet «Продажи» (second), dates as bare Excel serials
async function writeOrdersSerial() {
  const wb = newWorkbook();
  const readme = wb.addWorksheet('Инструкция');
  readme.addRow(['Лист «Продажи» — заказы интернет-магазина за март 2024']);
  readme.addRow(['Даты выгружены числами (без формата даты)']);
  const ws = wb.addWorksheet('Продажи');
  ws.addRow(['Дата', 'Номер заказа', 'Клиент', 'Телефон', 'Сумма', 'Статус']);
  const serial = (y: number, m: number, d: number, hh = 0, mm = 0) =>
    Date.UTC(y, m - 1, d, hh, mm) / 86_400_000 + 25569;
  const orders: { row: ExcelJS.CellValue[]; who: string; status: Status }[] = [
    {
      row: [serial(2024, 3, 1, 10, 15), 'ИМ-0001', 'Иванова Мария', '+7 916 123-45-67', 3490, 'Выполнен'],
      who: 'MI',
      status: 'completed',
    },
    {
      row: [serial(2024, 3, 2, 14, 30), 'ИМ-0002', 'Петрова Анна', '89035551234', 1250.5, 'Выполнен'],
      who: 'AP',
      status: 'completed',
    },
    {
      row: [serial(2024, 3, 3), 'ИМ-0003', 'Смирнова Ольга', '8 925 777 88 99', 780, 'Отменён'],
      who: 'OS',
      status: 'cancelled',
    },
    {
      row: [serial(2024, 3, 5, 9, 0), 'ИМ-0004', 'Иванова Мария', '9161234567', 2100, 'Выполнен'],
      who: 'MI',
      status: 'completed',
    },
    {
      row: [serial(2024, 3, 8, 19, 45), 'ИМ-0005', 'Козлова Светлана', '+79264443322', 5600, 'Возврат'],
      who: 'SK',
      status: 'refunded',
    },
    {
      row: [serial(2024, 3, 11, 12, 0), 'ИМ-0006', 'Новикова Юлия', '+7 968 777-66-55', 990, 'Выполнен'],
      who: 'YN',
      status: 'completed',
    },
    {
      row: [serial(2024, 3, 15, 16, 20), 'ИМ-0007', 'Петрова Анна', '8 (903) 555-12-34', 4320, 'Выполнен'],
      who: 'AP',
      status: 'completed',
    },
    {
      row: [serial(2024, 3, 20, 11, 5), 'ИМ-0008', 'Морозова Дарья', '+79151234000', 1575.25, 'Выполнен'],
      who: 'DM',
      status: 'completed',
    },
    {
      row: [serial(2024, 3, 27, 13, 40), 'ИМ-0009', 'Смирнова Ольга', '89257778899', 2890, 'Выполнен'],
      who: 'OS',
      status: 'completed',
    },
    {
      row: [serial(2024, 3, 31, 23, 59), 'ИМ-0010', 'Иванова Мария', '8 (916) 123-45-67', 650, 'Выполнен'],
      who: 'MI',
      status: 'completed',
    },
  ];
  for (const o of orders) ws.addRow(o.row);
  const total = orders.reduce((s, o) => s + (o.row[4] as number), 0);
  // a totals row at the bottom, as people leave them: no date, a formula with its cached value
  ws.addRow(['', '', 'Итого', '', { formula: `SUM(E2:E${orders.length + 1})`, result: total }, '']);
  await saveWorkbook(wb, 'orders-serial-dates.xlsx');
  facts(
    'orders-serial-dates.xlsx',
    orders.length + 1,
    1,
    orders.map((o) => ({ customer: o.who, status: o.status, amount: o.row[4] as number })),
  );
}

// ---------------------------------------------------------------------------------------------
// Small files for the reader's own edge cases
function writeEdgeCases() {
  // multiline.csv: quoted cells with CRLF and LF inside, a blank line, `""` escapes, no final newline
  const multiline = [
    'id,name,note,amount\r\n',
    '1,Alice,"first line\r\nsecond line",10\r\n',
    '2,Bob,plain,20\r\n',
    '\r\n',
    '3,"Carol ""CJ"" Diaz","a\nb\nc",30\r\n',
    '4,Dave,"",40\r\n',
    ',,,\r\n',
    '5,Erin,"tail ""quoted""",50',
  ].join('');
  writeFileSync(`${OUT}multiline.csv`, multiline, 'utf8');
  // unclosed-quote.csv: the quote opened on line 4 is never closed
  writeFileSync(
    `${OUT}unclosed-quote.csv`,
    'Дата;Клиент;Сумма\n01.03.2024;Иванова;1500\n02.03.2024;Петрова;2000\n03.03.2024;"Сидорова;3000\n04.03.2024;Козлова;900\n',
    'utf8',
  );
  // utf16.csv: UTF-16 LE with BOM (Excel "Unicode text")
  writeFileSync(
    `${OUT}utf16.csv`,
    Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Дата\tСумма\r\n01.03.2024\t1500\r\n', 'utf16le')]),
  );
  // legacy.xls: an OLE compound file signature, as every Excel 97-2003 workbook starts
  const ole = Buffer.alloc(512);
  Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]).copy(ole);
  writeFileSync(`${OUT}legacy.xls`, ole);
}

mkdirSync(OUT, { recursive: true });
writeSalon();
writeEvotor();
writeShopify();
writeCustomersEn();
await writeCustomersRu();
await writeOrdersSerial();
writeEdgeCases();
