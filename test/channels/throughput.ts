/**
 * A one-off throughput measurement, not a test (vitest does not pick it up):
 *   node --import tsx test/channels/throughput.ts
 * E-mails/s through the pooled SMTP adapter to a local smtp-server (with AUTH), and
 * messages/s through an HTTP adapter (Telegram) to a local fake Bot API. Both servers run in
 * this same process, so the figures are a floor for the adapter, not a provider's limit.
 */
import { spawn } from 'node:child_process';
import nodemailer from 'nodemailer';
import { createChannel } from '../../src/channels/index.ts';
import type { Channel, OutboundMessage } from '../../src/channels/types.ts';
import { startSmtp } from './servers/smtp.ts';
import { startTelegram } from './servers/telegram.ts';

async function run(channel: Channel, n: number, concurrency: number, make: (i: number) => OutboundMessage) {
  let next = 0;
  let failed = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        const i = next++;
        const r = await channel.send(make(i));
        if (!r.ok) failed += 1;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { perSecond: Math.round(n / seconds), failed };
}

if (process.argv[2] === 'smtp-server') {
  // Child mode: the SMTP server on its own core, as a real provider would be.
  const server = await startSmtp('u', 'p');
  server.parse = false;
  process.stdout.write(`${server.port}\n`);
  process.stdin.on('end', () => process.exit(0)).resume();
} else {
  await main();
}

async function main() {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', new URL(import.meta.url).pathname, 'smtp-server'],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  const port = await new Promise<number>((resolve) =>
    child.stdout.once('data', (d: Buffer) => resolve(Number(d.toString().trim()))),
  );
  const smtp = { port };
  const mail = (i: number): OutboundMessage => ({
    idempotencyKey: `bench-${i}`,
    to: `c${i}@example.com`,
    subject: 'Мы скучаем',
    text: 'Анна, ваша скидка 15% ждёт вас.',
    html: '<p>Анна, ваша скидка <b>15%</b> ждёт вас.</p>',
    headers: {
      'List-Unsubscribe': '<https://x.example/u/1>',
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    },
  });
  for (const maxConnections of [5, 10, 20]) {
    const email = createChannel({
      provider: 'smtp',
      host: '127.0.0.1',
      port: smtp.port,
      user: 'u',
      pass: 'p',
      from: 'Salon <hello@salon.example>',
      maxConnections,
    });
    await run(email, 500, 50, mail); // warm-up
    const r = await run(email, 5000, 100, mail);
    console.log(`email pooled (maxConnections=${maxConnections}): ${r.perSecond}/s, failed ${r.failed}`);
    await email.close?.();
  }
  {
    // Baseline: a new connection (connect + EHLO + AUTH) per message, as without pool: true.
    const plain = nodemailer.createTransport({
      host: '127.0.0.1',
      port: smtp.port,
      auth: { user: 'u', pass: 'p' },
    });
    const n = 300;
    const started = performance.now();
    for (let i = 0; i < n; i++) await plain.sendMail({ from: 'hello@salon.example', ...mail(i) });
    console.log(
      `email without pool, sequential: ${Math.round(n / ((performance.now() - started) / 1000))}/s`,
    );
    plain.close();
  }
  child.stdin.end();

  const tgServer = await startTelegram('1:bench');
  const tg = createChannel({ provider: 'telegram', botToken: '1:bench', baseUrl: tgServer.url });
  const tgMsg = (i: number): OutboundMessage => ({
    idempotencyKey: `b${i}`,
    to: String(1000 + i),
    text: 'Анна, ждём вас!',
  });
  await run(tg, 500, 50, tgMsg); // warm-up
  for (const concurrency of [1, 50]) {
    const r = await run(tg, 5000, concurrency, tgMsg);
    console.log(`http (telegram) concurrency=${concurrency}: ${r.perSecond}/s, failed ${r.failed}`);
  }
  console.log(`violations: ${tgServer.violations.length}`);
  await tgServer.close();
}
