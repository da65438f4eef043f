/** Messaging (PRODUCT.md C7): channel settings, routing and budget, campaigns, consent. */
import { z } from '@hono/zod-openapi';

export const MESSAGE_CHANNEL_NAMES = [
  'email',
  'sms',
  'telegram',
  'whatsapp',
  'vk',
  'max',
  'webhook',
] as const;
export const PROVIDER_NAMES = [
  'smtp',
  'sms-ru',
  'twilio',
  'telegram',
  'whatsapp',
  'vk',
  'max',
  'webhook',
  'log',
] as const;

const Channel = z.enum(MESSAGE_CHANNEL_NAMES);

export const ChannelParam = z.object({
  channel: Channel.openapi({ param: { name: 'channel', in: 'path' }, example: 'telegram' }),
});

export const ChannelSettingsInput = z
  .object({
    provider: z.enum(PROVIDER_NAMES),
    enabled: z.boolean().optional(),
    costMinor: z.number().int().min(0).nullable().optional(),
    config: z.record(z.string(), z.unknown()).openapi({
      description:
        "the provider's config keys (src/channels/README.md). Secret keys (tokens, passwords) left out keep their stored values; null or '' removes one.",
      example: { botToken: '123456:ABC-DEF', webhookSecret: 'tg_secret_1' },
    }),
  })
  .openapi('ChannelSettingsInput');

export const ChannelSettings = z
  .object({
    channel: Channel,
    provider: z.enum(PROVIDER_NAMES),
    enabled: z.boolean(),
    config: z.record(z.string(), z.unknown()).openapi({ description: 'the settings that are not secret' }),
    secretsSet: z
      .array(z.string())
      .openapi({ description: 'names of the secret fields that are set (never their values)' }),
    costMinor: z.number().int().nullable(),
    updatedAt: z.string(),
    callbackUrl: z.string().nullable().openapi({ description: 'where to point the provider webhook' }),
  })
  .openapi('ChannelSettings');

export const ChannelSettingsList = z
  .object({ items: z.array(ChannelSettings) })
  .openapi('ChannelSettingsList');

export const ChannelTestRequest = z
  .object({
    to: z.string().min(1).openapi({ example: '+79161234567' }),
    text: z.string().max(4000).optional(),
    subject: z.string().max(500).optional(),
  })
  .openapi('ChannelTestRequest');

export const ChannelTestResult = z
  .object({
    ok: z.boolean(),
    providerMessageId: z.string().optional(),
    code: z.string().optional(),
    reason: z.string().optional(),
    retryable: z.boolean().optional(),
  })
  .openapi('ChannelTestResult');

const CapRule = z.object({
  purpose: z.enum(['transactional', 'marketing', 'any']).optional(),
  channel: Channel.optional(),
  max: z.number().int().min(0),
  perDays: z.number().positive(),
});

export const MessagingSettings = z
  .object({
    cascade: z.array(Channel),
    budget: z.object({
      caps: z.array(CapRule),
      quietHours: z.object({ from: z.string(), to: z.string() }).nullable(),
    }),
    maxCostMinor: z.number().int().nullable(),
  })
  .openapi('MessagingSettings');

export const MessagingSettingsPatch = MessagingSettings.partial().openapi('MessagingSettingsPatch');

const Template = z
  .object({
    key: z.string().optional(),
    language: z.enum(['ru', 'en']).optional(),
    subject: z.string().optional(),
    text: z.string(),
    sms: z.string().optional(),
    mjml: z.string().optional(),
  })
  .openapi('MessageTemplate');

export const Audience = z
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
    birthdayMonth: z.number().int().optional(),
    category: z.string().optional(),
    customerIds: z.array(z.number().int()).optional(),
    savedSegmentId: z
      .number()
      .int()
      .optional()
      .openapi({ description: 'a saved segment (/api/saved-segments): its customers as of today' }),
  })
  .openapi('Audience', { example: { status: ['sleeping'] } });

const ChannelPolicy = z.object({
  channels: z.array(Channel).optional(),
  cascade: z.array(Channel).optional(),
  preferred: z.boolean().optional(),
});

export const CampaignCreate = z
  .object({
    name: z.string(),
    audience: Audience,
    purpose: z.enum(['transactional', 'marketing']),
    templates: z
      .record(z.string(), Template)
      .openapi({ description: 'a template per channel; `default` serves the rest' }),
    channelPolicy: ChannelPolicy.optional(),
    context: z.record(z.string(), z.unknown()).optional(),
    scheduleAt: z.string().nullable().optional(),
    expiresAfterHours: z.number().int().nullable().optional(),
    priority: z.number().int().optional(),
    variant: z.string().nullable().optional(),
    holdoutShare: z.number().nullable().optional(),
  })
  .openapi('CampaignCreate');

export const Campaign = z
  .object({
    id: z.number().int(),
    name: z.string(),
    audience: Audience,
    purpose: z.enum(['transactional', 'marketing']),
    templates: z.record(z.string(), Template),
    channelPolicy: ChannelPolicy,
    context: z.record(z.string(), z.unknown()),
    scheduleAt: z.string().nullable(),
    expiresAfterHours: z.number().int().nullable(),
    priority: z.number().int(),
    status: z.string(),
    variant: z.string().nullable(),
    holdoutShare: z.number().nullable(),
    createdAt: z.string(),
    sentAt: z.string().nullable(),
  })
  .openapi('Campaign');

export const CampaignListItem = Campaign.extend({
  counts: z.record(z.string(), z.number().int()).openapi({
    description: 'messages by status (cascaded ones included)',
    example: { delivered: 120, skipped: 4 },
  }),
}).openapi('CampaignListItem');

export const CampaignList = z.object({ items: z.array(CampaignListItem) }).openapi('CampaignList');

export const CampaignPlan = z
  .object({
    audience: z.number().int(),
    alreadyPlanned: z.number().int(),
    now: z.number().int(),
    deferred: z.number().int(),
    excluded: z.number().int(),
    deferredBy: z.object({
      not_before: z.number().int(),
      cap: z.number().int(),
      quiet_hours: z.number().int(),
    }),
    excludedBy: z.record(z.string(), z.number().int()),
    byChannel: z.record(z.string(), z.object({ now: z.number().int(), deferred: z.number().int() })),
    deferredWindow: z
      .object({ from: z.string(), to: z.string() })
      .nullable()
      .openapi({ description: 'when the deferred messages go out: the earliest and the latest slot' }),
    written: z.number().int().optional(),
  })
  .openapi('CampaignPlan', {
    description: 'the budget preview: sent now, deferred (and by what), excluded (and why)',
  });

export const CampaignReport = z
  .object({
    campaignId: z.number().int(),
    byStatus: z.record(z.string(), z.number().int()),
    byChannel: z.record(z.string(), z.record(z.string(), z.number().int())),
    funnel: z.object({
      planned: z.number().int(),
      sent: z.number().int(),
      delivered: z.number().int(),
      opened: z.number().int(),
      clicked: z.number().int(),
      replied: z.number().int(),
    }),
    skippedBy: z.record(z.string(), z.number().int()),
    failedBy: z.record(z.string(), z.number().int()),
    costMinor: z.number().int(),
  })
  .openapi('CampaignReport');

export const ConsentInput = z
  .object({
    channel: Channel,
    purpose: z.enum(['transactional', 'marketing']),
    action: z.enum(['granted', 'withdrawn']),
    at: z.string().optional().openapi({ description: 'when the customer did it (default: now)' }),
    source: z.enum(['import', 'form', 'api', 'manual']).optional(),
    wordingVersion: z.string().nullable().optional(),
  })
  .openapi('ConsentInput');

export const ConsentEntry = z
  .object({
    channel: Channel,
    purpose: z.enum(['transactional', 'marketing']),
    action: z.enum(['granted', 'withdrawn']),
    at: z.string(),
    source: z.string(),
    wordingVersion: z.string().nullable(),
    actor: z.string(),
  })
  .openapi('ConsentEntry');

export const ConsentLedger = z
  .object({
    items: z.array(ConsentEntry),
    state: z.record(z.string(), z.object({ transactional: z.boolean(), marketing: z.boolean() })),
  })
  .openapi('ConsentLedger');

export const CampaignDraftPreviewRequest = CampaignCreate.extend({
  sampleCustomerId: z
    .number()
    .int()
    .positive()
    .optional()
    .openapi({ description: "render the templates for this customer (default: the audience's first)" }),
}).openapi('CampaignDraftPreviewRequest');

const IssueOut = z.object({
  part: z.string(),
  kind: z.string(),
  message: z.string(),
  line: z.number().int().nullable(),
});

export const TemplateRender = z
  .object({
    ok: z.boolean(),
    subject: z.string().nullable(),
    text: z.string(),
    sms: z.string(),
    smsCount: z.object({
      encoding: z.string(),
      characters: z.number().int(),
      units: z.number().int(),
      segments: z.number().int(),
      perSegment: z.number().int(),
      remainingInSegment: z.number().int(),
      nonGsm: z.array(z.string()),
    }),
    html: z.string().nullable(),
    errors: z.array(IssueOut),
    warnings: z.array(IssueOut),
  })
  .openapi('TemplateRender');

export const CampaignDraftPreview = z
  .object({
    plan: CampaignPlan,
    sample: z.object({ id: z.number().int(), name: z.string().nullable() }).nullable(),
    renders: z.record(z.string(), TemplateRender),
  })
  .openapi('CampaignDraftPreview', {
    description: 'the budget preview of an unsaved campaign and its templates rendered for a real customer',
  });

export const CampaignMessagesQuery = z.object({
  status: z
    .string()
    .optional()
    .openapi({ param: { name: 'status', in: 'query' }, example: 'delivered' }),
  channel: Channel.optional().openapi({ param: { name: 'channel', in: 'query' } }),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(500)
    .optional()
    .openapi({ param: { name: 'limit', in: 'query' } }),
  offset: z.coerce
    .number()
    .int()
    .min(0)
    .optional()
    .openapi({ param: { name: 'offset', in: 'query' } }),
});

export const CampaignMessage = z
  .object({
    id: z.number().int(),
    customerId: z.number().int(),
    customerName: z.string().nullable(),
    channel: z.string().nullable(),
    status: z.string(),
    reason: z.string().nullable(),
    address: z.string().nullable(),
    parentId: z.number().int().nullable(),
    sendAfter: z.string(),
    sentAt: z.string().nullable(),
    updatedAt: z.string(),
    costMinor: z.number().int().nullable(),
  })
  .openapi('CampaignMessage');

export const CampaignMessages = z
  .object({
    items: z.array(CampaignMessage),
    total: z.number().int(),
    limit: z.number().int(),
    offset: z.number().int(),
  })
  .openapi('CampaignMessages');

export const MessagingStatus = z
  .object({
    secretsAllowed: z.boolean(),
    publicUrl: z.string().nullable(),
    deliveryRunning: z.boolean(),
  })
  .openapi('MessagingStatus', {
    description:
      'whether channel secrets can be stored (COMEBACK_SECRET_KEY), the public URL used in links, and whether this server runs the delivery worker',
  });
