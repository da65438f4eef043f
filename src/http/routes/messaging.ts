/**
 * Messaging routes (PRODUCT.md C7).
 *
 * Guarded (`registerMessagingRoutes`, after the auth middleware like every /api route):
 * /api/channels (settings CRUD, secrets never returned; a test send), /api/messaging/settings
 * (cascade, caps, quiet hours), /api/campaigns (create, preview, send, report),
 * /api/customers/{id}/consents.
 *
 * Public but signed (`registerPublicMessagingRoutes`, which must be registered BEFORE the
 * `/api/*` auth middleware, since providers carry no API key): provider callbacks
 * `/api/callbacks/{provider}/{workspace}` (each adapter checks its provider's signature),
 * click redirects `/t/c/{token}`, the open pixel `/t/o/{token}.gif`, unsubscribe `/u/{token}`
 * (tokens are HMAC-signed).
 */
import { createRoute, type OpenAPIHono, type z } from '@hono/zod-openapi';
import type { Context, Env, Hono } from 'hono';
import { AccessError } from '../../app/api/access-error.ts';
import type { Database } from '../../app/api/context.ts';
import { requirePermission } from '../../app/api/principal.ts';
import {
  campaignMessages,
  listCampaignsWithCounts,
  previewDraft,
} from '../../app/messaging/campaign-builder.ts';
import {
  type MessagingSettings as AppMessagingSettings,
  type ChannelPool,
  listChannelSettings,
  readChannelSettings,
  readMessagingSettings,
  removeChannelSettings,
  SECRET_FIELDS,
  saveChannelSettings,
  testChannel,
  updateMessagingSettings,
} from '../../app/messaging/channel-settings.ts';
import { handleCallback } from '../../app/messaging/handle-callback.ts';
import { SECRET_KEY_HINT } from '../../app/messaging/instance-key.ts';
import {
  type CampaignInput,
  campaignReport,
  createCampaign,
  previewCampaign,
  readCampaign,
  sendCampaign,
} from '../../app/messaging/send-campaign.ts';
import {
  PIXEL_GIF,
  pageLanguage,
  readConsentLedger,
  recordConsent,
  trackClick,
  trackOpen,
  unsubscribe,
  unsubscribePage,
  unsubscribeStatus,
} from '../../app/messaging/tracking.ts';
import { AppError } from '../../core/errors.ts';
import type { MessageChannel } from '../../core/messaging/channel.ts';
import { errors, IdParam, json, Security } from '../contract/common.ts';
import {
  Campaign,
  CampaignCreate,
  CampaignDraftPreview,
  CampaignDraftPreviewRequest,
  CampaignList,
  CampaignMessages,
  CampaignMessagesQuery,
  CampaignPlan,
  CampaignReport,
  ChannelParam,
  ChannelSettings,
  ChannelSettingsInput,
  ChannelSettingsList,
  ChannelTestRequest,
  ChannelTestResult,
  ConsentInput,
  ConsentLedger,
  MessagingSettings,
  MessagingSettingsPatch,
  MessagingStatus,
} from '../contract/messaging.ts';
import type { ApiEnv } from '../env.ts';
import { errorJson } from '../errors.ts';

export interface MessagingDeps {
  db: Database;
  /** The instance secret key (app/messaging/secrets.ts loadSecretKey). */
  key: Buffer;
  /** Adapters for test sends and callback verification (share the delivery worker's when in one process). */
  pool: ChannelPool;
  /** Public base URL, to show each provider's callback URL. */
  publicUrl?: string;
  /**
   * False when `key` may not seal channel secrets (PostgreSQL without COMEBACK_SECRET_KEY:
   * app/messaging/instance-key.ts). Default true.
   */
  secretsAllowed?: boolean;
  /** Whether this process runs the delivery worker (shown to the settings page). */
  deliveryRunning?: boolean;
  now?: () => number;
}

const tags = ['messaging'];

const presentSettings = (s: AppMessagingSettings) => ({
  ...s,
  budget: { ...s.budget, caps: [...s.budget.caps] },
});
const body = <T extends z.ZodType>(schema: T) => ({
  body: { required: true, content: { 'application/json': { schema } } },
});

const channelsList = createRoute({
  method: 'get',
  path: '/api/channels',
  tags,
  security: Security,
  summary: 'Configured channels (secrets are never returned, only named)',
  description: 'Needs `settings:read` (every role).',
  responses: { 200: json(ChannelSettingsList, 'Channels'), ...errors() },
});
const channelRead = createRoute({
  method: 'get',
  path: '/api/channels/{channel}',
  tags,
  security: Security,
  summary: "One channel's settings",
  description: 'Needs `settings:read` (every role).',
  request: { params: ChannelParam },
  responses: { 200: json(ChannelSettings, 'Settings'), ...errors(404, 422) },
});
const channelPut = createRoute({
  method: 'put',
  path: '/api/channels/{channel}',
  tags,
  security: Security,
  summary: 'Set the provider and config of a channel (validated before it is stored; secrets sealed)',
  description:
    'Needs `settings:write` (owner). Storing a secret (token, password) without an instance secret key (PostgreSQL without COMEBACK_SECRET_KEY) is refused with 409 `secret_key_required`.',
  request: { params: ChannelParam, ...body(ChannelSettingsInput) },
  responses: { 200: json(ChannelSettings, 'Stored'), ...errors(409, 422) },
});
const channelDelete = createRoute({
  method: 'delete',
  path: '/api/channels/{channel}',
  tags,
  security: Security,
  summary: 'Remove a channel',
  description: 'Needs `settings:write` (owner).',
  request: { params: ChannelParam },
  responses: { 204: { description: 'Removed' }, ...errors(404, 422) },
});
const channelTest = createRoute({
  method: 'post',
  path: '/api/channels/{channel}/test',
  tags,
  security: Security,
  summary: "A test message through the stored settings; the provider's answer as is",
  description: 'Needs `settings:write` (owner). Not in the outbox, not counted in any budget.',
  request: { params: ChannelParam, ...body(ChannelTestRequest) },
  responses: { 200: json(ChannelTestResult, 'What the provider said'), ...errors(404, 422) },
});
const settingsRead = createRoute({
  method: 'get',
  path: '/api/messaging/settings',
  tags,
  security: Security,
  summary: 'Routing cascade and contact budget (caps, quiet hours)',
  description: 'Needs `settings:read` (every role).',
  responses: { 200: json(MessagingSettings, 'Settings'), ...errors() },
});
const settingsPatch = createRoute({
  method: 'patch',
  path: '/api/messaging/settings',
  tags,
  security: Security,
  summary: 'Change the cascade or the contact budget',
  description: 'Needs `settings:write` (owner).',
  request: body(MessagingSettingsPatch),
  responses: { 200: json(MessagingSettings, 'Settings now'), ...errors(422) },
});
const campaignsList = createRoute({
  method: 'get',
  path: '/api/campaigns',
  tags,
  security: Security,
  summary: 'Campaigns, newest first',
  description: 'Needs `reports:read` (every role).',
  responses: { 200: json(CampaignList, 'Campaigns'), ...errors() },
});
const campaignCreate = createRoute({
  method: 'post',
  path: '/api/campaigns',
  tags,
  security: Security,
  summary: 'Create a campaign (a draft until sent)',
  description: 'Needs `campaigns:write` (owner, marketer).',
  request: body(CampaignCreate),
  responses: { 201: json(Campaign, 'Created'), ...errors(422) },
});
const campaignRead = createRoute({
  method: 'get',
  path: '/api/campaigns/{id}',
  tags,
  security: Security,
  summary: 'One campaign',
  description: 'Needs `reports:read` (every role).',
  request: { params: IdParam },
  responses: { 200: json(Campaign, 'The campaign'), ...errors(404) },
});
const campaignPreview = createRoute({
  method: 'post',
  path: '/api/campaigns/{id}/preview',
  tags,
  security: Security,
  summary: 'The budget preview: how many now, deferred (and why), excluded (and why); writes nothing',
  description: 'Needs `campaigns:write` (owner, marketer): a step of building the campaign.',
  request: { params: IdParam },
  responses: { 200: json(CampaignPlan, 'Preview'), ...errors(404, 409) },
});
const campaignSend = createRoute({
  method: 'post',
  path: '/api/campaigns/{id}/send',
  tags,
  security: Security,
  summary: 'Plan the messages into the outbox; sending again adds only new audience members',
  description: 'Needs `campaigns:write` (owner, marketer).',
  request: { params: IdParam },
  responses: { 200: json(CampaignPlan, 'Planned'), ...errors(404, 409) },
});
const campaignReportRoute = createRoute({
  method: 'get',
  path: '/api/campaigns/{id}/report',
  tags,
  security: Security,
  summary: 'Messages by status and per channel, skip and failure reasons, cost',
  description:
    'Needs `reports:read` (every role). The counts cover the whole campaign (aggregates name nobody); the recipients list (`/messages`) shows a manager only their own customers.',
  request: { params: IdParam },
  responses: { 200: json(CampaignReport, 'Report'), ...errors(404) },
});
const consentsRead = createRoute({
  method: 'get',
  path: '/api/customers/{id}/consents',
  tags,
  security: Security,
  summary: "The customer's consent ledger and what it allows now",
  description: 'Needs `customers:read`; a manager only for their own customers.',
  request: { params: IdParam },
  responses: { 200: json(ConsentLedger, 'Ledger'), ...errors(404) },
});
const consentsAdd = createRoute({
  method: 'post',
  path: '/api/customers/{id}/consents',
  tags,
  security: Security,
  summary: 'Append a grant or withdrawal (the ledger is never edited)',
  description: 'Needs `customers:write` (owner, marketer, manager for their own customers).',
  request: { params: IdParam, ...body(ConsentInput) },
  responses: { 201: json(ConsentLedger, 'Ledger now'), ...errors(404, 422) },
});

const campaignDraftPreview = createRoute({
  method: 'post',
  path: '/api/campaigns/preview',
  tags,
  security: Security,
  summary: 'Budget preview and template renders of an unsaved campaign; writes nothing',
  description:
    'Needs `campaigns:write` (owner, marketer). The templates are rendered for a real customer of the audience (or `sampleCustomerId`), with the SMS segment counter.',
  request: body(CampaignDraftPreviewRequest),
  responses: { 200: json(CampaignDraftPreview, 'Preview'), ...errors(404, 422) },
});
const campaignMessagesRoute = createRoute({
  method: 'get',
  path: '/api/campaigns/{id}/messages',
  tags,
  security: Security,
  summary: 'Who got the campaign, in which channel, with status and reason (paged)',
  description: 'Needs `reports:read` (every role); a manager sees only their own customers.',
  request: { params: IdParam, query: CampaignMessagesQuery },
  responses: { 200: json(CampaignMessages, 'Messages'), ...errors(404, 422) },
});
const messagingStatus = createRoute({
  method: 'get',
  path: '/api/messaging/status',
  tags,
  security: Security,
  summary: 'Whether channel secrets can be stored, the public URL of links, and whether delivery runs',
  description: 'Needs `settings:read` (every role).',
  responses: { 200: json(MessagingStatus, 'Status'), ...errors() },
});

/** Secret fields the input would store (non-empty values for the provider's secret keys). */
function secretsIn(provider: string, config: Record<string, unknown>): string[] {
  const fields = SECRET_FIELDS[provider as keyof typeof SECRET_FIELDS] ?? [];
  return fields.filter((f) => config[f] !== undefined && config[f] !== null && config[f] !== '');
}

export function registerMessagingRoutes(app: OpenAPIHono<ApiEnv>, deps: MessagingDeps): void {
  const { db, key, pool } = deps;
  const now = () => (deps.now ?? Date.now)();
  // Read per request: the served app learns its URL (the port) only once it listens.
  const url = () => deps.publicUrl;
  app.openapi(channelsList, async (c) =>
    c.json({ items: await listChannelSettings(db, c.get('principal'), key, url()) }, 200),
  );
  app.openapi(channelRead, async (c) =>
    c.json(await readChannelSettings(db, c.get('principal'), key, c.req.valid('param').channel, url()), 200),
  );
  app.openapi(channelPut, async (c) => {
    const principal = c.get('principal');
    const input = c.req.valid('json');
    const secrets = secretsIn(input.provider, input.config);
    if (deps.secretsAllowed === false && secrets.length > 0) {
      requirePermission(principal, 'settings:write');
      return c.json(
        errorJson(
          'secret_key_required',
          `this server cannot store channel secrets (${secrets.join(', ')}): ${SECRET_KEY_HINT} and restart`,
          secrets.map((f) => ({ path: `config.${f}`, message: 'needs COMEBACK_SECRET_KEY' })),
        ),
        409,
        // A status the route declares (409) with the common error body; the typed handler
        // return covers only the 200 body.
      ) as never;
    }
    const saved = await saveChannelSettings(db, principal, key, c.req.valid('param').channel, input, url());
    pool.invalidate(principal.workspaceId);
    return c.json(saved, 200);
  });
  app.openapi(channelDelete, async (c) => {
    const principal = c.get('principal');
    await removeChannelSettings(db, principal, c.req.valid('param').channel);
    pool.invalidate(principal.workspaceId);
    return c.body(null, 204);
  });
  app.openapi(channelTest, async (c) =>
    c.json(
      await testChannel(
        db,
        c.get('principal'),
        pool,
        c.req.valid('param').channel,
        c.req.valid('json'),
        now(),
      ),
      200,
    ),
  );
  app.openapi(settingsRead, async (c) =>
    c.json(presentSettings(await readMessagingSettings(db, c.get('principal'))), 200),
  );
  app.openapi(settingsPatch, async (c) =>
    c.json(presentSettings(await updateMessagingSettings(db, c.get('principal'), c.req.valid('json'))), 200),
  );
  app.openapi(messagingStatus, async (c) => {
    requirePermission(c.get('principal'), 'settings:read');
    return c.json(
      {
        secretsAllowed: deps.secretsAllowed !== false,
        publicUrl: url() ?? null,
        deliveryRunning: deps.deliveryRunning === true,
      },
      200,
    );
  });
  // Before /api/campaigns/{id}/…: a fixed path, so it never reads as an id.
  app.openapi(campaignDraftPreview, async (c) =>
    c.json(
      await previewDraft(db, c.get('principal'), c.req.valid('json') as CampaignInput, {
        now: now(),
        publicUrl: url(),
      }),
      200,
    ),
  );
  app.openapi(campaignMessagesRoute, async (c) =>
    c.json(
      await campaignMessages(db, c.get('principal'), c.req.valid('param').id, c.req.valid('query')),
      200,
    ),
  );
  app.openapi(campaignsList, async (c) =>
    c.json({ items: await listCampaignsWithCounts(db, c.get('principal')) }, 200),
  );
  app.openapi(campaignCreate, async (c) =>
    c.json(await createCampaign(db, c.get('principal'), c.req.valid('json') as CampaignInput), 201),
  );
  app.openapi(campaignRead, async (c) =>
    c.json(await readCampaign(db, c.get('principal'), c.req.valid('param').id), 200),
  );
  app.openapi(campaignPreview, async (c) =>
    c.json(await previewCampaign(db, c.get('principal'), c.req.valid('param').id, now()), 200),
  );
  app.openapi(campaignSend, async (c) =>
    c.json(await sendCampaign(db, c.get('principal'), c.req.valid('param').id, now()), 200),
  );
  app.openapi(campaignReportRoute, async (c) =>
    c.json(await campaignReport(db, c.get('principal'), c.req.valid('param').id), 200),
  );
  app.openapi(consentsRead, async (c) =>
    c.json(await readConsentLedger(db, c.get('principal'), c.req.valid('param').id, now()), 200),
  );
  app.openapi(consentsAdd, async (c) => {
    const b = c.req.valid('json');
    const at = b.at === undefined ? undefined : Date.parse(b.at);
    if (at !== undefined && Number.isNaN(at))
      throw new AppError('validation_failed', 'at: not a date-time', [
        { path: 'at', message: 'not a date-time' },
      ]);
    const ledger = await recordConsent(
      db,
      c.get('principal'),
      c.req.valid('param').id,
      {
        channel: b.channel as MessageChannel,
        purpose: b.purpose,
        action: b.action,
        ...(at !== undefined ? { at } : {}),
        ...(b.source ? { source: b.source } : {}),
        ...(b.wordingVersion !== undefined ? { wordingVersion: b.wordingVersion } : {}),
      },
      now(),
    );
    return c.json(ledger, 201);
  });
}

/** A public route's error: the status a provider or a browser should see, without internals. */
function publicError(e: unknown): { status: 400 | 403 | 404 | 500; text: string } {
  if (e instanceof AppError) {
    const reason = (e.details as { reason?: string } | undefined)?.reason;
    if (reason === 'bad_signature') return { status: 403, text: e.message };
    if (e.code === 'not_found') return { status: 404, text: e.message };
    return { status: 400, text: e.message };
  }
  if (e instanceof AccessError) return { status: 403, text: e.message };
  process.stderr.write(
    `messaging public route: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`,
  );
  return { status: 500, text: 'internal error' };
}

/**
 * Callbacks, tracking and unsubscribe: no API key (providers and customers' mail clients call
 * them), each request proven by a signature instead. Register before the `/api/*` auth middleware.
 */
export function registerPublicMessagingRoutes<E extends Env>(app: Hono<E>, deps: MessagingDeps): void {
  const { db, key, pool } = deps;
  const now = () => (deps.now ?? Date.now)();
  const callbackDeps = { key, pool, now };
  const trackingDeps = { key, now };

  const callback = async (c: Context<E>, method: 'GET' | 'POST') => {
    const workspaceId = Number(c.req.param('workspace'));
    if (!Number.isInteger(workspaceId) || workspaceId <= 0) return c.text('no such workspace', 404);
    try {
      const answer = await handleCallback(db, callbackDeps, {
        provider: c.req.param('provider') ?? '',
        workspaceId,
        method,
        headers: Object.fromEntries(c.req.raw.headers.entries()),
        body: method === 'POST' ? await c.req.text() : '',
        query: c.req.query(),
      });
      return c.text(answer.body, answer.status as 200);
    } catch (e) {
      const { status, text } = publicError(e);
      return c.text(text, status);
    }
  };
  app.post('/api/callbacks/:provider/:workspace', (c) => callback(c, 'POST'));
  app.get('/api/callbacks/:provider/:workspace', (c) => callback(c, 'GET'));

  app.get('/t/c/:token', async (c) => {
    try {
      const url = await trackClick(db, trackingDeps, c.req.param('token'));
      if (!url) return c.text('this link is invalid', 404);
      c.header('Cache-Control', 'no-store');
      return c.redirect(url, 302);
    } catch (e) {
      const { status, text } = publicError(e);
      return c.text(text, status);
    }
  });

  app.get('/t/o/:token', async (c) => {
    try {
      await trackOpen(db, trackingDeps, c.req.param('token'));
    } catch (e) {
      publicError(e);
    }
    return c.body(new Uint8Array(PIXEL_GIF), 200, {
      'Content-Type': 'image/gif',
      'Cache-Control': 'no-store, no-cache, must-revalidate, private',
    });
  });

  const page = async (c: Context<E>, post: boolean) => {
    const language = pageLanguage(c.req.query('lang'), c.req.header('accept-language'));
    try {
      const token = c.req.param('token') ?? '';
      const result = post
        ? await unsubscribe(db, trackingDeps, token)
        : await unsubscribeStatus(db, trackingDeps, token);
      return c.html(unsubscribePage(language, result.state), result.state === 'invalid' ? 404 : 200);
    } catch (e) {
      const { status } = publicError(e);
      return c.html(unsubscribePage(language, 'invalid'), status);
    }
  };
  app.get('/u/:token', (c) => page(c, false));
  app.post('/u/:token', (c) => page(c, true));
}
