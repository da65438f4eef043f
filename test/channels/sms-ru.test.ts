import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createChannel } from '../../src/channels/index.ts';
import type { Channel } from '../../src/channels/types.ts';
import { callbackRejection } from './helpers.ts';
import { type FakeProvider, json } from './servers/http.ts';
import { SMSRU_UNREACHABLE, startSmsRu } from './servers/sms-ru.ts';

const API_ID = 'F2D79B58-A5A2-2F9E-91C8-73D12CE2E102';
const CALLBACK_SECRET = 'cb-secret-0123456789';
let server: FakeProvider;
let sms: Channel;

beforeAll(async () => {
  server = await startSmsRu(API_ID);
  sms = createChannel({
    provider: 'sms-ru',
    apiId: API_ID,
    from: 'Aurora',
    baseUrl: server.url,
    callbackSecret: CALLBACK_SECRET,
  });
});
afterEach(() => {
  expect(server.violations).toEqual([]);
  server.script.length = 0;
});
afterAll(() => server.close());

const msg = (to: string) => ({ idempotencyKey: `k-${to}`, to, text: 'Анна, до встречи завтра в 12:00' });

describe('SMS.ru', () => {
  it('posts api_id, to (digits), msg, from and json=1 and returns the sms_id', async () => {
    const r = await sms.send(msg('+7 (916) 123-45-67'));
    expect(r).toEqual({ ok: true, providerMessageId: expect.stringMatching(/^000000-\d+$/) });
    const p = new URLSearchParams(server.requests.at(-1)!.body);
    expect(Object.fromEntries(p)).toEqual({
      api_id: API_ID,
      to: '79161234567',
      msg: 'Анна, до встречи завтра в 12:00',
      json: '1',
      from: 'Aurora',
    });
  });

  it('maps a per-number refusal (207) to invalid_recipient, not retryable', async () => {
    expect(await sms.send(msg(SMSRU_UNREACHABLE))).toMatchObject({
      ok: false,
      retryable: false,
      code: 'invalid_recipient',
    });
  });

  it('maps a wrong api_id (200) to auth_failed', async () => {
    const wrong = createChannel({ provider: 'sms-ru', apiId: 'nope', baseUrl: server.url });
    expect(await wrong.send(msg('79161234567'))).toMatchObject({
      ok: false,
      retryable: false,
      code: 'auth_failed',
    });
  });

  it.each([
    [201, 'insufficient_funds', false],
    [209, 'blocked_by_user', false],
    [220, 'provider_unavailable', true],
    [230, 'rate_limited', true],
  ] as const)('maps request error %i to %s', async (statusCode, code, retryable) => {
    server.script.push(json(200, { status: 'ERROR', status_code: statusCode, status_text: 'x' }));
    expect(await sms.send(msg('79161234567'))).toMatchObject({ ok: false, code, retryable });
  });

  it('maps HTTP 429 with Retry-After and 503 to retryable failures', async () => {
    server.script.push(
      json(429, 'Too Many Requests', { 'retry-after': '7' }),
      json(503, 'Service Unavailable'),
    );
    expect(await sms.send(msg('79161234567'))).toMatchObject({
      ok: false,
      retryable: true,
      code: 'rate_limited',
      retryAfterMs: 7000,
    });
    expect(await sms.send(msg('79161234567'))).toMatchObject({
      ok: false,
      retryable: true,
      code: 'provider_unavailable',
    });
  });

  describe('status callback', () => {
    const body = (...entries: string[]) =>
      entries.map((e, i) => `${encodeURIComponent(`data[${i}]`)}=${encodeURIComponent(e)}`).join('&');
    const post = (b: string, secret = CALLBACK_SECRET) =>
      sms.parseCallback!({
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: b,
        query: { secret },
      });

    it('turns data[] entries into delivery updates (103 delivered, 104 failed, 102 sent; 100 skipped)', () => {
      const u = post(
        body(
          'sms_status\n000000-10000001\n103',
          'sms_status\n000000-10000002\n104\n1700000000',
          'sms_status\n000000-10000003\n102',
          'sms_status\n000000-10000004\n100',
        ),
      );
      expect(u.inbound).toEqual([]);
      expect(u.deliveries).toEqual([
        { providerMessageId: '000000-10000001', status: 'delivered', at: expect.any(Number) },
        {
          providerMessageId: '000000-10000002',
          status: 'failed',
          at: 1_700_000_000_000,
          reason: 'SMS.ru 104: validity period expired',
        },
        { providerMessageId: '000000-10000003', status: 'sent', at: expect.any(Number) },
      ]);
    });

    it('refuses a callback without the configured secret', () => {
      expect(callbackRejection(() => post(body('sms_status\n1\n103'), 'wrong-secret-000000'))).toBe(
        'bad_signature',
      );
      expect(callbackRejection(() => post(body('sms_status\n1\n103'), ''))).toBe('bad_signature');
      const unconfigured = createChannel({ provider: 'sms-ru', apiId: API_ID, baseUrl: server.url });
      expect(
        callbackRejection(() =>
          unconfigured.parseCallback!({ headers: {}, body: body('sms_status\n1\n103'), query: {} }),
        ),
      ).toBe('bad_signature');
    });

    it('refuses a body without data[] as bad_payload', () => {
      expect(callbackRejection(() => post('foo=bar'))).toBe('bad_payload');
    });
  });
});
