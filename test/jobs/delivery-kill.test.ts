/**
 * kill -9 in the worst place: the delivery worker (a child process, test/jobs/delivery-worker.ts)
 * is killed after the provider accepted a message and before the worker committed the result
 * (a proxy in front of the fake provider passes the request on and holds back the answer; the
 * test kills the worker when it sees the request). A new worker then finishes the job. What
 * the provider received: no duplicate where it dedupes by the idempotency key (Twilio
 * I-Twilio-Idempotency-Token, VK random_id, the webhook's Idempotency-Key), at most one repeat
 * where it cannot (Telegram), and no message lost.
 *
 * PGlite: the data folder can have one opener, so the test writes, closes, lets each worker run
 * alone, and reads after the last one exited. PostgreSQL (TEST_DATABASE_URL): the same steps.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { updateMessagingSettings } from '../../src/app/messaging/channel-settings.ts';
import { createCampaign, sendCampaign } from '../../src/app/messaging/send-campaign.ts';
import type { MessageChannel } from '../../src/core/messaging/channel.ts';
import { connect, type Database } from '../../src/storage/connect.ts';
import { listCustomerMessages, type OutboxMessage } from '../../src/storage/queries/messages.ts';
import { ensureWorkspace } from '../../src/storage/queries/workspaces.ts';
import {
  addCustomer,
  configureChannels,
  grant,
  KEY,
  owner,
  type Providers,
  startProviders,
  textTemplates,
} from '../app/messaging-fixtures.ts';
import { TEST_DATABASE_URL, uniqueName } from '../support/db.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const WORKER = fileURLToPath(new URL('./delivery-worker.ts', import.meta.url));
// Short so the test does not wait minutes (the product's lease is 5 min), yet long enough that a
// worker on a loaded 2-core machine commits before its own lease runs out: at 1.5 s, load 17–24
// made the surviving worker re-send its own in-flight messages.
const LEASE_MS = 4000;

interface Seen {
  path: string;
  body: string;
  idempotencyKey: string | undefined;
  /** What the provider answered (passed on, or held back from the worker). */
  answer: string;
  held: boolean;
}

/** Passes requests to a fake provider; holds back the answer to the first one. */
async function startProxy(target: string) {
  const seen: Seen[] = [];
  let holding = true;
  let onHeld: () => void = () => {};
  const held = new Promise<void>((resolve) => {
    onHeld = resolve;
  });
  const pending: ServerResponse[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers))
        if (typeof v === 'string' && k !== 'host') headers[k] = v;
      const upstream = await fetch(`${target}${req.url}`, { method: req.method ?? 'POST', headers, body });
      const answer = await upstream.text();
      const hold = holding;
      holding = false;
      seen.push({
        path: req.url ?? '',
        body,
        idempotencyKey: headers['i-twilio-idempotency-token'] ?? headers['idempotency-key'],
        answer,
        held: hold,
      });
      if (hold) {
        pending.push(res);
        onHeld();
        return;
      }
      res.writeHead(upstream.status, {
        'content-type': upstream.headers.get('content-type') ?? 'text/plain',
      });
      res.end(answer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    held,
    close: () =>
      new Promise<void>((resolve) => {
        for (const r of pending) r.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function runWorker(
  target: string,
  workspaceId: number,
): { child: ChildProcess; exited: Promise<number | null>; log: () => string } {
  let log = '';
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', WORKER, target, String(workspaceId), String(LEASE_MS)],
    {
      env: { ...process.env, COMEBACK_SECRET_KEY: KEY.toString('base64') },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stdout?.on('data', (d: Buffer) => {
    log += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    log += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, log: () => log };
}

function within<T>(p: Promise<T>, ms: number, what: string, log: () => string): Promise<T> {
  return Promise.race([
    p,
    new Promise<T>((_, reject) =>
      setTimeout(() => reject(new Error(`${what} took over ${ms} ms\n${log()}`)), ms),
    ),
  ]);
}

let providers: Providers;
const dirs: string[] = [];
beforeAll(async () => {
  providers = await startProviders();
});
afterAll(async () => {
  await providers?.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A database target of its own (a fresh PGlite folder, or a workspace in the test PostgreSQL). */
async function openTarget(): Promise<{
  target: string;
  db: Database;
  closeForWorker(): Promise<void>;
  reopen(): Promise<Database>;
}> {
  if (TEST_DATABASE_URL) {
    const db = await connect({ databaseUrl: TEST_DATABASE_URL });
    return { target: TEST_DATABASE_URL, db, closeForWorker: async () => {}, reopen: async () => db };
  }
  const dir = mkdtempSync(join(tmpdir(), 'comeback-kill-'));
  dirs.push(dir);
  // The worker finds the key where a PGlite installation keeps it.
  writeFileSync(join(dir, 'secret.key'), KEY, { mode: 0o600 });
  const db = await connect({ dataDir: dir });
  return {
    target: dir,
    db,
    closeForWorker: () => db.close(),
    reopen: () => connect({ dataDir: dir }),
  };
}

/**
 * Plans one message per customer, kills the first worker when every proxy holds a request,
 * runs a second worker to the end, and returns the messages as the database has them.
 */
async function killAndRecover(
  channels: MessageChannel[],
  customers: { channel: MessageChannel; spec: Parameters<typeof addCustomer>[2] }[],
  proxies: { url: string; held: Promise<void>; seen: Seen[] }[],
  urls: Parameters<typeof configureChannels>[4],
): Promise<OutboxMessage[]> {
  const t = await openTarget();
  const ws = (await ensureWorkspace(t.db, uniqueName('kill'))).id;
  await configureChannels(t.db, ws, providers, channels, urls);
  // Whatever the hour the test runs at: no quiet hours, no caps.
  await updateMessagingSettings(t.db, owner(ws), { budget: { caps: [], quietHours: null } });
  const ids: number[] = [];
  const now = Date.now();
  for (const c of customers) {
    const id = await addCustomer(t.db, ws, c.spec);
    await grant(t.db, ws, id, [c.channel], now - 86_400_000);
    ids.push(id);
  }
  const campaign = await createCampaign(t.db, owner(ws), {
    name: 'kill -9',
    audience: { customerIds: ids },
    purpose: 'marketing',
    templates: textTemplates('{{ customer.name }}: ждём вас! Отписка: СТОП'),
    channelPolicy: { channels },
  });
  expect(await sendCampaign(t.db, owner(ws), campaign.id, now)).toMatchObject({ now: customers.length });
  await t.closeForWorker();

  const first = runWorker(t.target, ws);
  await within(
    Promise.all(proxies.map((p) => p.held)),
    60_000,
    'the first worker reaching the providers',
    first.log,
  );
  // Let the sends that were answered be committed (outcomes commit as they come in), then kill:
  // the held one is caught between the provider's answer and the commit.
  await within(
    (async () => {
      while (proxies.reduce((n, p) => n + p.seen.length, 0) < customers.length) await sleep(20);
    })(),
    30_000,
    'the other sends',
    first.log,
  );
  await sleep(1000);
  first.child.kill('SIGKILL');
  expect(await first.exited).toBeNull(); // killed by the signal, not exited

  const second = runWorker(t.target, ws);
  expect(await within(second.exited, 90_000, 'the second worker', second.log)).toBe(0);
  const db = await t.reopen();
  try {
    const out: OutboxMessage[] = [];
    for (const id of ids) out.push(...(await listCustomerMessages(db, ws, id)));
    return out;
  } finally {
    await db.close();
  }
}

describe('kill -9 between the provider call and the commit', () => {
  it('sends no duplicate where the provider dedupes by idempotency key, and loses nothing', async () => {
    const twilio = await startProxy(providers.twilio.url);
    const vk = await startProxy(providers.vk.url);
    const webhook = await startProxy(providers.webhook.url);
    try {
      const messages = await killAndRecover(
        ['sms', 'vk', 'webhook'],
        [
          { channel: 'sms', spec: { name: 'Смс Один', phone: '+79161240001' } },
          { channel: 'sms', spec: { name: 'Смс Два', phone: '+79161240002' } },
          { channel: 'vk', spec: { name: 'Вк Один', vk: 9001 } },
          { channel: 'vk', spec: { name: 'Вк Два', vk: 9002 } },
          { channel: 'webhook', spec: { name: 'Хук Один' } },
          { channel: 'webhook', spec: { name: 'Хук Два' } },
        ],
        [twilio, vk, webhook],
        { twilio: twilio.url, vk: vk.url, webhook: webhook.url },
      );
      expect(messages).toHaveLength(6);
      for (const m of messages) expect(m.status).toBe('sent');

      const answerId = (s: Seen) => {
        const j = JSON.parse(s.answer) as { sid?: string; response?: number; id?: string };
        return String(j.sid ?? j.response ?? j.id);
      };
      for (const [proxy, channel] of [
        [twilio, 'sms'],
        [vk, 'vk'],
        [webhook, 'webhook'],
      ] as const) {
        const sent = messages.filter((m) => m.channel === channel);
        // The held message was sent again after the crash…
        expect(proxy.seen.length).toBeGreaterThan(2);
        // …and the provider made one message of it: as many distinct provider ids as messages,
        // and the one stored is the one the provider created on the first, unanswered request.
        expect(new Set(proxy.seen.map(answerId)).size).toBe(2);
        const heldId = answerId(proxy.seen.find((s) => s.held)!);
        expect(sent.map((m) => m.providerMessageId)).toContain(heldId);
        // At most one repeat per message.
        const perMessage = new Map<string, number>();
        for (const s of proxy.seen) perMessage.set(answerId(s), (perMessage.get(answerId(s)) ?? 0) + 1);
        for (const n of perMessage.values()) expect(n).toBeLessThanOrEqual(2);
      }
      expect(new Set(twilio.seen.map((s) => s.idempotencyKey))).toEqual(
        new Set(messages.filter((m) => m.channel === 'sms').map((m) => m.idempotencyKey)),
      );
    } finally {
      await Promise.all([twilio.close(), vk.close(), webhook.close()]);
    }
  }, 240_000);

  it('repeats at most once where the provider cannot dedupe (Telegram), and loses nothing', async () => {
    const telegram = await startProxy(providers.telegram.url);
    try {
      const messages = await killAndRecover(
        ['telegram'],
        [
          { channel: 'telegram', spec: { name: 'Тг Один', telegram: 9101 } },
          { channel: 'telegram', spec: { name: 'Тг Два', telegram: 9102 } },
          { channel: 'telegram', spec: { name: 'Тг Три', telegram: 9103 } },
        ],
        [telegram],
        { telegram: telegram.url },
      );
      expect(messages).toHaveLength(3);
      for (const m of messages) expect(m.status).toBe('sent');
      const perChat = new Map<number, number>();
      for (const s of telegram.seen) {
        const chat = (JSON.parse(s.body) as { chat_id: number }).chat_id;
        perChat.set(chat, (perChat.get(chat) ?? 0) + 1);
      }
      expect([...perChat.keys()].sort()).toEqual([9101, 9102, 9103]);
      for (const n of perChat.values()) expect(n).toBeLessThanOrEqual(2);
      const heldChat = (JSON.parse(telegram.seen.find((s) => s.held)!.body) as { chat_id: number }).chat_id;
      expect(perChat.get(heldChat)).toBe(2);
    } finally {
      await telegram.close();
    }
  }, 240_000);
});
