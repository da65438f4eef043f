/**
 * The messaging API client: channel settings and test sends, routing and budget settings,
 * campaigns (draft preview, create, send, report, recipients), and a customer's consent ledger.
 * Types come from the contract by `import type` only.
 */
import type { z } from '@hono/zod-openapi';
import type * as M from '../../src/http/contract/messaging.ts';
import type { SavedSegmentList } from '../../src/http/contract/saved-segments.ts';
import { json, send } from './api.ts';

export type MessageChannel = (typeof M.MESSAGE_CHANNEL_NAMES)[number];
export type Provider = (typeof M.PROVIDER_NAMES)[number];
export type ChannelSettings = z.infer<typeof M.ChannelSettings>;
export type ChannelSettingsInput = z.input<typeof M.ChannelSettingsInput>;
export type ChannelTestResult = z.infer<typeof M.ChannelTestResult>;
export type MessagingSettings = z.infer<typeof M.MessagingSettings>;
export type CapRule = MessagingSettings['budget']['caps'][number];
export type MessagingStatus = z.infer<typeof M.MessagingStatus>;
export type Campaign = z.infer<typeof M.Campaign>;
export type CampaignListItem = z.infer<typeof M.CampaignListItem>;
export type CampaignCreate = z.input<typeof M.CampaignCreate>;
export type CampaignTemplate = CampaignCreate['templates'][string];
export type Audience = z.infer<typeof M.Audience>;
export type CampaignPlan = z.infer<typeof M.CampaignPlan>;
export type CampaignDraftPreview = z.infer<typeof M.CampaignDraftPreview>;
export type TemplateRender = z.infer<typeof M.TemplateRender>;
export type CampaignReport = z.infer<typeof M.CampaignReport>;
export type CampaignMessage = z.infer<typeof M.CampaignMessage>;
export type CampaignMessages = z.infer<typeof M.CampaignMessages>;
export type ConsentLedger = z.infer<typeof M.ConsentLedger>;
export type ConsentEntry = z.infer<typeof M.ConsentEntry>;
export type ConsentInput = z.input<typeof M.ConsentInput>;
export type SavedSegmentItem = z.infer<typeof SavedSegmentList>['items'][number];

// Restated so the bundle does not import zod; the annotation fails the build if the contract changes.
export const MESSAGE_CHANNELS: typeof M.MESSAGE_CHANNEL_NAMES = [
  'email',
  'sms',
  'telegram',
  'whatsapp',
  'vk',
  'max',
  'webhook',
];

type Opts = { signal?: AbortSignal | undefined };

export const messagingApi = {
  status: (o: Opts = {}) => json<MessagingStatus>(send('GET', '/api/messaging/status', o)),
  channels: (o: Opts = {}) => json<{ items: ChannelSettings[] }>(send('GET', '/api/channels', o)),
  saveChannel: (channel: MessageChannel, body: ChannelSettingsInput) =>
    json<ChannelSettings>(send('PUT', `/api/channels/${channel}`, { json: body })),
  removeChannel: async (channel: MessageChannel) => {
    await send('DELETE', `/api/channels/${channel}`);
  },
  testChannel: (channel: MessageChannel, body: { to: string; text?: string; subject?: string }) =>
    json<ChannelTestResult>(send('POST', `/api/channels/${channel}/test`, { json: body })),
  settings: (o: Opts = {}) => json<MessagingSettings>(send('GET', '/api/messaging/settings', o)),
  saveSettings: (patch: Partial<MessagingSettings>) =>
    json<MessagingSettings>(send('PATCH', '/api/messaging/settings', { json: patch })),

  /** Saved segments (/api/saved-segments), the builder's first choice of audience. */
  savedSegments: (o: Opts = {}) =>
    json<{ items: SavedSegmentItem[] }>(
      send('GET', '/api/saved-segments', { query: { counts: 'true' }, ...o }),
    ),
  campaigns: (o: Opts = {}) => json<{ items: CampaignListItem[] }>(send('GET', '/api/campaigns', o)),
  campaign: (id: number, o: Opts = {}) => json<Campaign>(send('GET', `/api/campaigns/${id}`, o)),
  previewDraft: (body: CampaignCreate & { sampleCustomerId?: number }, o: Opts = {}) =>
    json<CampaignDraftPreview>(send('POST', '/api/campaigns/preview', { json: body, ...o })),
  createCampaign: (body: CampaignCreate) => json<Campaign>(send('POST', '/api/campaigns', { json: body })),
  previewCampaign: (id: number, o: Opts = {}) =>
    json<CampaignPlan>(send('POST', `/api/campaigns/${id}/preview`, o)),
  sendCampaign: (id: number) => json<CampaignPlan>(send('POST', `/api/campaigns/${id}/send`)),
  report: (id: number, o: Opts = {}) => json<CampaignReport>(send('GET', `/api/campaigns/${id}/report`, o)),
  messages: (
    id: number,
    q: { status?: string; channel?: string; limit?: number; offset?: number },
    o: Opts = {},
  ) => json<CampaignMessages>(send('GET', `/api/campaigns/${id}/messages`, { query: q, ...o })),

  consents: (customerId: number, o: Opts = {}) =>
    json<ConsentLedger>(send('GET', `/api/customers/${customerId}/consents`, o)),
  addConsent: (customerId: number, body: ConsentInput) =>
    json<ConsentLedger>(send('POST', `/api/customers/${customerId}/consents`, { json: body })),
};
