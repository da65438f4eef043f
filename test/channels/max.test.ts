import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createChannel } from '../../src/channels/index.ts';
import type { Channel } from '../../src/channels/types.ts';
import { callbackRejection } from './helpers.ts';
import { type FakeProvider, json } from './servers/http.ts';
import { MAX_SUSPENDED_USER, startMax } from './servers/max.ts';

const TOKEN = 'max-bot-token-abc';
const SECRET = 'max-webhook-secret';
let server: FakeProvider;
let max: Channel;

beforeAll(async () => {
  server = await startMax(TOKEN);
  max = createChannel({ provider: 'max', botToken: TOKEN, webhookSecret: SECRET, baseUrl: server.url });
});
afterEach(() => {
  expect(server.violations).toEqual([]);
  server.script.length = 0;
});
afterAll(() => server.close());

describe('MAX bot API', () => {
  it('posts {text} to /messages?user_id= with the token in Authorization and returns body.mid', async () => {
    const r = await max.send({ idempotencyKey: 'k', to: '5551234', text: 'Анна, ждём вас' });
    expect(r).toEqual({ ok: true, providerMessageId: expect.stringMatching(/^mid\./) });
    const req = server.requests.at(-1)!;
    expect(req.query.get('user_id')).toBe('5551234');
    expect(req.headers.authorization).toBe(TOKEN);
    expect(JSON.parse(req.body)).toEqual({ text: 'Анна, ждём вас' });
  });

  it('sends to a chat with to = "chat:<id>"', async () => {
    expect((await max.send({ idempotencyKey: 'k', to: 'chat:-7001', text: 'x' })).ok).toBe(true);
    expect(server.requests.at(-1)!.query.get('chat_id')).toBe('-7001');
  });

  it('maps 403 (bot suspended by the user) to blocked_by_user and 401 to auth_failed', async () => {
    expect(await max.send({ idempotencyKey: 'k', to: MAX_SUSPENDED_USER, text: 'x' })).toMatchObject({
      ok: false,
      retryable: false,
      code: 'blocked_by_user',
    });
    const wrong = createChannel({ provider: 'max', botToken: 'nope', baseUrl: server.url });
    expect(await wrong.send({ idempotencyKey: 'k', to: '1', text: 'x' })).toMatchObject({
      code: 'auth_failed',
    });
  });

  it('maps 429 and 503 to retryable failures', async () => {
    server.script.push(
      json(429, { code: 'too.many.requests', message: 'Too many requests' }, { 'retry-after': '4' }),
      json(503, { code: 'service.unavailable', message: 'Service unavailable' }),
    );
    const send = () => max.send({ idempotencyKey: 'k', to: '1', text: 'x' });
    expect(await send()).toMatchObject({
      ok: false,
      retryable: true,
      code: 'rate_limited',
      retryAfterMs: 4000,
    });
    expect(await send()).toMatchObject({ ok: false, retryable: true, code: 'provider_unavailable' });
  });

  describe('webhook', () => {
    const update = {
      update_type: 'message_created',
      timestamp: 1_700_000_000_123,
      message: {
        sender: { user_id: 5551234, first_name: 'Anna', name: 'Anna', is_bot: false },
        recipient: { chat_id: 9001, chat_type: 'dialog', user_id: 1 },
        timestamp: 1_700_000_000_100,
        body: { mid: 'mid.abc', seq: 1, text: 'Спасибо!' },
      },
      user_locale: 'ru',
    };
    const req = (body: unknown, secret?: string) => ({
      headers: secret !== undefined ? { 'X-Max-Bot-Api-Secret': secret } : {},
      body: JSON.stringify(body),
      query: {},
    });

    it('turns message_created with the right secret into an inbound message', () => {
      expect(max.parseCallback!(req(update, SECRET))).toEqual({
        deliveries: [],
        inbound: [{ from: '5551234', text: 'Спасибо!', at: 1_700_000_000_100, providerMessageId: 'mid.abc' }],
      });
      const started = { update_type: 'bot_started', timestamp: 1, chat_id: 1, user: { user_id: 2 } };
      expect(max.parseCallback!(req(started, SECRET)).inbound).toEqual([]);
    });

    it('refuses a missing or wrong X-Max-Bot-Api-Secret', () => {
      expect(callbackRejection(() => max.parseCallback!(req(update)))).toBe('bad_signature');
      expect(callbackRejection(() => max.parseCallback!(req(update, 'wrong-secret')))).toBe('bad_signature');
    });
  });
});
