/**
 * The full recompute: every customer as of A in one columnar pass over a `PurchaseTable`.
 *
 * Per customer: purchases, purchase days, revenue, first/last purchase, own cycle, `C_c`,
 * status (manual override included), expected next purchase, R/F/M values and scores, RFM
 * segment, CVM stage. Output is columnar (typed arrays indexed like the table's customers);
 * `aggregateRows` turns it into plain rows.
 *
 * One implementation of the rules: the full pass (`recomputeAll`) and the single-customer
 * function the app calls on a new order (`customerAggregates`) both run `evaluateCustomer` and
 * `scoreColumns`; the multi-day status pass for churn (`statusesAtDays`) walks rows its own way
 * but calls the same rule functions, and is tested equal to the full pass.
 *
 * Quantile RFM needs the population: the full pass scores against itself; the
 * single-customer function takes a population (e.g. `rfmPopulationOf(lastFullRecompute)`)
 * and leaves the scores null without one. With the same population and `C_w`, its row equals
 * the full pass's row for that customer (tested).
 */
import type { Day } from '../day.ts';
import { dayToNumber, numberToDay } from '../day.ts';
import type { Settings } from '../settings.ts';
import type { Cents, LifecycleStatus } from '../types.ts';
import { LIFECYCLE_STATUSES } from '../types.ts';
import type { CvmStage } from './cvm.ts';
import { CVM_STAGES, cvmStageCode } from './cvm.ts';
import { medianInPlace, nextExpectedDayNumber, workspaceCycleOf, workspaceCyclesAt } from './cycle.ts';
import type { ManualStatus } from './lifecycle.ts';
import { manualInForce, STATUS_CODE, statusCodeFor, statusOfCode } from './lifecycle.ts';
import type { OrderFact, PurchaseTable } from './purchases.ts';
import { buildPurchaseTable, customerIndex, NO_DAY } from './purchases.ts';
import type { RfmPopulation, RfmScorer, RfmSegment } from './rfm.ts';
import {
  RFM_SEGMENTS,
  rfmPopulation,
  rfmScorerFor,
  rfmSegmentCode,
  rfmThresholdsFromSettings,
} from './rfm.ts';

export type RecomputeSettings = Pick<
  Settings,
  'cycle_days' | 'lost_multiplier' | 'rfm_mode' | 'rfm_thresholds'
>;

/** Sentinels: scores 0 = none; segment/CVM 255 = none; recency -1 = none; days `NO_DAY`. */
export const NONE_CODE = 255;

export interface CustomerAggregateColumns {
  readonly size: number;
  readonly asOf: Day;
  /** `C_w` used for customers with < 2 intervals. */
  readonly workspaceCycle: number | null;
  readonly customerId: Float64Array;
  /** F: purchases up to A. */
  readonly purchases: Int32Array;
  readonly purchaseDays: Int32Array;
  /** M: revenue up to A, cents. */
  readonly revenueCents: Float64Array;
  /** NaN = none. */
  readonly firstOrderId: Float64Array;
  readonly firstDay: Int32Array;
  readonly lastDay: Int32Array;
  /** Median of own intervals (≥ 2 intervals), NaN = none. */
  readonly ownCycle: Float64Array;
  /** `C_c`, NaN = none. */
  readonly cycle: Float64Array;
  /** Index in `LIFECYCLE_STATUSES`. */
  readonly status: Uint8Array;
  /** 1 when the status is a manual override in force. */
  readonly manual: Uint8Array;
  readonly nextExpectedDay: Int32Array;
  /** R: days since the last purchase, -1 = none. */
  readonly recency: Int32Array;
  readonly rScore: Uint8Array;
  readonly fScore: Uint8Array;
  readonly mScore: Uint8Array;
  /** Index in `RFM_SEGMENTS`. */
  readonly segment: Uint8Array;
  /** Index in `CVM_STAGES`. */
  readonly cvm: Uint8Array;
}

export interface RecomputeOptions {
  /** `C_w` to use; default: the setting, else learned from the table's purchases up to A. */
  workspaceCycle?: number | null;
  /** Manual statuses by customer id (customers absent from the table are ignored). */
  manual?: ReadonlyMap<number, ManualStatus>;
}

interface ManualColumns {
  status: Uint8Array;
  day: Int32Array;
  at: Float64Array;
}

/** Per-customer result of `evaluateCustomer` (one reused object: no allocation per customer). */
interface Evaluation {
  purchases: number;
  purchaseDays: number;
  revenue: number;
  firstRow: number;
  lastRow: number;
  ownCycle: number;
  cycle: number;
  status: number;
  manual: number;
  next: number;
}

function newEvaluation(): Evaluation {
  return {
    purchases: 0,
    purchaseDays: 0,
    revenue: 0,
    firstRow: -1,
    lastRow: -1,
    ownCycle: Number.NaN,
    cycle: Number.NaN,
    status: 0,
    manual: 0,
    next: NO_DAY,
  };
}

interface Scratch {
  buf: Float64Array;
}

/** The rules for one customer as of `asOf` (epoch day); `cw` NaN = null `C_w`. */
function evaluateCustomer(
  t: PurchaseTable,
  c: number,
  asOf: number,
  cw: number,
  lostMultiplier: number,
  manual: ManualColumns | null,
  ev: Evaluation,
  scratch: Scratch,
): void {
  const { day, cents } = t;
  const s = t.offset[c]!;
  let e = t.offset[c + 1]!;
  while (e > s && day[e - 1]! > asOf) e--;
  ev.purchases = e - s;
  ev.firstRow = e > s ? s : -1;
  ev.lastRow = e > s ? e - 1 : -1;
  let revenue = 0;
  let days = 0;
  let intervals = 0;
  let ownCycle = Number.NaN;
  let prev = 0;
  if (e > s) {
    if (scratch.buf.length < e - s) scratch.buf = new Float64Array(Math.max(e - s, 2 * scratch.buf.length));
    const buf = scratch.buf;
    prev = day[s]!;
    revenue = cents[s]!;
    days = 1;
    for (let r = s + 1; r < e; r++) {
      revenue += cents[r]!;
      const d = day[r]!;
      if (d !== prev) {
        buf[intervals++] = d - prev;
        prev = d;
        days++;
      }
    }
    if (intervals >= 2) ownCycle = medianInPlace(buf, intervals);
  }
  const cycle = intervals >= 2 ? ownCycle : cw;
  ev.revenue = revenue;
  ev.purchaseDays = days;
  ev.ownCycle = ownCycle;
  ev.cycle = days > 0 ? cycle : Number.NaN;
  ev.next = days > 0 && !Number.isNaN(cycle) ? nextExpectedDayNumber(prev, cycle) : NO_DAY;
  ev.status = statusCodeFor(days, asOf - prev, cycle, lostMultiplier);
  ev.manual = 0;
  if (manual !== null && manual.status[c] !== NONE_CODE) {
    const lastDay = e > s ? prev : Number.NaN;
    const lastAt = e > s ? t.at[e - 1]! : 0;
    if (manualInForce(manual.day[c]!, manual.at[c]!, lastDay, lastAt, asOf)) {
      ev.status = manual.status[c]!;
      ev.manual = 1;
    }
  }
}

function manualColumns(
  t: PurchaseTable,
  manual: ReadonlyMap<number, ManualStatus> | undefined,
): ManualColumns | null {
  if (!manual || manual.size === 0) return null;
  const cols: ManualColumns = {
    status: new Uint8Array(t.customers).fill(NONE_CODE),
    day: new Int32Array(t.customers),
    at: new Float64Array(t.customers),
  };
  for (const [id, m] of manual) {
    const c = customerIndex(t, id);
    if (c < 0) continue;
    cols.status[c] = STATUS_CODE[m.status];
    cols.day[c] = dayToNumber(m.day);
    cols.at[c] = m.at ?? Number.POSITIVE_INFINITY;
  }
  return cols;
}

function resolveWorkspaceCycle(
  t: PurchaseTable,
  asOf: number,
  settings: Pick<Settings, 'cycle_days'>,
  given: number | null | undefined,
): number | null {
  return given !== undefined ? given : workspaceCycleOf(t, asOf, settings).days;
}

/** Evaluate every customer (no scores yet). */
function evaluateAll(
  t: PurchaseTable,
  asOf: Day,
  cw: number | null,
  settings: RecomputeSettings,
  manual: ReadonlyMap<number, ManualStatus> | undefined,
): CustomerAggregateColumns {
  const a = dayToNumber(asOf);
  const n = t.customers;
  const cols: CustomerAggregateColumns = {
    size: n,
    asOf,
    workspaceCycle: cw,
    customerId: t.customerId.slice(),
    purchases: new Int32Array(n),
    purchaseDays: new Int32Array(n),
    revenueCents: new Float64Array(n),
    firstOrderId: new Float64Array(n),
    firstDay: new Int32Array(n),
    lastDay: new Int32Array(n),
    ownCycle: new Float64Array(n),
    cycle: new Float64Array(n),
    status: new Uint8Array(n),
    manual: new Uint8Array(n),
    nextExpectedDay: new Int32Array(n),
    recency: new Int32Array(n),
    rScore: new Uint8Array(n),
    fScore: new Uint8Array(n),
    mScore: new Uint8Array(n),
    segment: new Uint8Array(n),
    cvm: new Uint8Array(n),
  };
  const man = manualColumns(t, manual);
  const ev = newEvaluation();
  const scratch: Scratch = { buf: new Float64Array(64) };
  const cwn = cw ?? Number.NaN;
  const L = settings.lost_multiplier;
  for (let c = 0; c < n; c++) {
    evaluateCustomer(t, c, a, cwn, L, man, ev, scratch);
    cols.purchases[c] = ev.purchases;
    cols.purchaseDays[c] = ev.purchaseDays;
    cols.revenueCents[c] = ev.revenue;
    const has = ev.purchases > 0;
    cols.firstOrderId[c] = has ? t.orderId[ev.firstRow]! : Number.NaN;
    cols.firstDay[c] = has ? t.day[ev.firstRow]! : NO_DAY;
    cols.lastDay[c] = has ? t.day[ev.lastRow]! : NO_DAY;
    cols.ownCycle[c] = ev.ownCycle;
    cols.cycle[c] = ev.cycle;
    cols.status[c] = ev.status;
    cols.manual[c] = ev.manual;
    cols.nextExpectedDay[c] = ev.next;
    cols.recency[c] = has ? a - t.day[ev.lastRow]! : -1;
  }
  return cols;
}

/** R/F/M population of the customers with ≥ 1 purchase in a recompute. */
export function rfmPopulationOf(cols: CustomerAggregateColumns): RfmPopulation {
  let n = 0;
  for (let i = 0; i < cols.size; i++) if (cols.purchases[i]! > 0) n++;
  const recency = new Float64Array(n);
  const frequency = new Float64Array(n);
  const monetary = new Float64Array(n);
  let k = 0;
  for (let i = 0; i < cols.size; i++) {
    if (cols.purchases[i]! === 0) continue;
    recency[k] = cols.recency[i]!;
    frequency[k] = cols.purchases[i]!;
    monetary[k] = cols.revenueCents[i]!;
    k++;
  }
  return rfmPopulation({ recency, frequency, monetary });
}

/** Scores, segment and CVM stage of every customer (scorer null = scores unknown). */
function scoreColumns(cols: CustomerAggregateColumns, scorer: RfmScorer | null): void {
  for (let i = 0; i < cols.size; i++) {
    let r = 0;
    let f = 0;
    let m = 0;
    if (scorer !== null && cols.purchases[i]! > 0) {
      r = scorer.r(cols.recency[i]!);
      f = scorer.f(cols.purchases[i]!);
      m = scorer.m(cols.revenueCents[i]!);
    }
    cols.rScore[i] = r;
    cols.fScore[i] = f;
    cols.mScore[i] = m;
    cols.segment[i] = r === 0 ? NONE_CODE : rfmSegmentCode(r, f);
    cols.cvm[i] = cvmStageCode(cols.status[i]!, f, m);
  }
}

/** The full recompute of every customer in the table as of `asOf`. */
export function recomputeAll(
  t: PurchaseTable,
  asOf: Day,
  settings: RecomputeSettings,
  options: RecomputeOptions = {},
): CustomerAggregateColumns {
  const cw = resolveWorkspaceCycle(t, dayToNumber(asOf), settings, options.workspaceCycle);
  const cols = evaluateAll(t, asOf, cw, settings, options.manual);
  const scorer = rfmScorerFor(settings, rfmThresholdsFromSettings(settings) ? null : rfmPopulationOf(cols));
  scoreColumns(cols, scorer);
  return cols;
}

/**
 * Lifecycle status codes of every table customer as of each of `days` (ascending epoch days),
 * walking each customer's rows once (churn needs a status pass per month). The rules are the
 * full pass's (`statusCodeFor`, `medianInPlace`, `manualInForce`, `workspaceCyclesAt`); a
 * property test holds it equal to `recomputeAll` at every day.
 */
export function statusesAtDays(
  t: PurchaseTable,
  days: readonly number[],
  settings: Pick<Settings, 'cycle_days' | 'lost_multiplier'>,
  options: RecomputeOptions = {},
): Uint8Array[] {
  const given = options.workspaceCycle;
  const cws =
    given !== undefined
      ? days.map(() => given ?? Number.NaN)
      : workspaceCyclesAt(t, days, settings).map((w) => w.days ?? Number.NaN);
  const man = manualColumns(t, options.manual);
  const out = days.map(() => new Uint8Array(t.customers));
  const L = settings.lost_multiplier;
  const { offset, day, at } = t;
  let buf = new Float64Array(64);
  let sorted = new Float64Array(64);
  for (let c = 0; c < t.customers; c++) {
    const s = offset[c]!;
    const e = offset[c + 1]!;
    if (buf.length < e - s) {
      buf = new Float64Array(Math.max(e - s, 2 * buf.length));
      sorted = new Float64Array(buf.length);
    }
    let r = s;
    let purchaseDays = 0;
    let intervals = 0;
    let prev = 0;
    let own = Number.NaN;
    let ownOf = -1;
    for (let b = 0; b < days.length; b++) {
      const x = days[b]!;
      for (; r < e && day[r]! <= x; r++) {
        const d = day[r]!;
        if (purchaseDays === 0) {
          purchaseDays = 1;
          prev = d;
        } else if (d !== prev) {
          buf[intervals++] = d - prev;
          prev = d;
          purchaseDays++;
        }
      }
      if (intervals >= 2 && ownOf !== intervals) {
        sorted.set(buf.subarray(0, intervals));
        own = medianInPlace(sorted, intervals);
        ownOf = intervals;
      }
      let status = statusCodeFor(purchaseDays, x - prev, intervals >= 2 ? own : cws[b]!, L);
      if (man !== null && man.status[c] !== NONE_CODE) {
        const lastDay = purchaseDays > 0 ? prev : Number.NaN;
        const lastAt = r > s ? at[r - 1]! : 0;
        if (manualInForce(man.day[c]!, man.at[c]!, lastDay, lastAt, x)) status = man.status[c]!;
      }
      out[b]![c] = status;
    }
  }
  return out;
}

/** Lifecycle status codes of every table customer as of one day. */
export function statusesAsOf(
  t: PurchaseTable,
  asOf: Day | number,
  settings: Pick<Settings, 'cycle_days' | 'lost_multiplier'>,
  options: RecomputeOptions = {},
): Uint8Array {
  return statusesAtDays(t, [typeof asOf === 'number' ? asOf : dayToNumber(asOf)], settings, options)[0]!;
}

/** One customer's aggregates as plain values. */
export interface CustomerAggregates {
  customerId: number;
  purchases: number;
  purchaseDays: number;
  revenueCents: Cents;
  /** The primary order. */
  firstOrderId: number | null;
  firstPurchaseDay: Day | null;
  lastPurchaseDay: Day | null;
  ownCycle: number | null;
  /** `C_c`. */
  cycle: number | null;
  cycleSource: 'own' | 'workspace' | 'none';
  status: LifecycleStatus;
  /** True when `status` is a manual override in force. */
  manualStatus: boolean;
  nextExpectedDay: Day | null;
  /** R value: days since the last purchase. */
  recencyDays: number | null;
  /** F value: purchases. */
  frequency: number | null;
  /** M value: revenue, cents. */
  monetaryCents: Cents | null;
  rScore: number | null;
  fScore: number | null;
  mScore: number | null;
  segment: RfmSegment | null;
  cvm: CvmStage | null;
}

const dayOrNull = (d: number): Day | null => (d === NO_DAY ? null : numberToDay(d));
const numOrNull = (x: number): number | null => (Number.isNaN(x) ? null : x);
const scoreOrNull = (x: number): number | null => (x === 0 ? null : x);

/** Row `i` of a recompute as a plain object. */
export function aggregateRow(cols: CustomerAggregateColumns, i: number): CustomerAggregates {
  if (!(i >= 0 && i < cols.size)) throw new RangeError(`no row ${i}`);
  const has = cols.purchases[i]! > 0;
  const own = numOrNull(cols.ownCycle[i]!);
  const cycle = numOrNull(cols.cycle[i]!);
  return {
    customerId: cols.customerId[i]!,
    purchases: cols.purchases[i]!,
    purchaseDays: cols.purchaseDays[i]!,
    revenueCents: cols.revenueCents[i]!,
    firstOrderId: numOrNull(cols.firstOrderId[i]!),
    firstPurchaseDay: dayOrNull(cols.firstDay[i]!),
    lastPurchaseDay: dayOrNull(cols.lastDay[i]!),
    ownCycle: own,
    cycle,
    cycleSource: own !== null ? 'own' : cycle !== null ? 'workspace' : 'none',
    status: statusOfCode(cols.status[i]!),
    manualStatus: cols.manual[i] === 1,
    nextExpectedDay: dayOrNull(cols.nextExpectedDay[i]!),
    recencyDays: has ? cols.recency[i]! : null,
    frequency: has ? cols.purchases[i]! : null,
    monetaryCents: has ? cols.revenueCents[i]! : null,
    rScore: scoreOrNull(cols.rScore[i]!),
    fScore: scoreOrNull(cols.fScore[i]!),
    mScore: scoreOrNull(cols.mScore[i]!),
    segment: cols.segment[i] === NONE_CODE ? null : RFM_SEGMENTS[cols.segment[i]!]!,
    cvm: cols.cvm[i] === NONE_CODE ? null : CVM_STAGES[cols.cvm[i]!]!,
  };
}

/** Every row of a recompute as plain objects. */
export function aggregateRows(cols: CustomerAggregateColumns): CustomerAggregates[] {
  return Array.from({ length: cols.size }, (_, i) => aggregateRow(cols, i));
}

export interface SingleCustomerOptions {
  /** Needed when `orders` is empty (a lead). */
  customerId?: number;
  manual?: ManualStatus | null;
  /** Quantile RFM population; without it (quantile mode) the scores, segment and a fan's CVM are null. */
  population?: RfmPopulation | null;
}

/**
 * One customer's aggregates as of `asOf` from their orders (any statuses; non-purchases are
 * dropped), with `C_w` given (e.g. from the stored interval histogram). Same code as the full pass.
 */
export function customerAggregates(
  orders: readonly OrderFact[],
  asOf: Day,
  workspaceCycle: number | null,
  settings: RecomputeSettings,
  options: SingleCustomerOptions = {},
): CustomerAggregates {
  const id = options.customerId ?? orders[0]?.customerId;
  if (id === undefined) throw new RangeError('customerAggregates: no orders and no customerId');
  for (const o of orders) {
    if (o.customerId !== id)
      throw new RangeError(`customerAggregates: orders of customers ${id} and ${o.customerId}`);
  }
  const t = buildPurchaseTable(orders, { customerIds: [id] });
  const manual = options.manual ? new Map([[id, options.manual]]) : undefined;
  const cols = evaluateAll(t, asOf, workspaceCycle, settings, manual);
  scoreColumns(cols, rfmScorerFor(settings, options.population ?? null));
  return aggregateRow(cols, 0);
}

/** Customers per lifecycle status (every key present). */
export function statusCounts(statusCodes: Uint8Array): Record<LifecycleStatus, number> {
  const counts = [0, 0, 0, 0, 0];
  for (let i = 0; i < statusCodes.length; i++) counts[statusCodes[i]!]!++;
  return Object.fromEntries(LIFECYCLE_STATUSES.map((s, i) => [s, counts[i]!])) as Record<
    LifecycleStatus,
    number
  >;
}

/** Customers per RFM segment (every key present; customers without purchases are not counted). */
export function segmentCounts(segmentCodes: Uint8Array): Record<RfmSegment, number> {
  const counts = new Array<number>(RFM_SEGMENTS.length).fill(0);
  for (let i = 0; i < segmentCodes.length; i++) {
    const code = segmentCodes[i]!;
    if (code !== NONE_CODE) counts[code]!++;
  }
  return Object.fromEntries(RFM_SEGMENTS.map((s, i) => [s, counts[i]!])) as Record<RfmSegment, number>;
}
