import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openTestApi, order, type TestApi, type Workspace } from './support.ts';

let api: TestApi;
let ws: Workspace;
beforeAll(async () => {
  api = await openTestApi();
  ws = await api.workspace();
  await ws.orders([
    order('1', 'a', '2025-01-10', 1000),
    order('2', 'a', '2025-02-10', 1500),
    order('3', 'b', '2025-02-15', 999.99),
    order('4', 'c', '2025-03-01', 3000),
  ]);
});
afterAll(async () => {
  await api.close();
});

describe('reports', () => {
  test('KPIs for [from, to) with money as decimal strings and the currency', async () => {
    const res = await ws.owner.get('/api/reports/kpis?from=2025-01-01&to=2025-03-01&as_of=2025-03-31');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ from: '2025-01-01', to: '2025-03-01', as_of: '2025-03-31' });
    expect(res.body.kpis).toMatchObject({
      orders: 3,
      revenue: { amount: '3499.99', currency: 'RUB' },
      primary_orders: 2,
      repeat_orders: 1,
      repeat_revenue: { amount: '1500.00', currency: 'RUB' },
      unique_customers: 2,
      repeat_share_orders: 1 / 3,
      aov: { amount: '1166.66', currency: 'RUB' },
    });
    expect(res.body.ltv).toMatchObject({ p: 0.4, p_source: 'setting' });
    const bad = await ws.owner.get('/api/reports/kpis?from=2025-03-01&to=2025-01-01');
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('bad_usage');
    const invalid = await ws.owner.get('/api/reports/kpis?from=01.01.2025&to=2025-03-01');
    expect(invalid.status).toBe(422);
    expect(invalid.body.error.details[0].path).toBe('from');
  });

  test('trend by month adds up to the period; cohorts by first-purchase month', async () => {
    const trend = await ws.owner.get('/api/reports/trend?from=2025-01-01&to=2025-04-01&as_of=2025-04-01');
    expect(trend.status).toBe(200);
    expect(
      trend.body.months.map((m: { month: string; kpis: { orders: number } }) => [m.month, m.kpis.orders]),
    ).toEqual([
      ['2025-01', 1],
      ['2025-02', 2],
      ['2025-03', 1],
    ]);
    const cohorts = await ws.owner.get('/api/reports/cohorts?as_of=2025-04-01');
    expect(cohorts.status).toBe(200);
    expect(
      cohorts.body.cohorts.map((c: { cohort: string; customers: number }) => [c.cohort, c.customers]),
    ).toEqual([
      ['2025-01', 1],
      ['2025-02', 1],
      ['2025-03', 1],
    ]);
  });

  test('segment counts cover every status, RFM segment and CVM stage', async () => {
    const res = await ws.owner.get('/api/segments');
    expect(res.status).toBe(200);
    expect(res.body.customers).toBe(3);
    expect(Object.keys(res.body.status)).toEqual(['lead', 'newbie', 'fan', 'sleeping', 'lost']);
    const sum = (o: Record<string, number>) => Object.values(o).reduce((a, b) => a + b, 0);
    expect(sum(res.body.status)).toBe(3);
    expect(sum(res.body.rfm) + res.body.unscored).toBe(3);
  });

  test('targets: PUT replaces the set, GET lists it, an unknown metric is 422', async () => {
    const put = await ws.owner.put('/api/targets', {
      targets: [
        { metric: 'repeat_share_revenue', value: 0.6, deadline: '2026-06-30' },
        { metric: 'orders', value: 100, deadline: '2026-12-31' },
      ],
    });
    expect(put.status).toBe(200);
    expect(put.body.targets).toHaveLength(2);
    const replaced = await ws.owner.put('/api/targets', {
      targets: [{ metric: 'orders', value: 120, deadline: '2026-12-31' }],
    });
    expect(replaced.body.targets).toEqual([{ metric: 'orders', value: 120, deadline: '2026-12-31' }]);
    expect((await ws.owner.get('/api/targets')).body.targets).toHaveLength(1);
    const kpis = await ws.owner.get('/api/reports/kpis?from=2025-01-01&to=2025-04-01&as_of=2025-04-01');
    expect(kpis.body.targets[0]).toMatchObject({ metric: 'orders', target: 120, actual: 4, state: 'open' });
    const bad = await ws.owner.put('/api/targets', {
      targets: [{ metric: 'vibes', value: 1, deadline: '2026-01-01' }],
    });
    expect(bad.status).toBe(422);
    expect(bad.body.error.details[0].path).toBe('targets.0.metric');
    const viewer = await ws.as({ role: 'viewer' });
    expect((await viewer.get('/api/targets')).status).toBe(200);
    expect((await viewer.put('/api/targets', { targets: [] })).status).toBe(403);
  });

  test('settings: GET all, PATCH validates every key first (all or nothing)', async () => {
    const other = await api.workspace();
    const read = await other.owner.get('/api/settings');
    expect(read.body).toMatchObject({ currency: 'RUB', timezone: 'Europe/Moscow', cycle_days: null });
    const patched = await other.owner.patch('/api/settings', { cycle_days: 28, currency: 'EUR' });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ cycle_days: 28, currency: 'EUR' });
    const bad = await other.owner.patch('/api/settings', {
      margin: 2,
      timezone: 'Mars/Base',
      business_name: 'X',
    });
    expect(bad.status).toBe(422);
    expect(bad.body.error.details.map((d: { path: string }) => d.path)).toEqual(['margin', 'timezone']);
    expect((await other.owner.get('/api/settings')).body.business_name).toBeNull();
    const unknown = await other.owner.patch('/api/settings', { colour: 'red' });
    expect(unknown.status).toBe(422);
    const staff = await other.owner.get('/api/staff');
    expect(staff.body).toEqual({ items: [] });
  });
});
