/**
 * Lifecycle status as of A (PRODUCT.md "Lifecycle status as of A"), `L` = lost multiplier:
 *
 * | lead     | no purchase up to A                                  |
 * | newbie   | exactly 1 purchase day, days since it ≤ C_c          |
 * | fan      | ≥ 2 purchase days, days since the last ≤ C_c         |
 * | sleeping | C_c < days since the last purchase ≤ L × C_c         |
 * | lost     | days since the last purchase > L × C_c               |
 *
 * A null `C_c` (no setting, no interval anywhere: see cycle.ts) never passes: newbie/fan.
 *
 * A manual status set on day M (with an optional instant `at`) overrides from M while there
 * is no purchase after it. "After" compares (day, at): a purchase on a later day clears it; a
 * purchase on day M clears it only when both instants are known and the purchase is later.
 * Without an instant the mark is taken as made at the end of day M (e.g. "lost after a
 * complaint about today's visit" must survive that visit). As of a day before M the manual
 * status does not exist yet.
 */
import type { Day } from '../day.ts';
import { dayToNumber } from '../day.ts';
import type { LifecycleStatus } from '../types.ts';
import { LIFECYCLE_STATUSES } from '../types.ts';

/** Index of each status in `LIFECYCLE_STATUSES` (the code stored in Uint8 columns). */
export const STATUS_CODE: Readonly<Record<LifecycleStatus, number>> = {
  lead: 0,
  newbie: 1,
  fan: 2,
  sleeping: 3,
  lost: 4,
};

export function statusOfCode(code: number): LifecycleStatus {
  const s = LIFECYCLE_STATUSES[code];
  if (s === undefined) throw new RangeError(`not a lifecycle status code: ${code}`);
  return s;
}

/**
 * Status code from purchase data (the one implementation of the table; the hot paths call it).
 * `cycle` NaN = null cycle.
 */
export function statusCodeFor(
  purchaseDays: number,
  daysSinceLast: number,
  cycle: number,
  lostMultiplier: number,
): number {
  if (purchaseDays === 0) return STATUS_CODE.lead;
  if (Number.isNaN(cycle) || daysSinceLast <= cycle)
    return purchaseDays === 1 ? STATUS_CODE.newbie : STATUS_CODE.fan;
  if (daysSinceLast <= lostMultiplier * cycle) return STATUS_CODE.sleeping;
  return STATUS_CODE.lost;
}

/** Status from purchase data. */
export function statusFromPurchases(
  purchaseDays: number,
  daysSinceLast: number | null,
  cycle: number | null,
  lostMultiplier: number,
): LifecycleStatus {
  if (purchaseDays > 0 && daysSinceLast === null)
    throw new RangeError('purchases without a last purchase day');
  return statusOfCode(statusCodeFor(purchaseDays, daysSinceLast ?? 0, cycle ?? Number.NaN, lostMultiplier));
}

export interface ManualStatus {
  status: LifecycleStatus;
  /** Day the status was set. */
  day: Day;
  /** Instant (epoch ms) it was set, when known. */
  at?: number | null;
}

/**
 * Whether a manual mark set on (manualDay, manualAt) is in force as of `asOf`, given the last
 * purchase up to `asOf` (lastDay NaN/null = none). Epoch days; manualAt +∞ = end of the day.
 */
export function manualInForce(
  manualDay: number,
  manualAt: number,
  lastDay: number,
  lastAt: number,
  asOf: number,
): boolean {
  if (manualDay > asOf) return false;
  if (Number.isNaN(lastDay)) return true;
  if (lastDay > manualDay) return false;
  return !(lastDay === manualDay && lastAt > manualAt);
}

export interface StatusInput {
  asOf: Day;
  /** Number of distinct purchase days up to A. */
  purchaseDays: number;
  lastPurchaseDay: Day | null;
  /** Instant of the last purchase up to A (only matters against a same-day manual mark). */
  lastPurchaseAt?: number | null;
  /** `C_c`. */
  cycle: number | null;
  lostMultiplier: number;
  manual?: ManualStatus | null;
}

export interface StatusResult {
  status: LifecycleStatus;
  /** True when the status is a manual override in force. */
  manual: boolean;
}

/** Status as of A, manual override included. */
export function lifecycleStatus(input: StatusInput): StatusResult {
  const asOf = dayToNumber(input.asOf);
  const last = input.lastPurchaseDay === null ? Number.NaN : dayToNumber(input.lastPurchaseDay);
  if (input.manual) {
    const at = input.manual.at ?? Number.POSITIVE_INFINITY;
    if (manualInForce(dayToNumber(input.manual.day), at, last, input.lastPurchaseAt ?? 0, asOf)) {
      return { status: input.manual.status, manual: true };
    }
  }
  const since = Number.isNaN(last) ? null : asOf - last;
  return {
    status: statusFromPurchases(input.purchaseDays, since, input.cycle, input.lostMultiplier),
    manual: false,
  };
}

/** Why a status changed, for the status log. */
export type StatusChangeReason = 'purchase' | 'cycle_passed' | 'manual' | 'recalculated';

/** Order of decay without a purchase: newbie/fan → sleeping → lost. */
const DECAY_RANK: Readonly<Record<LifecycleStatus, number>> = {
  lead: 0,
  newbie: 1,
  fan: 1,
  sleeping: 2,
  lost: 3,
};

/**
 * The reason for a change from `previous` to `next` (null when unchanged):
 * - `manual` — someone set the status by hand;
 * - `purchase` — a purchase arrived since the previous evaluation (it also clears a manual mark);
 * - `cycle_passed` — no purchase, time passed: newbie/fan → sleeping → lost;
 * - `recalculated` — anything else (an order cancelled or refunded, the cycle setting changed,
 *   a manual mark removed), i.e. a change time alone cannot cause.
 */
export function statusChangeReason(
  previous: LifecycleStatus,
  next: LifecycleStatus,
  cause: { manual?: boolean; purchase?: boolean } = {},
): StatusChangeReason | null {
  if (previous === next) return null;
  if (cause.manual) return 'manual';
  if (cause.purchase) return 'purchase';
  if (previous !== 'lead' && DECAY_RANK[next] > DECAY_RANK[previous]) return 'cycle_passed';
  return 'recalculated';
}

/**
 * A purchase by a customer whose status just before it (manual override included) was
 * sleeping or lost is a "returned" event.
 */
export function isReturn(statusBeforePurchase: LifecycleStatus): boolean {
  return statusBeforePurchase === 'sleeping' || statusBeforePurchase === 'lost';
}
