/**
 * Sign-in with e-mail + password through better-auth, the session as a principal, CSRF of
 * cookie requests, choosing a workspace, and manager isolation through a session.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember } from '../../src/app/auth/members.ts';
import { openTestApi, order, type TestApi } from './support.ts';

let api: TestApi;
beforeAll(async () => {
  api = await openTestApi();
}, 60_000);
afterAll(async () => {
  await api.close();
});

const ORIGIN = 'http://localhost';

async function raw(
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: unknown } = {},
) {
  const res = await api.app.request(path, {
    method: init.method ?? 'GET',
    headers: { 'Content-Type': 'application/json', ...(init.headers ?? {}) },
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
}

describe('sign-in', () => {
  it('refuses sign-up by strangers: no account is created', async () => {
    const email = `stranger-${Date.now()}@example.com`;
    const r = await raw('/api/auth/sign-up/email', {
      method: 'POST',
      headers: { Origin: ORIGIN },
      body: { email, password: 'long enough password', name: 'Stranger' },
    });
    expect(r.status).toBeGreaterThanOrEqual(400);
    const rows = await api.db.db.query('SELECT 1 FROM users WHERE email = $1', [email]);
    expect(rows).toHaveLength(0);
  });

  it('signs in with the right password only, with an httpOnly SameSite=Lax cookie', async () => {
    const ws = await api.workspace();
    const u = await ws.user({ role: 'viewer' });
    const wrong = await raw('/api/auth/sign-in/email', {
      method: 'POST',
      headers: { Origin: ORIGIN },
      body: { email: u.email, password: 'not the password' },
    });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.getSetCookie()).toEqual([]);
    const ok = await api.app.request('/api/auth/sign-in/email', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: ORIGIN },
      body: JSON.stringify({ email: u.email.toUpperCase(), password: u.password }),
    });
    expect(ok.status).toBe(200);
    const cookie = ok.headers.getSetCookie().find((c) => c.startsWith('comeback.session_token='))!;
    expect(cookie).toMatch(/HttpOnly/i);
    // The session stays in the httpOnly cookie: the body does not hand page scripts its token.
    const signedIn = (await ok.json()) as Record<string, unknown>;
    expect(signedIn.user).toMatchObject({ email: u.email });
    expect(signedIn).not.toHaveProperty('token');
    const session = await api.app.request('/api/auth/get-session', {
      headers: { Cookie: cookie.split(';')[0]! },
    });
    expect(session.status).toBe(200);
    const state = (await session.json()) as { session: Record<string, unknown> };
    expect(state.session).toHaveProperty('expiresAt');
    expect(state.session).not.toHaveProperty('token');
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).not.toMatch(/Secure/i);
  });

  it('marks the cookie Secure when served over https', async () => {
    const ws = await api.workspace();
    const u = await ws.user({ role: 'viewer' });
    const res = await api.app.request('https://crm.example.com/api/auth/sign-in/email', {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Origin: 'https://crm.example.com',
        Host: 'crm.example.com',
      },
      body: JSON.stringify({ email: u.email, password: u.password }),
    });
    expect(res.status).toBe(200);
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('comeback.session_token='))!;
    expect(cookie).toMatch(/;\s*Secure/i);
  });

  it('resolves the session to the member principal and signs out', async () => {
    const ws = await api.workspace();
    const [anna] = await ws.staff('Anna');
    const u = await ws.user({ role: 'manager', staffId: anna! });
    const me = await u.get('/api/me');
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({
      user: { id: u.userId, email: u.email },
      key: null,
      role: 'manager',
      manager_staff: { id: anna, name: 'Anna' },
      workspace: { id: ws.id },
    });
    expect(me.body.permissions).toEqual([
      'customers:read',
      'customers:write',
      'reports:read',
      'settings:read',
    ]);

    const out = await u.post('/api/auth/sign-out', {});
    expect(out.status).toBe(200);
    const after = await u.get('/api/me');
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('unauthorized');
  });

  it('extends a session in use, cookie included', async () => {
    const ws = await api.workspace();
    const u = await ws.user({ role: 'viewer' });
    // As if signed in two days ago: the session is due for its daily extension.
    await api.db.db.query(`UPDATE sessions SET expires_at = now() + interval '28 days' WHERE user_id = $1`, [
      u.userId,
    ]);
    const r = await u.get('/api/me');
    expect(r.status).toBe(200);
    const cookie = r.headers.getSetCookie().find((c) => c.startsWith('comeback.session_token='));
    expect(cookie).toMatch(/Max-Age=2592000/);
    const rows = await api.db.db.query<{ days: number }>(
      `SELECT extract(day FROM expires_at - now())::int AS days FROM sessions WHERE user_id = $1`,
      [u.userId],
    );
    expect(rows[0]!.days).toBeGreaterThanOrEqual(29);
  });

  it('answers 401 without credentials and with a forged cookie', async () => {
    expect((await raw('/api/me')).status).toBe(401);
    const forged = await raw('/api/me', { headers: { Cookie: 'comeback.session_token=forged.value' } });
    expect(forged.status).toBe(401);
  });
});

describe('CSRF', () => {
  it('refuses a cross-site POST that carries a valid session cookie', async () => {
    const ws = await api.workspace();
    const u = await ws.user({ role: 'owner' });
    const evil = await u.send('POST', '/api/customers', {
      body: JSON.stringify({ name: 'Mallory', phone: '+79160000001' }),
      headers: { 'Content-Type': 'application/json', Origin: 'https://evil.example' },
    });
    expect(evil.status).toBe(403);
    expect(evil.body.error.code).toBe('csrf_failed');
    const noOrigin = await api.app.request('/api/customers', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Cookie: u.token },
      body: JSON.stringify({ name: 'Mallory' }),
    });
    expect(noOrigin.status).toBe(403);
    expect(((await noOrigin.json()) as { error: { code: string } }).error.code).toBe('csrf_failed');
    // Same origin passes; a Referer of our own page does too.
    const ok = await u.post('/api/customers', { name: 'Alice', phone: '+79160000002' });
    expect(ok.status).toBe(201);
    const viaReferer = await api.app.request('/api/customers', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Cookie: u.token, Referer: 'http://localhost/customers' },
      body: JSON.stringify({ name: 'Bob', phone: '+79160000003' }),
    });
    expect(viaReferer.status).toBe(201);
    // Nothing was created by the refused requests.
    const list = await u.get('/api/customers?q=Mallory');
    expect(list.body.items).toHaveLength(0);
    // Reading is never refused for its origin.
    expect((await u.send('GET', '/api/me', { headers: { Origin: 'https://evil.example' } })).status).toBe(
      200,
    );
  });

  it('refuses a cross-site sign-in (login CSRF) but lets clients without an Origin sign in', async () => {
    const ws = await api.workspace();
    const u = await ws.user({ role: 'viewer' });
    const body = { email: u.email, password: u.password };
    const evil = await raw('/api/auth/sign-in/email', {
      method: 'POST',
      headers: { Origin: 'https://evil.example' },
      body,
    });
    expect(evil.status).toBe(403);
    expect(evil.body.error.code).toBe('csrf_failed');
    expect(evil.headers.getSetCookie()).toEqual([]);
    const curl = await raw('/api/auth/sign-in/email', { method: 'POST', body });
    expect(curl.status).toBe(200);
  });

  it('refuses a cross-site sign-out too (login and logout CSRF)', async () => {
    const ws = await api.workspace();
    const u = await ws.user({ role: 'viewer' });
    const evil = await u.send('POST', '/api/auth/sign-out', {
      body: '{}',
      headers: { 'Content-Type': 'application/json', Origin: 'https://evil.example' },
    });
    expect(evil.status).toBe(403);
    expect(evil.body.error.code).toBe('csrf_failed');
    expect((await u.get('/api/me')).status).toBe(200);
  });

  it('exempts bearer API-key requests', async () => {
    const ws = await api.workspace();
    const r = await ws.owner.send('POST', '/api/customers', {
      body: JSON.stringify({ name: 'Integration', phone: '+79160000004' }),
      headers: { 'Content-Type': 'application/json', Origin: 'https://elsewhere.example' },
    });
    expect(r.status).toBe(201);
  });
});

describe('workspaces', () => {
  it('defaults to the first workspace and switches with X-Workspace-Id', async () => {
    const a = await api.workspace();
    const b = await api.workspace();
    const u = await a.user({ role: 'owner' });
    const operator = {
      workspaceId: b.id,
      userId: null,
      role: 'owner' as const,
      managerStaffId: null,
      keyId: null,
      scopes: null,
    };
    await addMember(api.db.db, operator, { email: u.email, password: 'ignored password', role: 'viewer' });
    const first = await u.get('/api/me');
    expect(first.body.workspace.id).toBe(a.id);
    expect(first.body.role).toBe('owner');
    expect(first.body.workspaces.map((w: { id: number }) => w.id)).toEqual([a.id, b.id]);
    const second = await u.send('GET', '/api/me', { headers: { 'X-Workspace-Id': String(b.id) } });
    expect(second.body).toMatchObject({ workspace: { id: b.id }, role: 'viewer' });
    // A viewer there may not write, though an owner here may.
    const write = await u.send('POST', '/api/customers', {
      body: JSON.stringify({ name: 'X', phone: '+79160000005' }),
      headers: { 'Content-Type': 'application/json', 'X-Workspace-Id': String(b.id) },
    });
    expect(write.status).toBe(403);
    const stranger = await api.workspace();
    const refused = await u.send('GET', '/api/me', { headers: { 'X-Workspace-Id': String(stranger.id) } });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('forbidden');
    const bad = await u.send('GET', '/api/me', { headers: { 'X-Workspace-Id': 'abc' } });
    expect(bad.status).toBe(400);
  });
});

describe('manager isolation through a session', () => {
  it('shows a manager only their own customers', async () => {
    const ws = await api.workspace();
    const [anna, boris] = await ws.staff('Anna', 'Boris');
    const mine = await ws.owner.post('/api/customers', {
      name: 'Mine',
      phone: '+79161110001',
      manager_id: anna,
    });
    const theirs = await ws.owner.post('/api/customers', {
      name: 'Theirs',
      phone: '+79161110002',
      manager_id: boris,
    });
    expect(mine.status).toBe(201);
    expect(theirs.status).toBe(201);
    await ws.orders([order('o1', 'x', '2025-01-10', 100)]);
    const m = await ws.user({ role: 'manager', staffId: anna! });
    expect((await m.get(`/api/customers/${mine.body.id}`)).status).toBe(200);
    expect((await m.get(`/api/customers/${theirs.body.id}`)).status).toBe(404);
    const list = await m.get('/api/customers');
    expect(list.body.items.map((c: { id: number }) => c.id)).toEqual([mine.body.id]);
    const search = await m.get('/api/customers?q=%2B79161110002');
    expect(search.body.items).toHaveLength(0);
  });
});

describe('sign-in events', () => {
  it('records sign-in, failed sign-in and sign-out in the audit log', async () => {
    const ws = await api.workspace();
    const u = await ws.user({ role: 'viewer' });
    await raw('/api/auth/sign-in/email', {
      method: 'POST',
      headers: { Origin: ORIGIN },
      body: { email: u.email, password: 'wrong password!' },
    });
    await u.post('/api/auth/sign-out', {});
    const log = await ws.owner.get(`/api/audit?actor=${encodeURIComponent(u.email)}`);
    expect(log.status).toBe(200);
    expect(log.body.items.map((e: { action: string }) => e.action)).toEqual([
      'auth.sign_out',
      'auth.sign_in_failed',
      'auth.sign_in',
    ]);
    expect(log.body.items[2].actor).toMatchObject({ user_id: u.userId, label: u.email });
  });
});
