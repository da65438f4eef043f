import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChannel, EmailChannel, emailMessageId } from '../../src/channels/index.ts';
import type { Channel } from '../../src/channels/types.ts';
import { closedPort } from './servers/ports.ts';
import { type FakeSmtp, SMTP_TEMP_FAIL, SMTP_UNKNOWN_USER, startSmtp } from './servers/smtp.ts';

const USER = 'mailer';
const PASS = 's3cret-pass';
let smtp: FakeSmtp;
let channel: Channel;

const config = (port: number, pass = PASS) =>
  ({
    provider: 'smtp',
    host: '127.0.0.1',
    port,
    user: USER,
    pass,
    from: 'Salon Aurora <hello@aurora.example>',
    maxConnections: 3,
    timeoutMs: 5_000,
  }) as const;

beforeAll(async () => {
  smtp = await startSmtp(USER, PASS);
  channel = createChannel(config(smtp.port));
});
afterAll(async () => {
  await channel.close?.();
  await smtp.close();
});

describe('email (SMTP, pooled)', () => {
  it('delivers html with a text alternative, the Message-ID of the idempotency key and List-Unsubscribe', async () => {
    const key = 'ws1:campaign7:customer42';
    const r = await channel.send({
      idempotencyKey: key,
      to: 'anna@example.com',
      subject: 'Мы скучаем',
      text: 'Анна, ваша скидка 15% ждёт вас.',
      html: '<p>Анна, ваша скидка <b>15%</b> ждёт вас.</p>',
      headers: {
        'List-Unsubscribe': '<https://aurora.example/u/abc>, <mailto:unsubscribe@aurora.example?subject=abc>',
        'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
        'Message-ID': '<not-this-one@evil.example>',
      },
    });
    const messageId = emailMessageId(key, 'aurora.example');
    expect(r).toEqual({ ok: true, providerMessageId: messageId });
    const mail = smtp.messages.at(-1)!;
    expect(smtp.envelopes.at(-1)).toEqual({ from: 'hello@aurora.example', to: ['anna@example.com'] });
    expect(mail.messageId).toBe(messageId);
    expect(mail.subject).toBe('Мы скучаем');
    expect(mail.text?.trim()).toBe('Анна, ваша скидка 15% ждёт вас.');
    expect(mail.html).toContain('<b>15%</b>');
    expect((mail.headers.get('content-type') as { value: string }).value).toBe('multipart/alternative');
    // Long headers may be folded (RFC 5322 §2.2.3); compare them unfolded.
    const line = (name: string) =>
      mail.headerLines.find((h) => h.key === name)?.line.replace(/\r?\n(?=[ \t])/g, '');
    expect(line('list-unsubscribe')).toBe(
      'List-Unsubscribe: <https://aurora.example/u/abc>, <mailto:unsubscribe@aurora.example?subject=abc>',
    );
    expect(line('list-unsubscribe-post')).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    expect(mail.headerLines.filter((h) => h.key === 'message-id')).toHaveLength(1);
  });

  it('gives the same Message-ID to the same key and different ones to different keys', async () => {
    const send = (key: string) => channel.send({ idempotencyKey: key, to: 'anna@example.com', text: 'hi' });
    const [a, b, c] = await Promise.all([send('k-1'), send('k-1'), send('k-2')]);
    expect(a.ok && b.ok && c.ok).toBe(true);
    if (!a.ok || !b.ok || !c.ok) return;
    expect(a.providerMessageId).toBe(b.providerMessageId);
    expect(a.providerMessageId).not.toBe(c.providerMessageId);
    expect(a.providerMessageId).toMatch(/^<[0-9a-f]{40}@aurora\.example>$/);
  });

  it('reuses pooled connections instead of one per message', async () => {
    const before = smtp.connections;
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        channel.send({ idempotencyKey: `pool-${i}`, to: 'a@example.com', text: 'x' }),
      ),
    );
    expect(results.every((r) => r.ok)).toBe(true);
    expect(smtp.connections - before).toBeLessThanOrEqual(3);
  });

  it('maps a 550 recipient refusal to invalid_recipient and a 451 to a retryable failure', async () => {
    const unknown = await channel.send({ idempotencyKey: 'u', to: SMTP_UNKNOWN_USER, text: 'x' });
    expect(unknown).toMatchObject({ ok: false, retryable: false, code: 'invalid_recipient' });
    const later = await channel.send({ idempotencyKey: 'g', to: SMTP_TEMP_FAIL, text: 'x' });
    expect(later).toMatchObject({ ok: false, retryable: true, code: 'provider_unavailable' });
    // The pool survives refusals: the next message goes through.
    expect(await channel.send({ idempotencyKey: 'after', to: 'b@example.com', text: 'x' })).toMatchObject({
      ok: true,
    });
  });

  it('refuses a malformed address without talking to the server', async () => {
    const before = smtp.received;
    const r = await channel.send({ idempotencyKey: 'bad', to: 'not-an-address', text: 'x' });
    expect(r).toMatchObject({ ok: false, retryable: false, code: 'invalid_recipient' });
    expect(smtp.received).toBe(before);
  });

  it('reports wrong credentials as auth_failed, not retryable', async () => {
    const wrong = createChannel(config(smtp.port, 'wrong'));
    const r = await wrong.send({ idempotencyKey: 'a', to: 'a@example.com', text: 'x' });
    await wrong.close?.();
    expect(r).toMatchObject({ ok: false, retryable: false, code: 'auth_failed' });
  });

  it('reports an unreachable server as retryable', async () => {
    const down = createChannel(config(await closedPort()));
    expect(down).toBeInstanceOf(EmailChannel);
    const r = await down.send({ idempotencyKey: 'a', to: 'a@example.com', text: 'x' });
    await down.close?.();
    expect(r).toMatchObject({ ok: false, retryable: true, code: 'provider_unavailable' });
  });
});
