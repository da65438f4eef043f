/**
 * Messaging throughput (issue 6: ≥ 1,000 e-mails/s to a local SMTP server with pooling, ≥ 500
 * messages/s to a local HTTP provider).
 *
 *   npm run bench -- messaging [--n 5000] [--db pglite,postgres]
 *     [--database-url postgres://root@127.0.0.1:5432/postgres] [--runs email,email-text,telegram]
 *     [--no-adapter] [--no-engine]
 *
 * Two measurements against the same local providers (bench/messaging-server.ts, each in a
 * process of its own):
 * - **adapter** (the peer): the channel adapter alone sending N messages with 100 (SMTP) / 50
 *   (HTTP) in flight: the ceiling our engine can reach on this machine;
 * - **engine**: a campaign to N customers planned into the outbox (`sendCampaign`), then the
 *   pg-boss delivery worker (`startDelivery`) claims, renders, sends and records every message:
 *   outbox → pg-boss → adapter → provider, on PostgreSQL and on PGlite.
 *   `email` is the library's MJML newsletter (win_back, ~15 KB of HTML with tracked links),
 *   `email-text` a short text e-mail, `telegram` a Telegram message (HTTP Bot API).
 * After each engine run the provider's own count must equal the engine's `sent`.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Principal } from '../src/app/api/principal.ts';
import { operatorOf } from '../src/app/auth/first-owner.ts';
import { saveChannelSettings, updateMessagingSettings } from '../src/app/messaging/channel-settings.ts';
import { createCampaign, sendCampaign } from '../src/app/messaging/send-campaign.ts';
import { libraryTemplate } from '../src/app/messaging/template-library.ts';
import { createChannel } from '../src/channels/index.ts';
import type { Channel, OutboundMessage } from '../src/channels/types.ts';
import { startDelivery } from '../src/jobs/delivery.ts';
import { connect, type Database } from '../src/storage/connect.ts';
import { ensureWorkspace } from '../src/storage/queries/workspaces.ts';
import { BENCH_BOT_TOKEN, BENCH_SMTP_PASS, BENCH_SMTP_USER } from './messaging-server.ts';

const SERVER = fileURLToPath(new URL('./messaging-server.ts', import.meta.url));
/** The engine's SMTP pool and the adapter peer's: the same size, so the ratio is fair. */
const SMTP_CONNECTIONS = 10;

/** The local SMTP server as a channel setting: the engine's and the adapter peer's alike. */
function smtpConfig(smtp: Provider) {
  return {
    host: '127.0.0.1',
    port: Number(smtp.address),
    user: BENCH_SMTP_USER,
    pass: BENCH_SMTP_PASS,
    from: 'Студия Лотос <hello@lotos.example>',
    maxConnections: SMTP_CONNECTIONS,
  };
}

interface Provider {
  address: string;
  /** Messages the provider accepted so far. */
  count(): Promise<number>;
  stop(): void;
}

async function provider(mode: 'smtp' | 'telegram'): Promise<Provider> {
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, ['--import', 'tsx', SERVER, mode], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  child.stderr.on('data', (d: Buffer) => process.stderr.write(d));
  const lines = createInterface({ input: child.stdout });
  const waiting: ((line: string) => void)[] = [];
  lines.on('line', (line) => waiting.shift()?.(line));
  const next = () => new Promise<string>((resolve) => waiting.push(resolve));
  const address = await next();
  return {
    address,
    async count() {
      const reply = next();
      child.stdin.write('count\n');
      return Number(await reply);
    },
    stop: () => child.stdin.end(),
  };
}

function option(args: string[], name: string, fallback: string): string {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? (args[i + 1] ?? fallback) : fallback;
}

const psql = (url: string, sql: string) =>
  new Promise<void>((resolve, reject) => {
    const p = spawn('psql', [url, '-q', '-c', sql], { stdio: ['ignore', 'ignore', 'inherit'] });
    p.on('error', reject);
    p.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`psql exited ${code}`))));
  });

// ---------------------------------------------------------------------------------------
// The peer: the adapter alone

async function blast(channel: Channel, n: number, inFlight: number, make: (i: number) => OutboundMessage) {
  let next = 0;
  let failed = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < n) {
        const r = await channel.send(make(next++));
        if (!r.ok) failed += 1;
      }
    }),
  );
  return { perSecond: n / ((performance.now() - started) / 1000), failed };
}

export interface AdapterResult {
  run: 'smtp' | 'telegram';
  inFlight: number;
  perSecond: number;
  failed: number;
  received: number;
  n: number;
}

async function adapters(n: number, smtp: Provider, telegram: Provider): Promise<AdapterResult[]> {
  const out: AdapterResult[] = [];
  const email = createChannel({ provider: 'smtp', ...smtpConfig(smtp) });
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
  await blast(email, 500, 50, mail); // warm-up: connections opened, code compiled
  const before = await smtp.count();
  const e = await blast(email, n, 100, mail);
  out.push({ run: 'smtp', inFlight: 100, n, ...e, received: (await smtp.count()) - before });
  await email.close?.();

  const tg = createChannel({ provider: 'telegram', botToken: BENCH_BOT_TOKEN, baseUrl: telegram.address });
  const tgMsg = (i: number): OutboundMessage => ({
    idempotencyKey: `b${i}`,
    to: String(1000 + i),
    text: 'Анна, ждём вас!',
  });
  await blast(tg, 500, 50, tgMsg);
  const tgBefore = await telegram.count();
  const t = await blast(tg, n, 50, tgMsg);
  out.push({ run: 'telegram', inFlight: 50, n, ...t, received: (await telegram.count()) - tgBefore });
  await tg.close?.();
  return out;
}

// ---------------------------------------------------------------------------------------
// The whole engine

export interface EngineResult {
  db: 'pglite' | 'postgres';
  run: string;
  n: number;
  planPerSecond: number;
  sent: number;
  failed: number;
  received: number;
  seconds: number;
  perSecond: number;
}

async function seed(db: Database, n: number, smtp: Provider, telegram: Provider, key: Buffer) {
  const ws = (await ensureWorkspace(db, `bench-messaging-${Date.now()}`)).id;
  const p: Principal = operatorOf(ws);
  // No contact budget: the subject is raw delivery speed, not deferral.
  await updateMessagingSettings(db, p, { budget: { caps: [], quietHours: null } });
  await saveChannelSettings(db, p, key, 'email', {
    provider: 'smtp',
    config: smtpConfig(smtp),
  });
  await saveChannelSettings(db, p, key, 'telegram', {
    provider: 'telegram',
    config: { botToken: BENCH_BOT_TOKEN, baseUrl: telegram.address },
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
  return p;
}

async function engine(
  db: Database,
  databaseUrl: string | undefined,
  n: number,
  runs: string[],
  smtp: Provider,
  telegram: Provider,
  log: (s: string) => void,
): Promise<EngineResult[]> {
  const key = Buffer.alloc(32, 9);
  const p = await seed(db, n, smtp, telegram, key);
  const t = libraryTemplate('win_back', 'ru');
  const context = { business: { name: 'Студия Лотос', booking_url: 'https://lotos.example/book' } };
  const results: EngineResult[] = [];
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
    await sendCampaign(db, p, campaign.id);
    const planSeconds = (performance.now() - planStart) / 1000;
    const provider = channel === 'email' ? smtp : telegram;
    const before = await provider.count();
    const started = performance.now();
    const delivery = await startDelivery(db, {
      key,
      publicUrl: 'https://crm.example',
      workspaceIds: [p.workspaceId],
      queue: `messages.deliver.bench-${p.workspaceId}`,
      batchSize: 200,
      workers: 3,
      pollMs: 200,
      ...(databaseUrl ? { databaseUrl } : {}),
    });
    await delivery.drain(900_000);
    const seconds = (performance.now() - started) / 1000;
    await delivery.stop();
    const received = (await provider.count()) - before;
    const r: EngineResult = {
      db: db.kind,
      run,
      n,
      planPerSecond: n / planSeconds,
      sent: delivery.counts.sent,
      failed: delivery.counts.failed + delivery.counts.retried,
      received,
      seconds,
      perSecond: delivery.counts.sent / seconds,
    };
    if (received !== r.sent) log(`  WARNING: provider received ${received}, engine sent ${r.sent}`);
    log(
      `  ${r.db} ${run}: ${Math.round(r.perSecond)}/s (${r.sent} sent in ${seconds.toFixed(2)} s, planned at ${Math.round(r.planPerSecond)}/s, provider got ${received})`,
    );
    results.push(r);
  }
  return results;
}

export async function run(args: string[]): Promise<void> {
  const log = (s: string) => process.stderr.write(`${s}\n`);
  const n = Number(option(args, 'n', '5000'));
  const dbs = option(args, 'db', 'postgres,pglite').split(',');
  const adminUrl = option(args, 'database-url', 'postgres://root@127.0.0.1:5432/postgres');
  const runs = option(args, 'runs', 'email,email-text,telegram').split(',');
  log(
    `messaging bench: ${new Date().toISOString()}, ${cpus().length} CPUs, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, load ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  );
  const [smtp, telegram] = await Promise.all([provider('smtp'), provider('telegram')]);
  try {
    if (!args.includes('--no-adapter')) {
      log('adapter alone (the peer):');
      for (const a of await adapters(n, smtp, telegram)) {
        log(
          `  ${a.run}, ${a.inFlight} in flight: ${Math.round(a.perSecond)}/s, failed ${a.failed}, provider got ${a.received}/${a.n}`,
        );
      }
    }
    if (args.includes('--no-engine')) return;
    for (const kind of dbs) {
      log(`engine on ${kind}:`);
      if (kind === 'postgres') {
        const name = 'bench_messaging_e';
        await psql(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await psql(adminUrl, `CREATE DATABASE ${name}`);
        const url = new URL(adminUrl);
        url.pathname = `/${name}`;
        const db = await connect({ databaseUrl: url.toString() });
        try {
          await engine(db, url.toString(), n, runs, smtp, telegram, log);
        } finally {
          await db.close();
          await psql(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        }
      } else {
        const dir = mkdtempSync(join(tmpdir(), 'comeback-messaging-bench-'));
        const db = await connect({ dataDir: dir });
        try {
          await engine(db, undefined, n, runs, smtp, telegram, log);
        } finally {
          await db.close();
          rmSync(dir, { recursive: true, force: true });
        }
      }
    }
    log(
      `load average at end: ${loadavg()
        .map((x) => x.toFixed(2))
        .join(' ')}`,
    );
  } finally {
    smtp.stop();
    telegram.stop();
  }
}
