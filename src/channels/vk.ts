import { z } from 'zod';
import { CallbackError } from './errors.ts';
import { bodySnippet, callHttp, DEFAULT_TIMEOUT_MS, failure, joinUrl, statusFailure } from './http.ts';
import type {
  CallbackRequest,
  CallbackUpdates,
  Channel,
  ChannelDeps,
  InboundMessage,
  OutboundMessage,
  SendFailure,
  SendResult,
} from './types.ts';
import { parseJsonBody, requireSecret, sha256Hex } from './util.ts';

export const vkConfigSchema = z.object({
  provider: z.literal('vk'),
  /** A community access token with the `messages` scope. */
  accessToken: z.string().min(1),
  /** The community id; when given, callbacks for another community are refused. */
  groupId: z.number().int().positive().optional(),
  apiVersion: z.string().default('5.199'),
  baseUrl: z.url().default('https://api.vk.com'),
  /** The Callback API "secret key"; VK puts it in every event's `secret` field. */
  callbackSecret: z.string().min(1).optional(),
  /** The string VK shows for the `confirmation` event; see vkCallbackAnswer. */
  confirmationCode: z.string().optional(),
  timeoutMs: z.number().int().positive().default(DEFAULT_TIMEOUT_MS),
});
export type VkConfig = z.infer<typeof vkConfigSchema>;

/**
 * random_id for messages.send: VK drops a second send with the same random_id to the same peer,
 * so deriving it from the idempotency key makes a retry safe. A positive int32; the same key
 * always gives the same id, different keys collide with probability 2^-31.
 */
export function vkRandomId(idempotencyKey: string): number {
  return Number.parseInt(sha256Hex(idempotencyKey).slice(0, 8), 16) & 0x7fffffff || 1;
}

/** What the Callback API handler must answer: the confirmation code, or "ok" to every event. */
export function vkCallbackAnswer(body: string, confirmationCode: string): string {
  try {
    return (JSON.parse(body) as { type?: string }).type === 'confirmation' ? confirmationCode : 'ok';
  } catch {
    return 'ok';
  }
}

/** VK API error codes (https://dev.vk.com/reference/errors). */
function vkError(code: number, msg: string): SendFailure {
  const reason = `VK ${code}: ${msg}`;
  switch (code) {
    case 6: // too many requests per second
      return failure('rate_limited', reason, 1000);
    case 9: // flood control
    case 29: // rate limit reached
      return failure('rate_limited', reason);
    case 1: // unknown error
    case 10: // internal server error
      return failure('provider_unavailable', reason);
    case 5:
    case 7:
    case 15:
    case 27:
      return failure('auth_failed', reason);
    case 900: // the user blacklisted the community
    case 901: // no permission: the user has not allowed messages from the community
    case 902: // the user's privacy settings
      return failure('blocked_by_user', reason);
    case 18: // user deleted or banned
    case 113: // invalid user id
    case 936: // contact not found
      return failure('invalid_recipient', reason);
    case 100:
    case 914: // message too long
      return failure('invalid_request', reason);
    default:
      return failure('rejected', reason);
  }
}

/** VK community messages: POST /method/messages.send (form: user_id, random_id, message, access_token, v). */
export class VkChannel implements Channel {
  readonly kind = 'vk' as const;

  constructor(
    private readonly config: VkConfig,
    private readonly deps: ChannelDeps = {},
  ) {}

  async send(msg: OutboundMessage): Promise<SendResult> {
    if (!/^[1-9]\d*$/.test(msg.to)) return failure('invalid_recipient', `not a VK user id: ${msg.to}`);
    const form = new URLSearchParams({
      user_id: msg.to,
      random_id: String(vkRandomId(msg.idempotencyKey)),
      message: msg.text,
      access_token: this.config.accessToken,
      v: this.config.apiVersion,
    });
    const answer = await callHttp(
      {
        url: joinUrl(this.config.baseUrl, '/method/messages.send'),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form.toString(),
        timeoutMs: this.config.timeoutMs,
      },
      this.deps,
    );
    if (!answer.ok) return answer;
    if (answer.status !== 200) return statusFailure(answer, bodySnippet(answer));
    const body = answer.json as
      | { response?: number | { message_id?: number }[]; error?: { error_code?: number; error_msg?: string } }
      | undefined;
    if (body?.error) return vkError(Number(body.error.error_code), body.error.error_msg ?? '');
    const r = body?.response;
    const id = typeof r === 'number' ? r : Array.isArray(r) ? r[0]?.message_id : undefined;
    if (typeof id !== 'number')
      return failure('provider_unavailable', `unreadable answer: ${bodySnippet(answer)}`);
    return { ok: true, providerMessageId: String(id) };
  }

  /** Callback API events: `message_new` becomes an inbound message; the rest carry no update. */
  parseCallback(req: CallbackRequest): CallbackUpdates {
    const event = parseJsonBody(req.body, 'VK callback') as {
      type?: string;
      group_id?: number;
      secret?: string;
      object?: { message?: VkMessage } & VkMessage;
    };
    if (typeof event !== 'object' || event === null || typeof event.type !== 'string')
      throw new CallbackError('bad_payload', 'VK callback: not an event');
    // The confirmation request carries no secret: it only asks for the code, which reveals nothing.
    if (event.type === 'confirmation') return { deliveries: [], inbound: [] };
    requireSecret(this.config.callbackSecret, event.secret, 'VK callback');
    if (this.config.groupId !== undefined && event.group_id !== this.config.groupId)
      throw new CallbackError(
        'bad_signature',
        `VK callback: for group ${event.group_id}, not ${this.config.groupId}`,
      );
    const inbound: InboundMessage[] = [];
    if (event.type === 'message_new') {
      // API ≥ 5.103 wraps the message as object.message; older versions send it as object.
      const m = event.object?.message ?? event.object;
      if (!m || typeof m.from_id !== 'number')
        throw new CallbackError('bad_payload', 'VK callback: message_new without a message');
      inbound.push({
        from: String(m.from_id),
        text: m.text ?? '',
        at: (m.date ?? 0) * 1000,
        providerMessageId: String(m.id),
      });
    }
    return { deliveries: [], inbound };
  }
}

type VkMessage = { id?: number; date?: number; from_id?: number; peer_id?: number; text?: string };
