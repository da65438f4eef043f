import { z } from 'zod';
import { addDays } from '../day.ts';
import { isTimeZone, utcToZonedDay, zonedWallTimeToUtc } from '../import/values.ts';
import {
  type MessageChannel,
  type MessagePurpose,
  MS_PER_DAY,
  messageChannelSchema,
  messagePurposeSchema,
} from './channel.ts';

/**
 * The contact budget (PRODUCT.md C7): one budget per customer across all campaigns and
 * automations. Frequency caps over rolling windows, quiet hours in the customer's own time
 * zone, and deferral instead of a silent drop: a message that does not fit now is moved
 * to the earliest instant every rule allows, and skipped only when that instant is past
 * its expiry — with the reason. Transactional messages bypass caps and quiet hours.
 *
 * All instants are epoch ms; the caller passes `now`.
 */

/**
 * A frequency cap: at most `max` counted messages in any rolling window of `perDays` × 24 h.
 * `channel` absent = across channels. `purpose` says which sent messages count: default
 * 'marketing'; 'any' makes transactional touches count too (an order confirmation SMS uses
 * up the day's SMS), though transactional messages themselves are never held back.
 */
export interface CapRule {
  purpose?: MessagePurpose | 'any';
  channel?: MessageChannel;
  max: number;
  perDays: number;
}

/** Quiet hours as local wall times `HH:MM`, [from, to); `from` > `to` crosses midnight. */
export interface QuietHours {
  from: string;
  to: string;
}

export interface BudgetRules {
  caps: readonly CapRule[];
  quietHours: QuietHours | null;
}

const HM_RE = /^([01]\d|2[0-3]):([0-5]\d)$/;

export const capRuleSchema = z.object({
  purpose: z.union([messagePurposeSchema, z.literal('any')]).optional(),
  channel: messageChannelSchema.optional(),
  max: z.number().int().min(0).max(1000),
  perDays: z.number().positive().max(366),
});
export const quietHoursSchema = z.object({
  from: z.string().regex(HM_RE, 'HH:MM'),
  to: z.string().regex(HM_RE, 'HH:MM'),
});
export const budgetRulesSchema = z.object({
  caps: z.array(capRuleSchema).max(50),
  quietHours: quietHoursSchema.nullable(),
});

/** A sensible default: 2 marketing messages a week, 1 SMS a day, quiet 21:00–09:00. */
export const DEFAULT_BUDGET_RULES: BudgetRules = {
  caps: [
    { purpose: 'marketing', max: 2, perDays: 7 },
    { channel: 'sms', max: 1, perDays: 1 },
  ],
  quietHours: { from: '21:00', to: '09:00' },
};

/** A message already sent or already scheduled to this customer (future instants count). */
export interface SentTouch {
  at: number;
  channel: MessageChannel;
  purpose: MessagePurpose;
}

export interface SlotCandidate {
  channel: MessageChannel;
  purpose: MessagePurpose;
  /** Higher goes first when several messages compete for one budget (planBatch). */
  priority: number;
  /** Earliest instant the message may go out. */
  notBefore: number;
  /** Latest instant it still makes sense; null = never expires. */
  expiresAt: number | null;
}

/** Why a message cannot go at some instant, and until when that holds. */
export type BudgetHold =
  | { kind: 'not_before'; until: number }
  | { kind: 'cap'; rule: CapRule; until: number }
  | { kind: 'quiet_hours'; until: number };

/**
 * - `expired`: the earliest allowed instant is after `expiresAt`.
 * - `never_allowed`: a cap with `max: 0` applies (the rule forbids this kind of message).
 * - `no_slot`: no instant found within the search limit (a defensive bound; real rules and
 *   histories do not reach it).
 */
export type BudgetSkipReason = 'expired' | 'never_allowed' | 'no_slot';

export type SlotDecision =
  | { decision: 'now'; at: number }
  | { decision: 'defer'; until: number; holds: BudgetHold[] }
  | { decision: 'skip'; reason: BudgetSkipReason; wouldBeAt: number | null; holds: BudgetHold[] };

/** The customer's zone when it is a valid IANA name, else the workspace zone. */
export function customerTimeZone(customerZone: string | null | undefined, workspaceZone: string): string {
  return customerZone && isTimeZone(customerZone) ? customerZone : workspaceZone;
}

function minutesOf(hm: string): number {
  const m = HM_RE.exec(hm);
  if (!m) throw new RangeError(`not a time of day (HH:MM): ${hm}`);
  return Number(m[1]) * 60 + Number(m[2]);
}

function wall(day: string, minutes: number, timeZone: string): number {
  return zonedWallTimeToUtc(
    Number(day.slice(0, 4)),
    Number(day.slice(5, 7)),
    Number(day.slice(8, 10)),
    Math.floor(minutes / 60),
    minutes % 60,
    0,
    timeZone,
  );
}

const wallClocks = new Map<string, Intl.DateTimeFormat>();

/** Seconds since local midnight of the instant `at` in `timeZone` (Intl; one formatter per zone). */
export function localSecondOfDay(at: number, timeZone: string): number {
  let fmt = wallClocks.get(timeZone);
  if (fmt === undefined) {
    fmt = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    if (wallClocks.size > 500) wallClocks.clear();
    wallClocks.set(timeZone, fmt);
  }
  let h = 0;
  let m = 0;
  let sec = 0;
  for (const p of fmt.formatToParts(at)) {
    if (p.type === 'hour') h = Number(p.value);
    else if (p.type === 'minute') m = Number(p.value);
    else if (p.type === 'second') sec = Number(p.value);
  }
  return h * 3600 + m * 60 + sec;
}

/**
 * When `at` falls inside quiet hours in `timeZone`, the instant they end; otherwise null.
 *
 * Quiet hours are read off the local wall clock: an instant is quiet when its local time
 * is in [from, to) (with `from` > `to` the window crosses midnight). So 21:00–09:00 stays
 * 21:00–09:00 local across DST changes (the night is an hour shorter or longer); a
 * boundary inside a DST gap takes effect when the clock jumps past it; a repeated hour
 * inside the window is quiet both times. `from` = `to` means no quiet hours.
 */
export function quietHoursEnd(at: number, quiet: QuietHours | null, timeZone: string): number | null {
  if (quiet === null) return null;
  const from = minutesOf(quiet.from) * 60;
  const to = minutesOf(quiet.to) * 60;
  if (from === to) return null;
  const inQuiet = (s: number) => (from < to ? s >= from && s < to : s >= from || s < to);
  const s = localSecondOfDay(at, timeZone);
  if (!inQuiet(s)) return null;
  const day = utcToZonedDay(at, timeZone);
  const endDay = from > to && s >= from ? addDays(day, 1) : day;
  const end = wall(endDay, to / 60, timeZone);
  if (end > at && localSecondOfDay(end, timeZone) === to) return end;
  // DST: `to` is skipped by a gap or repeated by an overlap; walk the clock minute by minute.
  let t = Math.floor(at / 60_000) * 60_000 + 60_000;
  for (let i = 0; i < 3 * 1440; i++, t += 60_000) {
    if (!inQuiet(localSecondOfDay(t, timeZone))) return t;
  }
  return end;
}

function capApplies(rule: CapRule, c: { channel: MessageChannel; purpose: MessagePurpose }): boolean {
  if (c.purpose === 'transactional') return false;
  const p = rule.purpose ?? 'marketing';
  if (p === 'transactional') return false;
  return rule.channel === undefined || rule.channel === c.channel;
}

function capCounts(rule: CapRule, h: SentTouch): boolean {
  const p = rule.purpose ?? 'marketing';
  if (p !== 'any' && h.purpose !== p) return false;
  return rule.channel === undefined || rule.channel === h.channel;
}

/**
 * For one rule and the sorted instants it counts: null when a message at `t` keeps every
 * rolling window (x − W, x] at ≤ max messages, otherwise the next instant at which a
 * counted message leaves a window around `t` (the earliest moment the rule may allow it).
 *
 * Windows are half-open: a message sent at `a` stops counting at exactly `a + W`.
 * Future instants (already scheduled messages) count too, so a plan never overfills a
 * window from either side.
 */
export function capBlockedUntil(
  times: readonly number[],
  t: number,
  max: number,
  windowMs: number,
): number | null {
  // Messages that share a window with t: t − W < a < t + W (and a = t).
  let lo = 0;
  while (lo < times.length && times[lo]! <= t - windowMs) lo++;
  let hi = lo;
  while (hi < times.length && times[hi]! < t + windowMs) hi++;
  if (hi - lo < max) return null;
  // Window ending at t, then windows ending at each later message within reach.
  let ok = countIn(times, lo, hi, t - windowMs, t) + 1 <= max;
  for (let i = lo; ok && i < hi; i++) {
    const x = times[i]!;
    if (x <= t) continue;
    ok = countIn(times, lo, hi, x - windowMs, x) + 1 <= max;
  }
  if (ok) return null;
  let next = Number.POSITIVE_INFINITY;
  for (let i = lo; i < hi; i++) {
    const leaves = times[i]! + windowMs;
    if (leaves > t && leaves < next) next = leaves;
  }
  return next;
}

function countIn(times: readonly number[], lo: number, hi: number, after: number, upTo: number): number {
  let n = 0;
  for (let i = lo; i < hi; i++) {
    const a = times[i]!;
    if (a > after && a <= upTo) n++;
  }
  return n;
}

const MAX_STEPS = 10_000;

/**
 * The earliest instant a message may go to this customer under every rule.
 *
 * Starts at max(now, notBefore); a cap that is full moves it to when the counted message
 * that frees the window leaves it; quiet hours move it to their end; repeats until all
 * rules agree. `now` when that is `now`, `defer` with `until` and the holds that pushed it,
 * `skip` only when that instant is after `expiresAt` (or a rule has max 0).
 *
 * @example
 * // 2 marketing per 7 days, both used on 1 and 3 March at 12:00 UTC → the 3rd waits
 * // until 8 March 12:00 UTC, when the 1 March message leaves the window.
 */
export function nextAllowedSlot(
  history: readonly SentTouch[],
  candidate: SlotCandidate,
  rules: BudgetRules,
  timeZone: string,
  now: number,
): SlotDecision {
  const holds = new Map<string, BudgetHold>();
  let t = now;
  if (candidate.notBefore > t) {
    t = candidate.notBefore;
    holds.set('not_before', { kind: 'not_before', until: t });
  }
  const expired = (at: number) => candidate.expiresAt !== null && at > candidate.expiresAt;
  const list = () => [...holds.values()];
  if (candidate.purpose === 'transactional') {
    if (expired(t)) return { decision: 'skip', reason: 'expired', wouldBeAt: t, holds: list() };
    return t === now ? { decision: 'now', at: t } : { decision: 'defer', until: t, holds: list() };
  }

  const caps = rules.caps
    .map((rule, index) => ({ rule, index }))
    .filter(({ rule }) => capApplies(rule, candidate));
  for (const { rule } of caps) {
    if (rule.max <= 0) {
      return {
        decision: 'skip',
        reason: 'never_allowed',
        wouldBeAt: null,
        holds: [{ kind: 'cap', rule, until: Number.POSITIVE_INFINITY }],
      };
    }
  }
  const counted = caps.map(({ rule }) =>
    history
      .filter((h) => capCounts(rule, h))
      .map((h) => h.at)
      .sort((a, b) => a - b),
  );

  if (expired(t)) return { decision: 'skip', reason: 'expired', wouldBeAt: t, holds: list() };
  for (let step = 0; step < MAX_STEPS; step++) {
    let moved = false;
    for (let i = 0; i < caps.length; i++) {
      const { rule, index } = caps[i]!;
      const until = capBlockedUntil(counted[i]!, t, rule.max, rule.perDays * MS_PER_DAY);
      if (until !== null) {
        t = until;
        holds.set(`cap:${index}`, { kind: 'cap', rule, until });
        moved = true;
      }
    }
    const quietEnd = quietHoursEnd(t, rules.quietHours, timeZone);
    if (quietEnd !== null) {
      t = quietEnd;
      holds.set('quiet_hours', { kind: 'quiet_hours', until: quietEnd });
      moved = true;
    }
    if (!moved) {
      if (expired(t)) return { decision: 'skip', reason: 'expired', wouldBeAt: t, holds: list() };
      return t === now ? { decision: 'now', at: t } : { decision: 'defer', until: t, holds: list() };
    }
  }
  return { decision: 'skip', reason: 'no_slot', wouldBeAt: null, holds: list() };
}

// ---------------------------------------------------------------------------------------
// Campaign allocation and the budget preview

export interface BatchCustomer {
  customerId: string;
  /** The customer's IANA zone; null or invalid → the workspace zone. */
  timeZone: string | null;
  /** Messages already sent or scheduled to this customer, by every campaign. */
  history: readonly SentTouch[];
}

export interface BatchMessage extends SlotCandidate {
  id: string;
  customerId: string;
  /** Tie-break after priority: earlier created goes first. */
  createdAt: number;
}

export interface BatchInput {
  customers: readonly BatchCustomer[];
  messages: readonly BatchMessage[];
  workspaceTimeZone: string;
}

export interface PlannedMessage {
  id: string;
  customerId: string;
  channel: MessageChannel;
  purpose: MessagePurpose;
  priority: number;
  slot: SlotDecision;
  /** When it goes out (now or the deferral instant); null when skipped. */
  sendAt: number | null;
}

export interface BudgetPreview {
  total: number;
  now: number;
  deferred: number;
  skipped: number;
  /** Deferred messages by what held them (one message may count under several). */
  deferredBy: { not_before: number; cap: number; quiet_hours: number };
  skippedBy: Record<BudgetSkipReason, number>;
}

export interface BatchPlan {
  /** In the order of `input.messages`. */
  messages: PlannedMessage[];
  preview: BudgetPreview;
}

/**
 * Allocate messages against each customer's budget: per customer, higher priority first,
 * then earlier created, then input order; every placed message becomes part of the
 * customer's history for the next one, so the plan as a whole never breaks a cap or
 * lands in quiet hours. Returns per message now / defer / skip and the preview counts
 * ("120 now, 40 deferred (caps 30, quiet hours 12), 3 excluded: expired").
 */
export function planBatch(input: BatchInput, rules: BudgetRules, now: number): BatchPlan {
  const customers = new Map<string, BatchCustomer>();
  for (const c of input.customers) customers.set(c.customerId, c);
  const byCustomer = new Map<string, { message: BatchMessage; index: number }[]>();
  input.messages.forEach((message, index) => {
    const list = byCustomer.get(message.customerId);
    if (list) list.push({ message, index });
    else byCustomer.set(message.customerId, [{ message, index }]);
  });

  const out: PlannedMessage[] = new Array(input.messages.length);
  for (const [customerId, list] of byCustomer) {
    const customer = customers.get(customerId);
    const zone = customerTimeZone(customer?.timeZone, input.workspaceTimeZone);
    const history: SentTouch[] = [...(customer?.history ?? [])];
    list.sort(
      (a, b) =>
        b.message.priority - a.message.priority ||
        a.message.createdAt - b.message.createdAt ||
        a.index - b.index,
    );
    for (const { message, index } of list) {
      const slot = nextAllowedSlot(history, message, rules, zone, now);
      const sendAt = slot.decision === 'now' ? slot.at : slot.decision === 'defer' ? slot.until : null;
      if (sendAt !== null) history.push({ at: sendAt, channel: message.channel, purpose: message.purpose });
      out[index] = {
        id: message.id,
        customerId,
        channel: message.channel,
        purpose: message.purpose,
        priority: message.priority,
        slot,
        sendAt,
      };
    }
  }
  return { messages: out, preview: previewOf(out) };
}

export function previewOf(messages: readonly PlannedMessage[]): BudgetPreview {
  const p: BudgetPreview = {
    total: messages.length,
    now: 0,
    deferred: 0,
    skipped: 0,
    deferredBy: { not_before: 0, cap: 0, quiet_hours: 0 },
    skippedBy: { expired: 0, never_allowed: 0, no_slot: 0 },
  };
  for (const m of messages) {
    const s = m.slot;
    if (s.decision === 'now') p.now++;
    else if (s.decision === 'defer') {
      p.deferred++;
      for (const kind of new Set(s.holds.map((h) => h.kind))) p.deferredBy[kind]++;
    } else {
      p.skipped++;
      p.skippedBy[s.reason]++;
    }
  }
  return p;
}
