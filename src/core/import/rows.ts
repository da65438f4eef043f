/**
 * Row normalisation: one file row (`string[]` cells + its line number) → a typed order or
 * customer row, or a rejection naming the column and the reason. Then OrderAssembler
 * groups the rows of one order (Shopify writes one row per line item).
 */
import type { Day } from '../day.ts';
import { err, ok, type Result } from '../result.ts';
import type { Cents, OrderStatus } from '../types.ts';
import { type CustomerColumns, mappedHeaders, type OrderColumns } from './headers.ts';
import {
  blankToNull,
  type DateOrder,
  type DateTimeOptions,
  type Gender,
  multiplyCents,
  normalizeEmail,
  normalizePhone,
  parseAmount,
  parseBirthday,
  parseDateTime,
  parseGender,
  parseOrderStatus,
  parseQuantity,
} from './values.ts';

export { type AssembledOrder, OrderAssembler } from './assembler.ts';

export interface ImportContext {
  /** IANA zone: wall-clock times without an offset are read in it; days are counted in it. */
  timeZone: string;
  /** Default country for phones without a country code (ISO 3166 alpha-2, e.g. RU). */
  country: string;
  dateOrder: DateOrder;
  /** Numbers in date columns are Excel serial days (XLSX). */
  excelSerial: boolean;
  /** Today in the workspace zone: birthdays after it are rejected (no check when absent). */
  today?: Day;
  /** Header texts, to name columns in rejections (defaults to those of detectMapping's result). */
  headers?: readonly string[];
}

export interface CustomerKeys {
  externalId: string | null;
  /** E.164 */
  phone: string | null;
  email: string | null;
  name: string | null;
  birthday: Day | null;
  gender: Gender | null;
  telegram: string | null;
  whatsapp: string | null;
  vk: string | null;
  max: string | null;
}

export interface LineItem {
  item: string | null;
  sku: string | null;
  category: string | null;
  quantity: number;
  unitPriceCents: Cents | null;
  amountCents: Cents;
  /** Who served this line (the row's staff). */
  staff: string | null;
}

export interface OrderRow {
  line: number;
  externalId: string | null;
  customer: CustomerKeys;
  at: number;
  day: Day;
  status: OrderStatus;
  /** The status came from the file (status / cancelled_at column), not a default or the sign. */
  statusExplicit: boolean;
  /** The order-total column: `amount` when a `price` column is also mapped, else the row amount. */
  totalCents: Cents | null;
  lineItem: LineItem | null;
  costCents: Cents | null;
  refundedCents: Cents | null;
  staff: string | null;
  branch: string | null;
  channel: string | null;
  source: string | null;
}

export interface CustomerRow extends CustomerKeys {
  line: number;
  firstName: string | null;
  lastName: string | null;
  source: string | null;
  need: string | null;
  preferredChannel: string | null;
  manager: string | null;
  tags: string[];
  note: string | null;
  createdAt: number | null;
  createdDay: Day | null;
}

export interface RowError {
  /** The header text of the offending column (the field name when headers are unknown). */
  column: string;
  reason: string;
}

type AnyColumns = Readonly<Partial<Record<string, number>>>;

const EXCEL: DateTimeOptions = { excelSerial: true };

function cell(cells: readonly string[], idx: number | undefined): string | null {
  return idx === undefined ? null : blankToNull(cells[idx]);
}

const WS_RE = /\s+/g;
const NEEDS_TIDY_RE = /\s\s|[\t\n\r\u00a0\u202f]/;

/** Collapse internal whitespace runs to one space (input already trimmed). */
function tidy(s: string | null): string | null {
  if (s === null || !NEEDS_TIDY_RE.test(s)) return s;
  return s.replace(WS_RE, ' ');
}

function failure(
  columns: AnyColumns,
  ctx: ImportContext,
  field: string,
  reason: string,
): { ok: false; error: RowError } {
  const idx = columns[field];
  const headers = ctx.headers ?? mappedHeaders(columns);
  const column = idx !== undefined && headers !== undefined ? (headers[idx] ?? field) : field;
  return err({ column, reason });
}

const YES = new Set(['да', 'yes', 'y', '+', '1', 'true', 'есть', '✓', '✔', 'v', 'x']);
const TG_PREFIX_RE = /^(?:https?:\/\/)?(?:www\.)?(?:t\.me|telegram\.me|telegram\.dog)\//i;
const VK_PREFIX_RE = /^(?:https?:\/\/)?(?:www\.|m\.)?(?:vk\.com|vk\.ru|vkontakte\.ru)\//i;
const TG_USER_RE = /^[a-z][a-z0-9_]{3,31}$/;
const VK_USER_RE = /^[a-z0-9_.]{2,64}$/;
const DIGITS_RE = /^\d+$/;
const PHONEISH_RE = /^\+?[\d\s()\-.]{7,}$/;

/** Read the identity keys shared by order and customer rows. */
function readKeys(
  cells: readonly string[],
  columns: AnyColumns,
  ctx: ImportContext,
  idField: 'external_id' | 'customer_external_id',
  name: string | null,
): Result<CustomerKeys, RowError> {
  let phone: string | null = null;
  const phoneRaw = cell(cells, columns.phone);
  if (phoneRaw !== null) {
    const r = normalizePhone(phoneRaw, ctx.country);
    if (!r.ok) return failure(columns, ctx, 'phone', r.error);
    phone = r.value;
  }
  let email: string | null = null;
  const emailRaw = cell(cells, columns.email);
  if (emailRaw !== null) {
    const r = normalizeEmail(emailRaw);
    if (!r.ok) return failure(columns, ctx, 'email', r.error);
    email = r.value;
  }
  let birthday: Day | null = null;
  const bRaw = cell(cells, columns.birthday);
  if (bRaw !== null) {
    const r = parseBirthday(bRaw, ctx.dateOrder, ctx.today, ctx.excelSerial);
    if (!r.ok) return failure(columns, ctx, 'birthday', r.error);
    birthday = r.value;
  }
  let gender: Gender | null = null;
  const gRaw = cell(cells, columns.gender);
  if (gRaw !== null) {
    const r = parseGender(gRaw);
    if (!r.ok) return failure(columns, ctx, 'gender', r.error);
    gender = r.value;
  }
  let telegram: string | null = null;
  let whatsapp: string | null = null;
  let vk: string | null = null;
  let max: string | null = null;
  if (
    columns.telegram !== undefined ||
    columns.whatsapp !== undefined ||
    columns.vk !== undefined ||
    columns.max !== undefined
  ) {
    const tg = messengerId(cell(cells, columns.telegram), 'telegram', phone, ctx);
    if (!tg.ok) return failure(columns, ctx, 'telegram', tg.error);
    const wa = messengerId(cell(cells, columns.whatsapp), 'whatsapp', phone, ctx);
    if (!wa.ok) return failure(columns, ctx, 'whatsapp', wa.error);
    const v = messengerId(cell(cells, columns.vk), 'vk', phone, ctx);
    if (!v.ok) return failure(columns, ctx, 'vk', v.error);
    const mx = messengerId(cell(cells, columns.max), 'max', phone, ctx);
    if (!mx.ok) return failure(columns, ctx, 'max', mx.error);
    telegram = tg.value;
    whatsapp = wa.value;
    vk = v.value;
    max = mx.value;
  }
  return ok({
    externalId: cell(cells, columns[idField]),
    phone,
    email,
    name,
    birthday,
    gender,
    telegram,
    whatsapp,
    vk,
    max,
  });
}

/**
 * A messenger id. "да"/"yes"/"+" means "the row's phone"; a phone-like value becomes
 * E.164; otherwise Telegram and MAX take a username (lower case, no @ or t.me/), VK a screen
 * name or id (digits → id123), WhatsApp only phones.
 */
function messengerId(
  raw: string | null,
  kind: 'telegram' | 'whatsapp' | 'vk' | 'max',
  phone: string | null,
  ctx: ImportContext,
): Result<string | null> {
  if (raw === null) return ok(null);
  const lower = raw.toLowerCase();
  if (YES.has(lower)) return ok(phone);
  if (lower === 'нет' || lower === 'no' || lower === 'false' || lower === '0') return ok(null);
  if (kind !== 'vk' && PHONEISH_RE.test(raw)) {
    const p = normalizePhone(raw, ctx.country);
    return p.ok ? p : err(`not a ${label(kind)} phone number: "${raw}"`);
  }
  if (kind === 'whatsapp') return err(`not a WhatsApp number: "${raw}"`);
  if (kind === 'vk') {
    let v = lower.replace(VK_PREFIX_RE, '');
    if (v.startsWith('@')) v = v.slice(1);
    if (v.endsWith('/')) v = v.slice(0, -1);
    if (DIGITS_RE.test(v)) v = `id${v}`;
    return VK_USER_RE.test(v) ? ok(v) : err(`not a VK page: "${raw}"`);
  }
  let u = lower.replace(TG_PREFIX_RE, '');
  if (u.startsWith('@')) u = u.slice(1);
  if (u.endsWith('/')) u = u.slice(0, -1);
  return TG_USER_RE.test(u) ? ok(u) : err(`not a ${label(kind)} username: "${raw}"`);
}

function label(kind: string): string {
  return kind === 'telegram' ? 'Telegram' : kind === 'whatsapp' ? 'WhatsApp' : kind === 'vk' ? 'VK' : 'MAX';
}

function isPlainNumber(s: string): boolean {
  let dots = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 46 || c === 44) dots++;
    else if (c < 48 || c > 57) return false;
  }
  return dots <= 1 && s.length > 0;
}

const MIDNIGHT_SUFFIX_RE = /[ T]0?0:00(?::00(?:\.0+)?)?$/;

/** Merge a separate time cell into the date text (Square's Date + Time; XLSX fractions). */
function withTime(dateText: string, time: string | null): string {
  if (time === null) return dateText;
  // A date cell written as a date-time at midnight ("05.03.2024 0:00:00") gives way to the time cell.
  const date = dateText.replace(MIDNIGHT_SUFFIX_RE, '');
  if (isPlainNumber(time)) {
    const frac = Number(time.replace(',', '.'));
    if (isPlainNumber(date)) return String(Number(date.replace(',', '.')) + frac);
    if (frac >= 0 && frac < 1) {
      const secs = Math.round(frac * 86400);
      const h = Math.floor(secs / 3600);
      const m = Math.floor((secs % 3600) / 60);
      const s = secs % 60;
      return `${date} ${h}:${m < 10 ? '0' : ''}${m}:${s < 10 ? '0' : ''}${s}`;
    }
  }
  return `${date} ${time}`;
}

/**
 * One orders-file row. Rules: with a `price` column the line amount is price × quantity
 * (quantity defaults to 1; exact, half away from zero) and `amount` is the order total
 * (Shopify writes it on the first row of an order only); without `price`, the row amount is
 * both the line amount and the order total. A negative amount means a return (refunded);
 * a non-empty `cancelled_at` means cancelled. A phone or e-mail that cannot be read rejects
 * the row: a bad contact must not create a wrong person.
 */
export function normalizeOrderRow(
  cells: readonly string[],
  line: number,
  columns: OrderColumns,
  ctx: ImportContext,
  /** The previous good row: a line-item row of the same order may leave the date blank (Shopify). */
  previous?: OrderRow | null,
): Result<OrderRow, RowError> {
  const cols = columns as AnyColumns;
  const dateRaw = cell(cells, columns.ordered_at);
  let when: Result<{ at: number; day: Day }>;
  if (dateRaw === null) {
    const orderId = cell(cells, columns.external_id);
    if (orderId === null || !previous || previous.externalId !== orderId) {
      return failure(cols, ctx, 'ordered_at', 'ordered_at is empty');
    }
    when = { ok: true, value: { at: previous.at, day: previous.day } };
  } else {
    when = parseDateTime(
      withTime(dateRaw, cell(cells, columns.time)),
      ctx.dateOrder,
      ctx.timeZone,
      ctx.excelSerial ? EXCEL : undefined,
    );
  }
  if (!when.ok) return failure(cols, ctx, 'ordered_at', when.error);

  let status: OrderStatus = 'completed';
  let statusExplicit = false;
  const statusRaw = cell(cells, columns.status);
  if (statusRaw !== null) {
    const s = parseOrderStatus(statusRaw);
    if (!s.ok) return failure(cols, ctx, 'status', s.error);
    status = s.value;
    statusExplicit = true;
  }
  if (cell(cells, columns.cancelled_at) !== null) {
    status = 'cancelled';
    statusExplicit = true;
  }

  let amount: Cents | null = null;
  const amountRaw = cell(cells, columns.amount);
  if (amountRaw !== null) {
    const a = parseAmount(amountRaw);
    if (!a.ok) return failure(cols, ctx, 'amount', a.error);
    amount = a.value;
  }
  let price: Cents | null = null;
  const priceRaw = cell(cells, columns.price);
  if (priceRaw !== null) {
    const p = parseAmount(priceRaw);
    if (!p.ok) return failure(cols, ctx, 'price', p.error);
    price = p.value;
  }
  let quantity = 1;
  const qtyRaw = cell(cells, columns.quantity);
  if (qtyRaw !== null) {
    const q = parseQuantity(qtyRaw);
    if (!q.ok) return failure(cols, ctx, 'quantity', q.error);
    quantity = q.value;
  }
  const item = tidy(cell(cells, columns.item));
  const sku = cell(cells, columns.sku);
  const category = tidy(cell(cells, columns.category));
  const staff = tidy(cell(cells, columns.staff));

  let lineItem: LineItem | null = null;
  if (price !== null) {
    const amountCents = multiplyCents(price, quantity);
    lineItem = { item, sku, category, quantity, unitPriceCents: price, amountCents, staff };
  } else if (amount !== null) {
    if (item !== null || sku !== null || category !== null) {
      lineItem = { item, sku, category, quantity, unitPriceCents: null, amountCents: amount, staff };
    }
  } else {
    const field = columns.price !== undefined ? 'price' : 'amount';
    return failure(cols, ctx, field, `${field} is empty`);
  }

  let costCents: Cents | null = null;
  const costRaw = cell(cells, columns.cost);
  if (costRaw !== null) {
    const c = parseAmount(costRaw);
    if (!c.ok) return failure(cols, ctx, 'cost', c.error);
    costCents = c.value;
  }
  let refundedCents: Cents | null = null;
  const refRaw = cell(cells, columns.refunded_amount);
  if (refRaw !== null) {
    const r = parseAmount(refRaw);
    if (!r.ok) return failure(cols, ctx, 'refunded_amount', r.error);
    refundedCents = r.value;
  }
  if (
    status === 'completed' &&
    ((amount !== null && amount < 0) || (lineItem !== null && lineItem.amountCents < 0))
  ) {
    status = 'refunded';
  }

  const keys = readKeys(cells, cols, ctx, 'customer_external_id', tidy(cell(cells, columns.name)));
  if (!keys.ok) return keys;

  return ok({
    line,
    externalId: cell(cells, columns.external_id),
    customer: keys.value,
    at: when.value.at,
    day: when.value.day,
    status,
    statusExplicit,
    totalCents: amount,
    lineItem,
    costCents,
    refundedCents,
    staff,
    branch: tidy(cell(cells, columns.branch)),
    channel: tidy(cell(cells, columns.channel)),
    source: tidy(cell(cells, columns.source)),
  });
}

const TAG_SPLIT_RE = /[,;]/;

/**
 * One customers-file row: identity keys (phone → E.164, e-mail lower case) plus profile
 * fields. The name is `name`, or first + last name when the file splits it; tags split on
 * `,` or `;`. A row without any identity (id, phone, e-mail, name, messenger) is rejected.
 */
export function normalizeCustomerRow(
  cells: readonly string[],
  line: number,
  columns: CustomerColumns,
  ctx: ImportContext,
): Result<CustomerRow, RowError> {
  const cols = columns as AnyColumns;
  const firstName = tidy(cell(cells, columns.first_name));
  const lastName = tidy(cell(cells, columns.last_name));
  let name = tidy(cell(cells, columns.name));
  if (name === null && (firstName !== null || lastName !== null)) {
    name = firstName !== null && lastName !== null ? `${firstName} ${lastName}` : (firstName ?? lastName);
  }
  const keys = readKeys(cells, cols, ctx, 'external_id', name);
  if (!keys.ok) return keys;
  const k = keys.value;
  if (
    k.externalId === null &&
    k.phone === null &&
    k.email === null &&
    k.name === null &&
    k.telegram === null &&
    k.whatsapp === null &&
    k.vk === null &&
    k.max === null
  ) {
    const field =
      ['external_id', 'phone', 'email', 'name', 'first_name'].find((f) => cols[f] !== undefined) ?? 'name';
    return failure(cols, ctx, field, 'no customer identity: id, phone, e-mail and name are all empty');
  }
  let createdAt: number | null = null;
  let createdDay: Day | null = null;
  const createdRaw = cell(cells, columns.created_at);
  if (createdRaw !== null) {
    const c = parseDateTime(createdRaw, ctx.dateOrder, ctx.timeZone, ctx.excelSerial ? EXCEL : undefined);
    if (!c.ok) return failure(cols, ctx, 'created_at', c.error);
    createdAt = c.value.at;
    createdDay = c.value.day;
  }
  const tags: string[] = [];
  const tagsRaw = cell(cells, columns.tags);
  if (tagsRaw !== null) {
    for (const t of tagsRaw.split(TAG_SPLIT_RE)) {
      const v = tidy(t.trim());
      if (v && !tags.includes(v)) tags.push(v);
    }
  }
  return ok({
    ...k,
    line,
    firstName,
    lastName,
    source: tidy(cell(cells, columns.source)),
    need: tidy(cell(cells, columns.need)),
    preferredChannel: tidy(cell(cells, columns.preferred_channel)),
    manager: tidy(cell(cells, columns.manager)),
    tags,
    note: cell(cells, columns.note),
    createdAt,
    createdDay,
  });
}
