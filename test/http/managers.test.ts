/**
 * A manager sees only the customers assigned to them — by id, in the list, in search, in
 * reports and counts — and the restriction is in the queries, so every route inherits it.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type Client, openTestApi, order, type TestApi, type Workspace } from './support.ts';

let api: TestApi;
let ws: Workspace;
let olga: Client;
let ivan: Client;
const ids: Record<string, number> = {};

beforeAll(async () => {
  api = await openTestApi();
  ws = await api.workspace();
  const [olgaId, ivanId] = await ws.staff('Ольга', 'Иван');
  olga = await ws.as({ role: 'manager', managerStaffId: olgaId! });
  ivan = await ws.as({ role: 'manager', managerStaffId: ivanId! });
  for (const [key, manager, phone] of [
    ['o1', olgaId, '+7 916 000-00-01'],
    ['o2', olgaId, '+7 916 000-00-02'],
    ['i1', ivanId, '+7 916 000-00-03'],
  ] as const) {
    const res = await ws.owner.post('/api/customers', {
      name: `Клиент ${key}`,
      external_id: key,
      phone,
      manager_id: manager,
    });
    ids[key] = res.body.id;
  }
  await ws.orders([
    order('x1', 'o1', '2025-01-10', 1000),
    order('x2', 'o1', '2025-02-10', 1000),
    order('x3', 'o2', '2025-03-10', 2000),
    order('x4', 'i1', '2025-03-11', 7000),
    order('x5', 'i1', '2025-04-11', 7000),
  ]);
});
afterAll(async () => {
  await api.close();
});

describe('manager isolation', () => {
  test("by id: another manager's customer is 404, as if it did not exist", async () => {
    expect((await olga.get(`/api/customers/${ids.o1}`)).status).toBe(200);
    const other = await olga.get(`/api/customers/${ids.i1}`);
    expect(other.status).toBe(404);
    expect(other.body.error.code).toBe('not_found');
    expect((await ivan.get(`/api/customers/${ids.o2}`)).status).toBe(404);
    expect((await olga.patch(`/api/customers/${ids.i1}`, { name: 'x' })).status).toBe(404);
  });

  test('in the list and in search, only their own customers', async () => {
    const list = await olga.get('/api/customers?sort=-revenue');
    expect(list.body.items.map((c: { id: number }) => c.id).sort()).toEqual([ids.o1, ids.o2].sort());
    const byPhone = await olga.get(`/api/customers?q=${encodeURIComponent('8 916 000 00 03')}`);
    expect(byPhone.body.items).toEqual([]);
    expect((await ivan.get('/api/customers?q=89160000003')).body.items).toHaveLength(1);
    const byName = await olga.get(`/api/customers?q=${encodeURIComponent('Клиент')}`);
    expect(byName.body.items).toHaveLength(2);
    const asFilter = await olga.get(`/api/customers?manager_id=${(await ws.staff('Иван'))[0]}`);
    expect(asFilter.body.items).toEqual([]);
  });

  test('orders of other managers’ customers are not found', async () => {
    const card = await ivan.get(`/api/customers/${ids.i1}`);
    const orderId = card.body.timeline.find((t: { type: string }) => t.type === 'order').order.id;
    expect((await ivan.get(`/api/orders/${orderId}`)).status).toBe(200);
    expect((await olga.get(`/api/orders/${orderId}`)).status).toBe(404);
  });

  test('in reports and segment counts, only their own customers', async () => {
    const all = await ws.owner.get('/api/reports/kpis?from=2025-01-01&to=2025-06-01&as_of=2025-06-01');
    expect(all.body.kpis).toMatchObject({ orders: 5, unique_customers: 3, revenue: { amount: '18000.00' } });
    const mine = await olga.get('/api/reports/kpis?from=2025-01-01&to=2025-06-01&as_of=2025-06-01');
    expect(mine.status).toBe(200);
    expect(mine.body.kpis).toMatchObject({
      orders: 3,
      unique_customers: 2,
      repeat_orders: 1,
      revenue: { amount: '4000.00', currency: 'RUB' },
    });
    const trend = await olga.get('/api/reports/trend?from=2025-01-01&to=2025-06-01&as_of=2025-06-01');
    const months = trend.body.months.map((m: { kpis: { orders: number } }) => m.kpis.orders);
    expect(months.reduce((a: number, b: number) => a + b, 0)).toBe(3);
    const cohorts = await olga.get('/api/reports/cohorts?as_of=2025-06-01');
    const customers = cohorts.body.cohorts.reduce(
      (a: number, c: { customers: number }) => a + c.customers,
      0,
    );
    expect(customers).toBe(2);
    const segments = await olga.get('/api/segments');
    expect(segments.body.customers).toBe(2);
    expect((await ws.owner.get('/api/segments')).body.customers).toBe(3);
  });

  test('a manager cannot merge, import, write orders or settings, nor give a customer to someone else', async () => {
    expect((await olga.post(`/api/customers/${ids.o1}/merge`, { into: ids.o2 })).status).toBe(403);
    expect(
      (await olga.post('/api/orders', { ordered_at: '2025-01-01T10:00:00Z', amount: '1.00' })).status,
    ).toBe(403);
    expect((await olga.patch('/api/settings', { margin: 0.5 })).status).toBe(403);
    const [ivanId] = await ws.staff('Иван');
    expect((await olga.patch(`/api/customers/${ids.o1}`, { manager_id: ivanId })).status).toBe(403);
    const created = await olga.post('/api/customers', { name: 'Новый', phone: '+7 916 000-00-09' });
    expect(created.status).toBe(201);
    expect(created.body.manager.name).toBe('Ольга');
    const taken = await olga.post('/api/customers', { name: 'Дубль', phone: '+7 916 000-00-03' });
    expect(taken.status).toBe(409);
    // The owner of the identifier is another manager's customer: its id is not disclosed.
    expect(taken.body.error.details.conflicts[0].customer_id).toBeNull();
  });
});
