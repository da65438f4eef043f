/**
 * Outgoing webhooks against a real HTTP receiver on 127.0.0.1: signatures, one event per
 * order, status changes, retries with the same delivery id, a receiver that is down, the
 * failing state, and the outbox written in the transaction of the change. Job runs are
 * scoped to the test's workspace (PostgreSQL test files share one database).
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { todayIn } from '../../src/app/clock.ts';
import { recordOrders } from '../../src/app/orders/record-orders.ts';
import { deliverDueWebhooks } from '../../src/app/webhooks/deliver-webhooks.ts';
import { setWebhookInstanceKey } from '../../src/app/webhooks/secret-box.ts';
import { verifyWebhook } from '../../src/app/webhooks/signature.ts';
import { getSettings } from '../../src/app/workspace.ts';
import { type Client, openTestApi, type TestApi, type Workspace } from './support.ts';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  json: { id: string; type: string; timestamp: string; workspace_id: number; data: Record<string, unknown> };
}

/** A receiver that records every request and answers with the next scripted status (200 when none). */
class Receiver {
  readonly requests: Received[] = [];
  script: number[] = [];
  private server!: Server;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        this.requests.push({ headers: req.headers, body, json: JSON.parse(body) });
        const status = this.script.shift() ?? 200;
        // 0 scripts a receiver that answers too late (after the sender's timeout).
        const answer = () => {
          if (res.destroyed) return;
          res.writeHead(status || 200, { 'content-type': 'text/plain' });
          res.end(status === 200 || status === 0 ? 'ok' : 'receiver broke');
        };
        if (status === 0) setTimeout(answer, 1500);
        else answer();
      });
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
  }

  ofType(type: string): Received[] {
    return this.requests.filter((r) => r.json.type === type);
  }

  async stop(): Promise<void> {
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

/** A port nobody listens on: bind one, then close it. */
async function deadUrl(): Promise<string> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return `http://127.0.0.1:${port}/hook`;
}

let api: TestApi;
let receiver: Receiver;

beforeAll(async () => {
  api = await openTestApi();
  receiver = new Receiver();
  await receiver.start();
});
afterAll(async () => {
  await receiver.stop();
  await api.close();
});
beforeEach(() => {
  receiver.requests.length = 0;
  receiver.script = [];
});

const minutes = (n: number) => new Date(Date.now() + n * 60_000);
const run = (ws: Workspace, at = new Date(), extra: { failingAfter?: number; timeoutMs?: number } = {}) =>
  deliverDueWebhooks(api.db.db, { workspaceId: ws.id, now: at, timeoutMs: 2000, ...extra });

async function subscribe(owner: Client, url: string, events: string[]) {
  const res = await owner.post('/api/webhooks', { url, events, description: 'test receiver' });
  expect(res.status).toBe(201);
  return res.body as { id: number; secret: string };
}

const newOrder = (externalId: string, customer: string) => ({
  external_id: externalId,
  customer: { external_id: customer, name: `Customer ${customer}` },
  ordered_at: new Date().toISOString(),
  amount: '1500.50',
});

describe('managing endpoints', () => {
  test('create shows the secret once; owners only; validation with field paths', async () => {
    const ws = await api.workspace();
    const created = await subscribe(ws.owner, receiver.url, ['order.created', 'status.changed']);
    expect(created.secret).toMatch(/^whsec_/);
    const read = await ws.owner.get(`/api/webhooks/${created.id}`);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({
      url: receiver.url,
      events: ['order.created', 'status.changed'],
      state: 'active',
    });
    expect(read.body.secret).toBeUndefined();
    expect(JSON.stringify((await ws.owner.get('/api/webhooks')).body)).not.toContain(created.secret);

    const marketer = await ws.as({ role: 'marketer' });
    expect((await marketer.get('/api/webhooks')).status).toBe(403);
    expect(
      (await marketer.post('/api/webhooks', { url: receiver.url, events: ['order.created'] })).status,
    ).toBe(403);

    const badEvent = await ws.owner.post('/api/webhooks', { url: receiver.url, events: ['order.exploded'] });
    expect(badEvent.status).toBe(422);
    expect(badEvent.body.error.details[0].path).toBe('events.0');
    const badUrl = await ws.owner.post('/api/webhooks', {
      url: 'ftp://example.com/x',
      events: ['order.created'],
    });
    expect(badUrl.status).toBe(422);
    expect(badUrl.body.error.details[0].path).toBe('url');
    const none = await ws.owner.post('/api/webhooks', { url: receiver.url, events: [] });
    expect(none.status).toBe(422);
    expect(none.body.error.details[0].path).toBe('events');

    const rotated = await ws.owner.patch(`/api/webhooks/${created.id}`, { rotate_secret: true });
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(created.secret);
    const plain = await ws.owner.patch(`/api/webhooks/${created.id}`, { events: ['order.refunded'] });
    expect(plain.body).toMatchObject({ secret: null, events: ['order.refunded'] });
    expect((await ws.owner.del(`/api/webhooks/${created.id}`)).status).toBe(204);
    expect((await ws.owner.get(`/api/webhooks/${created.id}`)).status).toBe(404);
  });

  test('test delivery: sent now, signed, recorded', async () => {
    const ws = await api.workspace();
    const hook = await subscribe(ws.owner, receiver.url, ['order.created']);
    const res = await ws.owner.post(`/api/webhooks/${hook.id}/test`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      type: 'webhook.test',
      status: 'delivered',
      attempts: 1,
      last_status_code: 200,
    });
    expect(res.body.attempt_log).toEqual([expect.objectContaining({ status_code: 200, error: null })]);
    const [got] = receiver.ofType('webhook.test');
    expect(got?.headers['webhook-id']).toBe(res.body.delivery_id);
    expect(
      verifyWebhook(
        hook.secret,
        {
          id: String(got!.headers['webhook-id']),
          timestamp: String(got!.headers['webhook-timestamp']),
          signature: String(got!.headers['webhook-signature']),
        },
        got!.body,
      ),
    ).toBe(true);
  });
});

describe('the secret at rest', () => {
  test('stored sealed, never in clear; sealed with the instance key once the process has one', async () => {
    const ws = await api.workspace();
    const sealed = async (id: number) =>
      (
        await api.db.db.query<{ secret_sealed: string }>(
          'SELECT secret_sealed FROM webhook_subscriptions WHERE workspace_id = $1 AND id = $2',
          [ws.id, id],
        )
      )[0]!.secret_sealed;
    const before = await subscribe(ws.owner, receiver.url, ['order.created']);
    expect(await sealed(before.id)).toMatch(/^db:v1:/);
    expect(await sealed(before.id)).not.toContain(before.secret.slice(6));
    setWebhookInstanceKey(randomBytes(32));
    try {
      const after = await subscribe(ws.owner, receiver.url, ['order.created']);
      expect(await sealed(after.id)).toMatch(/^ik:v1:/);
      // Both kinds still open: each test send is signed with its own endpoint's secret.
      for (const hook of [before, after]) {
        receiver.requests.length = 0;
        expect((await ws.owner.post(`/api/webhooks/${hook.id}/test`)).body.status).toBe('delivered');
        const got = receiver.requests[0]!;
        const headers = {
          id: String(got.headers['webhook-id']),
          timestamp: String(got.headers['webhook-timestamp']),
          signature: String(got.headers['webhook-signature']),
        };
        expect(verifyWebhook(hook.secret, headers, got.body)).toBe(true);
      }
      // A secret the owner chose (not whsec_) signs with its UTF-8 bytes.
      const own = 'my own shared secret 123';
      const chosen = await ws.owner.post('/api/webhooks', {
        url: receiver.url,
        events: ['order.created'],
        secret: own,
      });
      expect(chosen.body.secret).toBe(own);
      receiver.requests.length = 0;
      await ws.owner.post(`/api/webhooks/${chosen.body.id}/test`);
      const got = receiver.requests[0]!;
      expect(
        verifyWebhook(
          own,
          {
            id: String(got.headers['webhook-id']),
            timestamp: String(got.headers['webhook-timestamp']),
            signature: String(got.headers['webhook-signature']),
          },
          got.body,
        ),
      ).toBe(true);
    } finally {
      setWebhookInstanceKey(null);
    }
  });
});

describe('delivery', () => {
  test('an order created through the API produces exactly one signed order.created, and status.changed', async () => {
    const ws = await api.workspace();
    const hook = await subscribe(ws.owner, receiver.url, ['order.created', 'status.changed']);
    const created = await ws.owner.post('/api/orders', newOrder('pos-1', 'c-1'), {
      'Idempotency-Key': 'k-1',
    });
    expect(created.status).toBe(201);
    // Re-sending the same order adds nothing, so no second event either.
    expect((await ws.owner.post('/api/orders', newOrder('pos-1', 'c-1'))).status).toBe(200);

    const queued = await ws.owner.get(`/api/webhooks/${hook.id}/deliveries`);
    expect(queued.body.items.map((d: { type: string; status: string }) => [d.type, d.status]).sort()).toEqual(
      [
        ['order.created', 'pending'],
        ['status.changed', 'pending'],
      ],
    );

    const counts = await run(ws);
    expect(counts).toMatchObject({ attempted: 2, delivered: 2, retrying: 0, failed: 0 });
    const orders = receiver.ofType('order.created');
    expect(orders).toHaveLength(1);
    const o = orders[0]!;
    expect(o.json.workspace_id).toBe(ws.id);
    expect(o.json.data).toEqual({
      order: {
        id: created.body.id,
        external_id: 'pos-1',
        customer_id: created.body.customer_id,
        ordered_at: expect.any(String),
        ordered_on: expect.any(String),
        amount: { amount: '1500.50', currency: expect.any(String) },
        status: 'completed',
      },
    });
    expect(o.headers['comeback-event']).toBe('order.created');
    expect(o.headers['content-type']).toBe('application/json');
    const sig = {
      id: String(o.headers['webhook-id']),
      timestamp: String(o.headers['webhook-timestamp']),
      signature: String(o.headers['webhook-signature']),
    };
    expect(verifyWebhook(hook.secret, sig, o.body)).toBe(true);
    expect(verifyWebhook(hook.secret, sig, o.body.replace('1500.50', '1.00'))).toBe(false);
    expect(verifyWebhook('whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', sig, o.body)).toBe(false);

    const [status] = receiver.ofType('status.changed');
    expect(status!.json.data).toEqual({
      count: 1,
      changes: [
        {
          customer_id: created.body.customer_id,
          from: 'lead',
          to: 'newbie',
          on: expect.any(String),
          reason: expect.any(String),
        },
      ],
    });
    // Nothing left: a second run sends nothing.
    expect(await run(ws)).toMatchObject({ attempted: 0 });
    expect(receiver.requests).toHaveLength(2);

    // Cancelling is order.cancelled, only for endpoints that asked for it.
    await ws.owner.patch(`/api/webhooks/${hook.id}`, { events: ['order.cancelled'] });
    expect((await ws.owner.post(`/api/orders/${created.body.id}/cancel`)).status).toBe(200);
    await run(ws);
    const cancelled = receiver.ofType('order.cancelled');
    expect(cancelled).toHaveLength(1);
    expect((cancelled[0]!.json.data.order as { status: string }).status).toBe('cancelled');
    expect(receiver.ofType('status.changed')).toHaveLength(1);
  });

  test('a receiver answering 500 then 200 gets a retry with the same delivery id, after the backoff', async () => {
    const ws = await api.workspace();
    const hook = await subscribe(ws.owner, receiver.url, ['order.created']);
    await ws.owner.post('/api/orders', newOrder('r-1', 'c-r'));
    receiver.script = [500];
    expect(await run(ws)).toMatchObject({ attempted: 1, retrying: 1 });
    // Not yet due: the first retry waits a minute.
    expect(await run(ws, minutes(0.5))).toMatchObject({ attempted: 0 });
    expect(await run(ws, minutes(1.5))).toMatchObject({ attempted: 1, delivered: 1 });
    const got = receiver.ofType('order.created');
    expect(got).toHaveLength(2);
    expect(got[0]!.headers['webhook-id']).toBe(got[1]!.headers['webhook-id']);
    expect(got[0]!.json.id).toBe(got[1]!.json.id);
    expect(got.map((r) => r.headers['comeback-attempt'])).toEqual(['1', '2']);

    const [d] = (await ws.owner.get(`/api/webhooks/${hook.id}/deliveries`)).body.items;
    expect(d).toMatchObject({
      status: 'delivered',
      attempts: 2,
      last_status_code: 200,
      delivery_id: got[0]!.headers['webhook-id'],
    });
    expect(d.attempt_log.map((a: { status_code: number }) => a.status_code)).toEqual([500, 200]);
    expect(d.attempt_log[0].error).toBe('HTTP 500');
    expect(d.attempt_log[0].response_excerpt).toBe('receiver broke');
    const health = (await ws.owner.get(`/api/webhooks/${hook.id}`)).body;
    expect(health).toMatchObject({ state: 'active', consecutive_failures: 0 });
    expect(health.last_success_at).toEqual(expect.any(String));
  });

  test('a down receiver: every attempt recorded as failed, the endpoint failing after N, held until resumed', async () => {
    const ws = await api.workspace();
    const hook = await subscribe(ws.owner, await deadUrl(), ['order.created']);
    for (const n of [1, 2]) await ws.owner.post('/api/orders', newOrder(`d-${n}`, `c-d${n}`));
    const failingAfter = 3;
    // Run 1: both deliveries fail once (2 in a row). Run 2, past the backoff: the third failure marks it failing.
    expect(await run(ws, new Date(), { failingAfter })).toMatchObject({ attempted: 2, retrying: 2 });
    expect((await ws.owner.get(`/api/webhooks/${hook.id}`)).body).toMatchObject({
      state: 'active',
      consecutive_failures: 2,
    });
    const second = await run(ws, minutes(1.5), { failingAfter });
    expect(second.attempted).toBe(1);
    const failing = (await ws.owner.get(`/api/webhooks/${hook.id}`)).body;
    expect(failing).toMatchObject({ state: 'failing', consecutive_failures: 3, enabled: true });
    expect(failing.failing_since).toEqual(expect.any(String));

    // Held, not dropped: nothing is attempted while failing, the deliveries stay pending.
    expect(await run(ws, minutes(300), { failingAfter })).toMatchObject({ attempted: 0 });
    const list = (await ws.owner.get(`/api/webhooks/${hook.id}/deliveries`)).body.items;
    expect(list.map((d: { status: string }) => d.status)).toEqual(['pending', 'pending']);
    const attempts = list.flatMap(
      (d: { attempt_log: { status_code: number | null; error: string }[] }) => d.attempt_log,
    );
    expect(attempts).toHaveLength(3);
    for (const a of attempts) {
      expect(a.status_code).toBeNull();
      expect(a.error).toMatch(/ECONNREFUSED|fetch failed|connect/i);
    }

    // The owner points it at a live receiver and enables it: the held deliveries go out.
    await ws.owner.patch(`/api/webhooks/${hook.id}`, { url: receiver.url, enabled: true });
    expect((await ws.owner.get(`/api/webhooks/${hook.id}`)).body.state).toBe('active');
    expect(await run(ws, minutes(301), { failingAfter })).toMatchObject({ attempted: 2, delivered: 2 });
    expect(receiver.ofType('order.created')).toHaveLength(2);
  });

  test('a receiver slower than the timeout: the attempt is recorded as timed out and retried', async () => {
    const ws = await api.workspace();
    const hook = await subscribe(ws.owner, receiver.url, ['order.created']);
    await ws.owner.post('/api/orders', newOrder('t-1', 'c-t'));
    receiver.script = [0];
    const started = Date.now();
    expect(await run(ws, new Date(), { timeoutMs: 300 })).toMatchObject({ attempted: 1, retrying: 1 });
    expect(Date.now() - started).toBeLessThan(1400);
    const [d] = (await ws.owner.get(`/api/webhooks/${hook.id}/deliveries`)).body.items;
    expect(d).toMatchObject({
      status: 'pending',
      attempts: 1,
      last_status_code: null,
      last_error: 'timed out after 300 ms',
    });
    expect(await run(ws, minutes(2))).toMatchObject({ attempted: 1, delivered: 1 });
  });

  test('a delivery gives up after the last attempt and says so', async () => {
    const ws = await api.workspace();
    const hook = await subscribe(ws.owner, receiver.url, ['order.created']);
    await ws.owner.post('/api/orders', newOrder('g-1', 'c-g'));
    receiver.script = Array(8).fill(503);
    let at = Date.now();
    for (let i = 0; i < 8; i++) {
      await run(ws, new Date(at), { failingAfter: 100 });
      at += 7 * 3600_000;
    }
    const [d] = (await ws.owner.get(`/api/webhooks/${hook.id}/deliveries`)).body.items;
    expect(d).toMatchObject({
      status: 'failed',
      attempts: 8,
      max_attempts: 8,
      last_status_code: 503,
      next_attempt_at: null,
    });
    expect(await run(ws, new Date(at))).toMatchObject({ attempted: 0 });
    const failed = await ws.owner.get(`/api/webhooks/${hook.id}/deliveries?status=failed`);
    expect(failed.body.items).toHaveLength(1);
  });

  test('the event is written in the transaction of the change: an order write that fails leaves no event', async () => {
    const ws = await api.workspace();
    const hook = await subscribe(ws.owner, receiver.url, ['order.created', 'status.changed']);
    const db = api.db.db;
    // Fails the write at COMMIT, after the orders and the outbox rows were written in it.
    const fn = `fail_commit_${ws.id}`;
    await db.query(`CREATE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'refused at commit'; END $$`);
    await db.query(`CREATE CONSTRAINT TRIGGER ${fn} AFTER INSERT ON orders DEFERRABLE INITIALLY DEFERRED
      FOR EACH ROW WHEN (NEW.workspace_id = ${ws.id} AND NEW.external_id = 'boom') EXECUTE FUNCTION ${fn}()`);
    try {
      const settings = await getSettings(db, ws.id);
      const write = recordOrders(
        db,
        ws.id,
        [{ externalId: 'boom', customer: { externalId: 'c-boom' }, at: Date.now(), amountCents: 1000 }],
        { settings, asOf: todayIn(settings.timezone) },
      );
      await expect(write).rejects.toThrow(/refused at commit/);
    } finally {
      await db.query(`DROP TRIGGER ${fn} ON orders`);
      await db.query(`DROP FUNCTION ${fn}()`);
    }
    const events = await db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM webhook_events WHERE workspace_id = $1',
      [ws.id],
    );
    expect(events[0]!.n).toBe(0);
    expect((await ws.owner.get(`/api/webhooks/${hook.id}/deliveries`)).body.items).toEqual([]);
    // The same order without the failure: its events are there.
    expect((await ws.owner.post('/api/orders', newOrder('ok-1', 'c-ok'))).status).toBe(201);
    expect((await ws.owner.get(`/api/webhooks/${hook.id}/deliveries`)).body.items).toHaveLength(2);
  });

  test('a bulk recompute sends its status changes in a few events, not one request per customer', async () => {
    const ws = await api.workspace();
    const hook = await subscribe(ws.owner, receiver.url, ['status.changed']);
    expect((await ws.owner.patch('/api/settings', { cycle_days: 30 })).status).toBe(200);
    // 1,200 customers bought long ago: one recompute moves them all (to lost).
    const orders = Array.from({ length: 1200 }, (_, i) => ({
      externalId: `b-${i}`,
      customer: { externalId: `cb-${i}` },
      at: Date.parse('2020-01-15T12:00:00Z'),
      amountCents: 1000,
    }));
    const settings = await getSettings(api.db.db, ws.id);
    await recordOrders(api.db.db, ws.id, orders, { settings, asOf: '2020-01-15' });
    const before = (await ws.owner.get(`/api/webhooks/${hook.id}/deliveries?limit=100`)).body.items.length;
    const { recomputeWorkspace } = await import('../../src/app/analytics/customer-aggregates.ts');
    const r = await recomputeWorkspace(api.db.db, ws.id, todayIn(settings.timezone), settings);
    expect(r.statusChanges).toBeGreaterThanOrEqual(1200);
    const items = (await ws.owner.get(`/api/webhooks/${hook.id}/deliveries?limit=100`)).body.items;
    const added = items.slice(0, items.length - before);
    expect(added).toHaveLength(Math.ceil(r.statusChanges / 500));
    expect(added.reduce((n: number, d: { data: { count: number } }) => n + d.data.count, 0)).toBe(
      r.statusChanges,
    );
  });
});
