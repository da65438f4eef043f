/**
 * A deterministic, messy salon orders export of N rows (default 1,000,000), as a small
 * business would hand it over: Windows-1251, `;`-separated, CRLF, Russian headers, dates
 * `DD.MM.YYYY HH:MM`, amounts `1 234,50` (plain or no-break space grouping), phones in the
 * four RU spellings, e-mails in mixed case, statuses оплачен/отменен/возврат, ~8 % of the
 * receipts with two lines, and ~0.5 % bad rows (bad date, `abc` amount, short phone).
 *
 * Next to it, optionally, the same good rows already clean (UTF-8 CSV: ISO timestamps,
 * decimal amounts, E.164 phones, lower-case e-mails) for the `COPY` floor.
 *
 * Both files are streamed (constant memory: one batch of lines at a time, plus one bit per
 * customer to count the distinct ones).
 *
 *   node --import tsx bench/generate-messy-csv.ts --rows 1000000 --out bench/.data/orders.csv [--clean path]
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import iconv from 'iconv-lite';

export const MESSY_HEADER =
  'Дата;Клиент;Телефон;E-mail;Услуга;Категория;Мастер;Филиал;Сумма;Статус;Номер чека';
export const CLEAN_COLUMNS = [
  'ordered_at',
  'client',
  'phone',
  'email',
  'service',
  'category',
  'staff',
  'branch',
  'amount',
  'status',
  'receipt',
] as const;
/** The plain table the clean rows are COPYed into (no keys, no indexes): the floor. */
export const FLOOR_TABLE_SQL = `CREATE TABLE orders_floor (
  ordered_at timestamptz, client text, phone text, email text, service text, category text,
  staff text, branch text, amount numeric(12,2), status text, receipt text)`;

export interface GenerateOptions {
  rows: number;
  /** Distinct customers to draw from; default rows / 10 (100k for 1M rows). */
  customers?: number;
  seed?: number;
  /** The messy Windows-1251 file. */
  out: string;
  /** The clean UTF-8 twin of the good rows (for COPY); none when absent. */
  cleanOut?: string;
  onProgress?: (rows: number) => void;
}

export interface GenerateResult {
  rows: number;
  goodRows: number;
  badRows: { date: number; amount: number; phone: number };
  receipts: number;
  distinctCustomers: number;
  bytes: number;
  cleanBytes: number;
  ms: number;
}

/** Small, fast, seedable PRNG (mulberry32): the same seed gives the same file. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A stateless 32-bit hash of (n, salt): per-customer attributes without storing customers. */
function hash32(n: number, salt: number): number {
  let h = (Math.imul(n ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(salt + 1, 0xc2b2ae35)) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h >>> 0;
}

const FEMALE = [
  ['Мария', 'maria'],
  ['Анна', 'anna'],
  ['Елена', 'elena'],
  ['Ольга', 'olga'],
  ['Наталья', 'natalia'],
  ['Ирина', 'irina'],
  ['Татьяна', 'tatiana'],
  ['Светлана', 'svetlana'],
  ['Юлия', 'yulia'],
  ['Екатерина', 'ekaterina'],
  ['Дарья', 'daria'],
  ['Алёна', 'alena'],
  ['Ксения', 'ksenia'],
  ['Виктория', 'viktoria'],
] as const;
const MALE = [
  ['Александр', 'alexander'],
  ['Дмитрий', 'dmitry'],
  ['Сергей', 'sergey'],
  ['Андрей', 'andrey'],
  ['Алексей', 'alexey'],
  ['Иван', 'ivan'],
  ['Михаил', 'mikhail'],
] as const;
const SURNAMES = [
  ['Иванов', 'ivanov'],
  ['Петров', 'petrov'],
  ['Смирнов', 'smirnov'],
  ['Кузнецов', 'kuznetsov'],
  ['Попов', 'popov'],
  ['Соколов', 'sokolov'],
  ['Лебедев', 'lebedev'],
  ['Козлов', 'kozlov'],
  ['Новиков', 'novikov'],
  ['Морозов', 'morozov'],
  ['Волков', 'volkov'],
  ['Соловьёв', 'soloviev'],
  ['Васильев', 'vasiliev'],
  ['Зайцев', 'zaytsev'],
  ['Павлов', 'pavlov'],
  ['Семёнов', 'semenov'],
  ['Голубев', 'golubev'],
  ['Виноградов', 'vinogradov'],
  ['Богданов', 'bogdanov'],
  ['Фёдоров', 'fedorov'],
] as const;
const DOMAINS = ['mail.ru', 'yandex.ru', 'gmail.com', 'bk.ru', 'list.ru', 'inbox.ru', 'rambler.ru'];
/** RU mobile prefixes (all valid for libphonenumber). */
const PREFIXES = [
  '903',
  '905',
  '906',
  '909',
  '910',
  '911',
  '912',
  '913',
  '914',
  '915',
  '916',
  '917',
  '918',
  '919',
  '920',
  '921',
  '925',
  '926',
  '929',
  '950',
  '951',
  '952',
  '953',
  '960',
  '961',
  '962',
  '963',
  '964',
  '965',
  '977',
  '978',
  '980',
  '981',
  '982',
  '983',
  '985',
  '987',
  '988',
  '999',
]; // prettier-ignore
/** [service, category, price in rubles] */
const SERVICES: [string, string, number][] = [
  ['Стрижка женская', 'Парикмахерские услуги', 1500],
  ['Стрижка мужская', 'Парикмахерские услуги', 900],
  ['Стрижка детская', 'Парикмахерские услуги', 700],
  ['Окрашивание', 'Парикмахерские услуги', 4800],
  ['Окрашивание корней', 'Парикмахерские услуги', 2600],
  ['Укладка', 'Парикмахерские услуги', 1200],
  ['Маникюр с покрытием', 'Ногтевой сервис', 2000],
  ['Маникюр "Классика"', 'Ногтевой сервис', 1100],
  ['Педикюр', 'Ногтевой сервис', 2300],
  ['Наращивание ногтей', 'Ногтевой сервис', 3500],
  ['Коррекция бровей', 'Брови и ресницы', 600],
  ['Окрашивание бровей', 'Брови и ресницы', 500],
  ['Ламинирование ресниц', 'Брови и ресницы', 2200],
  ['Наращивание ресниц', 'Брови и ресницы', 2900],
  ['Чистка лица', 'Косметология', 3200],
  ['Пилинг', 'Косметология', 2700],
  ['Массаж лица', 'Косметология', 1800],
  ['Массаж спины', 'Массаж', 2000],
  ['Общий массаж', 'Массаж', 3500],
  ['Депиляция ног', 'Депиляция', 1900],
  ['Шампунь профессиональный', 'Товары', 1250.5],
  ['Подарочный сертификат', 'Сертификаты', 5000],
];
const MASTERS = [
  'Ольга Соколова',
  'Ирина Лебедева',
  'Светлана Козлова',
  'Наталья Новикова',
  'Анна Морозова',
  'Екатерина Волкова',
  'Юлия Павлова',
  'Татьяна Зайцева',
  'Дарья Семёнова',
  'Мария Голубева',
  'Ксения Виноградова',
  'Алёна Богданова',
  'Виктория Фёдорова',
  'Елена Васильева',
  'Людмила Орлова',
  'Марина Андреева',
  'Галина Макарова',
  'Вера Никитина',
  'Полина Захарова',
  'Софья Зуева',
  'Артём Крылов',
  'Игорь Максимов',
  'Олег Сидоров',
  'Роман Ковалёв',
  'Денис Ильин',
  'Кристина Гусева',
  'Валерия Титова',
  'Алина Кузьмина',
  'Евгения Кудрявцева',
  'Оксана Баранова',
]; // prettier-ignore
const BRANCHES = ['Тверская', 'Арбат', 'Сокол', 'Химки', 'Мытищи'];

const FIRST_DAY = Date.UTC(2023, 0, 1);
const DAYS = 1422; // 2023-01-01 … 2026-11-22
const NBSP = '\u00a0';

interface Customer {
  name: string;
  digits: string; // 10 digits after +7
  email: string | null;
}

function customerOf(c: number): Customer {
  const h1 = hash32(c, 1);
  const h2 = hash32(c, 2);
  const female = h1 % 100 < 78;
  const first = female ? FEMALE[h1 % FEMALE.length]! : MALE[h1 % MALE.length]!;
  const sur = SURNAMES[h2 % SURNAMES.length]!;
  const surname = female ? `${sur[0]}а` : sur[0];
  // Unique per customer: the prefix from c mod P, the subscriber part a bijection of c.
  const prefix = PREFIXES[c % PREFIXES.length]!;
  const subscriber = String(
    (Math.imul(Math.floor(c / PREFIXES.length), 7919) + 1234567) % 10_000_000,
  ).padStart(7, '0');
  const hasEmail = hash32(c, 3) % 100 < 60;
  const email = hasEmail
    ? `${first[1]}.${sur[1]}${female ? 'a' : ''}${c}@${DOMAINS[hash32(c, 4) % DOMAINS.length]}`
    : null;
  return { name: `${surname} ${first[0]}`, digits: prefix + subscriber, email };
}

function phoneSpelling(d: string, kind: number): string {
  switch (kind) {
    case 0:
      return `8 (${d.slice(0, 3)}) ${d.slice(3, 6)}-${d.slice(6, 8)}-${d.slice(8)}`;
    case 1:
      return `+7 ${d.slice(0, 3)} ${d.slice(3)}`;
    case 2:
      return `7${d}`;
    default:
      return d;
  }
}

function mixCase(email: string, r: number): string {
  if (r < 0.33) return email.toUpperCase();
  if (r < 0.66) return email[0]!.toUpperCase() + email.slice(1);
  const at = email.indexOf('@');
  return (
    email.slice(0, at).replace(/(^|\.)([a-z])/g, (_m, p: string, ch: string) => p + ch.toUpperCase()) +
    email.slice(at)
  );
}

/** `1 234,50`: grouped with a plain or a no-break space (or not), decimal comma. */
function messyAmount(cents: number, r: number): string {
  const rub = Math.floor(cents / 100);
  const kop = cents % 100;
  let int = String(rub);
  if (rub >= 1000 && r < 0.9) {
    const sep = r < 0.6 ? ' ' : NBSP;
    int = int.replace(/\B(?=(\d{3})+(?!\d))/g, sep);
  }
  return kop === 0 && r > 0.8 ? int : `${int},${String(kop).padStart(2, '0')}`;
}

function cleanAmount(cents: number): string {
  return `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
}

function csvMessy(cell: string): string {
  return cell.includes('"') || cell.includes(';') ? `"${cell.replaceAll('"', '""')}"` : cell;
}

function csvClean(cell: string): string {
  return cell.includes('"') || cell.includes(',') ? `"${cell.replaceAll('"', '""')}"` : cell;
}

const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));

async function writeChunk(stream: WriteStream, data: Buffer | string): Promise<void> {
  if (!stream.write(data)) await new Promise<void>((r) => stream.once('drain', () => r()));
}

async function closeStream(stream: WriteStream): Promise<void> {
  await new Promise<void>((res, rej) => stream.end((e?: Error | null) => (e ? rej(e) : res())));
}

export async function generateMessyCsv(opts: GenerateOptions): Promise<GenerateResult> {
  const t0 = performance.now();
  const rows = opts.rows;
  const customers = Math.max(1, opts.customers ?? Math.round(rows / 10));
  const rand = mulberry32(opts.seed ?? 20261123);
  await mkdir(dirname(resolve(opts.out)), { recursive: true });
  const out = createWriteStream(opts.out, { highWaterMark: 1 << 20 });
  const clean = opts.cleanOut ? createWriteStream(opts.cleanOut, { highWaterMark: 1 << 20 }) : null;
  const used = new Uint8Array(customers);
  let distinct = 0;
  const bad = { date: 0, amount: 0, phone: 0 };
  let good = 0;
  let receipts = 0;
  let bytes = 0;
  let cleanBytes = 0;

  let messyBuf = `${MESSY_HEADER}\r\n`;
  let cleanBuf = clean ? `${CLEAN_COLUMNS.join(',')}\n` : '';
  let receiptNo = 100_000;
  /** The open receipt a next row may continue: customer, date text, minute, branch. */
  let open: { c: number; date: string; iso: string; branch: string; staff: string } | null = null;
  let dayIdx = -1;
  let dmy = '';
  let ymd = '';

  const flush = async (final: boolean) => {
    const b = iconv.encode(messyBuf, 'cp1251');
    bytes += b.length;
    await writeChunk(out, b);
    messyBuf = '';
    if (clean) {
      const cb = Buffer.from(cleanBuf, 'utf8');
      cleanBytes += cb.length;
      await writeChunk(clean, cb);
      cleanBuf = '';
    }
    if (final) {
      await closeStream(out);
      if (clean) await closeStream(clean);
    }
  };

  for (let i = 0; i < rows; i++) {
    const d = Math.floor((i * DAYS) / rows);
    if (d !== dayIdx) {
      dayIdx = d;
      const day = new Date(FIRST_DAY + d * 86_400_000);
      const y = day.getUTCFullYear();
      const m = pad2(day.getUTCMonth() + 1);
      const dd = pad2(day.getUTCDate());
      dmy = `${dd}.${m}.${y}`;
      ymd = `${y}-${m}-${dd}`;
    }
    const badRoll = rand();
    const isBad = badRoll < 0.005;
    const continues = !isBad && open !== null && rand() < 0.08;
    let c: number;
    let date: string;
    let iso: string;
    let branch: string;
    let staff: string;
    let receipt: string;
    if (continues && open) {
      ({ c, date, iso, branch, staff } = open);
      receipt = String(receiptNo);
      open = null; // at most two lines per receipt
    } else {
      c = Math.floor(rand() * customers);
      const minute = 9 * 60 + Math.floor(rand() * 12 * 60);
      const hm = `${pad2(Math.floor(minute / 60))}:${pad2(minute % 60)}`;
      date = `${dmy} ${hm}`;
      iso = `${ymd} ${hm}:00+03`;
      branch = BRANCHES[hash32(c, 5) % BRANCHES.length]!;
      staff =
        rand() < 0.7
          ? MASTERS[hash32(c, 6) % MASTERS.length]!
          : MASTERS[Math.floor(rand() * MASTERS.length)]!;
      receipt = String(++receiptNo);
      receipts++;
      open = isBad ? null : { c, date, iso, branch, staff };
    }
    if (used[c] === 0) {
      used[c] = 1;
      distinct++;
    }
    const cust = customerOf(c);
    const [service, category, price] = SERVICES[Math.floor(rand() * SERVICES.length)]!;
    const cents = Math.round(price * 100 * (0.9 + Math.floor(rand() * 5) * 0.05));
    const sRoll = rand();
    const status = sRoll < 0.94 ? 'оплачен' : sRoll < 0.98 ? 'отменен' : 'возврат';
    const cleanStatus = sRoll < 0.94 ? 'completed' : sRoll < 0.98 ? 'cancelled' : 'refunded';
    let phone = phoneSpelling(cust.digits, Math.floor(rand() * 4));
    const eRoll = rand();
    let email =
      cust.email === null || eRoll < 0.15 ? '' : eRoll < 0.3 ? mixCase(cust.email, rand()) : cust.email;
    let amount = messyAmount(cents, rand());
    let dateText = date;
    if (isBad) {
      const kind = Math.floor(rand() * 3);
      if (kind === 0) {
        dateText = `31.13.${dmy.slice(6)} 10:00`;
        bad.date++;
      } else if (kind === 1) {
        amount = 'abc';
        bad.amount++;
      } else {
        phone = cust.digits.slice(0, 4);
        bad.phone++;
      }
    }
    // A few extra blanks, as hand-kept sheets have.
    const name = rand() < 0.03 ? ` ${cust.name.replace(' ', '  ')} ` : cust.name;
    if (email && rand() < 0.02) email = ` ${email}`;
    messyBuf += `${dateText};${name};${phone};${email};${csvMessy(service)};${category};${staff};${branch};${amount};${status};${receipt}\r\n`;
    if (clean && !isBad) {
      good++;
      cleanBuf += `${iso},${cust.name},+7${cust.digits},${email === '' ? '' : cust.email},${csvClean(service)},${category},${staff},${branch},${cleanAmount(cents)},${cleanStatus},${receipt}\n`;
    } else if (!isBad) good++;
    if ((i & 4095) === 4095) {
      await flush(false);
      opts.onProgress?.(i + 1);
    }
  }
  await flush(true);
  opts.onProgress?.(rows);
  return {
    rows,
    goodRows: good,
    badRows: bad,
    receipts,
    distinctCustomers: distinct,
    bytes,
    cleanBytes,
    ms: performance.now() - t0,
  };
}

function arg(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

async function main(args: string[]): Promise<void> {
  const rows = Number(arg(args, '--rows') ?? 1_000_000);
  if (!Number.isInteger(rows) || rows <= 0) throw new Error('--rows must be a positive integer');
  const out = arg(args, '--out') ?? `bench/.data/orders-${rows}.csv`;
  const cleanOut = arg(args, '--clean');
  const customers = arg(args, '--customers');
  const seed = arg(args, '--seed');
  const res = await generateMessyCsv({
    rows,
    out,
    ...(cleanOut ? { cleanOut } : {}),
    ...(customers ? { customers: Number(customers) } : {}),
    ...(seed ? { seed: Number(seed) } : {}),
  });
  console.log(JSON.stringify({ out, ...res }, null, 2));
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  await main(process.argv.slice(2));
}
