import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recomputeWorkspace } from '../../src/app/analytics/customer-aggregates.ts';
import { buildReport, evaluateWorkspace, segmentSummary } from '../../src/app/analytics/read-analytics.ts';
import { importFile } from '../../src/app/import/import-file.ts';
import { changeOrderStatus, recordOrders } from '../../src/app/orders/record-orders.ts';
import { getSettings } from '../../src/app/workspace.ts';
import { aggregateRow } from '../../src/core/analytics/recompute.ts';
import { zonedWallTimeToUtc } from '../../src/core/import/values.ts';
import type { OrderStatus } from '../../src/core/types.ts';
import { listStatusHistory } from '../../src/storage/queries/analytics.ts';
import { listEvents } from '../../src/storage/queries/events.ts';
import { openTestDatabase, type TestDatabase } from '../support/db.ts';

let t: TestDatabase;
beforeAll(async () => {
  t = await openTestDatabase();
});
afterAll(async () => {
  await t.close();
});

interface StoredRow {
  id: number;
  purchases: number;
  purchase_days: number;
  revenue: string;
  first_purchase_on: string | null;
  last_purchase_on: string | null;
  first_order_id: number | null;
  own_cycle_days: string | null;
  cycle_days: string | null;
  status: string;
  next_expected_on: string | null;
  r_score: number | null;
  f_score: number | null;
  m_score: number | null;
  rfm_segment: string | null;
}

async function stored(ws: number): Promise<Map<number, StoredRow>> {
  const rows = await t.db.query<StoredRow>(
    `SELECT id, purchases, purchase_days, revenue::text AS revenue, first_purchase_on, last_purchase_on, first_order_id,
            own_cycle_days::text AS own_cycle_days, cycle_days::text AS cycle_days, status, next_expected_on,
            r_score, f_score, m_score, rfm_segment
       FROM customers WHERE workspace_id = $1`,
    [ws],
  );
  return new Map(rows.map((r) => [r.id, r]));
}

const num = (s: string | null) => (s === null ? null : Number(s));

/** Stored aggregates against a full recompute from raw orders, field by field. */
async function expectStoredEqualsRecompute(ws: number, asOf: string, withScores: boolean) {
  const settings = await getSettings(t.db, ws);
  const ev = await evaluateWorkspace(t.db, ws, asOf, settings);
  const rows = await stored(ws);
  expect(rows.size).toBe(ev.aggregates.size);
  for (let i = 0; i < ev.aggregates.size; i++) {
    const a = aggregateRow(ev.aggregates, i);
    const s = rows.get(a.customerId)!;
    const got = {
      purchases: s.purchases,
      purchaseDays: s.purchase_days,
      revenueCents: Math.round(Number(s.revenue) * 100),
      firstPurchaseDay: s.first_purchase_on,
      lastPurchaseDay: s.last_purchase_on,
      firstOrderId: s.first_order_id,
      ownCycle: num(s.own_cycle_days),
      cycle: num(s.cycle_days),
      status: s.status,
      nextExpectedDay: s.next_expected_on,
      ...(withScores
        ? { rScore: s.r_score, fScore: s.f_score, mScore: s.m_score, segment: s.rfm_segment }
        : {}),
    };
    const want = {
      purchases: a.purchases,
      purchaseDays: a.purchaseDays,
      revenueCents: a.revenueCents,
      firstPurchaseDay: a.firstPurchaseDay,
      lastPurchaseDay: a.lastPurchaseDay,
      firstOrderId: a.firstOrderId,
      ownCycle: a.ownCycle,
      cycle: a.cycle,
      status: a.status,
      nextExpectedDay: a.nextExpectedDay,
      ...(withScores ? { rScore: a.rScore, fScore: a.fScore, mScore: a.mScore, segment: a.segment } : {}),
    };
    expect(got, `customer ${a.customerId}`).toEqual(want);
  }
}

const AS_OF = '2024-07-15';
const at = (day: number, minute: number) =>
  zonedWallTimeToUtc(2024, 1, 1 + day, 10, minute, 0, 'Europe/Moscow');

const orderArb = fc.record({
  customer: fc.integer({ min: 1, max: 5 }),
  day: fc.integer({ min: 0, max: 180 }),
  minute: fc.integer({ min: 0, max: 59 }),
  amountCents: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 500_000 })),
  status: fc.constantFrom<OrderStatus>(
    'completed',
    'completed',
    'completed',
    'completed',
    'cancelled',
    'refunded',
  ),
});
const streamArb = fc.record({
  orders: fc.array(orderArb, { minLength: 1, maxLength: 24 }),
  batch: fc.integer({ min: 1, max: 4 }),
  refunds: fc.array(fc.nat(), { maxLength: 4 }),
});

describe('incremental aggregates = full recompute', () => {
  it('holds for random order streams with out-of-order arrival, cancellations and refunds', async () => {
    await fc.assert(
      fc.asyncProperty(streamArb, async ({ orders, batch, refunds }) => {
        const ws = await t.workspace('prop');
        const settings = await getSettings(t.db, ws);
        const ctx = { settings, asOf: AS_OF };
        for (let i = 0; i < orders.length; i += batch) {
          const slice = orders.slice(i, i + batch).map((o, j) => ({
            externalId: `o${i + j}`,
            customer: { externalId: `c${o.customer}` },
            at: at(o.day, o.minute),
            amountCents: o.amountCents,
            status: o.status,
          }));
          await recordOrders(t.db, ws, slice, ctx);
          await expectStoredEqualsRecompute(ws, AS_OF, false);
        }
        const ids = (
          await t.db.query<{ id: number }>('SELECT id FROM orders WHERE workspace_id = $1 ORDER BY id', [ws])
        ).map((r) => r.id);
        for (const r of refunds) {
          await changeOrderStatus(t.db, ws, ids[r % ids.length]!, 'refunded', ctx);
          await expectStoredEqualsRecompute(ws, AS_OF, false);
        }
        // The daily refresh makes the RFM scores exact too.
        await recomputeWorkspace(t.db, ws, AS_OF, settings);
        await expectStoredEqualsRecompute(ws, AS_OF, true);
      }),
      { numRuns: 12 },
    );
  });
});

describe('status history and returns', () => {
  it('logs cycle_passed when time moves a customer, purchase when they buy, and a returned event', async () => {
    const ws = await t.workspace();
    const settings = await getSettings(t.db, ws);
    await t.db.query(`INSERT INTO settings (workspace_id, key, value) VALUES ($1, 'cycle_days', '30')`, [ws]);
    const s = { ...settings, cycle_days: 30 };
    await recordOrders(
      t.db,
      ws,
      [{ externalId: 'a', customer: { externalId: 'x' }, at: at(0, 0), amountCents: 1000 }],
      {
        settings: s,
        asOf: '2024-01-01',
      },
    );
    // 45 days later: sleeping (30 < 45 ≤ 90).
    await recomputeWorkspace(t.db, ws, '2024-02-15', s);
    await recordOrders(
      t.db,
      ws,
      [{ externalId: 'b', customer: { externalId: 'x' }, at: at(46, 0), amountCents: 2000 }],
      {
        settings: s,
        asOf: '2024-02-16',
      },
    );
    const [c] = await t.db.query<{ id: number; status: string }>(
      'SELECT id, status FROM customers WHERE workspace_id = $1',
      [ws],
    );
    expect(c!.status).toBe('fan');
    const history = await listStatusHistory(t.db, ws, c!.id);
    expect(history).toEqual([
      { from: 'lead', to: 'newbie', on: '2024-01-01', reason: 'purchase' },
      { from: 'newbie', to: 'sleeping', on: '2024-02-15', reason: 'cycle_passed' },
      { from: 'sleeping', to: 'fan', on: '2024-02-16', reason: 'purchase' },
    ]);
    const events = await listEvents(t.db, ws, c!.id);
    expect(events.map((e) => e.type)).toEqual(['returned']);
    expect(events[0]!.data).toMatchObject({ from: 'sleeping' });
  });
});

describe('status history without a daily refresh in between', () => {
  it('logs the decay time caused before the purchase that brings a lost customer back', async () => {
    const ws = await t.workspace();
    await t.db.query(`INSERT INTO settings (workspace_id, key, value) VALUES ($1, 'cycle_days', '30')`, [ws]);
    const s = { ...(await getSettings(t.db, ws)), cycle_days: 30 };
    await recordOrders(
      t.db,
      ws,
      [{ externalId: 'a', customer: { externalId: 'x' }, at: at(0, 0), amountCents: 1000 }],
      {
        settings: s,
        asOf: '2024-01-01',
      },
    );
    // 100 days later, with no recompute in between: lost (> 3 × 30), then back.
    await recordOrders(
      t.db,
      ws,
      [{ externalId: 'b', customer: { externalId: 'x' }, at: at(100, 0), amountCents: 1000 }],
      {
        settings: s,
        asOf: '2024-04-10',
      },
    );
    const [c] = await t.db.query<{ id: number }>('SELECT id FROM customers WHERE workspace_id = $1', [ws]);
    expect(await listStatusHistory(t.db, ws, c!.id)).toEqual([
      { from: 'lead', to: 'newbie', on: '2024-01-01', reason: 'purchase' },
      { from: 'newbie', to: 'lost', on: '2024-04-10', reason: 'cycle_passed' },
      { from: 'lost', to: 'fan', on: '2024-04-10', reason: 'purchase' },
    ]);
    expect((await listEvents(t.db, ws, c!.id)).map((e) => [e.type, e.data.from])).toEqual([
      ['returned', 'lost'],
    ]);
  });
});

describe('report on the UCI Online Retail invoices (outside reference)', () => {
  it('gives 18,532 orders, 4,338 customers and revenue 8,911,407.90 over the whole range', async () => {
    const ws = await t.workspace('uci');
    await importFile(t.db, ws, {
      kind: 'orders',
      path: '../shared/data/online-retail/mwoitek__online_retail.csv',
      asOf: '2011-12-10',
    });
    const settings = await getSettings(t.db, ws);
    const r = await buildReport(t.db, ws, {
      from: '2010-12-01',
      to: '2011-12-10',
      asOf: '2011-12-10',
      settings,
    });
    expect(r.kpis.orders).toBe(18_532);
    expect(r.kpis.unique_customers).toBe(4_338);
    expect(r.kpis.revenue).toBe(891_140_790);
    expect(r.kpis.primary_orders).toBe(4_338);
    expect(r.kpis.primary_revenue).toBe(184_649_800);
    expect(r.kpis.repeat_orders + r.kpis.primary_orders).toBe(r.kpis.orders);
    const seg = await segmentSummary(t.db, ws, '2011-12-10', settings);
    const total = Object.values(seg.status).reduce((a, b) => a + b, 0);
    expect(total).toBe(4_338);
    expect(Object.values(seg.rfm).reduce((a, b) => a + b, 0)).toBe(4_338);
    // The stored aggregates written after the import agree with a fresh evaluation.
    await recomputeWorkspace(t.db, ws, '2011-12-10', settings);
    await expectStoredEqualsRecompute(ws, '2011-12-10', true);
  });
});
