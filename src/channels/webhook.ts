import { z } from 'zod';
import { CallbackError } from './errors.ts';
import { bodySnippet, callHttp, DEFAULT_TIMEOUT_MS, failure, statusFailure } from './http.ts';
import type {
  CallbackRequest,
  CallbackUpdates,
  Channel,
  ChannelDeps,
  OutboundMessage,
  SendResult,
} from './types.ts';
import { defaultNow, header, hmacHex, parseJsonBody, safeEqual } from './util.ts';

export const webhookConfigSchema = z.object({
  provider: z.literal('webhook'),
  /** Where each message is POSTed as JSON. */
  url: z.url(),
  /** Shared HMAC key for X-Comeback-Signature, both directions. */
  secret: z.string().min(16),
  /** Extra request headers (e.g. the receiver's own API key). */
  headers: z.record(z.string(), z.string()).default({}),
  /** Callbacks signed further than this from now are refused (replay protection). */
  toleranceSec: z.number().int().positive().default(300),
  timeoutMs: z.number().int().positive().default(DEFAULT_TIMEOUT_MS),
});
export type WebhookConfig = z.infer<typeof webhookConfigSchema>;

export const SIGNATURE_HEADER = 'X-Comeback-Signature';

/**
 * `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`. The timestamp is signed with
 * the body so a captured request cannot be replayed later with a fresh `t`.
 */
export function signWebhook(secret: string, body: string, timestampSec: number): string {
  return `t=${timestampSec},v1=${hmacHex('sha256', secret, `${timestampSec}.${body}`)}`;
}

/** True when some v1 in the header matches and t is within toleranceSec of nowMs. */
export function verifyWebhookSignature(
  secret: string,
  body: string,
  signature: string,
  nowMs: number,
  toleranceSec = 300,
): boolean {
  const parts = signature.split(',').map((p) => p.trim().split('='));
  const t = parts.find(([k]) => k === 't')?.[1];
  if (t === undefined || !/^\d+$/.test(t)) return false;
  if (Math.abs(nowMs / 1000 - Number(t)) > toleranceSec) return false;
  const want = hmacHex('sha256', secret, `${t}.${body}`);
  return parts.some(([k, v]) => k === 'v1' && v !== undefined && safeEqual(v, want));
}

const callbackSchema = z.object({
  deliveries: z
    .array(
      z.object({
        providerMessageId: z.string().min(1),
        status: z.enum(['sent', 'delivered', 'read', 'failed']),
        at: z.number().int().nonnegative(),
        reason: z.string().optional(),
      }),
    )
    .default([]),
  inbound: z
    .array(
      z.object({
        from: z.string().min(1),
        text: z.string(),
        at: z.number().int().nonnegative(),
        providerMessageId: z.string().optional(),
      }),
    )
    .default([]),
});

/**
 * A generic outgoing webhook for channels Comeback has no adapter for: POST JSON with
 * Idempotency-Key and X-Comeback-Signature. The receiver may answer {"id": "..."}; otherwise the
 * idempotency key is the message id. Callbacks come back signed the same way, as
 * {deliveries: DeliveryUpdate[], inbound: InboundMessage[]}.
 */
export class WebhookChannel implements Channel {
  readonly kind = 'webhook' as const;
  private readonly now: () => number;

  constructor(
    private readonly config: WebhookConfig,
    private readonly deps: ChannelDeps = {},
  ) {
    this.now = defaultNow(deps);
  }

  async send(msg: OutboundMessage): Promise<SendResult> {
    const body = JSON.stringify({
      type: 'message',
      idempotencyKey: msg.idempotencyKey,
      to: msg.to,
      subject: msg.subject,
      text: msg.text,
      html: msg.html,
      template: msg.template,
      headers: msg.headers,
      metadata: msg.metadata,
    });
    const answer = await callHttp(
      {
        url: this.config.url,
        headers: {
          ...this.config.headers,
          'content-type': 'application/json',
          'idempotency-key': msg.idempotencyKey,
          [SIGNATURE_HEADER.toLowerCase()]: signWebhook(
            this.config.secret,
            body,
            Math.floor(this.now() / 1000),
          ),
        },
        body,
        timeoutMs: this.config.timeoutMs,
      },
      this.deps,
    );
    if (!answer.ok) return answer;
    if (answer.status < 200 || answer.status >= 300) {
      if (answer.status === 404 || answer.status === 410)
        return failure('invalid_recipient', `HTTP ${answer.status}: ${bodySnippet(answer)}`);
      return statusFailure(answer, bodySnippet(answer));
    }
    const id = (answer.json as { id?: unknown } | undefined)?.id;
    return { ok: true, providerMessageId: typeof id === 'string' && id !== '' ? id : msg.idempotencyKey };
  }

  parseCallback(req: CallbackRequest): CallbackUpdates {
    const sig = header(req.headers, SIGNATURE_HEADER);
    if (
      !sig ||
      !verifyWebhookSignature(this.config.secret, req.body, sig, this.now(), this.config.toleranceSec)
    )
      throw new CallbackError(
        'bad_signature',
        `webhook callback: ${SIGNATURE_HEADER} missing, wrong or expired`,
      );
    const parsed = callbackSchema.safeParse(parseJsonBody(req.body, 'webhook callback'));
    if (!parsed.success) throw new CallbackError('bad_payload', `webhook callback: ${parsed.error.message}`);
    return parsed.data;
  }
}
