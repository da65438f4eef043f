/**
 * Performance work with visible behaviour (migrations 0008_search, 0011_name_words):
 * - name search matches the starts of the name's words through customer_name_words, in any
 *   case, ё as е, Cyrillic included;
 * - a computed report is reused until the data under it changes (report_versions triggers),
 *   and is computed again right after an order, a cancellation, a target or a manager change;
 * - computed reports survive a restart (report_cache), and the warm-up computes exactly the
 *   reports the dashboard asks for (same periods, same keys).
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { forgetReportsInMemory } from '../../src/app/api/report-cache.ts';
import { warmDashboards } from '../../src/app/api/warm-dashboard.ts';
import { todayIn } from '../../src/app/clock.ts';
import { DEFAULT_DASHBOARD_MONTHS, dashboardPeriods } from '../../src/core/dashboard-periods.ts';
import { openTestApi, order, type TestApi, type Workspace } from './support.ts';

let api: TestApi;
let ws: Workspace;
beforeAll(async () => {
  api = await openTestApi();
  ws = await api.workspace();
});
afterAll(async () => {
  await api.close();
});

const names = async (q: string): Promise<string[]> => {
  const res = await ws.owner.get(`/api/customers?q=${encodeURIComponent(q)}`);
  expect(res.status).toBe(200);
  // Sorted here: the database's collation decides where upper case goes.
  return res.body.items.map((c: { name: string }) => c.name).sort();
};

describe('name search', () => {
  beforeAll(async () => {
    let phone = 1000;
    for (const name of [
      'Анна Иванова',
      'АННА СМИРНОВА',
      'Ёлкина Алёна',
      'Joan O_Brien',
      'John 100% Smith',
      'Пётр',
    ]) {
      const r = await ws.owner.post('/api/customers', { name, phone: `+7916444${phone++}` });
      expect(r.status).toBe(201);
    }
  });

  test('finds the start of any word of the name, in any case, ё as е, Cyrillic included', async () => {
    expect(await names('анна')).toEqual(['Анна Иванова', 'АННА СМИРНОВА'].sort());
    expect(await names('ИВАНОВ')).toEqual(['Анна Иванова']);
    expect(await names('сМиРн')).toEqual(['АННА СМИРНОВА']);
    expect(await names('ёлк')).toEqual(['Ёлкина Алёна']);
    expect(await names('елкина')).toEqual(['Ёлкина Алёна']);
    expect(await names('алёна')).toEqual(['Ёлкина Алёна']);
    expect(await names('алена ёлкина')).toEqual(['Ёлкина Алёна']);
    expect(await names('smith')).toEqual(['John 100% Smith']);
    // One letter is a start too; the middle of a word is not.
    expect(await names('п')).toEqual(['Пётр']);
    expect(await names('тр')).toEqual([]);
    expect(await names('нет такого')).toEqual([]);
  });

  test('each row carries its first phone and e-mail, read in the page statement', async () => {
    const res = await ws.owner.get(`/api/customers?q=${encodeURIComponent('пётр')}`);
    expect(res.body.items).toHaveLength(1);
    expect(res.body.items[0]).toMatchObject({ name: 'Пётр', phone: '+79164441005', email: null });
  });

  test('punctuation separates words and never acts as a wildcard', async () => {
    expect(await names('100%')).toEqual(['John 100% Smith']);
    expect(await names('o_b')).toEqual(['Joan O_Brien']);
    expect(await names('%')).toEqual([]);
    expect(await names('_')).toEqual([]);
  });

  test('the word index exists on both databases, in byte order', async () => {
    const rows = await api.db.db.query<{ indexdef: string }>(
      `SELECT indexdef FROM pg_indexes WHERE tablename = 'customer_name_words' ORDER BY indexname`,
    );
    expect(rows.map((r) => r.indexdef.replace(/^.* USING /, ''))).toEqual([
      'btree (workspace_id, customer_id, word)',
      'btree (workspace_id, word, customer_id)',
    ]);
    const [col] = await api.db.db.query<{ collation_name: string }>(
      `SELECT collation_name FROM information_schema.columns
        WHERE table_name = 'customer_name_words' AND column_name = 'word'`,
    );
    expect(col?.collation_name).toBe('C');
    const trigram = await api.db.db.query(
      `SELECT 1 FROM pg_indexes WHERE indexname = 'customers_name_trgm_idx'`,
    );
    expect(trigram).toHaveLength(0);
  });
});

describe('report cache', () => {
  const kpis = async () => {
    const res = await ws.owner.get('/api/reports/kpis?from=2025-01-01&to=2025-04-01&as_of=2025-03-31');
    expect(res.status).toBe(200);
    return res.body.kpis as { orders: number; revenue: { amount: string } };
  };
  const version = async () =>
    (
      await api.db.db.query<{ version: number }>(
        'SELECT version FROM report_versions WHERE workspace_id = $1',
        [ws.id],
      )
    )[0]?.version ?? 0;

  test('is recomputed right after each change the report depends on', async () => {
    await ws.orders([order('r1', 'rc-a', '2025-01-10', 1000)], '2025-03-31');
    expect((await kpis()).orders).toBe(1);
    const v1 = await version();
    // The same request again: served under the same version.
    expect((await kpis()).orders).toBe(1);
    expect(await version()).toBe(v1);

    await ws.orders([order('r2', 'rc-b', '2025-02-10', 500)], '2025-03-31');
    expect(await version()).toBeGreaterThan(v1);
    expect(await kpis()).toMatchObject({ orders: 2, revenue: { amount: '1500.00' } });

    // A cancellation (an UPDATE of an order) moves the version too.
    const list = await ws.owner.get('/api/customers?q=rc-b');
    const id = list.body.items[0].id as number;
    const card = await ws.owner.get(`/api/customers/${id}`);
    const orderId = card.body.timeline.find((t: { type: string }) => t.type === 'order').order.id as number;
    const cancel = await ws.owner.post(`/api/orders/${orderId}/cancel`, {});
    expect(cancel.status).toBe(200);
    expect(await kpis()).toMatchObject({ orders: 1, revenue: { amount: '1000.00' } });
  });

  test('follows targets and settings', async () => {
    const before = await ws.owner.get('/api/reports/kpis?from=2025-01-01&to=2025-04-01&as_of=2025-03-31');
    const t = await ws.owner.put('/api/targets', {
      targets: [{ metric: 'orders', value: 10, deadline: '2025-12-31' }],
    });
    expect(t.status).toBe(200);
    const after = await ws.owner.get('/api/reports/kpis?from=2025-01-01&to=2025-04-01&as_of=2025-03-31');
    expect(after.body.targets.length).toBe(before.body.targets.length + 1);
    const margin = await ws.owner.patch('/api/settings', { margin: 0.55 });
    expect(margin.status).toBe(200);
    const again = await ws.owner.get('/api/reports/kpis?from=2025-01-01&to=2025-04-01&as_of=2025-03-31');
    expect(again.body.ltv.p).toBe(0.55);
  });
});

describe('dashboard reports across a restart', () => {
  /** What the dashboard page requests on its first screen (web/src/pages/Dashboard.tsx). */
  const dashboardPaths = async (w: Workspace): Promise<string[]> => {
    const settings = await w.owner.get('/api/settings');
    const p = dashboardPeriods(todayIn(settings.body.timezone as string), DEFAULT_DASHBOARD_MONTHS);
    return [
      `/api/reports/kpis?from=${p.current.from}&to=${p.current.to}`,
      `/api/reports/kpis?from=${p.previous.from}&to=${p.previous.to}`,
      `/api/reports/trend?from=${p.trend.from}&to=${p.trend.to}`,
      '/api/reports/cohorts',
      '/api/segments',
    ];
  };
  const kept = async (id: number) =>
    api.db.db.query<{ key_hash: string; version: number; computed_at: Date }>(
      'SELECT key_hash, version, computed_at FROM report_cache WHERE workspace_id = $1 ORDER BY key_hash',
      [id],
    );

  test('answers the same after a restart, from the kept reports', async () => {
    const w = await api.workspace();
    await w.orders(
      [order('d1', 'dr-a', '2025-01-10', 1000), order('d2', 'dr-a', '2025-03-02', 700)],
      '2025-03-31',
    );
    const before = [];
    for (const path of await dashboardPaths(w)) before.push((await w.owner.get(path)).body);
    const rows = await kept(w.id);
    // Three KPI reports, the cohorts and the segment counts.
    expect(rows.length).toBe(5);
    forgetReportsInMemory(api.db.db);
    const after = [];
    for (const path of await dashboardPaths(w)) after.push((await w.owner.get(path)).body);
    expect(after).toEqual(before);
    // Read back, not computed again: no kept report was rewritten.
    expect(await kept(w.id)).toEqual(rows);
  });

  test('the warm-up computes exactly what the dashboard then asks for', async () => {
    const w = await api.workspace();
    await w.orders([order('w1', 'wr-a', '2025-02-10', 1500)], '2025-03-31');
    await warmDashboards(api.db.db, new Date(), [w.id]);
    const warmed = await kept(w.id);
    expect(warmed.length).toBe(5);
    forgetReportsInMemory(api.db.db);
    for (const path of await dashboardPaths(w)) expect((await w.owner.get(path)).status).toBe(200);
    // Every dashboard request found its report kept by the warm-up: nothing new was computed.
    expect(await kept(w.id)).toEqual(warmed);
  });
});

describe('segment counts', () => {
  test('are kept until what they count changes, and follow every such change at once', async () => {
    const w = await api.workspace();
    const [olgaId] = await w.staff('Ольга');
    const olga = await w.as({ role: 'manager', managerStaffId: olgaId! });
    const counts = async (who = w.owner) => {
      const res = await who.get('/api/segments');
      expect(res.status).toBe(200);
      return res.body as { customers: number; status: Record<string, number> };
    };
    const version = async () =>
      (
        await api.db.db.query<{ version: number }>(
          'SELECT version FROM customer_versions WHERE workspace_id = $1',
          [w.id],
        )
      )[0]?.version ?? 0;

    expect((await counts()).customers).toBe(0);
    const a = await w.owner.post('/api/customers', { name: 'Лид А', phone: '+7 916 555-00-01' });
    const b = await w.owner.post('/api/customers', { name: 'Лид Б', phone: '+7 916 555-00-02' });
    expect((await counts()).customers).toBe(2);

    // A name or phone edit does not move what the counts read: kept, no new version.
    const v = await version();
    expect((await w.owner.patch(`/api/customers/${a.body.id}`, { name: 'Лид А.' })).status).toBe(200);
    expect(await version()).toBe(v);
    expect((await counts()).customers).toBe(2);

    // An order gives a customer a status.
    await w.orders([order('sc1', 'sc-buyer', '2025-03-01', 900)], '2025-03-31');
    const afterOrder = await counts();
    expect(afterOrder.customers).toBe(3);
    expect(Object.values(afterOrder.status).reduce((x, y) => x + y, 0)).toBeGreaterThanOrEqual(1);
    expect(await version()).toBeGreaterThan(v);

    // A manager's own counts follow an assignment, one by one and in bulk.
    expect((await counts(olga)).customers).toBe(0);
    await w.owner.patch(`/api/customers/${a.body.id}`, { manager_id: olgaId });
    expect((await counts(olga)).customers).toBe(1);
    const bulk = await w.owner.post('/api/customers/bulk', {
      ids: [b.body.id],
      action: 'assign_manager',
      manager_id: olgaId,
    });
    expect(bulk.status).toBe(200);
    expect((await counts(olga)).customers).toBe(2);

    // A merge leaves one customer where there were two.
    const merged = await w.owner.post(`/api/customers/${a.body.id}/merge`, { into: b.body.id });
    expect(merged.status).toBe(200);
    expect((await counts()).customers).toBe(2);
    expect((await counts(olga)).customers).toBe(1);
  });
});
