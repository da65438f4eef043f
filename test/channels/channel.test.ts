import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import {
  type ChannelConfigInput,
  createChannel,
  LogChannel,
  retryAfterMs,
} from '../../src/channels/index.ts';
import { AppError } from '../../src/core/errors.ts';
import { json, startFakeProvider } from './servers/http.ts';
import { closedPort } from './servers/ports.ts';
import { startTelegram } from './servers/telegram.ts';

const SID = `AC${'a'.repeat(32)}`;

describe('createChannel', () => {
  it.each<[ChannelConfigInput, string]>([
    [{ provider: 'smtp', host: 'smtp.example.com', from: 'a@b.example' }, 'email'],
    [{ provider: 'sms-ru', apiId: 'x' }, 'sms'],
    [{ provider: 'twilio', accountSid: SID, authToken: 't', from: '+15005550006' }, 'sms'],
    [{ provider: 'telegram', botToken: '1:abc' }, 'telegram'],
    [{ provider: 'whatsapp', phoneNumberId: '1', accessToken: 't' }, 'whatsapp'],
    [{ provider: 'vk', accessToken: 't' }, 'vk'],
    [{ provider: 'max', botToken: 't' }, 'max'],
    [{ provider: 'webhook', url: 'https://hooks.example/x', secret: '0123456789abcdef' }, 'webhook'],
    [{ provider: 'log' }, 'log'],
  ])('builds %o as a %s channel', async (config, kind) => {
    const c = createChannel(config);
    expect(c.kind).toBe(kind);
    await c.close?.();
  });

  it.each([
    [{ provider: 'carrier-pigeon' }],
    [{ provider: 'telegram', botToken: 'no-colon' }],
    [{ provider: 'twilio', accountSid: SID, authToken: 't' }], // neither from nor messagingServiceSid
    [{ provider: 'webhook', url: 'not a url', secret: '0123456789abcdef' }],
    [{ provider: 'webhook', url: 'https://x.example', secret: 'short' }],
  ])('refuses %o with AppError validation_failed', (config) => {
    let error: unknown;
    try {
      createChannel(config as ChannelConfigInput);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('validation_failed');
  });
});

describe('HTTP failures shared by every HTTP adapter', () => {
  const msg = { idempotencyKey: 'k', to: '12345', text: 'x' };

  it('a refused connection is provider_unavailable, retryable', async () => {
    const vk = createChannel({
      provider: 'vk',
      accessToken: 't',
      baseUrl: `http://127.0.0.1:${await closedPort()}`,
    });
    expect(await vk.send(msg)).toMatchObject({ ok: false, retryable: true, code: 'provider_unavailable' });
  });

  it('no answer within timeoutMs is a retryable timeout', async () => {
    const silent = createServer(() => {}); // accepts, never answers
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    const max = createChannel({
      provider: 'max',
      botToken: 't',
      baseUrl: `http://127.0.0.1:${port}`,
      timeoutMs: 150,
    });
    const started = Date.now();
    expect(await max.send(msg)).toMatchObject({ ok: false, retryable: true, code: 'timeout' });
    expect(Date.now() - started).toBeLessThan(2_000);
    silent.closeAllConnections();
    silent.close();
  });

  it('a redirect is not followed: it means a wrong baseUrl', async () => {
    const server = await startFakeProvider(() => json(301, '', { location: 'https://elsewhere.example/' }));
    const tg = createChannel({ provider: 'telegram', botToken: '1:abc', baseUrl: server.url });
    expect(await tg.send(msg)).toMatchObject({ ok: false, retryable: false, code: 'invalid_request' });
    expect(server.requests).toHaveLength(1);
    await server.close();
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const h = (v: string) => new Headers({ 'retry-after': v });
    expect(retryAfterMs(h('120'))).toBe(120_000);
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(retryAfterMs(h('Wed, 01 Jan 2025 00:00:30 GMT'), now)).toBe(30_000);
    expect(retryAfterMs(h('garbage'))).toBeUndefined();
    expect(retryAfterMs(new Headers())).toBeUndefined();
  });
});

describe('fake providers', () => {
  it('record a malformed request as a violation (which fails the adapter test that sent it)', async () => {
    const tg = await startTelegram('1:abc');
    const res = await fetch(`${tg.url}/bot1:abc/sendMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ chat_id: 1, txt: 'typo' }),
    });
    expect(res.status).toBe(400);
    expect(tg.violations).toEqual(['POST /bot1:abc/sendMessage: sendMessage: unexpected field txt']);
    await tg.close();
  });
});

describe('log channel', () => {
  it('records every message and always succeeds', async () => {
    const log = createChannel({ provider: 'log' });
    expect(log).toBeInstanceOf(LogChannel);
    const m = { idempotencyKey: 'k1', to: 'anyone', text: 'hello' };
    expect(await log.send(m)).toEqual({ ok: true, providerMessageId: 'log:k1' });
    expect((log as LogChannel).sent).toEqual([m]);
  });
});
