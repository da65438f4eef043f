/**
 * Cell-level parsers of the importer: blanks, money, quantities, phones, e-mails, order
 * statuses, gender. Dates and time zones live in dates.ts / zone.ts and are re-exported here.
 *
 * Hot path rules (100k rows/s): hand-written char-code scanners, no regex compiled per row,
 * no exceptions, bounded memo caches only.
 */
import { type CountryCode, isSupportedCountry, parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { err, ok, type Result } from '../result.ts';
import type { Cents, OrderStatus } from '../types.ts';

export {
  type DateOrder,
  type DateTimeOptions,
  type DateTimeValue,
  detectDateOrder,
  parseBirthday,
  parseDateTime,
} from './dates.ts';
export { isTimeZone, utcToZonedDay, zonedWallTimeToUtc } from './zone.ts';

// ---------------------------------------------------------------------------------------
// Blanks

const BLANK_TOKENS = new Set(['', 'na', 'n/a', '#n/a', 'null', 'nan', '-', '—', '–', '--']);

/** '', whitespace, NA, N/A, #N/A, null, nan, '-', '—' (any case) mean "no value". */
export function isBlank(raw: string | null | undefined): boolean {
  if (raw == null) return true;
  const len = raw.length;
  if (len === 0) return true;
  if (len > 6) {
    const c = raw.charCodeAt(0);
    if (!isSpace(c)) return false;
  }
  const t = raw.trim();
  return t.length <= 4 && BLANK_TOKENS.has(t.toLowerCase());
}

/** The trimmed value, or null when the cell is blank (see isBlank). */
export function blankToNull(raw: string | undefined): string | null {
  if (raw === undefined) return null;
  const len = raw.length;
  if (len === 0) return null;
  const t = isSpace(raw.charCodeAt(0)) || isSpace(raw.charCodeAt(len - 1)) ? raw.trim() : raw;
  if (t.length <= 4 && BLANK_TOKENS.has(t.toLowerCase())) return null;
  return t;
}

function isSpace(c: number): boolean {
  return (
    c === 32 ||
    c === 0xa0 ||
    c === 0x202f ||
    c === 0x2009 ||
    c === 0x2007 ||
    c === 9 ||
    c === 10 ||
    c === 13 ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

/** Space-like characters that may group digits: spaces, no-break spaces, apostrophes (1'234). */
function isGroupSpace(c: number): boolean {
  return c === 32 || c === 0xa0 || c === 0x202f || c === 0x2009 || c === 0x2007 || c === 39 || c === 0x2019;
}

function isLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 0x400 && c <= 0x4ff);
}

// ---------------------------------------------------------------------------------------
// Numbers

const CURRENCIES = new Set([
  '$',
  'us$',
  'usd',
  '€',
  'eur',
  '£',
  'gbp',
  '¥',
  'jpy',
  'cny',
  'rmb',
  '₽',
  'р',
  'руб',
  'рублей',
  'рубля',
  'рубль',
  'rub',
  'rur',
  '₴',
  'uah',
  'грн',
  '₸',
  'kzt',
  'тг',
  'тенге',
  'byn',
  'byr',
  'br',
  '₼',
  'azn',
  '֏',
  'amd',
  '₾',
  'gel',
  'сум',
  'uzs',
  'сом',
  'kgs',
  'chf',
  'cad',
  'c$',
  'ca$',
  'aud',
  'a$',
  'au$',
  'zł',
  'pln',
  'kr',
  'sek',
  'nok',
  'dkk',
  '₺',
  'try',
  '₹',
  'inr',
]);

function isCurrencyToken(s: string, from: number, to: number): boolean {
  let end = to;
  while (end > from && s.charCodeAt(end - 1) === 46) end--; // "руб." / "р."
  if (end === from) return true; // a stray trailing dot: "5."
  return CURRENCIES.has(s.slice(from, end).toLowerCase());
}

// Scratch results of scanNumber (module state, so the hot path allocates nothing).
let numNeg = false;
let numInt = 0;
let numIntDigits = 0;
/** First three fraction digits as an integer 0..999 (zero-padded). */
let numFrac3 = 0;
/** First up to 7 fraction digits, and how many there were. */
let numFrac7 = 0;
let numFrac7Len = 0;

/**
 * Scan a human-written number with optional sign, parentheses, currency and digit
 * grouping. Separator rules: when both '.' and ',' appear the last one is the decimal
 * separator; several of one kind are grouping; a single ',' followed by exactly 3 digits
 * after a 1–3 digit integer part (1,234) is grouping when `commaThousands`; a single '.'
 * is always decimal (machine-written floats such as 222.831 are common in exports).
 * Grouped integer parts must look like 1 234 567 (first group 1–3 digits, then 3s).
 */
function scanNumber(s: string, commaThousands: boolean, allowCurrency: boolean): boolean {
  const len = s.length;
  let first = -1;
  let last = -1;
  for (let i = 0; i < len; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (first < 0) first = i;
      last = i;
    }
  }
  if (first < 0) return false;
  if (first > 0) {
    const p = s.charCodeAt(first - 1);
    if ((p === 46 || p === 44) && (first === 1 || !isLetter(s.charCodeAt(first - 2)))) first--;
  }

  // Prefix: spaces, one sign, '(' and currency tokens.
  let neg = false;
  let sign = false;
  let open = false;
  let tok = -1;
  for (let i = 0; i <= first; i++) {
    const c = i < first ? s.charCodeAt(i) : 32;
    const isMinus = c === 45 || c === 0x2212;
    if (isSpace(c) || c === 40 || isMinus || c === 43) {
      if (tok >= 0) {
        if (!allowCurrency || !isCurrencyToken(s, tok, i)) return false;
        tok = -1;
      }
      if (c === 40) {
        if (open || sign) return false;
        open = true;
      } else if (isMinus || c === 43) {
        if (sign) return false;
        sign = true;
        neg = isMinus;
      }
    } else if (tok < 0) tok = i;
  }
  // Suffix: spaces, ')', currency tokens, a trailing minus (5-).
  let close = false;
  tok = -1;
  for (let i = last + 1; i <= len; i++) {
    const c = i < len ? s.charCodeAt(i) : 32;
    const isMinus = c === 45 || c === 0x2212;
    if (isSpace(c) || c === 41 || isMinus) {
      if (tok >= 0) {
        if (!allowCurrency || !isCurrencyToken(s, tok, i)) {
          // "5." without currency is still a number.
          if (!(i - tok === 1 && s.charCodeAt(tok) === 46)) return false;
        }
        tok = -1;
      }
      if (c === 41) {
        if (!open || close) return false;
        close = true;
      } else if (isMinus) {
        if (sign) return false;
        sign = true;
        neg = true;
      }
    } else if (tok < 0) tok = i;
  }
  if (open !== close) return false;
  if (open) neg = true;

  // Middle: digits, separators and grouping spaces only.
  let dots = 0;
  let commas = 0;
  let lastDot = -1;
  let lastComma = -1;
  let spaces = 0;
  for (let i = first; i <= last; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) continue;
    if (c === 46) {
      dots++;
      lastDot = i;
    } else if (c === 44) {
      commas++;
      lastComma = i;
    } else if (isGroupSpace(c)) spaces++;
    else return false;
  }
  let dec = -1;
  if (dots > 0 && commas > 0) {
    dec = Math.max(lastDot, lastComma);
    if ((dec === lastDot ? dots : commas) !== 1) return false;
  } else if (dots + commas === 1) {
    dec = dots === 1 ? lastDot : lastComma;
    if (commaThousands && commas === 1 && spaces === 0 && last - dec === 3) {
      const intLen = dec - first;
      if (intLen >= 1 && intLen <= 3 && s.charCodeAt(first) !== 48) dec = -1;
    }
  }

  // Integer part with grouping validation.
  const intEnd = dec < 0 ? last + 1 : dec;
  let int = 0;
  let intDigits = 0;
  let groupLen = 0;
  let groups = 0;
  let prevSep = 0;
  for (let i = first; i < intEnd; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      int = int * 10 + (c - 48);
      intDigits++;
      groupLen++;
      prevSep = 0;
      continue;
    }
    if (groupLen === 0) {
      // A run of separators: only several spaces in a row are tolerated.
      if (prevSep === 0 || !isGroupSpace(c) || !isGroupSpace(prevSep)) return false;
      continue;
    }
    if (groups === 0 ? groupLen > 3 : groupLen !== 3) return false;
    groups++;
    groupLen = 0;
    prevSep = c;
  }
  if (groups > 0 && groupLen !== 3) return false;
  if (intDigits > 15) return false;

  // Fraction: digits only.
  let frac3 = 0;
  let frac7 = 0;
  let frac7Len = 0;
  if (dec >= 0) {
    let n = 0;
    for (let i = dec + 1; i <= last; i++) {
      const c = s.charCodeAt(i);
      if (c < 48 || c > 57) return false;
      const d = c - 48;
      if (n < 3) frac3 = frac3 * 10 + d;
      if (n < 7) {
        frac7 = frac7 * 10 + d;
        frac7Len++;
      }
      n++;
    }
    if (n === 0 && intDigits === 0) return false;
    if (n === 1) frac3 *= 100;
    else if (n === 2) frac3 *= 10;
  }
  numNeg = neg;
  numInt = int;
  numIntDigits = intDigits;
  numFrac3 = frac3;
  numFrac7 = frac7;
  numFrac7Len = frac7Len;
  return true;
}

/**
 * Money in integer minor units, exactly (the digits are parsed; no float arithmetic).
 * Accepts `1 234,50`, no-break spaces, `1234.5`, `1 234,50 ₽`, `1234 руб.`, `RUB 10`,
 * `$1,149.00 `, `(33.62)`/`($33.62)` (negative), `-5`, `−5`, `1,234` (thousands) vs `1,5`.
 * More than two decimals round half away from zero (22.200000000000003 → 2220).
 */
export function parseAmount(raw: string): Result<Cents> {
  const c = amountCents(raw);
  return c === null ? err(`not an amount: "${raw.trim()}"`) : ok(c);
}

/** parseAmount without the Result wrapper: cents or null. */
export function amountCents(raw: string): Cents | null {
  if (!scanNumber(raw, true, true)) return null;
  if (numIntDigits > 13) return null;
  let cents = numInt * 100 + Math.floor(numFrac3 / 10);
  if (numFrac3 % 10 >= 5) cents += 1;
  return numNeg && cents !== 0 ? -cents : cents;
}

const POW10 = [1, 10, 100, 1000, 10000, 100000, 1000000, 10000000];

/**
 * A quantity: `2`, `1,5` (decimal comma), `0.25`, `-1`, `1 000`, optional `шт`/`pcs`.
 * A single comma is always decimal here (weights like 1,250 kg are common). Up to 6
 * decimals are kept (rounded half away from zero).
 */
export function parseQuantity(raw: string): Result<number> {
  const q = quantityValue(raw);
  return q === null ? err(`not a quantity: "${raw.trim()}"`) : ok(q);
}

const QTY_UNITS = new Set(['шт', 'pcs', 'pc', 'x', 'ед', 'units', 'unit', 'шт.', 'ед.']);

function quantityValue(raw: string): number | null {
  let s = raw;
  // Strip a unit word ("2 шт", "2шт.", "3 pcs") before scanning.
  const t = raw.trimEnd();
  let k = t.length;
  while (k > 0 && (isLetter(t.charCodeAt(k - 1)) || t.charCodeAt(k - 1) === 46)) k--;
  if (k < t.length && k > 0 && isLetter(t.charCodeAt(k))) {
    if (!QTY_UNITS.has(t.slice(k).toLowerCase())) return null;
    s = t.slice(0, k);
  }
  if (!scanNumber(s, false, false)) return null;
  let units = numInt;
  let scale = 0;
  if (numFrac7Len > 0) {
    const keep = Math.min(numFrac7Len, 6);
    let f = numFrac7Len > 6 ? Math.floor(numFrac7 / 10) : numFrac7;
    if (numFrac7Len > 6 && numFrac7 % 10 >= 5) f += 1;
    units = numInt * POW10[keep]! + f;
    scale = keep;
  }
  const v = scale === 0 ? units : units / POW10[scale]!;
  return numNeg && v !== 0 ? -v : v;
}

/**
 * price × quantity in cents, exact, rounded half away from zero. `quantity` is a parsed
 * decimal with at most 6 fraction digits (as parseQuantity returns).
 */
export function multiplyCents(priceCents: Cents, quantity: number): Cents {
  if (Number.isInteger(quantity)) {
    const p = priceCents * quantity;
    return p === 0 ? 0 : p;
  }
  const units = Math.round(quantity * 1e6);
  const num = priceCents * units;
  if (Number.isSafeInteger(num)) {
    const q = Math.trunc(num / 1e6);
    const r = num - q * 1e6;
    const out = 2 * Math.abs(r) >= 1e6 ? q + Math.sign(num) : q;
    return out === 0 ? 0 : out;
  }
  const bn = BigInt(priceCents) * BigInt(units);
  const million = BigInt(1e6);
  let q = bn / million;
  const r = bn - q * million;
  const absR = r < 0n ? -r : r;
  if (2n * absR >= million) q += bn < 0n ? -1n : 1n;
  return Number(q);
}

// ---------------------------------------------------------------------------------------
// Phones

// Sized for a base of a few hundred thousand customers (~100 bytes an entry); each cache is
// cleared on its own when full, so the text cache filling up keeps the validated numbers.
const PHONE_TEXT_CACHE_CAP = 400_000;
const PHONE_KEY_CACHE_CAP = 1_000_000;
/** Both caches hold results for one default country; a different country clears them. */
let phoneCountry = '';
/** Cell text → E.164 or null (invalid): the same customer usually repeats the same spelling. */
const phoneByText = new Map<string, string | null>();
/** Canonical digits key → E.164 or null, so different spellings share one validation. */
const phoneByKey = new Map<string, string | null>();
const PHONE_SIMPLE_RE = /^[\s\d()+\-./'\u2212]*$/;
const NON_DIGITS_RE = /\D+/g;
const PLUS_FIRST_RE = /^[\s(]*\+/;
const PHONE_LIST_RE = /[,;]/;

/**
 * A phone in E.164 (`+79161234567`), read with libphonenumber-js (max metadata, full
 * validity check) in `defaultCountry` when the number has no country code. For RU,
 * `8 (916) 123-45-67`, `+7 916 1234567`, `79161234567`, `9161234567` are one number.
 * When a cell holds several numbers (`,` or `;`), the first one is used.
 */
export function normalizePhone(raw: string, defaultCountry: string): Result<string> {
  const v = phoneE164(raw, defaultCountry);
  return v === null ? err(`not a phone number: "${raw.trim()}"`) : ok(v);
}

function phoneE164(raw: string, country: string): string | null {
  if (country !== phoneCountry) {
    phoneByText.clear();
    phoneByKey.clear();
    phoneCountry = country;
  }
  if (phoneByText.size >= PHONE_TEXT_CACHE_CAP) phoneByText.clear();
  if (phoneByKey.size >= PHONE_KEY_CACHE_CAP) phoneByKey.clear();
  const hit = phoneByText.get(raw);
  if (hit !== undefined) return hit;
  const value = phoneUncached(raw, country);
  phoneByText.set(raw, value);
  return value;
}

function phoneUncached(raw: string, country: string): string | null {
  let text = raw;
  if (PHONE_LIST_RE.test(text)) {
    const first = text.split(PHONE_LIST_RE).find((p) => p.trim() !== '');
    if (first === undefined) return null;
    text = first;
  }
  if (!PHONE_SIMPLE_RE.test(text)) return slowPhone(text, country);
  const digits = text.replace(NON_DIGITS_RE, '');
  if (digits.length < 5 || digits.length > 17) return null;
  const plus = PLUS_FIRST_RE.test(text);
  let key: string;
  if (!plus && country === 'RU') {
    const n = digits.length;
    const d0 = digits.charCodeAt(0);
    if (n === 11 && (d0 === 56 || d0 === 55)) key = `+7${digits.slice(1)}`;
    else if (n === 10 && d0 !== 56 && d0 !== 55) key = `+7${digits}`;
    else key = digits;
  } else key = plus ? `+${digits}` : digits;
  const hit = phoneByKey.get(key);
  if (hit !== undefined) return hit;
  const value = slowPhone(key, country);
  phoneByKey.set(key, value);
  return value;
}

function slowPhone(text: string, country: string): string | null {
  const cc: CountryCode | undefined = isSupportedCountry(country) ? country : undefined;
  const p = parsePhoneNumberFromString(text, cc);
  if (p === undefined || !p.isValid()) return null;
  return p.number;
}

// ---------------------------------------------------------------------------------------
// E-mail

const EMAIL_LIST_SEP_RE = /[,;\s]/;
const EMAIL_RE = /^[^\s@"<>(),;:\\[\]]+@(?:[^\s@"<>(),;:\\[\].]+\.)+\p{L}[\p{L}\p{N}-]*[\p{L}\p{N}]$/u;

const EMAIL_MEMO_CAP = 50_000;
const emailMemo = new Map<string, Result<string>>();

/** Trimmed, lower-cased, validated e-mail; `mailto:` and `Name <…>` wrappers removed. */
export function normalizeEmail(raw: string): Result<string> {
  const hit = emailMemo.get(raw);
  if (hit !== undefined) return hit;
  const out = emailUncached(raw);
  if (emailMemo.size >= EMAIL_MEMO_CAP) emailMemo.clear();
  emailMemo.set(raw, out);
  return out;
}

function emailUncached(raw: string): Result<string> {
  let s = raw.trim();
  if (
    s.length > 7 &&
    (s.charCodeAt(0) === 109 || s.charCodeAt(0) === 77) &&
    s.slice(0, 7).toLowerCase() === 'mailto:'
  ) {
    s = s.slice(7).trim();
  }
  const lt = s.lastIndexOf('<');
  if (lt >= 0 && s.endsWith('>')) s = s.slice(lt + 1, -1).trim();
  const sep = s.search(EMAIL_LIST_SEP_RE);
  if (sep > 0 && s.indexOf('@') < sep) s = s.slice(0, sep); // several addresses: the first
  s = s.toLowerCase();
  if (s.length > 254 || !EMAIL_RE.test(s)) return err(`not an e-mail: "${raw.trim()}"`);
  return ok(s);
}

// ---------------------------------------------------------------------------------------
// Order status

type StatusMeaning = OrderStatus | 'pending';

const STATUS_SEP_RE = /[\s_\-.!]+/g;
const YO_RE = /ё/g;
function statusKey(s: string): string {
  return s.toLowerCase().replace(YO_RE, 'е').replace(STATUS_SEP_RE, ' ').trim();
}

const STATUS_WORDS: Record<StatusMeaning, string[]> = {
  completed: [
    'оплачен',
    'оплачена',
    'оплачено',
    'оплата',
    'выполнен',
    'выполнена',
    'выполнено',
    'завершен',
    'завершена',
    'завершено',
    'закрыт',
    'закрыта',
    'закрыто',
    'продажа',
    'продан',
    'продана',
    'продано',
    'приход',
    'пришел',
    'пришла',
    'пришли',
    'визит состоялся',
    'состоялся',
    'состоялась',
    'проведен',
    'проведена',
    'проведено',
    'успешно',
    'paid',
    'completed',
    'complete',
    'done',
    'closed',
    'fulfilled',
    'success',
    'successful',
    'succeeded',
    'payment',
    'sale',
    'sold',
    'authorized',
    'captured',
    'settled',
    'approved',
    'partially refunded',
    'partially paid',
  ],
  cancelled: [
    'отменен',
    'отменена',
    'отменено',
    'отмена',
    'отменен клиентом',
    'отказ',
    'аннулирован',
    'аннулировано',
    'сторно',
    'не пришел',
    'не пришла',
    'не пришли',
    'неявка',
    'cancelled',
    'canceled',
    'cancel',
    'voided',
    'void',
    'no show',
    'noshow',
    'declined',
    'failed',
  ],
  refunded: [
    'возврат',
    'возвращен',
    'возвращена',
    'возвращено',
    'возврат прихода',
    'возврат продажи',
    'refund',
    'refunded',
    'returned',
    'return',
    'chargeback',
  ],
  pending: [
    'pending',
    'expired',
    'unpaid',
    'authorization',
    'draft',
    'new',
    'open',
    'booked',
    'scheduled',
    'в ожидании',
    'ожидает',
    'ожидает оплаты',
    'не оплачен',
    'не оплачена',
    'не оплачено',
    'новый',
    'новая',
    'черновик',
    'записан',
    'записана',
    'запись',
  ],
};

const STATUS_BY_KEY = new Map<string, StatusMeaning>();
for (const [meaning, words] of Object.entries(STATUS_WORDS) as [StatusMeaning, string[]][]) {
  for (const w of words) STATUS_BY_KEY.set(statusKey(w), meaning);
}

const COMPLETED_BLANK: Result<OrderStatus> = ok('completed');
const STATUS_MEMO_CAP = 2000;
const statusMemo = new Map<string, Result<OrderStatus>>();

/**
 * An order status from Russian or English words (any case, ё = е, `_`/`-` = space).
 * Blank → completed; pending/unpaid/expired/… → an error (not a sale yet); unknown → error.
 */
export function parseOrderStatus(raw: string): Result<OrderStatus> {
  const hit = statusMemo.get(raw);
  if (hit !== undefined) return hit;
  let out: Result<OrderStatus>;
  if (isBlank(raw)) out = COMPLETED_BLANK;
  else {
    const m = STATUS_BY_KEY.get(statusKey(raw));
    const shown = raw.trim();
    if (m === undefined) out = err(`unknown order status: "${shown}"`);
    else if (m === 'pending') out = err(`not a sale yet (status "${shown}")`);
    else out = ok(m);
  }
  if (statusMemo.size >= STATUS_MEMO_CAP) statusMemo.clear();
  statusMemo.set(raw, out);
  return out;
}

// ---------------------------------------------------------------------------------------
// Gender

export type Gender = 'female' | 'male' | 'other';

const GENDERS = new Map<string, Gender | null>();
for (const w of ['ж', 'жен', 'женский', 'женщина', 'девушка', 'f', 'female', 'w', 'woman', 'fem'])
  GENDERS.set(w, 'female');
for (const w of ['м', 'муж', 'мужской', 'мужчина', 'm', 'male', 'man']) GENDERS.set(w, 'male');
for (const w of ['other', 'другое', 'другой', 'иное', 'non binary', 'nonbinary']) GENDERS.set(w, 'other');
for (const w of ['не указан', 'не указано', 'неизвестно', 'unknown', 'u', 'n/a', '?']) GENDERS.set(w, null);

/** Gender from Ж/М/female/male/…; "unknown"-like words give null; anything else is an error. */
export function parseGender(raw: string): Result<Gender | null> {
  if (isBlank(raw)) return ok(null);
  const g = GENDERS.get(statusKey(raw));
  return g === undefined ? err(`unknown gender: "${raw.trim()}"`) : ok(g);
}
