/**
 * A one-off throughput measurement of the whole delivery engine, not a test (vitest does not
 * pick it up):
 *   node --import tsx test/jobs/delivery-throughput.ts [--n 5000] [--db postgres://…]
 *     [--runs email,email-text,telegram]
 * A campaign to N customers is planned into the outbox, then the pg-boss delivery worker
 * (startDelivery) claims, renders, sends and records every message: e-mail to a local SMTP
 * server (pooled; `email` is the library's MJML newsletter, ~15 KB of HTML with tracked links,
 * `email-text` a short text e-mail), Telegram messages to a local fake Bot API. Each provider
 * runs in a child process (its own core, as a real provider would be). Prints messages/s for
 * planning and for delivery.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Principal } from '../../src/app/api/principal.ts';
import { saveChannelSettings, updateMessagingSettings } from '../../src/app/messaging/channel-settings.ts';
import { createCampaign, sendCampaign } from '../../src/app/messaging/send-campaign.ts';
import { libraryTemplate } from '../../src/app/messaging/template-library.ts';
import { startDelivery } from '../../src/jobs/delivery.ts';
import { connect } from '../../src/storage/connect.ts';
import { ensureWorkspace } from '../../src/storage/queries/workspaces.ts';
import { startSmtp } from '../channels/servers/smtp.ts';
import { startTelegram } from '../channels/servers/telegram.ts';

const TOKEN = '7012345678:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';
const SELF = fileURLToPath(import.meta.url);

if (process.argv[2] === 'smtp-server' || process.argv[2] === 'telegram-server') {
  if (process.argv[2] === 'smtp-server') {
    const s = await startSmtp('u', 'p');
    s.parse = false;
    process.stdout.write(`${s.port}\n`);
  } else {
    const s = await startTelegram(TOKEN);
    process.stdout.write(`${s.url}\n`);
    // Keep no history: a long run would only grow it.
    setInterval(() => {
      s.requests.length = 0;
    }, 1000).unref();
  }
  process.stdin.on('end', () => process.exit(0)).resume();
} else {
  await main();
}

async function child(mode: string): Promise<{ address: string; stop(): void }> {
  const c = spawn(process.execPath, ['--import', 'tsx', SELF, mode], { stdio: ['pipe', 'pipe', 'inherit'] });
  const address = await new Promise<string>((resolve) =>
    c.stdout.once('data', (d: Buffer) => resolve(d.toString().trim())),
  );
  return { address, stop: () => c.stdin.end() };
}

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

async function main() {
  const n = Number(arg('n', '5000'));
  const url = arg('db', '');
  const dir = url ? null : mkdtempSync(join(tmpdir(), 'comeback-delivery-bench-'));
  const db = await connect(url ? { databaseUrl: url } : { dataDir: dir! });
  const [smtp, telegram] = await Promise.all([child('smtp-server'), child('telegram-server')]);
  const key = Buffer.alloc(32, 9);
  const ws = (await ensureWorkspace(db, `bench-${Date.now()}`)).id;
  const p: Principal = {
    workspaceId: ws,
    userId: null,
    role: 'owner',
    managerStaffId: null,
    keyId: null,
    scopes: null,
  };
  await updateMessagingSettings(db, p, { budget: { caps: [], quietHours: null } });
  await saveChannelSettings(db, p, key, 'email', {
    provider: 'smtp',
    config: {
      host: '127.0.0.1',
      port: Number(smtp.address),
      user: 'u',
      pass: 'p',
      from: 'Студия Лотос <hello@lotos.example>',
      maxConnections: 10,
    },
  });
  await saveChannelSettings(db, p, key, 'telegram', {
    provider: 'telegram',
    config: { botToken: TOKEN, baseUrl: telegram.address },
  });
  // N customers with an e-mail and a Telegram chat, marketing consent on both (set-based SQL:
  // the subject here is delivery, not customer creation).
  await db.query(
    `INSERT INTO customers (workspace_id, id, name) SELECT $1, g, 'Анна ' || g FROM generate_series(1, $2) g`,
    [ws, n],
  );
  await db.query(
    `INSERT INTO customer_identifiers (workspace_id, kind, value, customer_id)
     SELECT $1::bigint, 'email', 'c' || g || '@example.com', g FROM generate_series(1, $2::int) g
     UNION ALL SELECT $1::bigint, 'telegram', (100000 + g)::text, g FROM generate_series(1, $2::int) g`,
    [ws, n],
  );
  await db.query(
    `INSERT INTO consents (workspace_id, customer_id, channel, purpose, action, source, at, actor)
     SELECT $1, g, ch, 'marketing', 'granted', 'form', now() - interval '1 day', 'bench'
       FROM generate_series(1, $2) g, unnest(ARRAY['email', 'telegram']) ch`,
    [ws, n],
  );
  const t = libraryTemplate('win_back', 'ru');
  const context = { business: { name: 'Студия Лотос', booking_url: 'https://lotos.example/book' } };
  const results: Record<string, unknown>[] = [];
  // email: the library's MJML newsletter (~15 KB of HTML); email-text: a short text e-mail.
  const runs = arg('runs', 'email,email-text,telegram').split(',');
  for (const run of runs) {
    const channel = run.startsWith('email') ? 'email' : 'telegram';
    const template =
      run === 'email-text'
        ? {
            key: 'short',
            language: 'ru' as const,
            subject: '{{ customer.first_name }}, мы скучаем',
            text: t.text,
          }
        : { key: t.key, language: 'ru' as const, subject: t.subject, text: t.text, mjml: t.mjml };
    const campaign = await createCampaign(db, p, {
      name: `bench ${run}`,
      audience: {},
      purpose: 'marketing',
      templates: { [channel]: template },
      channelPolicy: { channels: [channel] },
      context,
    });
    const planStart = performance.now();
    const planned = await sendCampaign(db, p, campaign.id);
    const planSeconds = (performance.now() - planStart) / 1000;
    const delivery = await startDelivery(db, {
      key,
      publicUrl: 'https://crm.example',
      workspaceIds: [ws],
      queue: `messages.deliver.bench-${ws}`,
      batchSize: 200,
      workers: 3,
      pollMs: 200,
      ...(url ? { databaseUrl: url } : {}),
    });
    const started = performance.now();
    await delivery.drain(600_000);
    const seconds = (performance.now() - started) / 1000;
    await delivery.stop();
    const r = {
      db: db.kind,
      run,
      messages: n,
      planned: planned.now,
      planPerSecond: Math.round(n / planSeconds),
      sent: delivery.counts.sent,
      failed: delivery.counts.failed + delivery.counts.retried,
      seconds: Number(seconds.toFixed(2)),
      perSecond: Math.round(delivery.counts.sent / seconds),
    };
    results.push(r);
    console.log(JSON.stringify(r));
  }
  smtp.stop();
  telegram.stop();
  await db.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  process.exit(0);
}
