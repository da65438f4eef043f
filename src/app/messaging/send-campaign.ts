/**
 * Campaigns (PRODUCT.md C7): create, preview, send, report.
 *
 * Sending plans one message per customer of the audience and writes it to the outbox; the
 * delivery worker does the rest. Per customer: holdout (experiment hook) → route (the
 * customer's own channel, then the cascade; consent from the ledger, addresses from the
 * identifiers) → contact budget (caps across every campaign, quiet hours in the customer's
 * zone) → a `queued` message (due now), a `deferred` one (due at the first allowed instant),
 * or a `skipped` one with the reason. Idempotent: the key is (campaign, customer), so sending
 * again only adds customers who joined the audience since.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { AppError } from '../../core/errors.ts';
import {
  type BatchMessage,
  type BudgetPreview,
  type CapRule,
  planBatch,
  type SentTouch,
} from '../../core/messaging/budget.ts';
import {
  isMessageChannel,
  MESSAGE_CHANNELS,
  type MessageChannel,
  type MessagePurpose,
  MS_PER_DAY,
  MS_PER_HOUR,
  messageChannelSchema,
  messagePurposeSchema,
} from '../../core/messaging/channel.ts';
import type { ConsentEntry } from '../../core/messaging/consent.ts';
import {
  planRoute,
  type Route,
  type RoutingCustomer,
  type RoutingSettings,
} from '../../core/messaging/routing.ts';
import { countSms } from '../../core/messaging/sms.ts';
import type { RuleSet } from '../../core/segments/rules.ts';
import { resolveSettings } from '../../core/settings.ts';
import type { Database, Sql } from '../../storage/connect.ts';
import {
  type CampaignCount,
  type CampaignRow,
  campaignCounts,
  getCampaign,
  insertCampaign,
  listCampaigns,
  loadMessagingCustomers,
  type MessagingCustomer,
  markCampaignSent,
} from '../../storage/queries/campaigns.ts';
import { listChannelConfigs } from '../../storage/queries/channel-configs.ts';
import { loadConsents } from '../../storage/queries/consents.ts';
import { listCustomerPage } from '../../storage/queries/customer-list.ts';
import {
  existingMessageKeys,
  insertMessages,
  loadBudgetHistory,
  type MessageInsert,
} from '../../storage/queries/messages.ts';
import { loadSettings } from '../../storage/queries/settings.ts';
import { type Principal, requirePermission, visibleManager } from '../api/principal.ts';
import { todayIn } from '../clock.ts';
import { loadSegmentRules } from '../segments/saved-segments.ts';
import { type LoadedChannel, loadMessagingSettingsOf, type MessagingSettings } from './channel-settings.ts';
import { type MessageTemplate, renderForChannel, validateTemplate } from './templates.ts';

// ---------------------------------------------------------------------------------------
// Shapes

export const templateSchema = z.object({
  key: z.string().min(1).max(100).default('custom'),
  language: z.enum(['ru', 'en']).default('ru'),
  subject: z.string().max(1000).optional(),
  text: z.string().min(1).max(20_000),
  sms: z.string().max(2_000).optional(),
  mjml: z.string().max(200_000).optional(),
});

/** Who: any combination narrows (lifecycle statuses, RFM segments, the customer-list filters). */
export const audienceSchema = z
  .object({
    status: z.array(z.string()).optional(),
    rfmSegment: z.array(z.string()).optional(),
    cvmStage: z.array(z.string()).optional(),
    tag: z.string().optional(),
    source: z.string().optional(),
    spentMin: z.string().optional(),
    spentMax: z.string().optional(),
    purchasesMin: z.number().int().optional(),
    purchasesMax: z.number().int().optional(),
    lastPurchaseBefore: z.string().optional(),
    lastPurchaseAfter: z.string().optional(),
    birthdayMonth: z.number().int().min(1).max(12).optional(),
    category: z.string().optional(),
    customerIds: z.array(z.number().int().positive()).max(100_000).optional(),
    /** A saved segment (its rules as of today in the workspace zone), narrowed by the rest. */
    savedSegmentId: z.number().int().positive().optional(),
  })
  .strict();
export type Audience = z.infer<typeof audienceSchema>;

export const channelPolicySchema = z
  .object({
    /** Only these channels (default: every configured one that has a template). */
    channels: z.array(messageChannelSchema).optional(),
    /** This order instead of the workspace cascade. */
    cascade: z.array(messageChannelSchema).optional(),
    /** Start with the customer's preferred channel (or the one they last wrote from). Default true. */
    preferred: z.boolean().default(true),
  })
  .strict();
export type ChannelPolicy = z.infer<typeof channelPolicySchema>;

const templatesSchema = z
  .record(z.string(), templateSchema)
  .refine((t) => Object.keys(t).every((k) => k === 'default' || isMessageChannel(k)), {
    message: `keys are channels (${MESSAGE_CHANNELS.join(', ')}) or "default"`,
  })
  .refine((t) => Object.keys(t).length > 0, { message: 'at least one template' });

export const campaignInputSchema = z.object({
  name: z.string().min(1).max(200),
  audience: audienceSchema,
  purpose: messagePurposeSchema,
  /** A template per channel; `default` serves the channels without one. */
  templates: templatesSchema,
  channelPolicy: channelPolicySchema.default({ preferred: true }),
  /** Extra template variables: `business` (booking_url, phone, address), `slots`, … */
  context: z.record(z.string(), z.unknown()).default({}),
  scheduleAt: z.iso.datetime({ offset: true }).nullable().default(null),
  expiresAfterHours: z
    .number()
    .int()
    .positive()
    .max(24 * 90)
    .nullable()
    .default(null),
  priority: z.number().int().min(-100).max(100).default(0),
  variant: z.string().max(100).nullable().default(null),
  holdoutShare: z.number().min(0).max(0.9).nullable().default(null),
});
export type CampaignInput = z.input<typeof campaignInputSchema>;

export interface Campaign {
  id: number;
  name: string;
  audience: Audience;
  purpose: MessagePurpose;
  templates: Partial<Record<MessageChannel | 'default', MessageTemplate>>;
  channelPolicy: ChannelPolicy;
  context: Record<string, unknown>;
  scheduleAt: string | null;
  expiresAfterHours: number | null;
  priority: number;
  status: string;
  variant: string | null;
  holdoutShare: number | null;
  createdAt: string;
  sentAt: string | null;
}

export function campaignOf(row: CampaignRow): Campaign {
  const templates: Campaign['templates'] = {};
  for (const [k, t] of Object.entries(row.templates as Record<string, Omit<MessageTemplate, 'purpose'>>)) {
    templates[k as MessageChannel] = { ...t, purpose: row.purpose as MessagePurpose };
  }
  return {
    id: row.id,
    name: row.name,
    audience: row.audience as Audience,
    purpose: row.purpose as MessagePurpose,
    templates,
    channelPolicy: channelPolicySchema.parse(row.channelPolicy ?? {}),
    context: (row.context ?? {}) as Record<string, unknown>,
    scheduleAt: row.scheduleAt ? row.scheduleAt.toISOString() : null,
    expiresAfterHours: row.expiresAfterHours,
    priority: row.priority,
    status: row.status,
    variant: row.variant,
    holdoutShare: row.holdoutShare,
    createdAt: row.createdAt,
    sentAt: row.sentAt,
  };
}

/** The template a channel uses: its own, else `default`. */
export function templateFor(
  campaign: Pick<Campaign, 'templates'>,
  channel: MessageChannel,
): MessageTemplate | null {
  return campaign.templates[channel] ?? campaign.templates.default ?? null;
}

// ---------------------------------------------------------------------------------------
// Create, read

/** The input parsed and its templates validated (Liquid and MJML), or a 422 with field paths. */
export function parseCampaignInput(input: CampaignInput): z.output<typeof campaignInputSchema> {
  const parsed = campaignInputSchema.safeParse(input);
  if (!parsed.success)
    throw new AppError(
      'validation_failed',
      parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
      parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    );
  const c = parsed.data;
  const problems: { path: string; message: string }[] = [];
  for (const [channel, t] of Object.entries(c.templates)) {
    for (const issue of validateTemplate({ ...t, purpose: c.purpose })) {
      problems.push({ path: `templates.${channel}.${issue.part}`, message: issue.message });
    }
  }
  if (problems.length > 0)
    throw new AppError(
      'validation_failed',
      problems.map((p) => `${p.path}: ${p.message}`).join('; '),
      problems,
    );
  return c;
}

export async function createCampaign(
  db: Database,
  principal: Principal,
  input: CampaignInput,
): Promise<Campaign> {
  requirePermission(principal, 'campaigns:write');
  const c = parseCampaignInput(input);
  const id = await insertCampaign(db, principal.workspaceId, {
    name: c.name,
    audience: c.audience,
    purpose: c.purpose,
    templates: c.templates,
    channelPolicy: c.channelPolicy,
    context: c.context,
    scheduleAt: c.scheduleAt ? new Date(c.scheduleAt) : null,
    expiresAfterHours: c.expiresAfterHours,
    priority: c.priority,
    variant: c.variant,
    holdoutShare: c.holdoutShare,
  });
  return readCampaign(db, principal, id);
}

export async function readCampaign(db: Database, principal: Principal, id: number): Promise<Campaign> {
  requirePermission(principal, 'reports:read');
  const row = await getCampaign(db, principal.workspaceId, id);
  if (!row) throw new AppError('not_found', `no campaign ${id}`);
  return campaignOf(row);
}

export async function listCampaignsOf(db: Database, principal: Principal): Promise<Campaign[]> {
  requirePermission(principal, 'reports:read');
  return (await listCampaigns(db, principal.workspaceId)).map(campaignOf);
}

// ---------------------------------------------------------------------------------------
// Routing inputs shared with delivery (a cascade re-routes with the same data)

/** A customer's address on each channel, from their identifiers. */
export function addressesOf(
  customer: Pick<MessagingCustomer, 'id' | 'identifiers'>,
): Partial<Record<MessageChannel, string>> {
  const first = (kind: string) => customer.identifiers.find((i) => i.kind === kind)?.value;
  const out: Partial<Record<MessageChannel, string>> = {};
  const email = first('email');
  const phone = first('phone');
  const telegram = customer.identifiers.find((i) => i.kind === 'telegram' && /^-?\d+$/.test(i.value))?.value;
  if (email) out.email = email;
  if (phone) out.sms = phone;
  const whatsapp = first('whatsapp') ?? phone;
  if (whatsapp) out.whatsapp = whatsapp;
  if (telegram) out.telegram = telegram;
  const vk = first('vk');
  if (vk) out.vk = vk;
  const max = first('max');
  if (max) out.max = max;
  out.webhook = first('external') ?? String(customer.id);
  return out;
}

export function routingCustomerOf(
  customer: MessagingCustomer,
  consent: readonly ConsentEntry[],
  policy: ChannelPolicy,
): RoutingCustomer {
  const preferred =
    policy.preferred && customer.preferredChannel && isMessageChannel(customer.preferredChannel);
  const inbound = customer.lastInbound;
  return {
    addresses: addressesOf(customer),
    preferredChannel: preferred ? (customer.preferredChannel as MessageChannel) : null,
    preferredAt: null,
    lastInbound:
      policy.preferred && inbound && isMessageChannel(inbound.channel)
        ? { channel: inbound.channel, at: inbound.at }
        : null,
    consent,
  };
}

/** Channels the campaign may use: configured and on, allowed by its policy, with a template. */
export function routingSettingsOf(
  campaign: Pick<Campaign, 'templates' | 'channelPolicy'>,
  settings: MessagingSettings,
  channels: ReadonlyMap<MessageChannel, Pick<LoadedChannel, 'enabled' | 'costMinor'>>,
): RoutingSettings {
  const allowed = campaign.channelPolicy.channels;
  const enabled = MESSAGE_CHANNELS.filter(
    (c) =>
      channels.get(c)?.enabled === true &&
      (!allowed || allowed.includes(c)) &&
      templateFor(campaign, c) !== null,
  );
  const costMinor: Partial<Record<MessageChannel, number>> = {};
  for (const [c, l] of channels) if (l.costMinor !== null) costMinor[c] = l.costMinor;
  return {
    cascade: campaign.channelPolicy.cascade ?? settings.cascade,
    enabled,
    costMinor,
    maxCostMinor: settings.maxCostMinor,
  };
}

/** One word for why no channel is left: the furthest a usable step got. */
export function routeSkipReason(route: Route): string {
  const on = route.steps.filter((s) => !s.skipped.includes('disabled'));
  if (on.length === 0) return 'no_channel';
  const reachable = on.filter((s) => !s.skipped.includes('no_address'));
  if (reachable.length === 0) return 'no_address';
  const allowed = reachable.filter((s) => !s.skipped.includes('no_consent'));
  if (allowed.length === 0) return 'no_consent';
  return allowed[0]!.skipped[0] ?? 'no_route';
}

export function routeExplanationData(route: Route): Record<string, unknown> {
  return {
    route: route.steps.map((s) => ({
      channel: s.channel,
      origin: s.origin,
      skipped: s.skipped,
      ...(s.failure ? { failure: s.failure } : {}),
      ...(s.consent ? { consent: s.consent.reason } : {}),
    })),
  };
}

/** The longest cap window: history older than that cannot matter. */
export function historyWindowMs(caps: readonly CapRule[]): number {
  return Math.max(1, ...caps.map((c) => c.perDays)) * MS_PER_DAY;
}

export function touchesOf(rows: { at: number; channel: string; purpose: string }[]): SentTouch[] {
  return rows
    .filter((r) => isMessageChannel(r.channel))
    .map((r) => ({ at: r.at, channel: r.channel as MessageChannel, purpose: r.purpose as MessagePurpose }));
}

function inHoldout(campaignId: number, customerId: number, share: number | null): boolean {
  if (!share) return false;
  const h = createHash('sha256').update(`holdout:${campaignId}:${customerId}`).digest();
  return h.readUInt32BE(0) / 2 ** 32 < share;
}

export const campaignMessageKey = (campaignId: number, customerId: number) => `c${campaignId}:u${customerId}`;

// ---------------------------------------------------------------------------------------
// Planning

export interface CampaignPlanSummary {
  /** Customers in the audience. */
  audience: number;
  /** Customers who already have this campaign's message (an earlier send). */
  alreadyPlanned: number;
  now: number;
  deferred: number;
  excluded: number;
  deferredBy: BudgetPreview['deferredBy'];
  /** holdout, no_consent, no_address, no_channel, over_cost, expired, never_allowed, no_slot */
  excludedBy: Record<string, number>;
  /** Messages going out (now + deferred) per channel. */
  byChannel: Record<string, { now: number; deferred: number }>;
  /** When the deferred messages go out: the earliest and the latest slot (ISO), null when none is deferred. */
  deferredWindow: { from: string; to: string } | null;
}

/** The audience's customer ids, ascending (a manager's only their own). */
export async function audienceIds(
  sql: Sql,
  ws: number,
  audience: Audience,
  manager: number | null,
): Promise<number[]> {
  const { customerIds, savedSegmentId, ...rest } = audience;
  const filter: Omit<Audience, 'customerIds' | 'savedSegmentId'> & {
    rules?: { set: RuleSet; asOf: string }[];
  } = { ...rest };
  if (savedSegmentId !== undefined) {
    const [set, stored] = await Promise.all([
      loadSegmentRules(sql, ws, savedSegmentId),
      loadSettings(sql, ws),
    ]);
    filter.rules = [{ set, asOf: todayIn(resolveSettings(stored).timezone) }];
  }
  const ids: number[] = [];
  let after: { value: number; id: number } | null = null;
  for (;;) {
    const page = await listCustomerPage(
      sql,
      ws,
      { ...filter, visibleManager: manager },
      { field: 'id', desc: false },
      after,
      5000,
    );
    for (const r of page) ids.push(r.id);
    if (page.length < 5000) break;
    const last = page[page.length - 1]!;
    after = { value: last.id, id: last.id };
  }
  if (!customerIds) return ids;
  const wanted = new Set(customerIds);
  return ids.filter((id) => wanted.has(id));
}

async function workspaceChannels(
  sql: Sql,
  ws: number,
): Promise<Map<MessageChannel, Pick<LoadedChannel, 'enabled' | 'costMinor'>>> {
  const out = new Map<MessageChannel, Pick<LoadedChannel, 'enabled' | 'costMinor'>>();
  for (const r of await listChannelConfigs(sql, ws)) {
    if (isMessageChannel(r.channel)) out.set(r.channel, { enabled: r.enabled, costMinor: r.costMinor });
  }
  return out;
}

async function smsSegmentsOf(campaign: Campaign): Promise<number> {
  const t = templateFor(campaign, 'sms');
  if (!t) return 1;
  const r = await renderForChannel({ ...t, subject: undefined, mjml: undefined }, { customer: {} }, 'sms');
  return r.ok
    ? Math.max(1, r.value.smsCount?.segments ?? 1)
    : Math.max(1, countSms(t.sms ?? t.text).segments);
}

const CHUNK = 2000;

/** Plans the campaign's messages (reads only). */
export async function planCampaign(
  sql: Sql,
  workspaceId: number,
  campaign: Campaign,
  now: number,
  manager: number | null,
): Promise<{ rows: MessageInsert[]; summary: CampaignPlanSummary }> {
  const [settings, messaging, channels] = await Promise.all([
    loadSettings(sql, workspaceId).then(resolveSettings),
    loadMessagingSettingsOf(sql, workspaceId),
    workspaceChannels(sql, workspaceId),
  ]);
  const routing = routingSettingsOf(campaign, messaging, channels);
  const smsSegments = await smsSegmentsOf(campaign);
  const ids = await audienceIds(sql, workspaceId, campaign.audience, manager);
  const summary: CampaignPlanSummary = {
    audience: ids.length,
    alreadyPlanned: 0,
    now: 0,
    deferred: 0,
    excluded: 0,
    deferredBy: { not_before: 0, cap: 0, quiet_hours: 0 },
    excludedBy: {},
    byChannel: {},
    deferredWindow: null,
  };
  let deferredFrom = Number.POSITIVE_INFINITY;
  let deferredTo = Number.NEGATIVE_INFINITY;
  const rows: MessageInsert[] = [];
  const start = Math.max(now, campaign.scheduleAt ? Date.parse(campaign.scheduleAt) : now);
  const expiresAt = campaign.expiresAfterHours ? start + campaign.expiresAfterHours * MS_PER_HOUR : null;
  const exclude = (reason: string) => {
    summary.excluded++;
    summary.excludedBy[reason] = (summary.excludedBy[reason] ?? 0) + 1;
  };
  const base = (customerId: number) => ({
    idempotencyKey: campaignMessageKey(campaign.id, customerId),
    customerId,
    campaignId: campaign.id,
    parentId: null,
    purpose: campaign.purpose,
    expiresAt: expiresAt === null ? null : new Date(expiresAt),
    template: null,
    variant: campaign.variant,
  });

  for (let i = 0; i < ids.length; i += CHUNK) {
    const chunk = ids.slice(i, i + CHUNK);
    const planned = await existingMessageKeys(
      sql,
      workspaceId,
      chunk.map((id) => campaignMessageKey(campaign.id, id)),
    );
    const fresh = chunk.filter((id) => !planned.has(campaignMessageKey(campaign.id, id)));
    summary.alreadyPlanned += chunk.length - fresh.length;
    const [customers, consents, history] = await Promise.all([
      loadMessagingCustomers(sql, workspaceId, fresh),
      loadConsents(sql, workspaceId, fresh),
      loadBudgetHistory(sql, workspaceId, fresh, new Date(now - historyWindowMs(messaging.budget.caps))),
    ]);
    const batch: BatchMessage[] = [];
    const routes = new Map<number, { channel: MessageChannel; address: string; route: Route }>();
    for (const id of fresh) {
      const customer = customers.get(id);
      if (!customer) continue;
      if (inHoldout(campaign.id, id, campaign.holdoutShare)) {
        exclude('holdout');
        rows.push({
          ...base(id),
          channel: null,
          status: 'skipped',
          address: null,
          sendAfter: new Date(now),
          reason: 'holdout',
        });
        continue;
      }
      const rc = routingCustomerOf(customer, consents.get(id) ?? [], campaign.channelPolicy);
      const route = planRoute(rc, campaign.purpose, routing, start, { smsSegments });
      if (route.channel === null) {
        const reason = routeSkipReason(route);
        exclude(reason);
        rows.push({
          ...base(id),
          channel: null,
          status: 'skipped',
          address: null,
          sendAfter: new Date(now),
          reason,
          eventData: routeExplanationData(route),
        });
        continue;
      }
      routes.set(id, { channel: route.channel, address: rc.addresses[route.channel]!, route });
      batch.push({
        id: String(id),
        customerId: String(id),
        channel: route.channel,
        purpose: campaign.purpose,
        priority: campaign.priority,
        notBefore: start,
        expiresAt,
        createdAt: now,
      });
    }
    const byCustomer = new Map<number, SentTouch[]>();
    for (const t of history) {
      const list = byCustomer.get(t.customerId) ?? [];
      list.push(...touchesOf([t]));
      byCustomer.set(t.customerId, list);
    }
    const plan = planBatch(
      {
        customers: [...routes.keys()].map((id) => ({
          customerId: String(id),
          timeZone: customers.get(id)?.timeZone ?? null,
          history: byCustomer.get(id) ?? [],
        })),
        messages: batch,
        workspaceTimeZone: settings.timezone,
      },
      messaging.budget,
      now,
    );
    for (const p of plan.messages) {
      const id = Number(p.customerId);
      const r = routes.get(id)!;
      const s = p.slot;
      if (s.decision === 'skip') {
        exclude(s.reason);
        rows.push({
          ...base(id),
          channel: r.channel,
          status: 'skipped',
          address: r.address,
          sendAfter: new Date(now),
          reason: s.reason,
          eventData: { holds: s.holds.map((h) => h.kind) },
        });
        continue;
      }
      const deferred = s.decision === 'defer';
      const per = summary.byChannel[r.channel] ?? { now: 0, deferred: 0 };
      if (deferred) {
        summary.deferred++;
        per.deferred++;
        deferredFrom = Math.min(deferredFrom, p.sendAt!);
        deferredTo = Math.max(deferredTo, p.sendAt!);
        for (const kind of new Set(s.holds.map((h) => h.kind))) summary.deferredBy[kind]++;
      } else {
        summary.now++;
        per.now++;
      }
      summary.byChannel[r.channel] = per;
      rows.push({
        ...base(id),
        channel: r.channel,
        status: deferred ? 'deferred' : 'queued',
        address: r.address,
        sendAfter: new Date(p.sendAt!),
        reason: deferred ? s.holds.map((h) => h.kind).join(',') : null,
        eventData: {
          ...routeExplanationData(r.route),
          ...(deferred
            ? { holds: s.holds.map((h) => ({ kind: h.kind, until: new Date(h.until).toISOString() })) }
            : {}),
        },
      });
    }
  }
  if (summary.deferred > 0)
    summary.deferredWindow = {
      from: new Date(deferredFrom).toISOString(),
      to: new Date(deferredTo).toISOString(),
    };
  return { rows, summary };
}

async function loadForPlanning(db: Database, principal: Principal, id: number): Promise<Campaign> {
  const row = await getCampaign(db, principal.workspaceId, id);
  if (!row) throw new AppError('not_found', `no campaign ${id}`);
  const campaign = campaignOf(row);
  if (campaign.status === 'cancelled') throw new AppError('conflict', `campaign ${id} is cancelled`);
  return campaign;
}

/** What sending now would do, without writing anything: "120 now, 40 deferred, 3 excluded". */
export async function previewCampaign(
  db: Database,
  principal: Principal,
  id: number,
  now: number = Date.now(),
): Promise<CampaignPlanSummary> {
  // A step of building a campaign (it plans against the live budget), not a report.
  requirePermission(principal, 'campaigns:write');
  const campaign = await loadForPlanning(db, principal, id);
  return (await planCampaign(db, principal.workspaceId, campaign, now, visibleManager(principal))).summary;
}

/**
 * Plans and writes the campaign's messages to the outbox (queued, deferred or skipped with the
 * reason); the delivery worker sends them as they come due. Returns the same counts as the
 * preview and how many rows were written (a concurrent send of the same campaign adds nothing twice).
 */
export async function sendCampaign(
  db: Database,
  principal: Principal,
  id: number,
  now: number = Date.now(),
): Promise<CampaignPlanSummary & { written: number }> {
  requirePermission(principal, 'campaigns:write');
  const campaign = await loadForPlanning(db, principal, id);
  const { rows, summary } = await planCampaign(
    db,
    principal.workspaceId,
    campaign,
    now,
    visibleManager(principal),
  );
  const written = await db.transaction(async (tx) => {
    let n = 0;
    for (let i = 0; i < rows.length; i += CHUNK) {
      n += (await insertMessages(tx, principal.workspaceId, rows.slice(i, i + CHUNK), new Date(now))).length;
    }
    await markCampaignSent(tx, principal.workspaceId, id, new Date(now));
    return n;
  });
  return { ...summary, written };
}

// ---------------------------------------------------------------------------------------
// Report

export interface CampaignReport {
  campaignId: number;
  /** Messages (cascaded ones included) by status. */
  byStatus: Record<string, number>;
  /** Messages by channel, then status (`none` = skipped before a channel was chosen). */
  byChannel: Record<string, Record<string, number>>;
  /** Reached at least this far (a clicked message was also delivered and sent). */
  funnel: {
    planned: number;
    sent: number;
    delivered: number;
    opened: number;
    clicked: number;
    replied: number;
  };
  skippedBy: Record<string, number>;
  failedBy: Record<string, number>;
  costMinor: number;
}

const FUNNEL = ['sent', 'delivered', 'opened', 'clicked', 'replied'] as const;

export function reportOf(campaignId: number, counts: readonly CampaignCount[]): CampaignReport {
  const r: CampaignReport = {
    campaignId,
    byStatus: {},
    byChannel: {},
    funnel: { planned: 0, sent: 0, delivered: 0, opened: 0, clicked: 0, replied: 0 },
    skippedBy: {},
    failedBy: {},
    costMinor: 0,
  };
  for (const c of counts) {
    r.byStatus[c.status] = (r.byStatus[c.status] ?? 0) + c.count;
    const key = c.channel ?? 'none';
    const ch = r.byChannel[key] ?? {};
    r.byChannel[key] = ch;
    ch[c.status] = (ch[c.status] ?? 0) + c.count;
    if (c.status === 'skipped')
      r.skippedBy[c.reason ?? 'unknown'] = (r.skippedBy[c.reason ?? 'unknown'] ?? 0) + c.count;
    if (c.status === 'failed')
      r.failedBy[c.reason ?? 'unknown'] = (r.failedBy[c.reason ?? 'unknown'] ?? 0) + c.count;
    r.costMinor += c.costMinor;
    if (c.status !== 'skipped') r.funnel.planned += c.count;
    const reached = FUNNEL.indexOf(c.status as (typeof FUNNEL)[number]);
    for (let i = 0; i <= reached; i++) r.funnel[FUNNEL[i]!] += c.count;
  }
  return r;
}

export async function campaignReport(
  db: Database,
  principal: Principal,
  id: number,
): Promise<CampaignReport> {
  requirePermission(principal, 'reports:read');
  if (!(await getCampaign(db, principal.workspaceId, id)))
    throw new AppError('not_found', `no campaign ${id}`);
  return reportOf(id, await campaignCounts(db, principal.workspaceId, id));
}
