/** The audit log: every successful change, its actor, operation, entity and redacted fields. */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redact } from '../../src/app/auth/audit-log.ts';
import { openTestApi, type TestApi } from './support.ts';

let api: TestApi;
beforeAll(async () => {
  api = await openTestApi();
}, 60_000);
afterAll(async () => {
  await api.close();
});

describe('recording', () => {
  it('records a change with the user, the operation, the entity id and the fields', async () => {
    const ws = await api.workspace();
    const owner = await ws.user({ role: 'owner' });
    const c = await owner.post('/api/customers', { name: 'Alice', phone: '+79162220001' });
    expect(c.status).toBe(201);
    const patched = await owner.patch(`/api/customers/${c.body.id}`, { name: 'Alice B.' });
    expect(patched.status).toBe(200);
    // A refused change (422) and a read are not changes.
    expect((await owner.patch(`/api/customers/${c.body.id}`, { birthday: 'soon' })).status).toBe(422);
    await owner.get(`/api/customers/${c.body.id}`);

    const log = await owner.get('/api/audit?action=customers');
    expect(log.status).toBe(200);
    expect(log.body.items).toHaveLength(2);
    const [patch, create] = log.body.items;
    expect(patch).toMatchObject({
      actor: { user_id: owner.userId, key_id: null, label: owner.email },
      action: 'PATCH /api/customers/{id}',
      entity_id: String(c.body.id),
      status: 200,
      changes: { name: 'Alice B.' },
    });
    expect(create).toMatchObject({ action: 'POST /api/customers', entity_id: null, status: 201 });
    expect(Date.parse(patch.at)).toBeGreaterThan(Date.now() - 60_000);
  });

  it('names an API key actor and redacts secrets', async () => {
    const ws = await api.workspace();
    const key = await ws.owner.post('/api/keys', { name: 'shop integration', role: 'marketer' });
    expect(key.status).toBe(201);
    const user = await ws.owner.post('/api/users', {
      email: `audited-${ws.id}@example.com`,
      password: 'super secret password',
      role: 'viewer',
    });
    expect(user.status).toBe(201);
    const pw = await ws.owner.post(`/api/users/${user.body.id}/password`, { password: 'another secret 1' });
    expect(pw.status).toBe(200);
    const log = await ws.owner.get('/api/audit?action=users');
    expect(log.body.items.map((e: { action: string }) => e.action)).toEqual([
      'POST /api/users/{id}/password',
      'POST /api/users',
    ]);
    const [setPw, created] = log.body.items;
    expect(setPw).toMatchObject({
      actor: { label: 'owner', user_id: null },
      entity_id: String(user.body.id),
    });
    expect(setPw.changes).toEqual({ password: '[redacted]' });
    expect(created.changes).toMatchObject({
      email: `audited-${ws.id}@example.com`,
      password: '[redacted]',
      role: 'viewer',
    });
    expect(JSON.stringify(log.body)).not.toContain('secret password');
    expect(JSON.stringify(log.body)).not.toContain('another secret');
  });

  it('redacts every channel credential, whatever its name', () => {
    const logged = redact({
      provider: 'sms-ru',
      config: { apiId: 'A1B2-C3', from: 'Lotos', confirmationCode: 'vk-confirm', headers: { 'X-Auth': 'k' } },
    });
    expect(logged).toEqual({
      provider: 'sms-ru',
      config: { apiId: '[redacted]', from: 'Lotos', confirmationCode: '[redacted]', headers: '[redacted]' },
    });
  });

  it('keeps each workspace’s log to itself', async () => {
    const a = await api.workspace();
    const b = await api.workspace();
    await a.owner.post('/api/customers', { name: 'Only in A', phone: '+79162220002' });
    expect((await b.owner.get('/api/audit')).body.items).toEqual([]);
    expect((await a.owner.get('/api/audit')).body.items).toHaveLength(1);
  });
});

describe('reading', () => {
  it('filters by actor, action, entity and time, and pages with a cursor', async () => {
    const ws = await api.workspace();
    const marketer = await ws.user({ role: 'marketer' });
    const ids: number[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await marketer.post('/api/customers', { name: `C${i}`, phone: `+7916333000${i}` });
      ids.push(r.body.id);
    }
    await ws.owner.patch(`/api/customers/${ids[0]}`, { name: 'Renamed' });

    const byActor = await ws.owner.get(`/api/audit?actor=${encodeURIComponent(marketer.email)}&action=POST`);
    expect(byActor.body.items).toHaveLength(5);
    const byEntity = await ws.owner.get(`/api/audit?entity=${ids[0]}&action=customers`);
    expect(byEntity.body.items.map((e: { action: string }) => e.action)).toEqual([
      'PATCH /api/customers/{id}',
    ]);
    const future = await ws.owner.get(
      `/api/audit?from=${encodeURIComponent(new Date(Date.now() + 3_600_000).toISOString())}`,
    );
    expect(future.body.items).toEqual([]);
    const past = await ws.owner.get(
      `/api/audit?to=${encodeURIComponent(new Date(Date.now() + 3_600_000).toISOString())}`,
    );
    expect(past.body.items.length).toBeGreaterThanOrEqual(6);

    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const q: string = `/api/audit?actor=${encodeURIComponent(marketer.email)}&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const page = await ws.owner.get(q);
      expect(page.status).toBe(200);
      seen.push(...page.body.items.map((e: { id: number }) => e.id));
      cursor = page.body.next_cursor;
    } while (cursor);
    expect(seen).toHaveLength(6); // 5 creations + the sign-in
    expect([...seen].sort((x, y) => y - x)).toEqual(seen);

    const mismatched = await ws.owner.get(`/api/audit?limit=2&actor=${encodeURIComponent(marketer.email)}`);
    const reused = await ws.owner.get(`/api/audit?action=PATCH&cursor=${mismatched.body.next_cursor}`);
    expect(reused.status).toBe(400);
    expect((await ws.owner.get('/api/audit?from=yesterday')).status).toBe(422);
  });

  it('is for owners only', async () => {
    const ws = await api.workspace();
    for (const role of ['marketer', 'viewer'] as const) {
      const u = await ws.user({ role });
      const r = await u.get('/api/audit');
      expect(r.status).toBe(403);
      expect(r.body.error.code).toBe('forbidden');
    }
  });
});
