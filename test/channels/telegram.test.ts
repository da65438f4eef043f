import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createChannel } from '../../src/channels/index.ts';
import type { Channel } from '../../src/channels/types.ts';
import { callbackRejection } from './helpers.ts';
import { type FakeProvider, json } from './servers/http.ts';
import { startTelegram, TG_BLOCKED_CHAT, TG_UNKNOWN_CHAT, telegramTooMany } from './servers/telegram.ts';

const TOKEN = '7012345678:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';
const SECRET = 'tg_webhook-secret_1';
let server: FakeProvider;
let tg: Channel;

beforeAll(async () => {
  server = await startTelegram(TOKEN);
  tg = createChannel({ provider: 'telegram', botToken: TOKEN, baseUrl: server.url, webhookSecret: SECRET });
});
afterEach(() => {
  expect(server.violations).toEqual([]);
  server.script.length = 0;
});
afterAll(() => server.close());

const msg = (to: string | number) => ({ idempotencyKey: `k${to}`, to: String(to), text: 'Анна, ждём вас!' });

describe('Telegram', () => {
  it('posts {chat_id, text} to /bot<token>/sendMessage and returns chat:message_id', async () => {
    expect(await tg.send(msg(123456789))).toEqual({ ok: true, providerMessageId: '123456789:1' });
    const req = server.requests.at(-1)!;
    expect(req.path).toBe(`/bot${TOKEN}/sendMessage`);
    expect(JSON.parse(req.body)).toEqual({ chat_id: 123456789, text: 'Анна, ждём вас!' });
  });

  it('maps "bot was blocked by the user" to blocked_by_user and "chat not found" to invalid_recipient', async () => {
    expect(await tg.send(msg(TG_BLOCKED_CHAT))).toMatchObject({
      ok: false,
      retryable: false,
      code: 'blocked_by_user',
      reason: 'Forbidden: bot was blocked by the user',
    });
    expect(await tg.send(msg(TG_UNKNOWN_CHAT))).toMatchObject({
      ok: false,
      retryable: false,
      code: 'invalid_recipient',
    });
  });

  it('maps 429 to rate_limited with parameters.retry_after, and 502 to provider_unavailable', async () => {
    server.script.push(telegramTooMany(3), json(502, '<html>Bad Gateway</html>'));
    expect(await tg.send(msg(1))).toMatchObject({
      ok: false,
      retryable: true,
      code: 'rate_limited',
      retryAfterMs: 3000,
    });
    expect(await tg.send(msg(1))).toMatchObject({ ok: false, retryable: true, code: 'provider_unavailable' });
  });

  it('maps a revoked token to auth_failed', async () => {
    const wrong = createChannel({ provider: 'telegram', botToken: '1:revoked', baseUrl: server.url });
    expect(await wrong.send(msg(1))).toMatchObject({ ok: false, retryable: false, code: 'auth_failed' });
  });

  describe('webhook', () => {
    const update = {
      update_id: 10000,
      message: {
        message_id: 1365,
        from: { id: 123456789, is_bot: false, first_name: 'Anna', language_code: 'ru' },
        chat: { id: 123456789, first_name: 'Anna', type: 'private' },
        date: 1_700_000_000,
        text: 'Да, приду',
      },
    };
    const req = (body: unknown, secret?: string) => ({
      headers: {
        'content-type': 'application/json',
        ...(secret !== undefined ? { 'x-telegram-bot-api-secret-token': secret } : {}),
      },
      body: JSON.stringify(body),
      query: {},
    });

    it('turns a message update with the right secret token into an inbound message', () => {
      expect(tg.parseCallback!(req(update, SECRET))).toEqual({
        deliveries: [],
        inbound: [
          {
            from: '123456789',
            text: 'Да, приду',
            at: 1_700_000_000_000,
            providerMessageId: '123456789:1365',
          },
        ],
      });
      expect(
        tg.parseCallback!(req({ update_id: 10001, edited_message: update.message }, SECRET)).inbound,
      ).toEqual([]);
    });

    it('refuses a missing or wrong secret token, and any update when no secret is configured', () => {
      expect(callbackRejection(() => tg.parseCallback!(req(update)))).toBe('bad_signature');
      expect(callbackRejection(() => tg.parseCallback!(req(update, 'guess')))).toBe('bad_signature');
      const open = createChannel({ provider: 'telegram', botToken: TOKEN, baseUrl: server.url });
      expect(callbackRejection(() => open.parseCallback!(req(update, SECRET)))).toBe('bad_signature');
      expect(callbackRejection(() => tg.parseCallback!({ ...req(update, SECRET), body: '{not json' }))).toBe(
        'bad_payload',
      );
    });
  });
});
