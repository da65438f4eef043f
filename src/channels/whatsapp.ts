import { z } from 'zod';
import { CallbackError } from './errors.ts';
import {
  bodySnippet,
  callHttp,
  DEFAULT_TIMEOUT_MS,
  failure,
  type HttpAnswer,
  joinUrl,
  statusFailure,
} from './http.ts';
import type {
  CallbackRequest,
  CallbackUpdates,
  Channel,
  ChannelDeps,
  DeliveryUpdate,
  InboundMessage,
  OutboundMessage,
  SendFailure,
  SendResult,
} from './types.ts';
import { header, hmacHex, parseJsonBody, safeEqual } from './util.ts';

export const whatsappConfigSchema = z.object({
  provider: z.literal('whatsapp'),
  phoneNumberId: z.string().regex(/^\d+$/, 'the numeric phone number id'),
  /** A system-user access token with whatsapp_business_messaging. */
  accessToken: z.string().min(1),
  /** The Meta app secret: X-Hub-Signature-256 of webhooks is keyed with it. */
  appSecret: z.string().optional(),
  /** The Verify Token entered in the app dashboard, for the GET subscription handshake. */
  verifyToken: z.string().optional(),
  apiVersion: z
    .string()
    .regex(/^v\d+\.\d+$/)
    .default('v21.0'),
  baseUrl: z.url().default('https://graph.facebook.com'),
  timeoutMs: z.number().int().positive().default(DEFAULT_TIMEOUT_MS),
});
export type WhatsAppConfig = z.infer<typeof whatsappConfigSchema>;

/**
 * The webhook subscription handshake (GET ?hub.mode=subscribe&hub.verify_token=…&hub.challenge=…):
 * the challenge to echo back with 200, or undefined to answer 403.
 */
export function whatsappVerifyChallenge(
  query: Record<string, string>,
  verifyToken: string,
): string | undefined {
  const token = query['hub.verify_token'];
  if (query['hub.mode'] !== 'subscribe' || token === undefined || !safeEqual(token, verifyToken))
    return undefined;
  return query['hub.challenge'];
}

type GraphError = {
  message?: string;
  code?: number;
  error_subcode?: number;
  error_data?: { details?: string };
};

const CODE_TO_FAILURE: Record<number, Parameters<typeof failure>[0]> = {
  4: 'rate_limited',
  80007: 'rate_limited',
  130429: 'rate_limited',
  131048: 'rate_limited',
  131049: 'rate_limited',
  131056: 'rate_limited',
  133016: 'rate_limited',
  1: 'provider_unavailable',
  2: 'provider_unavailable',
  131000: 'provider_unavailable',
  131016: 'provider_unavailable',
  133004: 'provider_unavailable',
  131021: 'invalid_recipient',
  131026: 'invalid_recipient',
  131030: 'invalid_recipient',
  131047: 'outside_window',
  131050: 'blocked_by_user',
  132000: 'template_error',
  132001: 'template_error',
  132005: 'template_error',
  132007: 'template_error',
  132012: 'template_error',
  132015: 'template_error',
  132016: 'template_error',
  0: 'auth_failed',
  10: 'auth_failed',
  190: 'auth_failed',
  200: 'auth_failed',
  100: 'invalid_request',
  131008: 'invalid_request',
  131009: 'invalid_request',
  131051: 'invalid_request',
};

/** Graph API errors: the code decides (rate limits come back as HTTP 400 with code 4/80007/130429). */
function graphError(answer: HttpAnswer): SendFailure {
  const err = (answer.json as { error?: GraphError } | undefined)?.error;
  if (!err || err.code === undefined) return statusFailure(answer, bodySnippet(answer));
  const reason = `WhatsApp ${err.code}: ${err.message ?? ''}${err.error_data?.details ? ` (${err.error_data.details})` : ''}`;
  const code = CODE_TO_FAILURE[err.code];
  if (code === 'rate_limited' || code === 'provider_unavailable')
    return statusFailure({ ...answer, status: code === 'rate_limited' ? 429 : 503 }, reason);
  return code ? failure(code, reason) : statusFailure(answer, reason);
}

/**
 * WhatsApp Cloud API: POST /{version}/{phone_number_id}/messages. A `template` message when the
 * OutboundMessage has one (required outside the 24-hour window), text otherwise. The idempotency
 * key travels as biz_opaque_callback_data (echoed back in status webhooks); the API has no dedupe.
 */
export class WhatsAppChannel implements Channel {
  readonly kind = 'whatsapp' as const;

  constructor(
    private readonly config: WhatsAppConfig,
    private readonly deps: ChannelDeps = {},
  ) {}

  async send(msg: OutboundMessage): Promise<SendResult> {
    const to = msg.to.replace(/^\+/, '');
    if (!/^[1-9]\d{6,14}$/.test(to)) return failure('invalid_recipient', `not a phone number: ${msg.to}`);
    const base = {
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to,
      biz_opaque_callback_data: msg.idempotencyKey.slice(0, 512),
    };
    const payload = msg.template
      ? {
          ...base,
          type: 'template',
          template: {
            name: msg.template.name,
            language: { code: msg.template.language },
            ...(msg.template.params.length > 0
              ? {
                  components: [
                    { type: 'body', parameters: msg.template.params.map((text) => ({ type: 'text', text })) },
                  ],
                }
              : {}),
          },
        }
      : { ...base, type: 'text', text: { preview_url: false, body: msg.text } };
    const answer = await callHttp(
      {
        url: joinUrl(this.config.baseUrl, `/${this.config.apiVersion}/${this.config.phoneNumberId}/messages`),
        headers: { authorization: `Bearer ${this.config.accessToken}`, 'content-type': 'application/json' },
        body: JSON.stringify(payload),
        timeoutMs: this.config.timeoutMs,
      },
      this.deps,
    );
    if (!answer.ok) return answer;
    if (answer.status !== 200) return graphError(answer);
    const id = (answer.json as { messages?: { id?: unknown }[] } | undefined)?.messages?.[0]?.id;
    if (typeof id !== 'string')
      return failure('provider_unavailable', `answer without messages[0].id: ${answer.text}`);
    return { ok: true, providerMessageId: id };
  }

  /** Webhook POSTs: entry[].changes[].value.statuses[] and .messages[], signed X-Hub-Signature-256. */
  parseCallback(req: CallbackRequest): CallbackUpdates {
    if (!this.config.appSecret)
      throw new CallbackError('bad_signature', 'WhatsApp webhook: no appSecret configured to verify with');
    const got = header(req.headers, 'X-Hub-Signature-256');
    const want = `sha256=${hmacHex('sha256', this.config.appSecret, req.body)}`;
    if (!got || !safeEqual(got, want))
      throw new CallbackError('bad_signature', 'WhatsApp webhook: X-Hub-Signature-256 missing or wrong');
    const body = parseJsonBody(req.body, 'WhatsApp webhook') as { object?: string; entry?: WebhookEntry[] };
    if (body?.object !== 'whatsapp_business_account' || !Array.isArray(body.entry))
      throw new CallbackError(
        'bad_payload',
        'WhatsApp webhook: not a whatsapp_business_account notification',
      );
    const deliveries: DeliveryUpdate[] = [];
    const inbound: InboundMessage[] = [];
    for (const entry of body.entry) {
      for (const change of entry.changes ?? []) {
        if (change.field !== 'messages') continue;
        for (const s of change.value?.statuses ?? []) {
          if (s.status !== 'sent' && s.status !== 'delivered' && s.status !== 'read' && s.status !== 'failed')
            continue;
          const update: DeliveryUpdate = {
            providerMessageId: s.id,
            status: s.status,
            at: Number(s.timestamp) * 1000,
          };
          const e = s.errors?.[0];
          if (e) update.reason = `WhatsApp ${e.code}: ${e.title ?? e.message ?? ''}`;
          deliveries.push(update);
        }
        for (const m of change.value?.messages ?? []) {
          inbound.push({
            from: m.from,
            text: inboundText(m),
            at: Number(m.timestamp) * 1000,
            providerMessageId: m.id,
          });
        }
      }
    }
    return { deliveries, inbound };
  }
}

type WebhookEntry = {
  id?: string;
  changes?: {
    field?: string;
    value?: {
      statuses?: {
        id: string;
        status: string;
        timestamp: string;
        recipient_id?: string;
        errors?: { code: number; title?: string; message?: string }[];
      }[];
      messages?: WebhookMessage[];
    };
  }[];
};

type WebhookMessage = {
  from: string;
  id: string;
  timestamp: string;
  type: string;
  text?: { body?: string };
  button?: { text?: string };
  interactive?: { button_reply?: { title?: string }; list_reply?: { title?: string } };
};

function inboundText(m: WebhookMessage): string {
  return (
    m.text?.body ??
    m.button?.text ??
    m.interactive?.button_reply?.title ??
    m.interactive?.list_reply?.title ??
    `[${m.type}]`
  );
}
