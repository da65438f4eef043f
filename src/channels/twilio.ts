import { createHmac } from 'node:crypto';
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
import { defaultNow, header, safeEqual } from './util.ts';

export const twilioConfigSchema = z
  .object({
    provider: z.literal('twilio'),
    accountSid: z.string().regex(/^AC[0-9a-fA-F]{32}$/, 'an Account SID: AC + 32 hex digits'),
    /** Signs the callbacks; also the API password unless an API key is given. */
    authToken: z.string().min(1),
    apiKeySid: z.string().optional(),
    apiKeySecret: z.string().optional(),
    /** An E.164 sender number; or use messagingServiceSid. */
    from: z.string().optional(),
    messagingServiceSid: z.string().optional(),
    /**
     * The public URL Twilio posts status callbacks to (sent as StatusCallback) and the URL the
     * signature is computed over; point the number's inbound webhook at the same URL.
     */
    callbackUrl: z.url().optional(),
    baseUrl: z.url().default('https://api.twilio.com'),
    timeoutMs: z.number().int().positive().default(DEFAULT_TIMEOUT_MS),
  })
  .refine((c) => c.from || c.messagingServiceSid, { message: 'from or messagingServiceSid is required' })
  .refine((c) => (c.apiKeySid === undefined) === (c.apiKeySecret === undefined), {
    message: 'apiKeySid and apiKeySecret go together',
  });
export type TwilioConfig = z.infer<typeof twilioConfigSchema>;

/**
 * X-Twilio-Signature: base64 HMAC-SHA1, keyed with the auth token, over the full URL followed by
 * every POST parameter as name+value, sorted by name.
 */
export function twilioSignature(authToken: string, url: string, params: URLSearchParams): string {
  const pairs = [...params.entries()].sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : 1));
  let data = url;
  for (const [k, v] of pairs) data += k + v;
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}

/** Twilio error codes (https://www.twilio.com/docs/api/errors) that say more than the HTTP status. */
function twilioError(answer: HttpAnswer): SendFailure {
  const body = answer.json as { code?: number; message?: string } | undefined;
  const code = body?.code;
  const reason = code ? `Twilio ${code}: ${body?.message ?? ''}` : bodySnippet(answer);
  switch (code) {
    case 21211: // invalid 'To' number
    case 21214: // 'To' number cannot be reached
    case 21612: // cannot route to this number
    case 21614: // 'To' number is not a mobile number
      return failure('invalid_recipient', reason);
    case 21610: // recipient replied STOP
      return failure('blocked_by_user', reason);
    case 20003: // authentication failed
      return failure('auth_failed', reason);
    case 20429:
      return statusFailure({ ...answer, status: 429 }, reason);
  }
  return statusFailure(answer, reason);
}

const STATUS: Record<string, DeliveryUpdate['status'] | undefined> = {
  sent: 'sent',
  delivered: 'delivered',
  read: 'read',
  undelivered: 'failed',
  failed: 'failed',
  canceled: 'failed',
};

/** Twilio Programmable Messaging: POST /2010-04-01/Accounts/{Sid}/Messages.json. */
export class TwilioChannel implements Channel {
  readonly kind = 'sms' as const;
  private readonly now: () => number;

  constructor(
    private readonly config: TwilioConfig,
    private readonly deps: ChannelDeps = {},
  ) {
    this.now = defaultNow(deps);
  }

  async send(msg: OutboundMessage): Promise<SendResult> {
    if (!/^\+[1-9]\d{6,14}$/.test(msg.to))
      return failure('invalid_recipient', `not an E.164 number: ${msg.to}`);
    const form = new URLSearchParams({ To: msg.to, Body: msg.text });
    if (this.config.messagingServiceSid) form.set('MessagingServiceSid', this.config.messagingServiceSid);
    else if (this.config.from) form.set('From', this.config.from);
    if (this.config.callbackUrl) form.set('StatusCallback', this.config.callbackUrl);
    const user = this.config.apiKeySid ?? this.config.accountSid;
    const pass = this.config.apiKeySecret ?? this.config.authToken;
    const answer = await callHttp(
      {
        url: joinUrl(this.config.baseUrl, `/2010-04-01/Accounts/${this.config.accountSid}/Messages.json`),
        headers: {
          authorization: `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
          'i-twilio-idempotency-token': msg.idempotencyKey,
        },
        body: form.toString(),
        timeoutMs: this.config.timeoutMs,
      },
      this.deps,
    );
    if (!answer.ok) return answer;
    if (answer.status !== 200 && answer.status !== 201) return twilioError(answer);
    const sid = (answer.json as { sid?: unknown } | undefined)?.sid;
    if (typeof sid !== 'string')
      return failure('provider_unavailable', `answer without sid: ${bodySnippet(answer)}`);
    return { ok: true, providerMessageId: sid };
  }

  /** Status callbacks (MessageSid, MessageStatus[, ErrorCode]) and inbound messages (Body, From). */
  parseCallback(req: CallbackRequest): CallbackUpdates {
    const url = this.config.callbackUrl;
    if (!url)
      throw new CallbackError(
        'bad_signature',
        'Twilio callback: no callbackUrl configured to verify against',
      );
    const params = new URLSearchParams(req.body);
    const got = header(req.headers, 'X-Twilio-Signature');
    if (!got || !safeEqual(got, twilioSignature(this.config.authToken, url, params)))
      throw new CallbackError('bad_signature', 'Twilio callback: X-Twilio-Signature missing or wrong');
    const sid = params.get('MessageSid') ?? params.get('SmsSid');
    if (!sid) throw new CallbackError('bad_payload', 'Twilio callback: no MessageSid');
    const status = params.get('MessageStatus') ?? params.get('SmsStatus') ?? '';
    const deliveries: DeliveryUpdate[] = [];
    const inbound: InboundMessage[] = [];
    if (status === 'received') {
      inbound.push({
        from: params.get('From') ?? '',
        text: params.get('Body') ?? '',
        at: this.now(),
        providerMessageId: sid,
      });
    } else {
      const mapped = STATUS[status];
      if (mapped) {
        const update: DeliveryUpdate = { providerMessageId: sid, status: mapped, at: this.now() };
        const code = params.get('ErrorCode');
        if (mapped === 'failed') update.reason = code ? `Twilio ${code}: ${status}` : status;
        deliveries.push(update);
      }
    }
    return { deliveries, inbound };
  }
}
