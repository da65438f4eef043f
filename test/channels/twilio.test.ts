import { createHmac } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createChannel, twilioSignature } from '../../src/channels/index.ts';
import type { Channel, OutboundMessage } from '../../src/channels/types.ts';
import { callbackRejection } from './helpers.ts';
import { type FakeProvider, json } from './servers/http.ts';
import { startTwilio, TWILIO_INVALID, TWILIO_STOPPED } from './servers/twilio.ts';

const SID = `AC${'0123456789abcdef'.repeat(2)}`;
const TOKEN = 'twilio-auth-token-1234';
const CALLBACK = 'https://crm.example/hooks/twilio?ws=1';
let server: FakeProvider & { tokens: string[] };
let sms: Channel;

beforeAll(async () => {
  server = await startTwilio(SID, TOKEN);
  sms = createChannel({
    provider: 'twilio',
    accountSid: SID,
    authToken: TOKEN,
    from: '+15017122661',
    callbackUrl: CALLBACK,
    baseUrl: server.url,
  });
});
afterEach(() => {
  expect(server.violations).toEqual([]);
  server.script.length = 0;
});
afterAll(() => server.close());

const msg = (to: string, key = `k-${to}`): OutboundMessage => ({
  idempotencyKey: key,
  to,
  text: 'See you at 12:00',
});

/** Twilio's algorithm written out independently: URL, then sorted name+value pairs, HMAC-SHA1, base64. */
function referenceSign(token: string, url: string, params: Record<string, string>): string {
  const data = Object.keys(params)
    .sort()
    .reduce((acc, k) => acc + k + params[k], url);
  return createHmac('sha1', token).update(data).digest('base64');
}

describe('Twilio', () => {
  it('posts To/From/Body/StatusCallback with Basic auth and the idempotency token; returns the sid', async () => {
    const r = await sms.send(msg('+14155550100'));
    expect(r).toEqual({ ok: true, providerMessageId: expect.stringMatching(/^SM[0-9a-f]{32}$/) });
    const req = server.requests.at(-1)!;
    expect(req.path).toBe(`/2010-04-01/Accounts/${SID}/Messages.json`);
    expect(Object.fromEntries(new URLSearchParams(req.body))).toEqual({
      To: '+14155550100',
      From: '+15017122661',
      Body: 'See you at 12:00',
      StatusCallback: CALLBACK,
    });
    expect(req.headers['i-twilio-idempotency-token']).toBe('k-+14155550100');
  });

  it('sends the same idempotency token on a retry and gets the same message back', async () => {
    server.script.push(
      json(503, { code: 20500, message: 'Internal Server Error', status: 503 }, { 'retry-after': '1' }),
    );
    const first = await sms.send(msg('+14155550101', 'retry-key'));
    expect(first).toMatchObject({
      ok: false,
      retryable: true,
      code: 'provider_unavailable',
      retryAfterMs: 1000,
    });
    const second = await sms.send(msg('+14155550101', 'retry-key'));
    const third = await sms.send(msg('+14155550101', 'retry-key'));
    expect(second.ok && third.ok && second.providerMessageId === third.providerMessageId).toBe(true);
    expect(server.tokens.slice(-3)).toEqual(['retry-key', 'retry-key', 'retry-key']);
  });

  it.each([
    [TWILIO_INVALID, 'invalid_recipient'],
    [TWILIO_STOPPED, 'blocked_by_user'],
  ])('maps the error for %s to %s, not retryable', async (to, code) => {
    expect(await sms.send(msg(to))).toMatchObject({ ok: false, retryable: false, code });
  });

  it('maps 429 (20429) to rate_limited with Retry-After, and a wrong token to auth_failed', async () => {
    server.script.push(
      json(429, { code: 20429, message: 'Too Many Requests', status: 429 }, { 'retry-after': '2' }),
    );
    expect(await sms.send(msg('+14155550102'))).toMatchObject({
      ok: false,
      retryable: true,
      code: 'rate_limited',
      retryAfterMs: 2000,
    });
    const wrong = createChannel({
      provider: 'twilio',
      accountSid: SID,
      authToken: 'wrong',
      from: '+15017122661',
      baseUrl: server.url,
    });
    expect(await wrong.send(msg('+14155550102'))).toMatchObject({
      ok: false,
      retryable: false,
      code: 'auth_failed',
    });
  });

  it('computes the signature of the example in Twilio’s security docs', () => {
    const params = new URLSearchParams({
      CallSid: 'CA1234567890ABCDE',
      Caller: '+12349013030',
      Digits: '1234',
      From: '+12349013030',
      To: '+18005551212',
    });
    expect(twilioSignature('12345', 'https://mycompany.com/myapp.php?foo=1&bar=2', params)).toBe(
      '0/KCTR6DLpKmkAf8muzZqo1nDgQ=',
    );
  });

  describe('callbacks', () => {
    const signed = (params: Record<string, string>, signature = referenceSign(TOKEN, CALLBACK, params)) => ({
      headers: { 'x-twilio-signature': signature, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(params).toString(),
      query: { ws: '1' },
    });
    const status = (sid: string, s: string, extra: Record<string, string> = {}) => ({
      AccountSid: SID,
      ApiVersion: '2010-04-01',
      From: '+15017122661',
      MessageSid: sid,
      MessageStatus: s,
      SmsSid: sid,
      SmsStatus: s,
      To: '+14155550100',
      ...extra,
    });

    it('turns signed status callbacks into delivery updates', () => {
      const delivered = sms.parseCallback!(signed(status('SM1', 'delivered')));
      expect(delivered).toEqual({
        deliveries: [{ providerMessageId: 'SM1', status: 'delivered', at: expect.any(Number) }],
        inbound: [],
      });
      const failed = sms.parseCallback!(signed(status('SM2', 'undelivered', { ErrorCode: '30006' })));
      expect(failed.deliveries).toEqual([
        {
          providerMessageId: 'SM2',
          status: 'failed',
          at: expect.any(Number),
          reason: 'Twilio 30006: undelivered',
        },
      ]);
      expect(sms.parseCallback!(signed(status('SM3', 'queued'))).deliveries).toEqual([]);
    });

    it('turns an inbound SMS into an inbound message', () => {
      const u = sms.parseCallback!(
        signed({
          AccountSid: SID,
          ApiVersion: '2010-04-01',
          Body: 'STOP',
          From: '+14155550100',
          MessageSid: 'SM9',
          NumMedia: '0',
          SmsStatus: 'received',
          To: '+15017122661',
        }),
      );
      expect(u.inbound).toEqual([
        { from: '+14155550100', text: 'STOP', at: expect.any(Number), providerMessageId: 'SM9' },
      ]);
    });

    it('refuses a wrong, missing or tampered signature', () => {
      const params = status('SM1', 'delivered');
      expect(
        callbackRejection(() => sms.parseCallback!(signed(params, referenceSign('other', CALLBACK, params)))),
      ).toBe('bad_signature');
      const good = signed(params);
      expect(callbackRejection(() => sms.parseCallback!({ ...good, headers: {} }))).toBe('bad_signature');
      expect(
        callbackRejection(() =>
          sms.parseCallback!({ ...good, body: good.body.replace('delivered', 'failed') }),
        ),
      ).toBe('bad_signature');
    });
  });
});
