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
import { defaultNow, header, parseJsonBody, requireSecret } from './util.ts';

export const telegramConfigSchema = z.object({
  provider: z.literal('telegram'),
  /** From @BotFather: "123456:ABC-DEF…". */
  botToken: z.string().regex(/^\d+:[\w-]+$/, 'a bot token: <digits>:<token>'),
  baseUrl: z.url().default('https://api.telegram.org'),
  /** The secret_token given to setWebhook; Telegram echoes it in X-Telegram-Bot-Api-Secret-Token. */
  webhookSecret: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,256}$/)
    .optional(),
  timeoutMs: z.number().int().positive().default(DEFAULT_TIMEOUT_MS),
});
export type TelegramConfig = z.infer<typeof telegramConfigSchema>;

type BotApiAnswer = {
  ok?: boolean;
  result?: { message_id?: number; chat?: { id?: number } };
  error_code?: number;
  description?: string;
  parameters?: { retry_after?: number };
};

function botApiError(answer: HttpAnswer): SendFailure {
  const body = answer.json as BotApiAnswer | undefined;
  const description = body?.description ?? bodySnippet(answer);
  const code = body?.error_code ?? answer.status;
  if (code === 429) {
    const after = body?.parameters?.retry_after;
    return failure('rate_limited', description, after !== undefined ? after * 1000 : undefined);
  }
  // 403: "bot was blocked by the user", "user is deactivated", "bot can't initiate conversation".
  if (code === 403) return failure('blocked_by_user', description);
  if (code === 400 && /chat not found|user not found|PEER_ID_INVALID/i.test(description))
    return failure('invalid_recipient', description);
  if (code === 401 || code === 404) return failure('auth_failed', description); // 404: unknown token
  return statusFailure({ ...answer, status: code }, description);
}

/** Telegram Bot API: POST /bot{token}/sendMessage {chat_id, text}. No idempotency key exists. */
export class TelegramChannel implements Channel {
  readonly kind = 'telegram' as const;
  private readonly now: () => number;

  constructor(
    private readonly config: TelegramConfig,
    private readonly deps: ChannelDeps = {},
  ) {
    this.now = defaultNow(deps);
  }

  async send(msg: OutboundMessage): Promise<SendResult> {
    if (!/^-?\d+$|^@\w+$/.test(msg.to)) return failure('invalid_recipient', `not a chat id: ${msg.to}`);
    const chatId = /^-?\d+$/.test(msg.to) ? Number(msg.to) : msg.to;
    const answer = await callHttp(
      {
        url: joinUrl(this.config.baseUrl, `/bot${this.config.botToken}/sendMessage`),
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ chat_id: chatId, text: msg.text }),
        timeoutMs: this.config.timeoutMs,
      },
      this.deps,
    );
    if (!answer.ok) return answer;
    const body = answer.json as BotApiAnswer | undefined;
    if (answer.status !== 200 || body?.ok !== true) return botApiError(answer);
    const id = body.result?.message_id;
    if (typeof id !== 'number')
      return failure('provider_unavailable', `answer without message_id: ${answer.text}`);
    // message_id is unique only within a chat.
    return { ok: true, providerMessageId: `${body.result?.chat?.id ?? msg.to}:${id}` };
  }

  /** Webhook updates: inbound `message` (text or caption). Telegram reports no delivery status. */
  parseCallback(req: CallbackRequest): CallbackUpdates {
    requireSecret(
      this.config.webhookSecret,
      header(req.headers, 'X-Telegram-Bot-Api-Secret-Token'),
      'Telegram webhook',
    );
    const update = parseJsonBody(req.body, 'Telegram webhook') as {
      update_id?: number;
      message?: {
        message_id?: number;
        date?: number;
        chat?: { id?: number };
        text?: string;
        caption?: string;
      };
    };
    if (typeof update !== 'object' || update === null || typeof update.update_id !== 'number')
      throw new CallbackError('bad_payload', 'Telegram webhook: not an Update');
    const m = update.message;
    const inbound: InboundMessage[] = [];
    if (m?.chat?.id !== undefined && typeof m.message_id === 'number') {
      inbound.push({
        from: String(m.chat.id),
        text: m.text ?? m.caption ?? '',
        at: m.date !== undefined ? m.date * 1000 : this.now(),
        providerMessageId: `${m.chat.id}:${m.message_id}`,
      });
    }
    return { deliveries: [], inbound };
  }
}
