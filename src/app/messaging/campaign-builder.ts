/**
 * What the campaign builder and the campaign report need beyond create/send/report:
 *
 * - `previewDraft`: the budget preview of a campaign not yet saved (how many now, deferred and
 *   excluded, and why) together with its templates rendered for a real customer of the
 *   audience, so the builder shows both live before anything is written.
 * - `campaignMessages`: who got the campaign's message, in which channel, paged.
 */
import { AppError } from '../../core/errors.ts';
import { isMessageChannel, type MessageChannel } from '../../core/messaging/channel.ts';
import { resolveSettings } from '../../core/settings.ts';
import type { Database } from '../../storage/connect.ts';
import {
  type CampaignMessageRow,
  campaignStatusCounts,
  listCampaignMessages,
} from '../../storage/queries/campaign-messages.ts';
import { getCampaign, loadMessagingCustomers } from '../../storage/queries/campaigns.ts';
import { loadSettings } from '../../storage/queries/settings.ts';
import { type Principal, requirePermission, visibleManager } from '../api/principal.ts';
import { templateContext } from './deliver-message.ts';
import {
  audienceIds,
  type Campaign,
  type CampaignInput,
  type CampaignPlanSummary,
  listCampaignsOf,
  parseCampaignInput,
  planCampaign,
} from './send-campaign.ts';
import { type PreviewResult, preview } from './templates.ts';

export interface DraftPreview {
  plan: CampaignPlanSummary;
  /** The customer the templates were rendered for (the one asked for, else the audience's first). */
  sample: { id: number; name: string | null } | null;
  /** Each template (by its key: a channel or `default`) rendered for the sample customer. */
  renders: Record<string, PreviewResult>;
}

/** The campaign as it would be saved, without an id (holdout draws use id 0). */
function draftOf(input: CampaignInput): Campaign {
  const c = parseCampaignInput(input);
  const templates: Campaign['templates'] = {};
  for (const [k, t] of Object.entries(c.templates))
    templates[k as MessageChannel] = { ...t, purpose: c.purpose };
  return {
    id: 0,
    name: c.name,
    audience: c.audience,
    purpose: c.purpose,
    templates,
    channelPolicy: c.channelPolicy,
    context: c.context,
    scheduleAt: c.scheduleAt,
    expiresAfterHours: c.expiresAfterHours,
    priority: c.priority,
    status: 'draft',
    variant: c.variant,
    holdoutShare: c.holdoutShare,
    createdAt: new Date(0).toISOString(),
    sentAt: null,
  };
}

export async function previewDraft(
  db: Database,
  principal: Principal,
  input: CampaignInput & { sampleCustomerId?: number | undefined },
  options: { now: number; publicUrl?: string | undefined },
): Promise<DraftPreview> {
  requirePermission(principal, 'campaigns:write');
  const { sampleCustomerId, ...rest } = input;
  const campaign = draftOf(rest);
  const ws = principal.workspaceId;
  const manager = visibleManager(principal);
  const [{ summary }, stored] = await Promise.all([
    planCampaign(db, ws, campaign, options.now, manager),
    loadSettings(db, ws),
  ]);
  let sampleId = sampleCustomerId ?? null;
  if (sampleId === null) {
    const ids = await audienceIds(db, ws, campaign.audience, manager);
    sampleId = ids[0] ?? null;
  } else if (manager !== null && !(await audienceIds(db, ws, { customerIds: [sampleId] }, manager)).length) {
    // A manager may preview only with a customer they can see.
    throw new AppError('not_found', `no customer ${sampleId}`);
  }
  const customer =
    sampleId === null ? undefined : (await loadMessagingCustomers(db, ws, [sampleId])).get(sampleId);
  if (sampleCustomerId !== undefined && !customer)
    throw new AppError('not_found', `no customer ${sampleCustomerId}`);
  const base = (options.publicUrl ?? '').replace(/\/+$/, '');
  const ctx = templateContext(
    customer,
    resolveSettings(stored),
    campaign.context,
    campaign.purpose === 'marketing' ? `${base}/u/preview` : null,
  );
  const renders: Record<string, PreviewResult> = {};
  for (const [key, t] of Object.entries(campaign.templates)) {
    if (t && (key === 'default' || isMessageChannel(key))) renders[key] = await preview(t, ctx);
  }
  return {
    plan: summary,
    sample: customer ? { id: customer.id, name: customer.name } : null,
    renders,
  };
}

export interface CampaignMessagesPage {
  items: CampaignMessageRow[];
  total: number;
  limit: number;
  offset: number;
}

/** Readers of reports see the recipients; a manager only their own customers. */
export async function campaignMessages(
  db: Database,
  principal: Principal,
  campaignId: number,
  query: { status?: string | undefined; channel?: string | undefined; limit?: number; offset?: number },
): Promise<CampaignMessagesPage> {
  requirePermission(principal, 'reports:read');
  if (!(await getCampaign(db, principal.workspaceId, campaignId)))
    throw new AppError('not_found', `no campaign ${campaignId}`);
  const limit = Math.min(Math.max(query.limit ?? 50, 1), 500);
  const offset = Math.max(query.offset ?? 0, 0);
  const page = await listCampaignMessages(
    db,
    principal.workspaceId,
    campaignId,
    { status: query.status, channel: query.channel, visibleManager: visibleManager(principal) },
    { limit, offset },
  );
  return { ...page, limit, offset };
}

/** The campaign list with each campaign's messages by status. */
export async function listCampaignsWithCounts(
  db: Database,
  principal: Principal,
): Promise<(Campaign & { counts: Record<string, number> })[]> {
  const campaigns = await listCampaignsOf(db, principal);
  const counts = await campaignStatusCounts(
    db,
    principal.workspaceId,
    campaigns.map((c) => c.id),
  );
  return campaigns.map((c) => ({ ...c, counts: counts.get(c.id) ?? {} }));
}
