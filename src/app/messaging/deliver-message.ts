/**
 * Delivery (PRODUCT.md C7): due messages of the outbox go out through their channel.
 *
 * Two steps, so a queue can sit between them (jobs/delivery.ts puts pg-boss there):
 * 1. `claimDue`: due messages (queued or deferred with `send_after` passed, or `sending` with an
 *    expired lease — a worker died mid-send) become `sending` under a new attempt number and a
 *    lease, in one transaction (the queue job is inserted in the same transaction).
 * 2. `deliverClaimed`: a worker takes the attempts still current (a job handed out twice is
 *    sent once), checks again (expired → skipped; consent withdrawn since planning → skipped,
 *    then the next channel), renders the template, calls `channel.send` with the message's
 *    idempotency key, and records the outcome with the status change in one transaction:
 *    sent (+ timeline), retry later (`deferred`, respecting the provider's Retry-After, with
 *    backoff), or failed — and then the next channel of the route as a new message linked by
 *    `parent_id` (nextChannelAfterFailure).
 *
 * A crash between the provider call and the commit leaves the row `sending`; when its lease
 * ends it is claimed again and sent with the same idempotency key: no duplicate where the
 * provider dedupes on it (Twilio, VK, the webhook), at most one repeat elsewhere, never a loss.
 */
import type { OutboundMessage, SendResult } from '../../channels/index.ts';
import { nextAllowedSlot } from '../../core/messaging/budget.ts';
import {
  isMessageChannel,
  type MessageChannel,
  type MessagePurpose,
  MS_PER_DAY,
} from '../../core/messaging/channel.ts';
import { type ConsentEntry, consentState } from '../../core/messaging/consent.ts';
import { type DeliveryFailure, nextChannelAfterFailure, planRoute } from '../../core/messaging/routing.ts';
import { resolveSettings, type Settings } from '../../core/settings.ts';
import type { Database, Sql } from '../../storage/connect.ts';
import {
  getCampaigns,
  loadMessagingCustomers,
  type MessagingCustomer,
} from '../../storage/queries/campaigns.ts';
import { listChannelConfigs } from '../../storage/queries/channel-configs.ts';
import { loadConsents } from '../../storage/queries/consents.ts';
import { type EventInsert, insertEvents } from '../../storage/queries/events.ts';
import {
  type ClaimRef,
  chainChannels,
  claimDueMessages,
  countPendingMessages,
  insertMessageEvents,
  insertMessages,
  loadBudgetHistory,
  type MessageEventInsert,
  type MessageInsert,
  type MessageOutcome,
  type OutboxMessage,
  pickMessages,
  recordOutcomes,
} from '../../storage/queries/messages.ts';
import { loadSettings } from '../../storage/queries/settings.ts';
import {
  type ChannelPool,
  type LoadedChannel,
  loadMessagingSettingsOf,
  type MessagingSettings,
} from './channel-settings.ts';
import {
  type Campaign,
  campaignOf,
  channelPolicySchema,
  historyWindowMs,
  routeExplanationData,
  routingCustomerOf,
  routingSettingsOf,
  templateFor,
  touchesOf,
} from './send-campaign.ts';
import {
  currencyOf,
  type MessageTemplate,
  mjmlToHtml,
  type RenderedMessage,
  renderForChannel,
  renderLiquid,
  type TemplateContext,
} from './templates.ts';
import { addTracking, unsubscribeUrl } from './tracking.ts';

export type { ClaimRef, Sql };

export interface DeliveryDeps {
  /** The instance secret key: tracking and unsubscribe links are signed with it. */
  key: Buffer;
  /** Public base URL of this instance, for tracking and unsubscribe links. */
  publicUrl: string;
  pool: ChannelPool;
  /** Epoch ms (tests drive time with it). */
  now?: () => number;
  /** How long an attempt may take before it is claimed again (default 5 minutes). */
  leaseMs?: number;
  /** Attempts on one channel before a retryable failure counts as final (default 6). */
  maxAttempts?: number;
  /** Provider calls in flight at once per batch (default 64). */
  concurrency?: number;
  /** Only these workspaces' messages (a worker per group of workspaces; tests). Default: all. */
  workspaceIds?: readonly number[];
}

const DEFAULT_LEASE_MS = 5 * 60_000;
const clock = (deps: Pick<DeliveryDeps, 'now'>) => (deps.now ?? Date.now)();

/**
 * Claims up to `limit` due messages for a new attempt. `onClaimed` runs inside the claiming
 * transaction (the queue inserts its jobs there, so a claim and its job commit together).
 */
export async function claimDue(
  db: Database,
  deps: Pick<DeliveryDeps, 'now' | 'leaseMs' | 'workspaceIds'>,
  limit: number,
  onClaimed?: (tx: Sql, refs: ClaimRef[]) => Promise<void>,
): Promise<ClaimRef[]> {
  const now = clock(deps);
  return db.transaction(async (tx) => {
    const refs = await claimDueMessages(
      tx,
      new Date(now),
      new Date(now + (deps.leaseMs ?? DEFAULT_LEASE_MS)),
      limit,
      deps.workspaceIds ?? null,
    );
    if (refs.length > 0 && onClaimed) await onClaimed(tx, refs);
    return refs;
  });
}

export interface DeliveryCounts {
  /** Claims this worker took (others were stale or taken by another worker). */
  picked: number;
  sent: number;
  retried: number;
  failed: number;
  skipped: number;
  /** New messages on the next channel after a failure. */
  cascaded: number;
}

/** Claim and deliver in this process, without a queue (tests, a one-shot run). */
export async function deliverDue(db: Database, deps: DeliveryDeps, limit = 500): Promise<DeliveryCounts> {
  const refs = await claimDue(db, deps, limit);
  return deliverClaimed(db, deps, refs);
}

// ---------------------------------------------------------------------------------------
// Workspace data a batch needs, loaded once per batch

interface WorkspaceData {
  settings: Settings;
  messaging: MessagingSettings;
  channels: Map<MessageChannel, LoadedChannel>;
  campaigns: Map<number, Campaign>;
  customers: Map<number, MessagingCustomer>;
  consents: Map<number, ConsentEntry[]>;
}

async function loadWorkspaceData(
  sql: Sql,
  pool: ChannelPool,
  workspaceId: number,
  messages: readonly OutboxMessage[],
): Promise<WorkspaceData> {
  const customerIds = [...new Set(messages.map((m) => m.customerId))];
  const campaignIds = [...new Set(messages.flatMap((m) => (m.campaignId === null ? [] : [m.campaignId])))];
  const [stored, messaging, channels, campaigns, customers, consents] = await Promise.all([
    loadSettings(sql, workspaceId),
    loadMessagingSettingsOf(sql, workspaceId),
    pool.workspace(sql, workspaceId),
    getCampaigns(sql, workspaceId, campaignIds),
    loadMessagingCustomers(sql, workspaceId, customerIds),
    loadConsents(sql, workspaceId, customerIds),
  ]);
  return {
    settings: resolveSettings(stored),
    messaging,
    channels,
    campaigns: new Map(campaigns.map((c) => [c.id, campaignOf(c)])),
    customers,
    consents,
  };
}

/** The campaign a message belongs to, or a stand-in built from the message's own template. */
function campaignFor(
  message: OutboxMessage,
  data: WorkspaceData,
): Pick<Campaign, 'templates' | 'channelPolicy' | 'context'> {
  const c = message.campaignId !== null ? data.campaigns.get(message.campaignId) : undefined;
  if (c) return c;
  const t = message.template as MessageTemplate | null;
  return {
    templates: t ? { default: { ...t, purpose: message.purpose as MessagePurpose } } : {},
    channelPolicy: channelPolicySchema.parse({}),
    context: {},
  };
}

// ---------------------------------------------------------------------------------------
// Rendering

/** Template variables for one customer (campaign `context` groups merge over the defaults). */
export function templateContext(
  customer: MessagingCustomer | undefined,
  settings: Settings,
  extra: Record<string, unknown>,
  unsubscribe: string | null,
): TemplateContext {
  const name = customer?.name ?? null;
  const business = (extra.business ?? {}) as Record<string, unknown>;
  return {
    ...extra,
    customer: {
      id: customer?.id,
      name,
      first_name: name ? (name.trim().split(/\s+/)[0] ?? null) : null,
      status: customer?.status ?? null,
      next_expected_on: customer?.nextExpectedOn ?? null,
      ...((extra.customer ?? {}) as Record<string, unknown>),
    },
    business: { name: settings.business_name, currency: settings.currency, ...business },
    unsubscribe_url: unsubscribe,
  };
}

/**
 * A template's text parts for a channel. templates.ts keeps Liquid parsed once per source, so
 * this is the same render the editor's preview gives, at delivery speed.
 */
async function renderText(
  t: MessageTemplate,
  ctx: TemplateContext,
  channel: MessageChannel,
): Promise<RenderedMessage | null> {
  const r = await renderForChannel(t, ctx, channel);
  return r.ok ? r.value : null;
}

const OPEN = '\uE000';
const CLOSE = '\uE001';
/** Compiled MJML by its shape (the Liquid-rendered MJML with every output replaced by a slot). */
const shapes = new Map<string, Promise<string | null>>();
/** Per MJML source: does the shape path give exactly what templates.ts gives? */
const verdicts = new Map<string, Promise<boolean>>();

/**
 * E-mail HTML without compiling MJML per message (MJML takes ~8 ms; a campaign's messages
 * differ only in what Liquid outputs): Liquid runs per message with every `{{ … }}` output
 * fenced, the fenced values are lifted out, the rest (the shape: layout plus whichever
 * branches the tags chose) is compiled once, and the values are put back. The first message
 * of each template is also rendered the slow way and the shape path is used only when both agree.
 */
async function fastEmailHtml(t: MessageTemplate, ctx: TemplateContext): Promise<string | null | undefined> {
  const mjml = t.mjml!;
  const currency = currencyOf(ctx);
  let rendered: string;
  try {
    const fenced = mjml.replace(/\{\{[\s\S]*?\}\}/g, (m) => `${OPEN}${m}${CLOSE}`);
    rendered = renderLiquid(fenced, ctx, t.language, currency, true);
  } catch {
    return undefined;
  }
  const values: string[] = [];
  const shape = rendered.replace(
    /\uE000([^\uE000\uE001]*)\uE001/g,
    (_m, v: string) => `${OPEN}${values.push(v) - 1}${CLOSE}`,
  );
  if (shape.includes(OPEN) && /\uE000(?!\d+\uE001)/.test(shape)) return undefined;
  let compiled = shapes.get(shape);
  if (!compiled) {
    if (shapes.size > 2000) shapes.clear();
    compiled = mjmlToHtml(shape).then((r) => r.html);
    shapes.set(shape, compiled);
  }
  const html = await compiled;
  if (html === null) return undefined;
  let broken = false;
  const out = html.replace(/\uE000(\d+)\uE001/g, (_m, i: string) => {
    const v = values[Number(i)];
    if (v === undefined) broken = true;
    return v ?? '';
  });
  return broken || out.includes(OPEN) ? undefined : out;
}

async function renderEmail(template: MessageTemplate, ctx: TemplateContext): Promise<RenderedMessage | null> {
  // The SMS part is not used by e-mail: not rendered (and its mistakes do not stop the e-mail).
  const t = { ...template, sms: undefined };
  if (t.mjml === undefined) return renderText(t, ctx, 'email');
  const textPart = await renderText({ ...t, mjml: undefined }, ctx, 'email');
  if (!textPart) return null;
  let verdict = verdicts.get(t.mjml);
  if (!verdict) {
    if (verdicts.size > 500) verdicts.clear();
    verdict = (async () => {
      const [fast, slow] = await Promise.all([fastEmailHtml(t, ctx), renderForChannel(t, ctx, 'email')]);
      return slow.ok && fast !== undefined && fast === slow.value.html;
    })();
    verdicts.set(t.mjml, verdict);
  }
  if (await verdict) {
    const html = await fastEmailHtml(t, ctx);
    if (html !== undefined) return { ...textPart, html };
  }
  const full = await renderForChannel(t, ctx, 'email');
  return full.ok ? full.value : null;
}

/** A template rendered for a channel (only the parts that channel uses); null when it fails. */
export async function renderMessage(
  template: MessageTemplate,
  ctx: TemplateContext,
  channel: MessageChannel,
): Promise<RenderedMessage | null> {
  if (channel === 'email') return renderEmail(template, ctx);
  const parts =
    channel === 'sms'
      ? { ...template, subject: undefined, mjml: undefined }
      : { ...template, subject: undefined, mjml: undefined, sms: undefined };
  return renderText(parts, ctx, channel);
}

// ---------------------------------------------------------------------------------------
// One attempt

type Attempt =
  | { kind: 'sent'; providerMessageId: string; costMinor: number | null }
  | { kind: 'retry'; at: number; reason: string }
  | { kind: 'failed'; reason: string; failure: DeliveryFailure; cascade: boolean }
  | { kind: 'skipped'; reason: string; failure: DeliveryFailure | null };

const FAILURE_OF: Record<string, DeliveryFailure> = {
  invalid_recipient: 'invalid_address',
  blocked_by_user: 'blocked_by_recipient',
  invalid_request: 'refused',
  template_error: 'refused',
  outside_window: 'refused',
  rejected: 'refused',
  auth_failed: 'error',
  insufficient_funds: 'error',
  rate_limited: 'error',
  provider_unavailable: 'error',
  timeout: 'error',
};

/** Exponential backoff per attempt: 30 s, 1, 2, 4, 8 min … capped at one hour. */
export function backoffMs(attempt: number): number {
  return Math.min(60 * 60_000, 30_000 * 2 ** Math.max(0, attempt - 1));
}

async function attempt(
  message: OutboxMessage,
  data: WorkspaceData,
  deps: DeliveryDeps,
  now: number,
): Promise<Attempt> {
  if (message.expiresAt !== null && now > message.expiresAt)
    return { kind: 'skipped', reason: 'expired', failure: null };
  const channel = message.channel;
  if (channel === null || !isMessageChannel(channel))
    return { kind: 'skipped', reason: 'no_channel', failure: null };
  const purpose = message.purpose as MessagePurpose;
  // Consent again at send time: a STOP or an unsubscribe since planning wins.
  const consent = consentState(data.consents.get(message.customerId) ?? [], channel, purpose, now);
  if (!consent.allowed)
    return { kind: 'skipped', reason: `no_consent:${consent.reason}`, failure: 'refused' };
  const loaded = data.channels.get(channel);
  if (!loaded?.enabled)
    return { kind: 'failed', reason: 'channel_disabled', failure: 'error', cascade: true };
  if (!message.address)
    return { kind: 'failed', reason: 'no_address', failure: 'invalid_address', cascade: true };
  const campaign = campaignFor(message, data);
  const template = templateFor(campaign, channel);
  if (!template) return { kind: 'failed', reason: 'no_template', failure: 'refused', cascade: true };
  const marketing = purpose === 'marketing';
  const unsubscribe = marketing
    ? unsubscribeUrl(deps.publicUrl, deps.key, message.workspaceId, message.id)
    : null;
  const customer = data.customers.get(message.customerId);
  const ctx = templateContext(customer, data.settings, campaign.context, unsubscribe);
  const rendered = await renderMessage({ ...template, purpose }, ctx, channel);
  if (!rendered || rendered.body.trim() === '')
    return { kind: 'failed', reason: 'template_error', failure: 'refused', cascade: true };

  const out: OutboundMessage = {
    idempotencyKey: message.idempotencyKey,
    to: message.address,
    text: rendered.body,
    metadata: { messageId: String(message.id), workspaceId: String(message.workspaceId) },
  };
  if (channel === 'email') {
    out.subject = rendered.subject ?? '';
    if (rendered.html)
      out.html = addTracking(
        rendered.html,
        deps.publicUrl,
        deps.key,
        message.workspaceId,
        message.id,
        unsubscribe ? [unsubscribe] : [],
      );
    if (unsubscribe) {
      // RFC 8058 one-click: mail clients POST "List-Unsubscribe=One-Click" to the URL.
      out.headers = {
        'List-Unsubscribe': `<${unsubscribe}>`,
        'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      };
    }
  }
  let result: SendResult;
  try {
    result = await loaded.adapter.send(out);
  } catch (e) {
    // An adapter throws only for a programming error; keep the message, try again later.
    result = {
      ok: false,
      retryable: true,
      code: 'provider_unavailable',
      reason: e instanceof Error ? e.message : String(e),
    };
  }
  if (result.ok) {
    const segments = channel === 'sms' ? Math.max(1, rendered.smsCount?.segments ?? 1) : 1;
    return {
      kind: 'sent',
      providerMessageId: result.providerMessageId,
      costMinor: result.costMinor ?? (loaded.costMinor === null ? null : loaded.costMinor * segments),
    };
  }
  if (result.retryable && message.attempts < (deps.maxAttempts ?? 6)) {
    const wait = Math.max(result.retryAfterMs ?? 0, backoffMs(message.attempts));
    return { kind: 'retry', at: now + wait, reason: `retry:${result.code}: ${result.reason}` };
  }
  return {
    kind: 'failed',
    reason: `${result.code}: ${result.reason}`,
    failure: FAILURE_OF[result.code] ?? 'error',
    cascade: true,
  };
}

// ---------------------------------------------------------------------------------------
// Cascade

/**
 * The next channel after `message` failed: the route planned again now (consent and addresses
 * as they are now), every channel already tried in this message's chain marked failed, the
 * first usable one left; budget and quiet hours apply to the new message as to any other.
 * Null when the cascade is exhausted.
 */
export async function planCascade(
  sql: Sql,
  message: OutboxMessage,
  failure: DeliveryFailure,
  now: number,
  data?: WorkspaceData,
): Promise<MessageInsert | null> {
  if (message.channel === null || !isMessageChannel(message.channel)) return null;
  const ws = message.workspaceId;
  const d = data ?? (await loadWorkspaceDataFor(sql, ws, message));
  const customer = d.customers.get(message.customerId);
  if (!customer) return null;
  const campaign = campaignFor(message, d);
  const consent = d.consents.get(message.customerId) ?? [];
  const rc = routingCustomerOf(customer, consent, campaign.channelPolicy);
  const purpose = message.purpose as MessagePurpose;
  let route = planRoute(rc, purpose, routingSettingsOf(campaign, d.messaging, d.channels), now);
  const rootKey = message.idempotencyKey.split('>')[0]!;
  const tried = new Set([...(await chainChannels(sql, ws, message.customerId, rootKey)), message.channel]);
  for (const ch of tried)
    if (isMessageChannel(ch))
      route = nextChannelAfterFailure(route, ch, ch === message.channel ? failure : 'error');
  const next = route.channel;
  if (next === null) return null;
  const history = touchesOf(
    await loadBudgetHistory(
      sql,
      ws,
      [message.customerId],
      new Date(now - historyWindowMs(d.messaging.budget.caps)),
    ),
  );
  const slot = nextAllowedSlot(
    history,
    { channel: next, purpose, priority: 0, notBefore: now, expiresAt: message.expiresAt },
    d.messaging.budget,
    customer.timeZone && customer.timeZone !== '' ? customer.timeZone : d.settings.timezone,
    now,
  );
  const base = {
    idempotencyKey: `${rootKey}>${next}`,
    customerId: message.customerId,
    campaignId: message.campaignId,
    parentId: message.id,
    channel: next,
    purpose,
    address: rc.addresses[next] ?? null,
    expiresAt: message.expiresAt === null ? null : new Date(message.expiresAt),
    template: message.template,
    variant: message.variant,
    eventData: {
      ...routeExplanationData(route),
      after: { messageId: message.id, channel: message.channel, failure },
    },
  };
  if (slot.decision === 'skip')
    return { ...base, status: 'skipped', sendAfter: new Date(now), reason: slot.reason };
  if (slot.decision === 'defer')
    return {
      ...base,
      status: 'deferred',
      sendAfter: new Date(slot.until),
      reason: slot.holds.map((h) => h.kind).join(','),
    };
  return { ...base, status: 'queued', sendAfter: new Date(now), reason: null };
}

async function loadWorkspaceDataFor(
  sql: Sql,
  workspaceId: number,
  message: OutboxMessage,
): Promise<WorkspaceData> {
  // Outside a delivery batch (a callback): no pool to borrow; only the stored settings matter.
  const [stored, messaging, customers, consents, campaigns, channels] = await Promise.all([
    loadSettings(sql, workspaceId),
    loadMessagingSettingsOf(sql, workspaceId),
    loadMessagingCustomers(sql, workspaceId, [message.customerId]),
    loadConsents(sql, workspaceId, [message.customerId]),
    getCampaigns(sql, workspaceId, message.campaignId === null ? [] : [message.campaignId]),
    listChannelConfigs(sql, workspaceId),
  ]);
  const loaded = new Map<MessageChannel, LoadedChannel>();
  for (const c of channels)
    if (isMessageChannel(c.channel))
      loaded.set(c.channel, {
        channel: c.channel,
        provider: 'log',
        enabled: c.enabled,
        costMinor: c.costMinor,
        adapter: NO_ADAPTER,
      });
  return {
    settings: resolveSettings(stored),
    messaging,
    channels: loaded,
    campaigns: new Map(campaigns.map((c) => [c.id, campaignOf(c)])),
    customers,
    consents,
  };
}

const NO_ADAPTER = {
  kind: 'log' as const,
  async send(): Promise<SendResult> {
    return { ok: false, retryable: false, code: 'rejected', reason: 'not for sending' };
  },
};

// ---------------------------------------------------------------------------------------
// A batch

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!);
      }
    }),
  );
  return out;
}

interface Finished {
  message: OutboxMessage;
  result: Attempt;
  /** The message on the next channel, when this one failed and the route has one. */
  next: MessageInsert | null;
}

/**
 * Group commit: outcomes wait up to `waitMs` (or until `maxItems` are in) and are written
 * together. One transaction per outcome would cost more than the sends (PGlite runs a write
 * in ~1 ms per statement whatever its size); a few milliseconds of waiting is nothing next
 * to that, and a crash still repeats only what was not yet written.
 */
class GroupCommit<T> {
  private queue: T[] = [];
  private running: Promise<void> | null = null;
  private failed: unknown = null;
  private draining = false;

  constructor(
    private readonly write: (items: T[]) => Promise<void>,
    private readonly waitMs = 5,
    private readonly maxItems = 200,
  ) {}

  add(item: T): void {
    this.queue.push(item);
    if (!this.running) this.running = this.loop();
  }

  private async loop(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        // Gather: let the sends that finish meanwhile join this write.
        if (!this.draining && this.queue.length < this.maxItems) await sleep(this.waitMs);
        await this.write(this.queue.splice(0, this.maxItems));
      }
    } catch (e) {
      // Unwritten outcomes leave their messages `sending`: the lease brings them back.
      this.failed ??= e;
      this.queue.length = 0;
    } finally {
      this.running = null;
    }
  }

  /** Writes what is left without waiting; throws the first write error. */
  async flush(): Promise<void> {
    this.draining = true;
    while (this.running || this.queue.length > 0) {
      if (!this.running) this.running = this.loop();
      await this.running;
    }
    if (this.failed) throw this.failed;
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Records outcomes with their status change, events, timeline and next-channel messages, in one transaction. */
async function recordFinished(
  db: Database,
  items: Finished[],
  counts: DeliveryCounts,
  now: number,
): Promise<void> {
  const when = new Date(now);
  const tally = await db.transaction(async (tx) => {
    const outcomes: MessageOutcome[] = items.map(({ message, result }) => ({
      workspaceId: message.workspaceId,
      id: message.id,
      attempt: message.attempts,
      status: result.kind === 'retry' ? 'deferred' : result.kind,
      reason: result.kind === 'sent' ? null : result.reason,
      providerMessageId: result.kind === 'sent' ? result.providerMessageId : null,
      costMinor: result.kind === 'sent' ? result.costMinor : null,
      sendAfter: result.kind === 'retry' ? new Date(result.at) : null,
    }));
    const applied = new Set(
      (await recordOutcomes(tx, outcomes, when)).map((r) => `${r.workspaceId}:${r.id}`),
    );
    const events: MessageEventInsert[] = [];
    const timeline = new Map<number, EventInsert[]>();
    const children = new Map<number, MessageInsert[]>();
    const tally: Partial<Record<keyof DeliveryCounts, number>> = {};
    for (const { message, result, next } of items) {
      if (!applied.has(`${message.workspaceId}:${message.id}`)) continue;
      const status = result.kind === 'retry' ? 'deferred' : result.kind;
      const k = result.kind === 'retry' ? 'retried' : result.kind;
      tally[k] = (tally[k] ?? 0) + 1;
      events.push({
        workspaceId: message.workspaceId,
        messageId: message.id,
        status,
        at: when,
        reason: result.kind === 'sent' ? null : result.reason,
        data:
          result.kind === 'sent'
            ? { attempt: message.attempts, providerMessageId: result.providerMessageId }
            : result.kind === 'retry'
              ? { attempt: message.attempts, sendAfter: new Date(result.at).toISOString() }
              : { attempt: message.attempts },
      });
      if (result.kind === 'sent') {
        const list = timeline.get(message.workspaceId) ?? [];
        list.push({
          customerId: message.customerId,
          type: 'message_sent',
          occurredAt: when,
          data: {
            messageId: message.id,
            channel: message.channel,
            campaignId: message.campaignId,
            purpose: message.purpose,
          },
        });
        timeline.set(message.workspaceId, list);
      }
      if (next) {
        const list = children.get(message.workspaceId) ?? [];
        list.push(next);
        children.set(message.workspaceId, list);
      }
    }
    await insertMessageEvents(tx, events);
    for (const [ws, rows] of timeline) await insertEvents(tx, ws, rows);
    for (const [ws, rows] of children) {
      tally.cascaded = (tally.cascaded ?? 0) + (await insertMessages(tx, ws, rows, when)).length;
    }
    return tally;
  });
  // Counted once committed.
  for (const [k, n] of Object.entries(tally)) counts[k as keyof DeliveryCounts] += n;
}

/**
 * Delivers claimed attempts (see the file comment). Safe to call with stale or duplicate
 * claims: only attempts still current and not taken by another worker are sent.
 */
export async function deliverClaimed(
  db: Database,
  deps: DeliveryDeps,
  refs: readonly ClaimRef[],
): Promise<DeliveryCounts> {
  const counts: DeliveryCounts = { picked: 0, sent: 0, retried: 0, failed: 0, skipped: 0, cascaded: 0 };
  if (refs.length === 0) return counts;
  const leaseMs = deps.leaseMs ?? DEFAULT_LEASE_MS;
  const picked = await pickMessages(db, refs, new Date(clock(deps)), new Date(clock(deps) + leaseMs));
  counts.picked = picked.length;
  if (picked.length === 0) return counts;
  const byWorkspace = new Map<number, OutboxMessage[]>();
  for (const m of picked) {
    const list = byWorkspace.get(m.workspaceId);
    if (list) list.push(m);
    else byWorkspace.set(m.workspaceId, [m]);
  }
  const data = new Map<number, WorkspaceData>();
  const broken = new Map<number, string>();
  for (const [ws, list] of byWorkspace) {
    try {
      data.set(ws, await loadWorkspaceData(db, deps.pool, ws, list));
    } catch (e) {
      // One workspace's unreadable settings (e.g. secrets sealed with another key) must not
      // stop the others: its messages wait and are tried again.
      broken.set(ws, e instanceof Error ? e.message : String(e));
    }
  }

  // Outcomes are committed as they come in (group commit: whatever finished while the
  // previous commit ran goes in the next), so a crash repeats only the sends still in flight.
  const recorder = new GroupCommit<Finished>((items) => recordFinished(db, items, counts, clock(deps)));
  await mapLimit(picked, deps.concurrency ?? 64, async (message) => {
    const problem = broken.get(message.workspaceId);
    let result: Attempt;
    if (problem !== undefined) {
      result = {
        kind: 'retry',
        at: clock(deps) + backoffMs(message.attempts),
        reason: `retry:settings: ${problem}`,
      };
    } else {
      result = await attempt(message, data.get(message.workspaceId)!, deps, clock(deps));
    }
    // The next channel is planned before the commit (reads only) and written with the outcome.
    const failure =
      result.kind === 'failed' && result.cascade
        ? result.failure
        : result.kind === 'skipped'
          ? result.failure
          : null;
    const next =
      failure === null
        ? null
        : await planCascade(db, message, failure, clock(deps), data.get(message.workspaceId));
    recorder.add({ message, result, next });
  });
  await recorder.flush();
  return counts;
}

/** Days a reply is matched to the last message sent on its channel. */
export const REPLY_WINDOW_MS = 30 * MS_PER_DAY;

/** Messages not finished yet, and how many of them are due now (drain checks, health). */
export async function outboxBacklog(
  db: Database,
  deps: Pick<DeliveryDeps, 'now' | 'workspaceIds'> = {},
): Promise<{ pending: number; due: number }> {
  return countPendingMessages(db, new Date(clock(deps)), deps.workspaceIds ?? null);
}
