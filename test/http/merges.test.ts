import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openTestApi, order, type TestApi } from './support.ts';

let api: TestApi;
beforeAll(async () => {
  api = await openTestApi();
});
afterAll(async () => {
  await api.close();
});

async function snapshot(wsId: number) {
  const db = api.db.db;
  return {
    orders: await db.query('SELECT id, customer_id FROM orders WHERE workspace_id = $1 ORDER BY id', [wsId]),
    identifiers: await db.query(
      'SELECT kind, value, customer_id, created_at FROM customer_identifiers WHERE workspace_id = $1 ORDER BY kind, value',
      [wsId],
    ),
    customers: await db.query(
      `SELECT id, name, birthday, tags, merged_into, purchases, revenue, first_purchase_on, last_purchase_on, status
         FROM customers WHERE workspace_id = $1 ORDER BY id`,
      [wsId],
    ),
  };
}

describe('merge and undo', () => {
  test('merge moves orders, identifiers and events to the survivor; undo restores them exactly', async () => {
    const ws = await api.workspace();
    const a = await ws.owner.post('/api/customers', {
      name: 'Анна',
      external_id: 'a',
      phone: '+7 916 100-00-01',
    });
    const b = await ws.owner.post('/api/customers', {
      external_id: 'b',
      email: 'anna@example.com',
      birthday: '1990-01-02',
      tags: ['vip'],
    });
    await ws.orders([
      order('1', 'a', '2025-01-10', 1000),
      order('2', 'b', '2025-02-10', 2000),
      order('3', 'b', '2025-03-10', 500),
    ]);
    const before = await snapshot(ws.id);

    const merged = await ws.owner.post(`/api/customers/${b.body.id}/merge`, { into: a.body.id });
    expect(merged.status).toBe(200);
    expect(merged.body).toMatchObject({ survivor_id: a.body.id, merged_id: b.body.id });
    expect(merged.body.moved.orders).toHaveLength(2);
    const survivor = await ws.owner.get(`/api/customers/${a.body.id}`);
    expect(survivor.body).toMatchObject({ name: 'Анна', birthday: '1990-01-02', tags: ['vip'] });
    expect(survivor.body.purchases).toMatchObject({ count: 3, revenue: { amount: '3500.00' } });
    expect(survivor.body.identifiers).toHaveLength(4);
    const gone = await ws.owner.get(`/api/customers/${b.body.id}`);
    expect(gone.status).toBe(404);
    expect(gone.body.error.details).toEqual({ merged_into: a.body.id });
    const list = await ws.owner.get('/api/customers');
    expect(list.body.items.map((c: { id: number }) => c.id)).toEqual([a.body.id]);
    const byEmail = await ws.owner.get('/api/customers?q=anna@example.com');
    expect(byEmail.body.items.map((c: { id: number }) => c.id)).toEqual([a.body.id]);
    expect((await ws.owner.post(`/api/customers/${b.body.id}/merge`, { into: a.body.id })).status).toBe(409);

    const undone = await ws.owner.post(`/api/merges/${merged.body.merge_id}/undo`);
    expect(undone.status).toBe(200);
    expect(undone.body).toEqual({
      merge_id: merged.body.merge_id,
      survivor_id: a.body.id,
      restored_id: b.body.id,
    });
    const after = await snapshot(ws.id);
    expect(after.orders).toEqual(before.orders);
    expect(after.identifiers).toEqual(before.identifiers);
    expect(after.customers).toEqual(before.customers);
    expect((await ws.owner.get(`/api/customers/${b.body.id}`)).body.purchases.count).toBe(2);

    const twice = await ws.owner.post(`/api/merges/${merged.body.merge_id}/undo`);
    expect(twice.status).toBe(409);
    expect(twice.body.error.code).toBe('conflict');
  });

  test('merging into itself is 422; unknown customers and merges are 404', async () => {
    const ws = await api.workspace();
    const a = await ws.owner.post('/api/customers', { name: 'A', external_id: 'a' });
    const self = await ws.owner.post(`/api/customers/${a.body.id}/merge`, { into: a.body.id });
    expect(self.status).toBe(422);
    expect(self.body.error.details[0].path).toBe('into');
    expect((await ws.owner.post(`/api/customers/${a.body.id}/merge`, { into: 999999 })).status).toBe(404);
    expect((await ws.owner.post('/api/merges/999999/undo')).status).toBe(404);
  });
});
