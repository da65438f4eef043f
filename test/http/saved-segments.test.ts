/**
 * /api/saved-segments: CRUD with segments:write, reads with customers:read, counts within
 * the caller's visibility, the live preview, a segment's customers as a customer page, and
 * the audience function the campaign builder uses.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadDemo } from '../../src/app/demo/load-demo.ts';
import { resolveSegmentCustomerIds } from '../../src/app/segments/saved-segments.ts';
import { type Client, openTestApi, order, type TestApi, type Workspace } from './support.ts';

let api: TestApi;
let ws: Workspace;
let olga: Client;
let olgaId: number;
const ids: Record<string, number> = {};

const sleepingRules = {
  match: 'all',
  conditions: [{ field: 'status', op: 'in', values: ['lost', 'sleeping'] }],
};

beforeAll(async () => {
  api = await openTestApi();
  ws = await api.workspace();
  [olgaId] = (await ws.staff('Ольга')) as [number];
  olga = await ws.as({ role: 'manager', managerStaffId: olgaId });
  for (const [key, manager, tags] of [
    ['a', olgaId, ['vip']],
    ['b', null, ['vip']],
    ['c', olgaId, []],
    ['d', null, []],
  ] as const) {
    const res = await ws.owner.post('/api/customers', {
      external_id: key,
      name: key.toUpperCase(),
      manager_id: manager,
      tags: [...tags],
    });
    ids[key] = res.body.id;
  }
  await ws.orders(
    [
      order('a1', 'a', '2024-01-10', 5000),
      order('b1', 'b', '2024-02-10', 200),
      order('c1', 'c', '2025-06-01', 700),
      order('c2', 'c', '2025-06-10', 700),
    ],
    '2025-06-15',
  );
});

afterAll(async () => {
  await api.close();
});

describe('CRUD', () => {
  test('create, read with count, rename, change rules, delete', async () => {
    const created = await ws.owner.post('/api/saved-segments', {
      name: '  Уснувшие  ',
      description: 'вернуть',
      rules: sleepingRules,
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`/api/saved-segments/${created.body.id}`);
    expect(created.body).toMatchObject({
      name: 'Уснувшие',
      description: 'вернуть',
      rules: sleepingRules,
      count: 2,
    });
    const id = created.body.id;

    const got = await ws.owner.get(`/api/saved-segments/${id}`);
    expect(got.body.count).toBe(2);

    const renamed = await ws.owner.patch(`/api/saved-segments/${id}`, {
      name: 'Ушедшие VIP',
      rules: {
        ...sleepingRules,
        conditions: [...sleepingRules.conditions, { field: 'tag', op: 'has', value: 'vip' }],
      },
    });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ name: 'Ушедшие VIP', description: 'вернуть', count: 2 });

    const listed = await ws.owner.get('/api/saved-segments?counts=true');
    expect(listed.body.items.map((s: { name: string; count: number }) => [s.name, s.count])).toContainEqual([
      'Ушедшие VIP',
      2,
    ]);
    const uncounted = await ws.owner.get('/api/saved-segments');
    expect(uncounted.body.items[0].count).toBeNull();

    expect((await ws.owner.del(`/api/saved-segments/${id}`)).status).toBe(204);
    expect((await ws.owner.get(`/api/saved-segments/${id}`)).status).toBe(404);
    expect((await ws.owner.del(`/api/saved-segments/${id}`)).status).toBe(404);
  });

  test('a taken name is 409; bad rules are 422 with paths', async () => {
    await ws.owner.post('/api/saved-segments', { name: 'Дубль', rules: sleepingRules });
    const again = await ws.owner.post('/api/saved-segments', { name: 'Дубль', rules: sleepingRules });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('conflict');
    const bad = await ws.owner.post('/api/saved-segments', {
      name: 'Плохой',
      rules: { match: 'all', conditions: [{ field: 'r_score', min: 5, max: 1 }] },
    });
    expect(bad.status).toBe(422);
    expect(bad.body.error.details.map((d: { path: string }) => d.path)).toContain('rules.conditions.0.max');
    const noName = await ws.owner.post('/api/saved-segments', { name: '   ', rules: sleepingRules });
    expect(noName.status).toBe(422);
  });

  test('another workspace never sees the segment', async () => {
    const other = await api.workspace();
    const mine = await ws.owner.post('/api/saved-segments', { name: 'Свой', rules: sleepingRules });
    expect((await other.owner.get(`/api/saved-segments/${mine.body.id}`)).status).toBe(404);
    expect((await other.owner.get(`/api/saved-segments/${mine.body.id}/customers`)).status).toBe(404);
    expect((await other.owner.get('/api/saved-segments')).body.items).toEqual([]);
  });
});

describe('permissions', () => {
  test('marketers write; managers and viewers read; scoped keys need segments:write', async () => {
    const marketer = await ws.as({ role: 'marketer' });
    const viewer = await ws.as({ role: 'viewer' });
    const readOnly = await ws.as({ role: 'owner', scopes: ['customers:read'] });
    const made = await marketer.post('/api/saved-segments', { name: 'Маркетолог', rules: sleepingRules });
    expect(made.status).toBe(201);
    for (const c of [olga, viewer, readOnly]) {
      expect((await c.post('/api/saved-segments', { name: 'x', rules: sleepingRules })).status).toBe(403);
      expect((await c.patch(`/api/saved-segments/${made.body.id}`, { name: 'y' })).status).toBe(403);
      expect((await c.del(`/api/saved-segments/${made.body.id}`)).status).toBe(403);
      expect((await c.get(`/api/saved-segments/${made.body.id}`)).status).toBe(200);
      expect((await c.get('/api/saved-segments')).status).toBe(200);
    }
    const noRead = await ws.as({ role: 'owner', scopes: ['orders:write'] });
    expect((await noRead.get('/api/saved-segments')).status).toBe(403);
    expect((await noRead.post('/api/saved-segments/preview', { rules: sleepingRules })).status).toBe(403);
  });
});

describe('counts, preview and customers within visibility', () => {
  test('a manager counts and lists only their own customers', async () => {
    const seg = await ws.owner.post('/api/saved-segments', {
      name: 'Все VIP',
      rules: { match: 'all', conditions: [{ field: 'tag', op: 'has', value: 'vip' }] },
    });
    expect(seg.body.count).toBe(2);
    expect((await olga.get(`/api/saved-segments/${seg.body.id}`)).body.count).toBe(1);
    const page = await olga.get(`/api/saved-segments/${seg.body.id}/customers?include_total=true`);
    expect(page.status).toBe(200);
    expect(page.body.items.map((c: { id: number }) => c.id)).toEqual([ids.a]);
    expect(page.body.total).toBe(1);

    const owner = await ws.owner.get(`/api/saved-segments/${seg.body.id}/customers?sort=-revenue&limit=1`);
    expect(owner.body.items.map((c: { id: number }) => c.id)).toEqual([ids.a]);
    const next = await ws.owner.get(
      `/api/saved-segments/${seg.body.id}/customers?sort=-revenue&limit=1&cursor=${encodeURIComponent(owner.body.next_cursor)}`,
    );
    expect(next.body.items.map((c: { id: number }) => c.id)).toEqual([ids.b]);
    expect(next.body.next_cursor).toBeNull();

    // The list's filters apply on top of the rules.
    const narrowed = await ws.owner.get(`/api/saved-segments/${seg.body.id}/customers?manager_id=none`);
    expect(narrowed.body.items.map((c: { id: number }) => c.id)).toEqual([ids.b]);
  });

  test('preview counts an unsaved rule set; any/all and no conditions', async () => {
    const count = async (c: Client, rules: unknown) => {
      const res = await c.post('/api/saved-segments/preview', { rules });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body.count as number;
    };
    expect(await count(ws.owner, { match: 'all', conditions: [] })).toBe(4);
    const vipOrFan = [
      { field: 'tag', op: 'has', value: 'vip' },
      { field: 'purchases', min: 2 },
    ];
    expect(await count(ws.owner, { match: 'any', conditions: vipOrFan })).toBe(3);
    expect(await count(ws.owner, { match: 'all', conditions: vipOrFan })).toBe(0);
    expect(await count(olga, { match: 'any', conditions: vipOrFan })).toBe(2);
    expect(await count(ws.owner, { match: 'all', conditions: [{ field: 'spent', min: '1000' }] })).toBe(2);
    const bad = await ws.owner.post('/api/saved-segments/preview', { rules: { match: 'all' } });
    expect(bad.status).toBe(422);
  });

  test('resolveSegmentCustomerIds: the audience for campaigns, scoped like the API', async () => {
    const seg = await ws.owner.post('/api/saved-segments', {
      name: 'Клиенты с покупками',
      rules: { match: 'all', conditions: [{ field: 'purchases', min: 1 }] },
    });
    const owner = {
      workspaceId: ws.id,
      userId: null,
      role: 'owner' as const,
      managerStaffId: null,
      keyId: null,
      scopes: null,
    };
    expect(await resolveSegmentCustomerIds(api.db.db, owner, seg.body.id)).toEqual(
      [ids.a!, ids.b!, ids.c!].sort((x, y) => x - y),
    );
    const manager = { ...owner, role: 'manager' as const, managerStaffId: olgaId };
    expect(await resolveSegmentCustomerIds(api.db.db, manager, seg.body.id)).toEqual(
      [ids.a!, ids.c!].sort((x, y) => x - y),
    );
    await expect(resolveSegmentCustomerIds(api.db.db, owner, 999_999)).rejects.toMatchObject({
      code: 'not_found',
    });
  });

  test('the demo salon comes with example segments that each match real customers, written once', async () => {
    const demo = await api.workspace();
    await loadDemo(api.db.db, demo.id, { asOf: '2026-11-23', customers: 300 });
    await loadDemo(api.db.db, demo.id, { asOf: '2026-11-23', customers: 300 });
    const list = await demo.owner.get('/api/saved-segments?counts=true');
    expect(list.status).toBe(200);
    expect(list.body.items.map((s: { name: string }) => s.name).sort()).toEqual(
      ['Лучшие клиенты', 'Маникюр без педикюра', 'Уснувшие постоянные'].sort(),
    );
    for (const s of list.body.items) expect(s.count, s.name).toBeGreaterThan(0);
  });
});
