/**
 * A synthetic but realistic customer base of a Moscow beauty salon with two branches,
 * for demos, screenshots and benchmarks. Pure and deterministic: the same
 * (seed, asOf, customers, years) gives byte-identical output; no clock, no I/O.
 *
 * The model, one customer at a time:
 *
 * - Acquisition. Each customer's creation day is drawn over the window
 *   [asOf − 365·years, asOf − 1] with monthly seasonality (peaks in March–May, with a
 *   bump before 8 March, and in November–December before New Year; troughs in
 *   July–August and the January holidays) and a mild growth trend, so cohorts by first
 *   month differ in size. Customer ids C00001… follow the creation day.
 * - Leads. ~6 % never book; a few more were created too close to asOf or booked for a
 *   day after it: ≈ 7 % of the base has no order at all, and ≈ 9–10 % no completed one
 *   (some newbies miss their first booking and vanish, or ask for a refund and leave).
 * - Home category and rhythm. A customer has a home category (women: manicure, brows
 *   and lashes, hair, colouring, cosmetology…; men: mostly haircuts, some massage), a
 *   favourite service in it and a personal cycle = the service's cycle × a lognormal
 *   factor (σ 0.25, clamped to 0.6–1.8). Each interval = personal cycle × noise (σ 0.2),
 *   a little shorter in December (before the holidays) and longer in July–August
 *   (vacations). Massage is bought in courses: 5–10 sessions about every two weeks, then
 *   a 1–4 month break. About 30 % of clients prefer weekends.
 * - Cross-sell. After the first return visit a customer may add a second category
 *   (manicure → pedicure, haircut → colouring, colouring → haircut, cosmetology →
 *   massage…), sometimes in the same visit, with its own rhythm; visits closer than
 *   four days are merged into one order. Add-ons (nail art, styling) ride along.
 * - Churn. After every completed visit the customer may stop for good: 30–55 % after
 *   the first (depends on the source: referrals stay, Avito bargain hunters do not),
 *   then a per-customer hazard — regulars 1.5 %, ordinary 7 %, fickle 22 % — plus 35 %
 *   after a refund (a complaint). Now and then (4 %) a long gap of 2.5–5 cycles (tried a
 *   competitor, moved for the summer) and a return. So as of asOf the base mixes leads,
 *   newbies, fans (regulars with 15–40 visits), sleeping and lost customers.
 * - Big spenders. ~5 % are VIP: premium services (airtouch, nail extensions, SPA care),
 *   more add-ons and cross-sells.
 * - Status. ~4 % of bookings are no-shows (status cancelled; a new booking follows a few
 *   days later, except that a fifth of the newbies who miss their first visit vanish) and ~1 %
 *   are refunded; both carry the full amount of the booking.
 * - Prices rise by 8 % at the start of each year of the window after the first (the price
 *   list holds current prices; earlier ones are current / 1.08, rounded to 50 ₽). Birthday
 *   week and some first visits get a 10 % discount.
 * - Time. Visits start on the half hour between 09:00 and 20:00 (the salon is open
 *   09:00–21:00, seven days a week); each client prefers the morning, the afternoon or the
 *   evening; a master is never double-booked within 90 minutes (a fully booked day moves the
 *   visit to another master of the branch or to the next day).
 */
import type { Day } from '../day.ts';
import { dayToNumber, numberToDay } from '../day.ts';
import type { OrderStatus } from '../types.ts';
import type { BranchName, CatalogService, Category, StaffRole } from './catalog.ts';
import { BRANCHES, CATEGORIES, SALON_NAME, SERVICES, STAFF } from './catalog.ts';
import {
  FEMALE_FIRST_NAMES,
  MALE_FIRST_NAMES,
  PATRONYMICS,
  SURNAMES,
  surnameFor,
  transliterate,
} from './names.ts';
import type { Rng } from './random.ts';
import { createRng, subSeed } from './random.ts';

export const DEFAULT_DEMO_SEED = 20_260_101;

export interface DemoOptions {
  /** The demo's "today": orders end on the day before it. */
  asOf: Day;
  seed?: number;
  /** Default 1500. */
  customers?: number;
  /** Length of the history in years of 365 days; default 2. */
  years?: number;
}

export type DemoChannel = 'telegram' | 'whatsapp' | 'sms' | 'email' | 'vk' | 'max';

export interface DemoStaff {
  name: string;
  branch: string;
  role: StaffRole;
}

export interface DemoService {
  name: string;
  category: string;
  priceCents: number;
  cycleDays: number;
}

export interface DemoCustomer {
  externalId: string;
  name: string;
  gender: 'female' | 'male';
  phone: string;
  email: string | null;
  birthday: Day | null;
  source: string;
  preferredChannel: DemoChannel | null;
  telegram: string | null;
  manager: string | null;
  tags: string[];
  createdOn: Day;
}

export interface DemoOrderLine {
  service: string;
  category: string;
  quantity: number;
  amountCents: number;
}

export interface DemoOrder {
  externalId: string;
  customerExternalId: string;
  /** 'YYYY-MM-DD HH:MM', wall clock in Europe/Moscow. */
  localDateTime: string;
  day: Day;
  branch: string;
  staff: string;
  status: OrderStatus;
  lines: DemoOrderLine[];
  amountCents: number;
}

export interface DemoBusiness {
  name: string;
  branches: string[];
  staff: DemoStaff[];
  services: DemoService[];
  customers: DemoCustomer[];
  /** Sorted by local time (then by id). */
  orders: DemoOrder[];
}

// ---------------------------------------------------------------------------------------
// Tunables of the model.

const LEAD_SHARE = 0.06;
const FEMALE_SHARE = 0.86;
const VIP_SHARE = 0.05;
const EMAIL_SHARE = 0.6;
const BIRTHDAY_SHARE = 0.75;
const MANAGER_SHARE = 0.85;
const PRICE_RISE = 1.08;
const MERGE_WINDOW_DAYS = 3;
const SLOTS = 23; // 09:00, 09:30, …, 20:00
const SLOT_SPAN = 3; // a visit keeps its master busy for 90 minutes (SLOTS + SLOT_SPAN ≤ 32)

/** Relative acquisition intensity by month (index 0 = January). */
const ACQUISITION_BY_MONTH = [0.75, 0.9, 1.3, 1.35, 1.25, 0.95, 0.75, 0.8, 1.05, 1.0, 1.15, 1.35];
/** Interval multiplier by month of the visit: sooner before New Year, later in summer. */
const INTERVAL_BY_MONTH = [1.1, 1.0, 0.95, 1.0, 1.0, 1.05, 1.15, 1.15, 1.0, 1.0, 1.0, 0.88];

const SOURCES = [
  'Instagram',
  'ВКонтакте',
  'Яндекс Карты',
  '2ГИС',
  'Рекомендация',
  'Вывеска',
  'Авито',
] as const;
const SOURCE_WEIGHTS = [18, 15, 24, 10, 19, 8, 6];
/** Probability of never coming back after the first completed visit, by source. */
const FIRST_VISIT_STOP: Record<(typeof SOURCES)[number], number> = {
  Instagram: 0.4,
  ВКонтакте: 0.4,
  'Яндекс Карты': 0.37,
  '2ГИС': 0.37,
  Рекомендация: 0.25,
  Вывеска: 0.33,
  Авито: 0.5,
};

const CHANNELS: readonly (DemoChannel | null)[] = ['whatsapp', 'telegram', 'sms', 'email', 'vk', 'max', null];
const CHANNEL_WEIGHTS = [30, 25, 14, 8, 7, 5, 11];

const HOME_FEMALE: readonly Category[] = CATEGORIES;
const HOME_FEMALE_WEIGHTS = [32, 8, 14, 12, 12, 8, 14];
const HOME_MALE: readonly Category[] = ['Стрижка', 'Массаж', 'Маникюр'];
const HOME_MALE_WEIGHTS = [75, 20, 5];

/** Second categories a customer of a home category tends to add (women). */
const CROSS_SELL: Record<Category, readonly [Category, number][]> = {
  Маникюр: [
    ['Педикюр', 6],
    ['Брови и ресницы', 4],
  ],
  Педикюр: [
    ['Маникюр', 8],
    ['Массаж', 2],
  ],
  Стрижка: [
    ['Окрашивание', 6],
    ['Брови и ресницы', 2],
    ['Массаж', 2],
  ],
  Окрашивание: [
    ['Стрижка', 7],
    ['Брови и ресницы', 3],
  ],
  Косметология: [
    ['Массаж', 4],
    ['Брови и ресницы', 6],
  ],
  Массаж: [
    ['Косметология', 6],
    ['Педикюр', 4],
  ],
  'Брови и ресницы': [
    ['Маникюр', 6],
    ['Косметология', 4],
  ],
};
const CROSS_SELL_MALE: Record<Category, Category> = {
  Маникюр: 'Стрижка',
  Педикюр: 'Стрижка',
  Стрижка: 'Массаж',
  Окрашивание: 'Стрижка',
  Косметология: 'Массаж',
  Массаж: 'Стрижка',
  'Брови и ресницы': 'Стрижка',
};

const EMAIL_DOMAINS = [
  'mail.ru',
  'yandex.ru',
  'gmail.com',
  'bk.ru',
  'list.ru',
  'inbox.ru',
  'ya.ru',
  'rambler.ru',
];
const EMAIL_DOMAIN_WEIGHTS = [30, 25, 22, 6, 5, 4, 5, 3];

// ---------------------------------------------------------------------------------------

interface ServiceRef {
  service: CatalogService;
  /** Price in kopecks for each year of the window (index 0 = the first year). */
  prices: number[];
}

interface Draft {
  customer: number;
  day: number;
  slot: number;
  branch: BranchName;
  staff: string;
  status: OrderStatus;
  lines: DemoOrderLine[];
  amountCents: number;
}

type Loyalty = 'regular' | 'ordinary' | 'fickle';
const LOYALTY: readonly Loyalty[] = ['regular', 'ordinary', 'fickle'];
const LOYALTY_WEIGHTS = [35, 45, 20];
const HAZARD: Record<Loyalty, number> = { regular: 0.01, ordinary: 0.04, fickle: 0.14 };

const pad = (n: number, width: number): string => String(n).padStart(width, '0');
const clamp = (x: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, x));

/** Build the demo salon. Throws RangeError on an invalid `asOf`, `customers` or `years`. */
export function generateSalonDemo(options: DemoOptions): DemoBusiness {
  const asOfNum = dayToNumber(options.asOf);
  const seed = (options.seed ?? DEFAULT_DEMO_SEED) >>> 0;
  const customerCount = options.customers ?? 1500;
  const years = options.years ?? 2;
  if (!Number.isInteger(customerCount) || customerCount < 0 || customerCount > 99_999) {
    throw new RangeError(`customers must be an integer 0..99999, got ${customerCount}`);
  }
  if (!Number.isInteger(years) || years < 1 || years > 10) {
    throw new RangeError(`years must be an integer 1..10, got ${years}`);
  }

  // Calendar of the window, indexed by day offset from its first day.
  const windowDays = years * 365;
  const start = asOfNum - windowDays;
  const end = asOfNum - 1;
  const dayText: string[] = [];
  const month: number[] = []; // 0..11
  const dom: number[] = [];
  const yearStart: number[] = []; // epoch day of 1 January of the day's year
  for (let i = 0; i < windowDays; i++) {
    const text = numberToDay(start + i);
    dayText.push(text);
    month.push(Number(text.slice(5, 7)) - 1);
    dom.push(Number(text.slice(8, 10)));
    yearStart.push(
      month[i] === 0 && dom[i] === 1
        ? start + i
        : i === 0
          ? dayToNumber(`${text.slice(0, 4)}-01-01`)
          : yearStart[i - 1]!,
    );
  }
  const weekday = (d: number): number => (((d + 4) % 7) + 7) % 7; // 0 = Sunday; epoch day 0 was a Thursday

  // Price list per year: current prices in the last year, 8 % less for each year before.
  const services = new Map<string, ServiceRef>();
  for (const service of SERVICES) {
    const prices: number[] = [];
    for (let y = 0; y < years; y++) {
      const factor = PRICE_RISE ** (years - 1 - y);
      prices.push(
        y === years - 1 ? service.priceCents : Math.round(service.priceCents / factor / 5000) * 5000,
      );
    }
    services.set(service.name, { service, prices });
  }
  const svc = (name: string): ServiceRef => services.get(name)!;
  const mainServices = new Map<string, CatalogService[]>();
  for (const category of CATEGORIES) {
    for (const gender of ['female', 'male']) {
      mainServices.set(
        `${category}|${gender}`,
        SERVICES.filter(
          (s) => s.category === category && !s.addOn && (s.gender === 'any' || s.gender === gender),
        ),
      );
    }
  }
  const masters = STAFF.filter((s) => s.role === 'master');
  const mastersFor = new Map<string, string[]>();
  for (const branch of BRANCHES) {
    for (const category of CATEGORIES) {
      mastersFor.set(
        `${branch}|${category}`,
        masters.filter((m) => m.branch === branch && m.categories.includes(category)).map((m) => m.name),
      );
    }
  }
  const managersOf = (branch: BranchName): string[] =>
    STAFF.filter((s) => s.role === 'manager' && s.branch === branch).map((s) => s.name);
  const staffIndex = new Map(STAFF.map((s, i) => [s.name, i]));

  // 1. Acquisition days, drawn from the seasonal intensity and sorted: ids follow them.
  const master = createRng(subSeed(seed, 0));
  const cumulative: number[] = [];
  let total = 0;
  for (let i = 0; i < windowDays; i++) {
    let w = ACQUISITION_BY_MONTH[month[i]!]! * (0.85 + (0.3 * i) / windowDays);
    if (month[i] === 2 && dom[i]! <= 7) w *= 1.4; // gifts and manicure before 8 March
    if ((month[i] === 0 && dom[i]! <= 8) || (month[i] === 11 && dom[i]! >= 30)) w *= 0.4; // holidays
    total += w;
    cumulative.push(total);
  }
  const acquired: number[] = [];
  for (let c = 0; c < customerCount; c++) {
    const r = master.next() * total;
    let lo = 0;
    let hi = windowDays - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! > r) hi = mid;
      else lo = mid + 1;
    }
    acquired.push(start + lo);
  }
  acquired.sort((a, b) => a - b);

  // 2. Profiles and visits, customer by customer, each from its own random stream.
  const phones = new Set<string>();
  const emails = new Set<string>();
  const telegrams = new Set<string>();
  const busy = new Uint8Array(windowDays * 32 * 32); // (day, staff, half-hour slot) → booked
  /** A start slot where the master is free for the whole visit: the client's part of the day first. */
  const findSlot = (rng: Rng, band: number, idx: number, staffKey: number): number => {
    const base = (idx * 32 + staffKey) * 32;
    const free = (slot: number): boolean =>
      busy[base + slot] === 0 && busy[base + slot + 1] === 0 && busy[base + slot + 2] === 0;
    for (let attempt = 0; attempt < 6; attempt++) {
      const slot = rng.chance(0.7) ? band * 7 + rng.int(0, band === 2 ? 8 : 6) : rng.int(0, SLOTS - 1);
      if (free(slot)) return slot;
    }
    const from = rng.int(0, SLOTS - 1);
    for (let k = 0; k < SLOTS; k++) {
      const slot = (from + k) % SLOTS;
      if (free(slot)) return slot;
    }
    return -1;
  };
  const customers: DemoCustomer[] = [];
  const drafts: Draft[] = [];

  for (let c = 0; c < customerCount; c++) {
    const rng = createRng(subSeed(seed, c + 1));
    const createdNum = acquired[c]!;
    const externalId = `C${pad(c + 1, 5)}`;
    const gender: 'female' | 'male' = rng.chance(FEMALE_SHARE) ? 'female' : 'male';
    const first = rng.pick(gender === 'female' ? FEMALE_FIRST_NAMES : MALE_FIRST_NAMES);
    const surname = surnameFor(rng.pick(SURNAMES), gender);
    const patronymic = rng.pick(PATRONYMICS)[gender === 'female' ? 1 : 0];
    const name = rng.chance(0.8) ? `${surname} ${first} ${patronymic}` : `${first} ${surname}`;

    let phone: string;
    do phone = `+79${pad(rng.int(0, 999_999_999), 9)}`;
    while (phones.has(phone));
    phones.add(phone);

    const age = clamp(Math.round(33 + 9 * rng.normal()), 18, 72);
    const birthYear = Number(dayText[createdNum - start]!.slice(0, 4)) - age;
    const birthdayNum = rng.chance(BIRTHDAY_SHARE)
      ? dayToNumber(`${birthYear}-01-01`) + rng.int(0, 364)
      : null;
    const birthday = birthdayNum === null ? null : numberToDay(birthdayNum);

    const latinFirst = transliterate(first);
    const latinLast = transliterate(surname);
    let email: string | null = null;
    if (rng.chance(EMAIL_SHARE)) {
      const domain = rng.weighted(EMAIL_DOMAINS, EMAIL_DOMAIN_WEIGHTS);
      const yy = pad(birthYear % 100, 2);
      const local = rng.pick([
        `${latinFirst}.${latinLast}`,
        `${latinLast}.${latinFirst}`,
        `${latinFirst}${latinLast}${yy}`,
        `${latinFirst[0]}.${latinLast}`,
        `${latinLast}_${latinFirst[0]}${yy}`,
      ]);
      email = `${local}@${domain}`;
      while (emails.has(email)) email = `${local}${rng.int(1, 999)}@${domain}`;
      emails.add(email);
    }

    const source = rng.weighted(SOURCES, SOURCE_WEIGHTS);
    let preferredChannel = rng.weighted(CHANNELS, CHANNEL_WEIGHTS);
    if (preferredChannel === 'email' && email === null) preferredChannel = 'whatsapp';
    let telegram: string | null = null;
    if (preferredChannel === 'telegram' || rng.chance(0.2)) {
      const base = rng.pick([
        `${latinFirst}_${latinLast}`,
        `${latinFirst}${birthYear % 100}`,
        `${latinLast}_${latinFirst}`,
      ]);
      telegram = base;
      while (telegrams.has(telegram)) telegram = `${base}${rng.int(1, 99)}`;
      telegrams.add(telegram);
    }

    const homeBranch: BranchName = rng.chance(0.6) ? BRANCHES[0] : BRANCHES[1];
    const manager = rng.chance(MANAGER_SHARE) ? rng.pick(managersOf(homeBranch)) : null;
    const vip = rng.chance(VIP_SHARE);
    const tags: string[] = [];
    if (vip) tags.push('VIP');
    if (age < 24 && rng.chance(0.4)) tags.push('студент');
    if (rng.chance(0.05)) tags.push('подарочный сертификат');
    if (rng.chance(0.02)) tags.push('аллергия');

    const customer: DemoCustomer = {
      externalId,
      name,
      gender,
      phone,
      email,
      birthday,
      source,
      preferredChannel,
      telegram,
      manager,
      tags,
      createdOn: dayText[createdNum - start]!,
    };
    customers.push(customer);

    // Visits.
    if (rng.chance(LEAD_SHARE)) continue;
    const firstVisit = createdNum + (rng.chance(0.3) ? rng.int(1, 14) : 0);
    if (firstVisit > end) continue;

    const home =
      gender === 'female'
        ? rng.weighted(HOME_FEMALE, HOME_FEMALE_WEIGHTS)
        : rng.weighted(HOME_MALE, HOME_MALE_WEIGHTS);
    if (home === 'Массаж') tags.push('абонемент');
    const loyalty = rng.weighted(LOYALTY, LOYALTY_WEIGHTS);
    const hazard = HAZARD[loyalty];
    const weekendPerson = rng.chance(0.3);
    const band = rng.int(0, 2); // morning, afternoon, evening
    const crossSell = gender === 'female' ? (vip ? 0.3 : 0.15) : 0.06;

    const favourite = new Map<Category, CatalogService>();
    const pickService = (category: Category): CatalogService => {
      const options = mainServices.get(`${category}|${gender}`)!;
      return rng.weighted(
        options,
        options.map((s) => (vip ? s.premiumWeight : s.weight)),
      );
    };
    const serviceFor = (category: Category): CatalogService => {
      let fav = favourite.get(category);
      if (!fav) {
        fav = pickService(category);
        favourite.set(category, fav);
      }
      return rng.chance(0.85) ? fav : pickService(category);
    };
    const cycleOf = new Map<Category, number>();
    const personalCycle = (category: Category): number => {
      let cycle = cycleOf.get(category);
      if (cycle === undefined) {
        const base = (favourite.get(category) ?? serviceFor(category)).cycleDays;
        cycle = base * clamp(rng.logNormal(0.25), 0.6, 1.8);
        cycleOf.set(category, cycle);
      }
      return cycle;
    };
    const interval = (category: Category, day: number): number =>
      Math.max(
        5,
        Math.round(personalCycle(category) * rng.logNormal(0.2) * INTERVAL_BY_MONTH[month[day - start]!]!),
      );
    const favouriteMaster = new Map<string, string>();
    const masterFor = (branch: BranchName, category: Category): string => {
      const key = `${branch}|${category}`;
      const list = mastersFor.get(key)!;
      let fav = favouriteMaster.get(key);
      if (!fav) {
        fav = rng.pick(list);
        favouriteMaster.set(key, fav);
      }
      return rng.chance(0.85) ? fav : rng.pick(list);
    };
    const bdayOffset = birthdayNum === null ? -1 : birthdayNum - dayToNumber(`${birthYear}-01-01`);

    let nextHome = firstVisit;
    let secondary: Category | null = null;
    let nextSecond = Number.POSITIVE_INFINITY;
    let completed = 0;
    let courseLeft = home === 'Массаж' ? rng.int(5, 10) : 0;
    let refunded = false;

    for (;;) {
      let day = Math.min(nextHome, nextSecond);
      if (weekendPerson) {
        const wd = weekday(day);
        if (wd >= 1 && wd <= 5 && rng.chance(0.75)) day += rng.chance(0.5) ? 6 - wd : 7 - wd; // Sat or Sun
      }
      if (day > end) break;
      const categories: Category[] = [];
      if (nextHome <= day + MERGE_WINDOW_DAYS) categories.push(home);
      if (secondary !== null && nextSecond <= day + MERGE_WINDOW_DAYS) categories.push(secondary);
      if (categories.length === 0) categories.push(home);
      if (secondary === null && completed >= 1 && rng.chance(crossSell)) {
        secondary =
          gender === 'female'
            ? rng.weighted(
                CROSS_SELL[home].map(([cat]) => cat),
                CROSS_SELL[home].map(([, w]) => w),
              )
            : CROSS_SELL_MALE[home];
        if (rng.chance(0.5)) categories.push(secondary);
        else nextSecond = day + rng.int(3, 14);
      }

      const branch = rng.chance(0.94) ? homeBranch : homeBranch === BRANCHES[0] ? BRANCHES[1] : BRANCHES[0];
      // The favourite master, else another one of the branch, free for 90 minutes; else the next day.
      let staff = masterFor(branch, categories[0]!);
      let slot = -1;
      while (day <= end) {
        slot = findSlot(rng, band, day - start, staffIndex.get(staff)!);
        if (slot >= 0) break;
        for (const other of mastersFor.get(`${branch}|${categories[0]}`)!) {
          slot = findSlot(rng, band, day - start, staffIndex.get(other)!);
          if (slot >= 0) {
            staff = other;
            break;
          }
        }
        if (slot >= 0) break;
        day++;
      }
      if (slot < 0) break;
      const idx = day - start;
      const staffKey = staffIndex.get(staff)!;
      for (let s = slot; s < slot + SLOT_SPAN; s++) busy[(idx * 32 + staffKey) * 32 + s] = 1;
      const yearIdx = Math.min(years - 1, Math.floor(idx / 365));
      let discount = 1;
      if (bdayOffset >= 0) {
        const thisYear = yearStart[idx]! + bdayOffset;
        if (Math.abs(day - thisYear) <= 7 && rng.chance(0.6)) discount = 0.9;
      }
      if (completed === 0 && rng.chance(0.25)) discount = 0.9;
      const lines: DemoOrderLine[] = [];
      const addLine = (service: CatalogService, quantity: number): void => {
        const unit = svc(service.name).prices[yearIdx]!;
        const amount =
          discount === 1 ? unit * quantity : Math.round((unit * quantity * discount) / 100) * 100;
        lines.push({ service: service.name, category: service.category, quantity, amountCents: amount });
      };
      for (const category of categories) {
        const main = serviceFor(category);
        addLine(main, 1);
        if (category === 'Маникюр' && rng.chance(vip ? 0.6 : 0.25)) {
          addLine(svc('Дизайн ногтей (1 ноготь)').service, rng.int(2, 10));
        }
        if (
          (category === 'Окрашивание' && rng.chance(vip ? 0.6 : 0.3)) ||
          (main.name === 'Женская стрижка' && rng.chance((vip ? 0.4 : 0.15) * (month[idx] === 11 ? 2 : 1)))
        ) {
          addLine(svc('Укладка').service, 1);
        }
      }
      const r = rng.next();
      const cancelP = completed === 0 ? 0.07 : 0.036;
      const status: OrderStatus = r < cancelP ? 'cancelled' : r < cancelP + 0.011 ? 'refunded' : 'completed';
      let amountCents = 0;
      for (const line of lines) amountCents += line.amountCents;
      drafts.push({ customer: c, day, slot, branch, staff, status, lines, amountCents });

      if (status === 'cancelled') {
        if (completed === 0 && rng.chance(0.2)) break; // a newbie who never showed up
        const rebook = day + rng.int(2, 9);
        if (categories.includes(home)) nextHome = rebook;
        if (secondary !== null && categories.includes(secondary)) nextSecond = rebook;
        continue;
      }

      completed++;
      if (status === 'refunded' && !refunded) {
        refunded = true;
        tags.push('жалоба');
      }
      for (const category of categories) {
        if (category === home) {
          if (home === 'Массаж') {
            courseLeft--;
            if (courseLeft <= 0) {
              nextHome = day + rng.int(30, 120);
              courseLeft = rng.int(5, 10);
            } else nextHome = day + interval(home, day);
          } else nextHome = day + interval(home, day);
        } else if (category === secondary) {
          nextSecond = day + interval(secondary, day);
          if (rng.chance(0.08)) {
            secondary = null; // lost interest in the second category
            nextSecond = Number.POSITIVE_INFINITY;
          }
        }
      }
      if (secondary === null) nextSecond = Number.POSITIVE_INFINITY;

      let stop = completed === 1 ? FIRST_VISIT_STOP[source as (typeof SOURCES)[number]] : hazard;
      if (home === 'Массаж' && completed > 1) stop = courseLeft === 0 || nextHome - day > 25 ? 0.2 : 0.02;
      if (status === 'refunded') stop += 0.35;
      if (rng.chance(stop)) break;
      if (rng.chance(0.04)) {
        const gap = rng.int(25, 50) / 10;
        nextHome = day + Math.round((nextHome - day) * gap);
        if (secondary !== null) nextSecond = day + Math.round((nextSecond - day) * gap);
      }
    }
  }

  // 3. Orders in local-time order, then numbered.
  drafts.sort((a, b) => a.day - b.day || a.slot - b.slot || a.customer - b.customer);
  const orders: DemoOrder[] = drafts.map((d, i) => {
    const minutes = 9 * 60 + d.slot * 30;
    const day = dayText[d.day - start]!;
    return {
      externalId: `V${pad(i + 1, 6)}`,
      customerExternalId: customers[d.customer]!.externalId,
      localDateTime: `${day} ${pad(Math.floor(minutes / 60), 2)}:${pad(minutes % 60, 2)}`,
      day,
      branch: d.branch,
      staff: d.staff,
      status: d.status,
      lines: d.lines,
      amountCents: d.amountCents,
    };
  });

  return {
    name: SALON_NAME,
    branches: [...BRANCHES],
    staff: STAFF.map((s) => ({ name: s.name, branch: s.branch, role: s.role })),
    services: SERVICES.map((s) => ({
      name: s.name,
      category: s.category,
      priceCents: s.priceCents,
      cycleDays: s.cycleDays,
    })),
    customers,
    orders,
  };
}
