import { createHmac } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createChannel, whatsappVerifyChallenge } from '../../src/channels/index.ts';
import type { Channel } from '../../src/channels/types.ts';
import { callbackRejection } from './helpers.ts';
import { type FakeProvider, json } from './servers/http.ts';
import { graphError, startWhatsApp, WA_NOT_ALLOWED } from './servers/whatsapp.ts';

const PHONE_ID = '106540352242922';
const TOKEN = 'EAAJB-system-user-token';
const APP_SECRET = 'meta-app-secret';
let server: FakeProvider;
let wa: Channel;

beforeAll(async () => {
  server = await startWhatsApp('v21.0', PHONE_ID, TOKEN);
  wa = createChannel({
    provider: 'whatsapp',
    phoneNumberId: PHONE_ID,
    accessToken: TOKEN,
    appSecret: APP_SECRET,
    baseUrl: server.url,
  });
});
afterEach(() => {
  expect(server.violations).toEqual([]);
  server.script.length = 0;
});
afterAll(() => server.close());

describe('WhatsApp Cloud API', () => {
  it('sends a text message with the idempotency key as biz_opaque_callback_data', async () => {
    const r = await wa.send({ idempotencyKey: 'k1', to: '+79161234567', text: 'Спасибо за визит!' });
    expect(r).toEqual({ ok: true, providerMessageId: expect.stringMatching(/^wamid\./) });
    const req = server.requests.at(-1)!;
    expect(req.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(JSON.parse(req.body)).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '79161234567',
      biz_opaque_callback_data: 'k1',
      type: 'text',
      text: { preview_url: false, body: 'Спасибо за визит!' },
    });
  });

  it('sends a template message with body parameters', async () => {
    const r = await wa.send({
      idempotencyKey: 'k2',
      to: '79161234567',
      text: 'fallback text',
      template: { name: 'winback_discount', language: 'ru', params: ['Анна', '15%'] },
    });
    expect(r.ok).toBe(true);
    expect(JSON.parse(server.requests.at(-1)!.body)).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '79161234567',
      biz_opaque_callback_data: 'k2',
      type: 'template',
      template: {
        name: 'winback_discount',
        language: { code: 'ru' },
        components: [
          {
            type: 'body',
            parameters: [
              { type: 'text', text: 'Анна' },
              { type: 'text', text: '15%' },
            ],
          },
        ],
      },
    });
  });

  it('maps Graph error codes: 131030 invalid_recipient, 132001 template_error, 190 auth_failed', async () => {
    expect(await wa.send({ idempotencyKey: 'a', to: WA_NOT_ALLOWED, text: 'x' })).toMatchObject({
      ok: false,
      retryable: false,
      code: 'invalid_recipient',
    });
    const tpl = { name: 'no_such_template', language: 'ru', params: [] };
    expect(await wa.send({ idempotencyKey: 'b', to: '79161234567', text: 'x', template: tpl })).toMatchObject(
      {
        ok: false,
        retryable: false,
        code: 'template_error',
      },
    );
    const wrong = createChannel({
      provider: 'whatsapp',
      phoneNumberId: PHONE_ID,
      accessToken: 'x',
      baseUrl: server.url,
    });
    expect(await wrong.send({ idempotencyKey: 'c', to: '79161234567', text: 'x' })).toMatchObject({
      ok: false,
      code: 'auth_failed',
    });
  });

  it('treats throughput errors as retryable (even when sent as HTTP 400) and 131047 as outside_window', async () => {
    server.script.push(
      graphError(400, 130429, 'Rate limit hit', 'Cloud API message throughput has been reached.'),
      graphError(
        400,
        131047,
        'Re-engagement message',
        'More than 24 hours have passed since the customer last replied',
      ),
      json(500, { error: { message: 'An unknown error occurred', type: 'OAuthException', code: 1 } }),
    );
    const send = () => wa.send({ idempotencyKey: 'd', to: '79161234567', text: 'x' });
    expect(await send()).toMatchObject({ ok: false, retryable: true, code: 'rate_limited' });
    expect(await send()).toMatchObject({ ok: false, retryable: false, code: 'outside_window' });
    expect(await send()).toMatchObject({ ok: false, retryable: true, code: 'provider_unavailable' });
  });

  describe('webhook', () => {
    const notification = {
      object: 'whatsapp_business_account',
      entry: [
        {
          id: '102290129340398',
          changes: [
            {
              field: 'messages',
              value: {
                messaging_product: 'whatsapp',
                metadata: { display_phone_number: '15550783881', phone_number_id: PHONE_ID },
                statuses: [
                  { id: 'wamid.A', status: 'sent', timestamp: '1700000001', recipient_id: '79161234567' },
                  {
                    id: 'wamid.A',
                    status: 'delivered',
                    timestamp: '1700000002',
                    recipient_id: '79161234567',
                  },
                  { id: 'wamid.A', status: 'read', timestamp: '1700000003', recipient_id: '79161234567' },
                  {
                    id: 'wamid.B',
                    status: 'failed',
                    timestamp: '1700000004',
                    recipient_id: '79161234568',
                    errors: [{ code: 131026, title: 'Message undeliverable' }],
                  },
                ],
                contacts: [{ profile: { name: 'Anna' }, wa_id: '79161234567' }],
                messages: [
                  {
                    from: '79161234567',
                    id: 'wamid.IN',
                    timestamp: '1700000005',
                    type: 'text',
                    text: { body: 'Запишите меня на пятницу' },
                  },
                  {
                    from: '79161234567',
                    id: 'wamid.BTN',
                    timestamp: '1700000006',
                    type: 'button',
                    button: { text: 'Stop promotions', payload: 'STOP' },
                  },
                ],
              },
            },
          ],
        },
      ],
    };
    const body = JSON.stringify(notification);
    const sign = (b: string, secret = APP_SECRET) =>
      `sha256=${createHmac('sha256', secret).update(b).digest('hex')}`;

    it('turns a signed notification into delivery updates and inbound messages', () => {
      const u = wa.parseCallback!({ headers: { 'x-hub-signature-256': sign(body) }, body, query: {} });
      expect(u.deliveries).toEqual([
        { providerMessageId: 'wamid.A', status: 'sent', at: 1_700_000_001_000 },
        { providerMessageId: 'wamid.A', status: 'delivered', at: 1_700_000_002_000 },
        { providerMessageId: 'wamid.A', status: 'read', at: 1_700_000_003_000 },
        {
          providerMessageId: 'wamid.B',
          status: 'failed',
          at: 1_700_000_004_000,
          reason: 'WhatsApp 131026: Message undeliverable',
        },
      ]);
      expect(u.inbound).toEqual([
        {
          from: '79161234567',
          text: 'Запишите меня на пятницу',
          at: 1_700_000_005_000,
          providerMessageId: 'wamid.IN',
        },
        {
          from: '79161234567',
          text: 'Stop promotions',
          at: 1_700_000_006_000,
          providerMessageId: 'wamid.BTN',
        },
      ]);
    });

    it('refuses a signature made with another secret, a missing one, or a changed body', () => {
      const parse =
        (headers: Record<string, string>, b = body) =>
        () =>
          wa.parseCallback!({ headers, body: b, query: {} });
      expect(callbackRejection(parse({ 'x-hub-signature-256': sign(body, 'other') }))).toBe('bad_signature');
      expect(callbackRejection(parse({}))).toBe('bad_signature');
      expect(
        callbackRejection(parse({ 'x-hub-signature-256': sign(body) }, body.replace('read', 'sent'))),
      ).toBe('bad_signature');
    });

    it('answers the subscription handshake only with the right verify token', () => {
      const q = { 'hub.mode': 'subscribe', 'hub.verify_token': 'vt-1', 'hub.challenge': '1158201444' };
      expect(whatsappVerifyChallenge(q, 'vt-1')).toBe('1158201444');
      expect(whatsappVerifyChallenge(q, 'vt-2')).toBeUndefined();
    });
  });
});
