import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refitDueWorkspaces, refitWorkspace } from '../../../src/app/analytics/refit.ts';
import { loadDemo } from '../../../src/app/demo/load-demo.ts';
import { recordOrders } from '../../../src/app/orders/record-orders.ts';
import { getSettings } from '../../../src/app/workspace.ts';
import { nightlyRefit } from '../../../src/jobs/nightly-refit.ts';
import { startScheduler } from '../../../src/jobs/scheduler.ts';
import {
  loadModelFit,
  loadPredictions,
  loadRecommendations,
} from '../../../src/storage/queries/predictions.ts';
import { saveSetting } from '../../../src/storage/queries/settings.ts';
import { openTestDatabase, type TestDatabase } from '../../support/db.ts';

let t: TestDatabase;
beforeAll(async () => {
  t = await openTestDatabase();
});
afterAll(async () => {
  await t.close();
});

const AS_OF = '2025-06-01';

describe('refit on the demo salon (300 customers)', () => {
  let ws: number;
  beforeAll(async () => {
    ws = await t.workspace('refit-demo');
    await loadDemo(t.db, ws, { asOf: AS_OF, customers: 300 });
  }, 120_000);

  it('fits the models, stores every purchasing customer’s prediction and top-3 recommendations', async () => {
    const settings = await getSettings(t.db, ws);
    const r = await refitWorkspace(t.db, ws, '2025-05-31', settings);
    expect(r.usable).toBe(true);
    expect(r.customers).toBeGreaterThan(250);
    expect(r.modelCustomers).toBe(r.customers);
    const fit = (await loadModelFit(t.db, ws))!;
    expect(fit).toMatchObject({ asOf: '2025-05-31', unit: 'day', usable: true });
    const preds = await loadPredictions(t.db, ws);
    expect(preds.size).toBe(r.customers);
    for (const p of preds.values()) {
      expect(p.source).toBe('model');
      expect(p.pAlive).toBeGreaterThanOrEqual(0);
      expect(p.pAlive).toBeLessThanOrEqual(1);
      expect(p.predictedClv).toMatch(/^\d+\.\d\d$/);
      expect(['low', 'medium', 'high']).toContain(p.churnRisk);
    }
    const band = r.expected90d!.revenue!;
    expect(band.low).toBeLessThan(band.estimate);
    expect(band.high).toBeGreaterThan(band.estimate);
    const recs = await loadRecommendations(t.db, ws);
    expect(recs.length).toBeGreaterThan(0);
    expect(recs.every((x) => x.kind === 'category' && x.rank >= 1 && x.rank <= 3)).toBe(true);
  }, 60_000);
});

/** A tiny workspace: 4 customers, one repeat — far below the 20 repeat customers BG/NBD needs. */
async function tinyWorkspace(prefix: string): Promise<number> {
  const ws = await t.workspace(prefix);
  await saveSetting(t.db, ws, 'timezone', 'Asia/Vladivostok');
  const settings = await getSettings(t.db, ws);
  const o = (id: string, customer: string, day: string, category: string) => ({
    externalId: id,
    customer: { externalId: customer },
    at: Date.parse(`${day}T03:00:00Z`),
    amountCents: 150_000,
    lines: [{ item: `${category} 60`, category, amountCents: 150_000 }],
  });
  await recordOrders(
    t.db,
    ws,
    [
      o('1', 'a', '2024-01-10', 'yoga'),
      o('2', 'a', '2024-02-10', 'massage'),
      o('3', 'b', '2024-01-12', 'yoga'),
      o('4', 'b', '2024-01-20', 'massage'),
      o('5', 'c', '2024-02-01', 'yoga'),
      o('6', 'd', '2024-02-05', 'manicure'),
    ],
    { settings, asOf: '2024-03-01' },
  );
  return ws;
}

describe('refit on a tiny workspace', () => {
  it('falls back to the cycle rules and says why, and still recommends from co-occurrence', async () => {
    const ws = await tinyWorkspace('refit-tiny');
    const settings = await getSettings(t.db, ws);
    const r = await refitWorkspace(t.db, ws, '2024-03-01', settings);
    expect(r).toMatchObject({ usable: false, customers: 4, modelCustomers: 0, expected90d: null });
    expect(r.reason).toMatch(/too few repeat customers/);
    const fit = (await loadModelFit(t.db, ws))!;
    expect(fit.usable).toBe(false);
    expect(fit.reason).toBe(r.reason);
    const preds = [...(await loadPredictions(t.db, ws)).values()];
    expect(preds).toHaveLength(4);
    for (const p of preds) {
      expect(p).toMatchObject({
        source: 'rules',
        pAlive: null,
        expectedPurchases90d: null,
        predictedClv: null,
      });
    }
    // c bought yoga only; a and b (2 customers, the minimum support) bought yoga and massage.
    const recs = await loadRecommendations(t.db, ws);
    const [c] = await t.db.query<{ id: number }>(
      `SELECT customer_id AS id FROM customer_identifiers WHERE workspace_id = $1 AND kind = 'external' AND value = 'c'`,
      [ws],
    );
    const forC = recs.filter((x) => x.customerId === Number(c!.id));
    expect(forC[0]).toMatchObject({ rank: 1, item: 'massage', kind: 'category' });
    expect(forC[0]!.score).toBeGreaterThan(1);
    // Nothing else co-occurs twice: the rest is the popularity fallback, score 0.
    expect(forC.slice(1).every((x) => x.score === 0)).toBe(true);
  });

  it('a second refit replaces the first whole', async () => {
    const ws = await tinyWorkspace('refit-replace');
    const settings = await getSettings(t.db, ws);
    await refitWorkspace(t.db, ws, '2024-03-01', settings);
    const before = await loadRecommendations(t.db, ws);
    await refitWorkspace(t.db, ws, '2024-03-02', settings);
    const after = await loadRecommendations(t.db, ws);
    expect(after).toEqual(before);
    expect((await loadModelFit(t.db, ws))!.asOf).toBe('2024-03-02');
    const [n] = await t.db.query<{ n: string }>(
      'SELECT COUNT(*)::text AS n FROM customer_predictions WHERE workspace_id = $1 AND as_of = $2::date',
      [ws, '2024-03-02'],
    );
    expect(n!.n).toBe('4');
  });
});

describe('the nightly refit job', () => {
  it('refits once per workspace night, in the workspace zone, idempotently', async () => {
    const ws = await tinyWorkspace('refit-nightly');
    // Only this workspace: on PostgreSQL other test files share the database.
    const job = {
      ...nightlyRefit,
      handler: (db: typeof t.db, now: Date) => refitDueWorkspaces(db, now, [ws]),
    };
    const scheduler = startScheduler(t.db, [job], (_job, e) => {
      throw e;
    });
    try {
      // Never fitted: due at once, whatever the hour. 2024-03-04 15:30 UTC = 03-05 01:30 in Vladivostok.
      await scheduler.tick(new Date('2024-03-04T15:30:00Z'));
      const first = (await loadModelFit(t.db, ws))!;
      expect(first.asOf).toBe('2024-03-05');
      // The same night again: nothing to do.
      expect(await refitDueWorkspaces(t.db, new Date('2024-03-04T16:00:00Z'), [ws])).toEqual([]);
      await scheduler.tick(new Date('2024-03-04T18:00:00Z'));
      expect((await loadModelFit(t.db, ws))!.fittedAt).toBe(first.fittedAt);
      // Next local day, before 03:00 (00:30 local): waits for the night hour.
      expect(await refitDueWorkspaces(t.db, new Date('2024-03-05T14:30:00Z'), [ws])).toEqual([]);
      // 03:10 local on 03-06: refitted as of that day, once.
      const due = await refitDueWorkspaces(t.db, new Date('2024-03-05T17:10:00Z'), [ws]);
      expect(due.map((d) => d.asOf)).toEqual(['2024-03-06']);
      expect(await refitDueWorkspaces(t.db, new Date('2024-03-05T17:20:00Z'), [ws])).toEqual([]);
      // Missed nights (server down): refitted at once the next time it runs, even by day.
      const late = await refitDueWorkspaces(t.db, new Date('2024-03-08T00:00:00Z'), [ws]);
      expect(late.map((d) => d.asOf)).toEqual(['2024-03-08']);
    } finally {
      scheduler.stop();
    }
  });
});
