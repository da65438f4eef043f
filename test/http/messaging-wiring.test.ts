/**
 * Messaging wired into the product: the routes mounted by createApi (permissions per role,
 * the builder's draft preview, the recipients list, the secret-key policy), the instance key
 * (PGlite's secret.key, COMEBACK_SECRET_KEY, PostgreSQL without it), and a campaign sent
 * through the served app (startApp) and delivered by the worker startApp runs, to the local
 * SMTP server.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintApiKey } from '../../src/app/api/create-api-key.ts';
import type { Role } from '../../src/app/api/principal.ts';
import { operatorOf } from '../../src/app/auth/first-owner.ts';
import { addMember } from '../../src/app/auth/members.ts';
import { ChannelPool } from '../../src/app/messaging/channel-settings.ts';
import { resolveInstanceKey } from '../../src/app/messaging/instance-key.ts';
import { createApi } from '../../src/http/app.ts';
import { startApp } from '../../src/main.ts';
import { ensureNamed } from '../../src/storage/queries/catalog.ts';
import { addCustomer } from '../app/messaging-fixtures.ts';
import { startSmtp } from '../channels/servers/smtp.ts';
import { openTestDatabase, type TestDatabase } from '../support/db.ts';

let db: TestDatabase;
const KEY = randomBytes(32);
const pool = new ChannelPool(KEY, { ttlMs: 0 });

beforeAll(async () => {
  db = await openTestDatabase();
});
afterAll(async () => {
  await pool.close();
  await db?.close();
});

// biome-ignore lint/suspicious/noExplicitAny: responses are read field by field
type Body = any;

function clientOf(
  app: { request(path: string, init?: RequestInit): Response | Promise<Response> },
  token: string,
) {
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await app.request(path, {
      method,
      headers: {
        Authorization: `Bearer ${token}`,
        ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return {
      status: res.status,
      body: (text && res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text) as Body,
    };
  };
  return {
    get: (p: string) => call('GET', p),
    post: (p: string, b?: unknown) => call('POST', p, b ?? {}),
    put: (p: string, b: unknown) => call('PUT', p, b),
    patch: (p: string, b: unknown) => call('PATCH', p, b),
  };
}

async function keys(ws: number, app: Parameters<typeof clientOf>[0]) {
  const [staffId] = (await ensureNamed(db.db, ws, 'staff', ['Мария'])).values();
  const as = async (role: Role) =>
    clientOf(
      app,
      (
        await mintApiKey(db.db, ws, {
          name: role,
          role,
          ...(role === 'manager' ? { managerStaffId: staffId! } : {}),
        })
      ).token,
    );
  return {
    owner: await as('owner'),
    marketer: await as('marketer'),
    manager: await as('manager'),
    viewer: await as('viewer'),
  };
}

const campaign = (name: string) => ({
  name,
  purpose: 'marketing',
  audience: { status: ['lead'] },
  templates: {
    default: {
      language: 'ru',
      subject: 'Привет, {{ customer.first_name }}',
      text: '{{ customer.first_name | default: "Здравствуйте" }}, ждём вас в «{{ business.name }}»!',
    },
  },
});

describe('the instance key', () => {
  it('PGlite keeps secret.key in the data folder, created once with mode 0600', () => {
    const dir = mkdtempSync(join(tmpdir(), 'comeback-key-'));
    try {
      const a = resolveInstanceKey({ databaseKind: 'pglite', dataDir: dir });
      const b = resolveInstanceKey({ databaseKind: 'pglite', dataDir: dir });
      expect(a.secretsAllowed).toBe(true);
      expect(a.warning).toBeNull();
      expect(a.key.equals(b.key)).toBe(true);
      expect(readFileSync(join(dir, 'secret.key')).equals(a.key)).toBe(true);
      expect(statSync(join(dir, 'secret.key')).mode & 0o777).toBe(0o600);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('COMEBACK_SECRET_KEY wins on either database', () => {
    const secret = randomBytes(32);
    for (const databaseKind of ['pglite', 'postgres'] as const) {
      const k = resolveInstanceKey({
        databaseKind,
        secretKey: secret.toString('base64'),
        dataDir: '/nonexistent',
      });
      expect(k.key.equals(secret)).toBe(true);
      expect(k.secretsAllowed).toBe(true);
    }
    expect(() => resolveInstanceKey({ databaseKind: 'postgres', secretKey: 'c2hvcnQ=' })).toThrow(/32 bytes/);
  });

  it('PostgreSQL without the variable: no channel secrets, a stable link key, a warning that says what to set', () => {
    const url = 'postgres://crm:pw@db.internal:5432/comeback';
    const a = resolveInstanceKey({
      databaseKind: 'postgres',
      databaseUrl: url,
      dataDir: '/var/lib/comeback',
    });
    const b = resolveInstanceKey({ databaseKind: 'postgres', databaseUrl: url });
    expect(a.secretsAllowed).toBe(false);
    expect(a.key.equals(b.key)).toBe(true);
    expect(a.key.equals(resolveInstanceKey({ databaseKind: 'postgres', databaseUrl: `${url}2` }).key)).toBe(
      false,
    );
    expect(a.warning).toMatch(/COMEBACK_SECRET_KEY/);
    expect(a.warning).toMatch(/openssl rand -base64 32/);
  });
});

describe('routes mounted by createApi', () => {
  const app = () => createApi({ db: db.db, messaging: { key: KEY, pool, publicUrl: 'http://crm.test' } });

  it('answer with an API key; campaigns need campaigns:write, reports reading needs reports:read', async () => {
    const ws = await db.workspace('wire');
    const api = app();
    const { owner, marketer, manager, viewer } = await keys(ws, api);
    for (const n of ['Анна Смирнова', 'Борис Петров'])
      await addCustomer(db.db, ws, { name: n, email: `${n.length}${n[0]}@example.com` });
    const anna = await addCustomer(db.db, ws, { name: 'Вера Иванова', email: 'vera@example.com' });

    expect((await owner.put('/api/channels/email', { provider: 'log', config: {} })).status).toBe(200);
    expect((await marketer.put('/api/channels/sms', { provider: 'log', config: {} })).status).toBe(403);
    expect((await viewer.get('/api/channels')).body.items.map((c: Body) => c.channel)).toEqual(['email']);
    expect((await manager.patch('/api/messaging/settings', { maxCostMinor: 100 })).status).toBe(403);
    expect(
      (await owner.patch('/api/messaging/settings', { budget: { caps: [], quietHours: null } })).status,
    ).toBe(200);
    expect((await viewer.get('/api/messaging/status')).body).toEqual({
      secretsAllowed: true,
      publicUrl: 'http://crm.test',
      deliveryRunning: false,
    });
    expect(
      (
        await owner.post(`/api/customers/${anna}/consents`, {
          channel: 'email',
          purpose: 'marketing',
          action: 'granted',
        })
      ).status,
    ).toBe(201);

    for (const who of [manager, viewer]) {
      expect((await who.post('/api/campaigns', campaign('nope'))).status).toBe(403);
      expect((await who.post('/api/campaigns/preview', campaign('nope'))).status).toBe(403);
    }
    const created = await marketer.post('/api/campaigns', campaign('Вернуть лидов'));
    expect(created.status).toBe(201);
    const id = created.body.id;
    expect((await viewer.post(`/api/campaigns/${id}/send`)).status).toBe(403);
    const sent = await marketer.post(`/api/campaigns/${id}/send`);
    expect(sent.status).toBe(200);
    expect(sent.body).toMatchObject({
      audience: 3,
      now: 1,
      excluded: 2,
      excludedBy: { no_consent: 2 },
      written: 3,
    });

    const list = await viewer.get('/api/campaigns');
    expect(list.body.items[0]).toMatchObject({ id, counts: { queued: 1, skipped: 2 } });
    expect((await viewer.get(`/api/campaigns/${id}/report`)).body.funnel.planned).toBe(1);
    const messages = await viewer.get(`/api/campaigns/${id}/messages?limit=2`);
    expect(messages.body.total).toBe(3);
    expect(messages.body.items).toHaveLength(2);
    const queued = await viewer.get(`/api/campaigns/${id}/messages?status=queued`);
    expect(queued.body.items).toEqual([
      expect.objectContaining({
        customerId: anna,
        customerName: 'Вера Иванова',
        channel: 'email',
        status: 'queued',
      }),
    ]);
    // A manager sees only their own customers in the recipients list (none here).
    expect((await manager.get(`/api/campaigns/${id}/messages`)).body).toMatchObject({ total: 0, items: [] });
  });

  it('the draft preview plans without writing and renders for a real customer of the audience', async () => {
    const ws = await db.workspace('wire-preview');
    const api = app();
    const { owner } = await keys(ws, api);
    await owner.put('/api/channels/sms', { provider: 'log', config: {} });
    const id = await addCustomer(db.db, ws, { name: 'Ольга Соколова', phone: '+79161234567' });
    await owner.post(`/api/customers/${id}/consents`, {
      channel: 'sms',
      purpose: 'marketing',
      action: 'granted',
    });
    const body = {
      ...campaign('Черновик'),
      templates: {
        default: { language: 'ru', text: 'Ольга', sms: '{{ customer.first_name }}, скидка 10% до пятницы!' },
      },
    };
    const res = await owner.post('/api/campaigns/preview', body);
    expect(res.status).toBe(200);
    expect(res.body.sample).toEqual({ id, name: 'Ольга Соколова' });
    expect(res.body.renders.default.sms).toBe('Ольга, скидка 10% до пятницы!');
    expect(res.body.renders.default.smsCount).toMatchObject({ encoding: 'ucs2', segments: 1 });
    expect(res.body.plan.audience).toBe(1);
    expect(res.body.plan.now + res.body.plan.deferred).toBe(1);
    expect((await owner.get('/api/campaigns')).body.items).toEqual([]);
    const bad = await owner.post('/api/campaigns/preview', {
      ...body,
      templates: { default: { language: 'ru', text: '{{ customer.name | nosuchfilter }}' } },
    });
    expect(bad.status).toBe(422);
    expect(bad.body.error.details[0].path).toMatch(/^templates\.default\./);
  });

  it('a saved segment is an audience: its customers as of today, narrowed by the other filters', async () => {
    const ws = await db.workspace('wire-saved');
    const api = app();
    const { owner } = await keys(ws, api);
    await owner.put('/api/channels/email', { provider: 'log', config: {} });
    await owner.patch('/api/messaging/settings', { budget: { caps: [], quietHours: null } });
    const ids: number[] = [];
    for (const n of ['Анна', 'Борис', 'Вера']) {
      const id = await addCustomer(db.db, ws, { name: n, email: `${n.length}-${ids.length}@example.com` });
      await owner.post(`/api/customers/${id}/consents`, {
        channel: 'email',
        purpose: 'marketing',
        action: 'granted',
      });
      ids.push(id);
    }
    const segment = await owner.post('/api/saved-segments', {
      name: 'Лиды',
      rules: { match: 'all', conditions: [{ field: 'status', op: 'in', values: ['lead'] }] },
    });
    expect(segment.status).toBe(201);
    const body = { ...campaign('По сегменту'), audience: { savedSegmentId: segment.body.id } };
    const preview = await owner.post('/api/campaigns/preview', body);
    expect(preview.body.plan).toMatchObject({ audience: 3, now: 3 });
    const narrowed = await owner.post('/api/campaigns/preview', {
      ...body,
      audience: { savedSegmentId: segment.body.id, customerIds: [ids[0]] },
    });
    expect(narrowed.body.plan).toMatchObject({ audience: 1, now: 1 });
    const missing = await owner.post('/api/campaigns/preview', {
      ...body,
      audience: { savedSegmentId: 999_999 },
    });
    expect(missing.status).toBe(404);
  });

  it('without a secret key: secrets are refused with secret_key_required, channels without secrets still work', async () => {
    const ws = await db.workspace('wire-nokey');
    const api = createApi({ db: db.db, messaging: { key: KEY, pool, secretsAllowed: false } });
    const { owner, viewer } = await keys(ws, api);
    const refused = await owner.put('/api/channels/telegram', {
      provider: 'telegram',
      config: { botToken: '123456:ABC-DEF' },
    });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('secret_key_required');
    expect(refused.body.error.message).toMatch(/COMEBACK_SECRET_KEY/);
    expect(refused.body.error.details).toEqual([
      { path: 'config.botToken', message: 'needs COMEBACK_SECRET_KEY' },
    ]);
    // Permission is still checked first: a viewer learns nothing about the key.
    expect(
      (await viewer.put('/api/channels/telegram', { provider: 'telegram', config: { botToken: '1:x' } }))
        .status,
    ).toBe(403);
    expect((await owner.put('/api/channels/telegram', { provider: 'log', config: {} })).status).toBe(200);
    expect((await owner.get('/api/messaging/status')).body.secretsAllowed).toBe(false);
  });

  it('the public routes need no key, and the guarded ones do', async () => {
    const api = app();
    const page = await api.request('/u/not-a-token');
    expect(page.status).toBe(404);
    expect(page.headers.get('content-type')).toMatch(/html/);
    const pixel = await api.request('/t/o/not-a-token.gif');
    expect(pixel.headers.get('content-type')).toBe('image/gif');
    expect((await api.request('/api/campaigns')).status).toBe(401);
    // The served document lists the messaging routes with their permission.
    const doc = (await (await api.request('/api/openapi.json')).json()) as Body;
    for (const path of [
      '/api/channels/{channel}/test',
      '/api/messaging/status',
      '/api/campaigns/preview',
      '/api/campaigns/{id}/messages',
    ])
      expect(Object.keys(doc.paths)).toContain(path);
    expect(doc.paths['/api/campaigns/{id}/send'].post.description).toMatch(/campaigns:write/);
    expect(
      (await api.request('/api/callbacks/telegram/999999999', { method: 'POST', body: '{}' })).status,
    ).not.toBe(401);
  });
});

describe('the served app', () => {
  it('startApp runs the delivery worker: a campaign sent over HTTP reaches the local SMTP server', async () => {
    const ws = await db.workspace('wire-served');
    const smtp = await startSmtp('salon', 'smtp-pass-1');
    const dir = mkdtempSync(join(tmpdir(), 'comeback-served-'));
    const running = await startApp({
      db: db.db,
      port: 0,
      hostname: '127.0.0.1',
      messaging: {
        // PGlite keeps its key in the data folder; PostgreSQL needs the variable for SMTP's password.
        ...(db.kind === 'postgres' ? { secretKey: randomBytes(32).toString('base64') } : { dataDir: dir }),
        pollMs: 100,
        workspaceIds: [ws],
        log: () => {},
      },
    });
    try {
      const base = `http://127.0.0.1:${running.port}`;
      const { token } = await mintApiKey(db.db, ws, { name: 'owner', role: 'owner' });
      const http = clientOf({ request: (p, init) => fetch(`${base}${p}`, init) }, token);
      expect((await http.get('/api/messaging/status')).body).toEqual({
        secretsAllowed: true,
        publicUrl: `http://localhost:${running.port}`,
        deliveryRunning: true,
      });
      const put = await http.put('/api/channels/email', {
        provider: 'smtp',
        config: {
          host: '127.0.0.1',
          port: smtp.port,
          user: 'salon',
          pass: 'smtp-pass-1',
          from: 'Лотос <hello@lotos.example>',
        },
      });
      expect(put.status).toBe(200);
      expect(put.body.secretsSet).toEqual(['pass']);
      await http.patch('/api/messaging/settings', { budget: { caps: [], quietHours: null } });
      const ids: number[] = [];
      for (const [i, n] of ['Анна Смирнова', 'Борис Петров'].entries()) {
        const id = await addCustomer(db.db, ws, { name: n, email: `c${i}@example.com` });
        await http.post(`/api/customers/${id}/consents`, {
          channel: 'email',
          purpose: 'marketing',
          action: 'granted',
        });
        ids.push(id);
      }
      const created = await http.post('/api/campaigns', campaign('Served'));
      const sent = await http.post(`/api/campaigns/${created.body.id}/send`);
      expect(sent.body).toMatchObject({ now: 2, written: 2 });

      const until = Date.now() + 30_000;
      let report: Body;
      do {
        await new Promise((r) => setTimeout(r, 100));
        report = (await http.get(`/api/campaigns/${created.body.id}/report`)).body;
      } while (report.funnel.sent < 2 && Date.now() < until);
      expect(report.funnel.sent).toBe(2);
      expect(report.byChannel.email.sent ?? report.byChannel.email.delivered).toBeGreaterThan(0);
      expect(smtp.messages.map((m) => m.subject).sort()).toEqual(['Привет, Анна', 'Привет, Борис']);
      // Marketing e-mail carries the one-click unsubscribe link of this server, and it is served.
      const link =
        /<(http[^>]+)>/.exec(JSON.stringify(smtp.messages[0]!.headers.get('list')) ?? '')?.[1] ??
        /http[^"\s>]+\/u\/[^"\s>]+/.exec(JSON.stringify(smtp.messages[0]!.headers.get('list')))?.[0];
      expect(link).toMatch(new RegExp(`^http://localhost:${running.port}/u/`));
      const page = await fetch(link!.replace('localhost', '127.0.0.1'));
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/html/);
      const messages = (await http.get(`/api/campaigns/${created.body.id}/messages`)).body;
      expect(messages.items.map((m: Body) => [m.customerId, m.channel]).sort()).toEqual(
        ids.map((id) => [id, 'email']).sort(),
      );
    } finally {
      await running.close();
      await smtp.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('trusts COMEBACK_PUBLIC_URL as the browser origin behind a proxy (sign-in and CSRF)', async () => {
    const ws = await db.workspace('wire-proxy');
    const dir = mkdtempSync(join(tmpdir(), 'comeback-proxy-'));
    const email = `proxy-${ws}@example.com`;
    await addMember(db.db, operatorOf(ws), {
      email,
      name: 'Proxy',
      password: 'correct horse 1',
      role: 'owner',
    });
    const running = await startApp({
      db: db.db,
      port: 0,
      hostname: '127.0.0.1',
      messaging: {
        ...(db.kind === 'postgres' ? { secretKey: randomBytes(32).toString('base64') } : { dataDir: dir }),
        publicUrl: 'https://crm.example.test/',
        delivery: false,
        // Jobs for this workspace only: the other test files' workspaces share the database.
        workspaceIds: [ws],
        log: () => {},
      },
    });
    try {
      const signIn = (origin: string) =>
        fetch(`http://127.0.0.1:${running.port}/api/auth/sign-in/email`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Origin: origin },
          body: JSON.stringify({ email, password: 'correct horse 1' }),
        });
      // The proxy forwards the public origin while we see 127.0.0.1: accepted.
      const ok = await signIn('https://crm.example.test');
      expect(ok.status).toBe(200);
      const cookie = ok.headers.getSetCookie().find((c) => c.startsWith('comeback.session_token='))!;
      const patch = await fetch(`http://127.0.0.1:${running.port}/api/settings`, {
        method: 'PATCH',
        headers: {
          'Content-Type': 'application/json',
          Origin: 'https://crm.example.test',
          Cookie: cookie.split(';')[0]!,
          'X-Workspace-Id': String(ws),
        },
        body: JSON.stringify({ business_name: 'Behind a proxy' }),
      });
      expect(patch.status).toBe(200);
      // Any other origin is still refused.
      const evil = await signIn('https://evil.example');
      expect(evil.status).toBe(403);
    } finally {
      await running.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
