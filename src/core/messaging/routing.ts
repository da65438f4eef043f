import type { MessageChannel, MessagePurpose } from './channel.ts';
import { type ConsentEntry, type ConsentState, consentState } from './consent.ts';

/**
 * Channel routing (PRODUCT.md C7): the customer's own channel first, then the workspace
 * cascade. Every channel considered is kept in the route with the reasons it was skipped,
 * so the UI can answer "why did this go by SMS and not Telegram?".
 */

export interface RoutingCustomer {
  /** Address per channel (E.164 phone for sms/whatsapp, chat id, e-mail…); absent/null/'' = none. */
  addresses: Partial<Record<MessageChannel, string | null>>;
  preferredChannel: MessageChannel | null;
  /** When the preference was set; null = unknown (an explicit preference then wins). */
  preferredAt: number | null;
  /** The channel the customer last wrote to us from. */
  lastInbound: { channel: MessageChannel; at: number } | null;
  consent: readonly ConsentEntry[];
}

export interface RoutingSettings {
  /** The workspace fallback order, e.g. telegram → whatsapp → sms → email. */
  cascade: readonly MessageChannel[];
  /** Channels the workspace has configured and switched on; others are `disabled`. */
  enabled: readonly MessageChannel[];
  /** Price of one message per channel in minor units; absent = free. SMS is per segment. */
  costMinor: Partial<Record<MessageChannel, number>>;
  /** Ceiling per message in minor units; null = no ceiling. */
  maxCostMinor: number | null;
}

export interface RouteOptions {
  /** Segments of the SMS body (sms.ts `countSms`); the SMS price is per segment. Default 1. */
  smsSegments?: number;
}

export type RouteSkipReason = 'disabled' | 'no_address' | 'no_consent' | 'over_cost' | 'failed';
export type RouteOrigin = 'preferred' | 'last_inbound' | 'cascade';
export type DeliveryFailure =
  | 'refused'
  | 'undelivered'
  | 'invalid_address'
  | 'blocked_by_recipient'
  | 'error';

export interface RouteStep {
  channel: MessageChannel;
  origin: RouteOrigin;
  costMinor: number;
  /** Consent at `at` for the route's purpose; null for a failure reported outside the route. */
  consent: ConsentState | null;
  /** Empty when the channel can be used (until it fails). */
  skipped: RouteSkipReason[];
  /** Set when a send on this channel failed (nextChannelAfterFailure). */
  failure: DeliveryFailure | null;
}

export interface Route {
  purpose: MessagePurpose;
  at: number;
  /** Every channel considered, in the order tried. */
  steps: RouteStep[];
  /** The channel to use now; null when none is left (`steps` say why). */
  channel: MessageChannel | null;
}

/** Order: the more recent of preference and last inbound channel, then the other, then the cascade. */
function orderedChannels(customer: RoutingCustomer, settings: RoutingSettings) {
  const out: { channel: MessageChannel; origin: RouteOrigin }[] = [];
  const add = (channel: MessageChannel, origin: RouteOrigin) => {
    if (!out.some((s) => s.channel === channel)) out.push({ channel, origin });
  };
  const pref = customer.preferredChannel;
  const inbound = customer.lastInbound;
  const inboundFirst =
    inbound !== null &&
    (pref === null || (customer.preferredAt !== null && inbound.at > customer.preferredAt));
  if (inbound && inboundFirst) add(inbound.channel, 'last_inbound');
  if (pref) add(pref, 'preferred');
  if (inbound) add(inbound.channel, 'last_inbound');
  for (const c of settings.cascade) add(c, 'cascade');
  return out;
}

function hasAddress(customer: RoutingCustomer, channel: MessageChannel): boolean {
  const a = customer.addresses[channel];
  return typeof a === 'string' && a.trim() !== '';
}

/**
 * Choose the channel for one message: the customer's preferred channel (or the one they
 * last wrote from, when that is more recent than the preference), then the workspace
 * cascade; a channel is skipped when it is disabled, the customer has no address there,
 * there is no consent for the purpose at `at`, or one message costs more than the ceiling.
 *
 * @example
 * planRoute(customer, 'marketing', { cascade: ['telegram', 'sms', 'email'], … }, now)
 * // → { channel: 'sms', steps: [{ channel: 'telegram', skipped: ['no_address'] }, …] }
 */
export function planRoute(
  customer: RoutingCustomer,
  purpose: MessagePurpose,
  settings: RoutingSettings,
  at: number,
  options: RouteOptions = {},
): Route {
  const steps: RouteStep[] = orderedChannels(customer, settings).map(({ channel, origin }) => {
    const unit = settings.costMinor[channel] ?? 0;
    const costMinor = channel === 'sms' ? unit * Math.max(1, options.smsSegments ?? 1) : unit;
    const consent = consentState(customer.consent, channel, purpose, at);
    const skipped: RouteSkipReason[] = [];
    if (!settings.enabled.includes(channel)) skipped.push('disabled');
    if (!hasAddress(customer, channel)) skipped.push('no_address');
    if (!consent.allowed) skipped.push('no_consent');
    if (settings.maxCostMinor !== null && costMinor > settings.maxCostMinor) skipped.push('over_cost');
    return { channel, origin, costMinor, consent, skipped, failure: null };
  });
  return { purpose, at, steps, channel: firstUsable(steps) };
}

function firstUsable(steps: readonly RouteStep[]): MessageChannel | null {
  return steps.find((s) => s.skipped.length === 0)?.channel ?? null;
}

/**
 * The route after a send on `failedChannel` was refused or not delivered: that step is
 * marked `failed` with the reason and the next usable channel in the order takes over
 * (null when the cascade is exhausted). A failure on a channel outside the route is
 * recorded as a new step so the explanation stays complete. Does not mutate `route`.
 */
export function nextChannelAfterFailure(
  route: Route,
  failedChannel: MessageChannel,
  reason: DeliveryFailure,
): Route {
  let found = false;
  const steps = route.steps.map((s) => {
    if (s.channel !== failedChannel) return s;
    found = true;
    const skipped: RouteSkipReason[] = s.skipped.includes('failed') ? s.skipped : [...s.skipped, 'failed'];
    return { ...s, skipped, failure: reason };
  });
  if (!found) {
    steps.push({
      channel: failedChannel,
      origin: 'cascade',
      costMinor: 0,
      consent: null,
      skipped: ['failed'],
      failure: reason,
    });
  }
  return { ...route, steps, channel: firstUsable(steps) };
}

/** Skipped steps with their reasons, for a "why" line in the UI. */
export function routeExplanation(
  route: Route,
): { channel: MessageChannel; reasons: RouteSkipReason[]; failure: DeliveryFailure | null }[] {
  return route.steps
    .filter((s) => s.skipped.length > 0)
    .map((s) => ({ channel: s.channel, reasons: s.skipped, failure: s.failure }));
}
