import { createHmac } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createChannel, signWebhook, verifyWebhookSignature } from '../../src/channels/index.ts';
import type { Channel, OutboundMessage } from '../../src/channels/types.ts';
import { callbackRejection } from './helpers.ts';
import { type FakeProvider, json } from './servers/http.ts';
import { referenceVerify, startWebhookReceiver } from './servers/webhook-receiver.ts';

const SECRET = 'whsec_0123456789abcdef';
let server: FakeProvider & { keys: string[] };
let hook: Channel;
let now = Date.now();

beforeAll(async () => {
  server = await startWebhookReceiver(SECRET);
  hook = createChannel(
    {
      provider: 'webhook',
      url: `${server.url}/comeback/messages`,
      secret: SECRET,
      headers: { 'x-api-key': 'k1' },
    },
    { now: () => now },
  );
});
afterEach(() => {
  expect(server.violations).toEqual([]);
  server.script.length = 0;
  now = Date.now();
});
afterAll(() => server.close());

const msg: OutboundMessage = {
  idempotencyKey: 'ws1:c7:42',
  to: 'crm-contact-42',
  subject: 'Скидка',
  text: 'Анна, скидка 15%',
  metadata: { campaign: 'c7' },
};

describe('generic webhook', () => {
  it('posts the message as JSON, signed so that a reference verifier accepts it, with Idempotency-Key', async () => {
    expect(await hook.send(msg)).toEqual({ ok: true, providerMessageId: 'wh_1' });
    const req = server.requests.at(-1)!;
    expect(req.path).toBe('/comeback/messages');
    expect(req.headers['idempotency-key']).toBe('ws1:c7:42');
    expect(req.headers['x-api-key']).toBe('k1');
    expect(
      referenceVerify(SECRET, req.body, String(req.headers['x-comeback-signature']), Date.now() / 1000),
    ).toBe(true);
    expect(JSON.parse(req.body)).toEqual({
      type: 'message',
      idempotencyKey: 'ws1:c7:42',
      to: 'crm-contact-42',
      subject: 'Скидка',
      text: 'Анна, скидка 15%',
      metadata: { campaign: 'c7' },
    });
  });

  it('sends the same Idempotency-Key on a retry; the receiver dedupes', async () => {
    server.script.push(json(500, { error: 'boom' }));
    const m = { ...msg, idempotencyKey: 'retry-key' };
    expect(await hook.send(m)).toMatchObject({ ok: false, retryable: true, code: 'provider_unavailable' });
    const second = await hook.send(m);
    const third = await hook.send(m);
    expect(second).toEqual(third);
    expect(server.keys.slice(-3)).toEqual(['retry-key', 'retry-key', 'retry-key']);
  });

  it('maps 404/410 to invalid_recipient, 400 to invalid_request, 429 to rate_limited', async () => {
    server.script.push(
      json(410, 'gone'),
      json(400, { error: 'bad' }),
      json(429, 'slow down', { 'retry-after': '30' }),
    );
    expect(await hook.send(msg)).toMatchObject({ ok: false, retryable: false, code: 'invalid_recipient' });
    expect(await hook.send(msg)).toMatchObject({ ok: false, retryable: false, code: 'invalid_request' });
    expect(await hook.send(msg)).toMatchObject({
      ok: false,
      retryable: true,
      code: 'rate_limited',
      retryAfterMs: 30_000,
    });
  });

  it('signs t=<seconds>,v1=<hex HMAC-SHA256 of "t.body">', () => {
    const body = '{"a":1}';
    const expected = createHmac('sha256', SECRET).update(`1700000000.${body}`).digest('hex');
    expect(signWebhook(SECRET, body, 1_700_000_000)).toBe(`t=1700000000,v1=${expected}`);
    expect(referenceVerify(SECRET, body, signWebhook(SECRET, body, 1_700_000_000), 1_700_000_010)).toBe(true);
    expect(
      verifyWebhookSignature(SECRET, body, signWebhook(SECRET, body, 1_700_000_000), 1_700_000_010_000),
    ).toBe(true);
    expect(
      verifyWebhookSignature(SECRET, body, signWebhook(SECRET, body, 1_700_000_000), 1_700_001_000_000),
    ).toBe(false);
    expect(
      verifyWebhookSignature(SECRET, `${body} `, signWebhook(SECRET, body, 1_700_000_000), 1_700_000_010_000),
    ).toBe(false);
  });

  describe('callbacks', () => {
    const payload = JSON.stringify({
      deliveries: [{ providerMessageId: 'wh_1', status: 'delivered', at: 1_700_000_000_000 }],
      inbound: [{ from: 'crm-contact-42', text: 'ok', at: 1_700_000_001_000 }],
    });
    const signed = (body: string, t = Math.floor(now / 1000), secret = SECRET) => {
      const v1 = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
      return { headers: { 'x-comeback-signature': `t=${t},v1=${v1}` }, body, query: {} };
    };

    it('accepts a callback signed by the reference signer', () => {
      expect(hook.parseCallback!(signed(payload))).toEqual(JSON.parse(payload));
    });

    it('refuses a wrong key, a stale timestamp, a missing header; a signed but malformed body is bad_payload', () => {
      expect(
        callbackRejection(() => hook.parseCallback!(signed(payload, undefined, 'other-secret-0000'))),
      ).toBe('bad_signature');
      expect(
        callbackRejection(() => hook.parseCallback!(signed(payload, Math.floor(now / 1000) - 3600))),
      ).toBe('bad_signature');
      expect(callbackRejection(() => hook.parseCallback!({ headers: {}, body: payload, query: {} }))).toBe(
        'bad_signature',
      );
      expect(callbackRejection(() => hook.parseCallback!(signed('{"deliveries":[{"status":"lost"}]}')))).toBe(
        'bad_payload',
      );
    });
  });
});
