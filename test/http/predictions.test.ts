/**
 * /api/predictions and the card's prediction: permissions, honest fallbacks, manager isolation.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { todayIn } from '../../src/app/clock.ts';
import { loadDemo } from '../../src/app/demo/load-demo.ts';
import { type Client, openTestApi, order, type TestApi, type Workspace } from './support.ts';

let api: TestApi;
let demo: Workspace;
let olga: Client;
let olgaIds: number[];
let otherId: number;

beforeAll(async () => {
  api = await openTestApi();
  demo = await api.workspace();
  // The refit runs as of the workspace's today: the demo must end today too (Moscow, its zone).
  await loadDemo(api.db.db, demo.id, { asOf: todayIn('Europe/Moscow'), customers: 300 });
  const [olgaStaff] = await demo.staff('Ольга Менеджер');
  olga = await demo.as({ role: 'manager', managerStaffId: olgaStaff! });
  await api.db.db.query('UPDATE customers SET manager_id = NULL WHERE workspace_id = $1', [demo.id]);
  const rows = await api.db.db.query<{ id: number }>(
    `UPDATE customers SET manager_id = $2 WHERE workspace_id = $1 AND id % 4 = 0 AND purchases > 0 RETURNING id`,
    [demo.id, olgaStaff],
  );
  olgaIds = rows.map((r) => Number(r.id));
  const [other] = await api.db.db.query<{ id: number }>(
    'SELECT id FROM customers WHERE workspace_id = $1 AND id % 4 <> 0 AND purchases > 1 ORDER BY id LIMIT 1',
    [demo.id],
  );
  otherId = Number(other!.id);
}, 180_000);
afterAll(async () => {
  await api.close();
});

describe('before the first refit', () => {
  test('the summary says none and the model is 404; the card has no prediction', async () => {
    const s = await demo.owner.get('/api/predictions/summary');
    expect(s.status).toBe(200);
    expect(s.body).toMatchObject({
      status: 'none',
      as_of: null,
      customers: 0,
      expected_repeat_revenue_90d: null,
    });
    const m = await demo.owner.get('/api/predictions/model');
    expect(m.status).toBe(404);
    expect(m.body.error.code).toBe('not_found');
    const card = await demo.owner.get(`/api/customers/${otherId}`);
    expect(card.body.prediction).toBeNull();
    expect(card.body.recommendations).toEqual([]);
  });
});

describe('refit and read', () => {
  test('refit needs settings:write', async () => {
    const viewer = await demo.as({ role: 'viewer' });
    expect((await viewer.post('/api/predictions/refit')).status).toBe(403);
    expect((await olga.post('/api/predictions/refit')).status).toBe(403);
    const marketer = await demo.as({ role: 'marketer' });
    expect((await marketer.post('/api/predictions/refit')).status).toBe(403);
    const scoped = await demo.as({ role: 'owner', scopes: ['reports:read'] });
    expect((await scoped.post('/api/predictions/refit')).status).toBe(403);
  });

  test('the owner refits; summary, model and card show the model figures', async () => {
    const r = await demo.owner.post('/api/predictions/refit');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ usable: true, recommendations: { kind: 'category' } });
    // The demo's dropout is nearly the same for everyone: the bounded limit may be in use, and says so.
    if (r.body.reason !== null) expect(r.body.reason).toMatch(/no dropout heterogeneity/);
    expect(r.body.customers).toBeGreaterThan(250);

    const s = (await demo.owner.get('/api/predictions/summary')).body;
    expect(s).toMatchObject({ status: 'model', scope: 'workspace', as_of: r.body.as_of });
    expect(s.customers).toBe(r.body.customers);
    const rev = s.expected_repeat_revenue_90d;
    expect(Number(rev.low.amount)).toBeLessThan(Number(rev.estimate.amount));
    expect(Number(rev.high.amount)).toBeGreaterThan(Number(rev.estimate.amount));
    expect(rev.level).toBe(0.9);
    expect(s.parameters.bgnbd.r).toBeGreaterThan(0);
    expect(s.high_value_at_risk).toMatchObject({ churn_risk: 'high', value_quantile: 0.8 });
    const bar = s.high_value_at_risk.min_value_if_active.amount;
    expect(Number(bar)).toBeGreaterThan(0);
    // Count and values by hand from the stored rows: churn risk high, CLV / P(alive) ≥ the bar.
    const [hand] = await api.db.db.query<{ n: string; clv: string | null; v: string | null }>(
      `SELECT COUNT(*)::text AS n, SUM(predicted_clv)::text AS clv,
              SUM(round(predicted_clv / p_alive::numeric, 2))::text AS v
         FROM customer_predictions
        WHERE workspace_id = $1 AND churn_risk = 'high' AND p_alive > 0
          AND round(predicted_clv / p_alive::numeric, 2) >= $2::numeric`,
      [demo.id, bar],
    );
    expect(s.high_value_at_risk.customers).toBe(Number(hand!.n));
    expect(s.high_value_at_risk.customers).toBeGreaterThan(0);
    expect(Number(s.high_value_at_risk.predicted_clv.amount)).toBeCloseTo(Number(hand!.clv ?? 0), 2);
    expect(Number(s.high_value_at_risk.value_if_active.amount)).toBeCloseTo(Number(hand!.v ?? 0), 2);

    const m = (await demo.owner.get('/api/predictions/model')).body;
    expect(m).toMatchObject({ usable: true, time_unit: 'day', as_of: r.body.as_of });
    const se = m.parameters.bgnbd.standard_errors ?? m.parameters.bgnbd.dropout_limit.standard_errors;
    expect(se.r).toBeGreaterThan(0);
    expect(m.parameters.gamma_gamma.p).toBeGreaterThan(0);
    expect(m.expected_90d.revenue.level).toBe(0.9);

    const card = (await demo.owner.get(`/api/customers/${otherId}`)).body;
    expect(card.prediction).toMatchObject({ source: 'model', as_of: r.body.as_of, fallback_reason: null });
    expect(card.prediction.p_alive).toBeGreaterThan(0);
    expect(card.prediction.clv.amount).toMatch(/^\d+\.\d\d$/);
    expect(card.recommendations.length).toBeGreaterThan(0);
    expect(card.recommendations.length).toBeLessThanOrEqual(3);
    expect(card.recommendations[0]).toMatchObject({ kind: 'category' });
  });

  test('a manager’s summary covers their customers only, without the workspace band', async () => {
    const s = (await olga.get('/api/predictions/summary')).body;
    expect(s.scope).toBe('manager');
    expect(s.customers).toBe(olgaIds.length);
    const [hand] = await api.db.db.query<{ v: string }>(
      `SELECT SUM(expected_revenue_90d)::text AS v FROM customer_predictions WHERE workspace_id = $1 AND customer_id = ANY($2::bigint[])`,
      [demo.id, olgaIds],
    );
    expect(s.expected_repeat_revenue_90d.estimate.amount).toBe(Number(hand!.v).toFixed(2));
    expect(s.expected_repeat_revenue_90d.low).toBeNull();
    // The card of another manager's customer is 404; their own has the prediction.
    expect((await olga.get(`/api/customers/${otherId}`)).status).toBe(404);
    const own = (await olga.get(`/api/customers/${olgaIds[0]}`)).body;
    expect(own.prediction.source).toBe('model');
    // The model itself is workspace-level and readable with reports:read.
    expect((await olga.get('/api/predictions/model')).status).toBe(200);
  });
});

describe('a tiny workspace', () => {
  test('falls back to the rules and says why, in the summary and on the card', async () => {
    const tiny = await api.workspace();
    await tiny.orders([
      order('1', 'a', '2025-01-10', 1000),
      order('2', 'a', '2025-02-10', 1000),
      order('3', 'b', '2025-03-10', 2000),
    ]);
    const r = await tiny.owner.post('/api/predictions/refit');
    expect(r.body).toMatchObject({ usable: false, model_customers: 0, customers: 2 });
    const s = (await tiny.owner.get('/api/predictions/summary')).body;
    expect(s.status).toBe('rules');
    expect(s.reason).toMatch(/too few repeat customers/);
    expect(s.expected_repeat_revenue_90d).toBeNull();
    expect(s.expected_repeat_purchases_90d).toBeNull();
    expect(s.high_value_at_risk).toMatchObject({ customers: 0, min_value_if_active: null });
    const list = (await tiny.owner.get('/api/customers')).body.items as { id: number }[];
    const card = (await tiny.owner.get(`/api/customers/${list[0]!.id}`)).body;
    expect(card.prediction).toMatchObject({ source: 'rules', p_alive: null, clv: null });
    expect(card.prediction.fallback_reason).toMatch(/too few repeat customers/);
    // Other workspaces' fits are invisible here.
    expect((await demo.owner.get('/api/predictions/summary')).body.status).toBe('model');
  });
});
