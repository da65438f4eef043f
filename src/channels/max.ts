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
  InboundMessage,
  OutboundMessage,
  SendFailure,
  SendResult,
} from './types.ts';
import { header, parseJsonBody, requireSecret } from './util.ts';

export const maxConfigSchema = z.object({
  provider: z.literal('max'),
  /** The bot token (business.max.ru → Chat bots → Integration). */
  botToken: z.string().min(1),
  baseUrl: z.url().default('https://platform-api2.max.ru'),
  /** The `secret` given to POST /subscriptions; MAX sends it as X-Max-Bot-Api-Secret. */
  webhookSecret: z
    .string()
    .regex(/^[A-Za-z0-9_-]{5,256}$/)
    .optional(),
  timeoutMs: z.number().int().positive().default(DEFAULT_TIMEOUT_MS),
});
export type MaxConfig = z.infer<typeof maxConfigSchema>;

function maxError(answer: HttpAnswer): SendFailure {
  const body = answer.json as { code?: string; message?: string } | undefined;
  const reason = body?.code ? `MAX ${body.code}: ${body.message ?? ''}` : bodySnippet(answer);
  // 403: "user suspended bot" or no access to the chat.
  if (answer.status === 403) return failure('blocked_by_user', reason);
  if (answer.status === 404) return failure('invalid_recipient', reason);
  return statusFailure(answer, reason);
}

/**
 * MAX Bot API: POST /messages?user_id=… (or ?chat_id=… for `to` written "chat:<id>"), header
 * `Authorization: <token>`, JSON NewMessageBody {text}. No idempotency key exists.
 */
export class MaxChannel implements Channel {
  readonly kind = 'max' as const;

  constructor(
    private readonly config: MaxConfig,
    private readonly deps: ChannelDeps = {},
  ) {}

  async send(msg: OutboundMessage): Promise<SendResult> {
    const m = /^(chat:)?(-?\d+)$/.exec(msg.to);
    if (!m) return failure('invalid_recipient', `not a MAX user id or chat:<id>: ${msg.to}`);
    const query = new URLSearchParams({ [m[1] ? 'chat_id' : 'user_id']: m[2]! });
    const answer = await callHttp(
      {
        url: `${joinUrl(this.config.baseUrl, '/messages')}?${query}`,
        headers: { authorization: this.config.botToken, 'content-type': 'application/json' },
        body: JSON.stringify({ text: msg.text }),
        timeoutMs: this.config.timeoutMs,
      },
      this.deps,
    );
    if (!answer.ok) return answer;
    if (answer.status !== 200) return maxError(answer);
    const mid = (answer.json as { message?: { body?: { mid?: unknown } } } | undefined)?.message?.body?.mid;
    if (typeof mid !== 'string')
      return failure('provider_unavailable', `answer without message.body.mid: ${answer.text}`);
    return { ok: true, providerMessageId: mid };
  }

  /** Webhook updates: `message_created` becomes an inbound message. MAX reports no delivery status. */
  parseCallback(req: CallbackRequest): CallbackUpdates {
    requireSecret(this.config.webhookSecret, header(req.headers, 'X-Max-Bot-Api-Secret'), 'MAX webhook');
    const update = parseJsonBody(req.body, 'MAX webhook') as {
      update_type?: string;
      timestamp?: number;
      message?: {
        sender?: { user_id?: number };
        timestamp?: number;
        body?: { mid?: string; text?: string | null };
      };
    };
    if (typeof update !== 'object' || update === null || typeof update.update_type !== 'string')
      throw new CallbackError('bad_payload', 'MAX webhook: not an Update');
    const inbound: InboundMessage[] = [];
    if (update.update_type === 'message_created') {
      const m = update.message;
      if (m?.sender?.user_id === undefined)
        throw new CallbackError('bad_payload', 'MAX webhook: message without sender');
      const item: InboundMessage = {
        from: String(m.sender.user_id),
        text: m.body?.text ?? '',
        at: m.timestamp ?? update.timestamp ?? 0, // MAX times are already epoch milliseconds
      };
      if (m.body?.mid) item.providerMessageId = m.body.mid;
      inbound.push(item);
    }
    return { deliveries: [], inbound };
  }
}
