import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createChannel, vkCallbackAnswer, vkRandomId } from '../../src/channels/index.ts';
import type { Channel } from '../../src/channels/types.ts';
import { callbackRejection } from './helpers.ts';
import type { FakeProvider } from './servers/http.ts';
import { startVk, VK_NO_PERMISSION_USER, vkError } from './servers/vk.ts';

const TOKEN = 'vk1.a.community-token';
const GROUP = 229_000_001;
const SECRET = 'vk-callback-secret';
let server: FakeProvider & { randomIds: string[] };
let vk: Channel;

beforeAll(async () => {
  server = await startVk(TOKEN);
  vk = createChannel({
    provider: 'vk',
    accessToken: TOKEN,
    groupId: GROUP,
    callbackSecret: SECRET,
    baseUrl: server.url,
  });
});
afterEach(() => {
  expect(server.violations).toEqual([]);
  server.script.length = 0;
});
afterAll(() => server.close());

const msg = (to: string, key = `k-${to}`) => ({ idempotencyKey: key, to, text: 'Анна, у нас новинка' });

describe('VK community messages', () => {
  it('posts user_id, random_id, message, access_token and v=5.199 to messages.send', async () => {
    expect(await vk.send(msg('12345'))).toEqual({
      ok: true,
      providerMessageId: expect.stringMatching(/^\d+$/),
    });
    const p = new URLSearchParams(server.requests.at(-1)!.body);
    expect(Object.fromEntries(p)).toEqual({
      user_id: '12345',
      random_id: String(vkRandomId('k-12345')),
      message: 'Анна, у нас новинка',
      access_token: TOKEN,
      v: '5.199',
    });
  });

  it('derives random_id from the idempotency key: stable per key, different across keys, a positive int32', () => {
    expect(vkRandomId('ws1:c7:42')).toBe(vkRandomId('ws1:c7:42'));
    const ids = new Set(Array.from({ length: 1000 }, (_, i) => vkRandomId(`ws1:c7:${i}`)));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(id > 0 && id <= 2 ** 31 - 1 && Number.isInteger(id)).toBe(true);
  });

  it('sends the same random_id on a retry, so VK does not send the message twice', async () => {
    server.script.push(vkError(10, 'Internal server error'));
    const first = await vk.send(msg('777', 'retry-key'));
    expect(first).toMatchObject({ ok: false, retryable: true, code: 'provider_unavailable' });
    const second = await vk.send(msg('777', 'retry-key'));
    const third = await vk.send(msg('777', 'retry-key'));
    expect(second).toEqual(third); // VK answered with the first message's id: deduped
    const expected = String(vkRandomId('retry-key'));
    expect(server.randomIds.slice(-3)).toEqual([expected, expected, expected]);
  });

  it('maps 901 (no permission) to blocked_by_user, 6/9 to rate_limited, 5 to auth_failed', async () => {
    expect(await vk.send(msg(VK_NO_PERMISSION_USER))).toMatchObject({
      ok: false,
      retryable: false,
      code: 'blocked_by_user',
    });
    server.script.push(vkError(6, 'Too many requests per second'), vkError(9, 'Flood control'));
    expect(await vk.send(msg('1'))).toMatchObject({
      ok: false,
      retryable: true,
      code: 'rate_limited',
      retryAfterMs: 1000,
    });
    expect(await vk.send(msg('1'))).toMatchObject({ ok: false, retryable: true, code: 'rate_limited' });
    const wrong = createChannel({ provider: 'vk', accessToken: 'bad', baseUrl: server.url });
    expect(await wrong.send(msg('1'))).toMatchObject({ ok: false, retryable: false, code: 'auth_failed' });
  });

  describe('Callback API', () => {
    const event = (over: Record<string, unknown> = {}) => ({
      group_id: GROUP,
      type: 'message_new',
      event_id: 'a6b8c2f1e0d9',
      v: '5.199',
      object: {
        message: {
          date: 1_700_000_000,
          from_id: 12345,
          id: 987,
          out: 0,
          peer_id: 12345,
          text: 'Хочу записаться',
          conversation_message_id: 55,
        },
        client_info: { button_actions: ['text'], keyboard: true, inline_keyboard: true, lang_id: 0 },
      },
      secret: SECRET,
      ...over,
    });
    const req = (body: unknown) => ({ headers: {}, body: JSON.stringify(body), query: {} });

    it('turns message_new with the right secret into an inbound message', () => {
      expect(vk.parseCallback!(req(event()))).toEqual({
        deliveries: [],
        inbound: [
          { from: '12345', text: 'Хочу записаться', at: 1_700_000_000_000, providerMessageId: '987' },
        ],
      });
    });

    it('refuses a wrong secret or another community', () => {
      expect(callbackRejection(() => vk.parseCallback!(req(event({ secret: 'guess' }))))).toBe(
        'bad_signature',
      );
      expect(callbackRejection(() => vk.parseCallback!(req(event({ secret: undefined }))))).toBe(
        'bad_signature',
      );
      expect(callbackRejection(() => vk.parseCallback!(req(event({ group_id: 1 }))))).toBe('bad_signature');
    });

    it('passes the confirmation request and tells what to answer', () => {
      const body = JSON.stringify({ type: 'confirmation', group_id: GROUP });
      expect(vk.parseCallback!({ headers: {}, body, query: {} })).toEqual({ deliveries: [], inbound: [] });
      expect(vkCallbackAnswer(body, 'a1b2c3d4')).toBe('a1b2c3d4');
      expect(vkCallbackAnswer(JSON.stringify(event()), 'a1b2c3d4')).toBe('ok');
    });
  });
});
