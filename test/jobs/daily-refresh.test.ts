import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refreshDueWorkspaces } from '../../src/app/analytics/refresh-due.ts';
import { loadDemo } from '../../src/app/demo/load-demo.ts';
import { recordOrders } from '../../src/app/orders/record-orders.ts';
import { getSettings } from '../../src/app/workspace.ts';
import { zonedWallTimeToUtc } from '../../src/core/import/values.ts';
import { dailyRefresh } from '../../src/jobs/daily-refresh.ts';
import { startScheduler } from '../../src/jobs/scheduler.ts';
import { listStatusHistory, loadWorkspaceStats } from '../../src/storage/queries/analytics.ts';
import { reclaimAfterBulkRewrite, tableBytes } from '../../src/storage/queries/maintenance.ts';
import { loadStoredReport, storeReport } from '../../src/storage/queries/report-versions.ts';
import { saveSetting } from '../../src/storage/queries/settings.ts';
import { openTestDatabase, type TestDatabase } from '../support/db.ts';

let t: TestDatabase;
beforeAll(async () => {
  t = await openTestDatabase();
});
afterAll(async () => {
  await t.close();
});

describe('the daily refresh job', () => {
  it('moves statuses with time once per workspace day, in the workspace time zone, idempotently', async () => {
    const ws = await t.workspace('daily');
    await saveSetting(t.db, ws, 'cycle_days', 10);
    await saveSetting(t.db, ws, 'timezone', 'Asia/Vladivostok');
    const settings = await getSettings(t.db, ws);
    await recordOrders(
      t.db,
      ws,
      [
        {
          externalId: '1',
          customer: { externalId: 'c' },
          at: zonedWallTimeToUtc(2024, 3, 1, 12, 0, 0, 'Asia/Vladivostok'),
          amountCents: 500,
        },
      ],
      { settings, asOf: '2024-03-01' },
    );
    // The real job, scoped to this workspace the way a process started for it is (on
    // PostgreSQL other test files share the database; their workspaces must stay untouched).
    const other = await t.workspace('daily-other');
    const scheduler = startScheduler(
      t.db,
      [dailyRefresh],
      (_job, e) => {
        throw e;
      },
      undefined,
      [ws],
    );
    // Kept reports: one nobody recomputed for over a week, one from the day before.
    const keep = (w: number, hash: string, at: string) =>
      storeReport(t.db, w, hash, { version: 1, body: '{}', costMs: 1, computedAt: new Date(at) });
    await keep(ws, 'old', '2024-03-10T00:00:00Z');
    await keep(ws, 'recent', '2024-03-19T00:00:00Z');
    await keep(other, 'old', '2024-03-10T00:00:00Z');
    try {
      // 2024-03-20 15:30 UTC is already 2024-03-21 in Vladivostok (UTC+10): 20 days since → sleeping.
      const now = new Date('2024-03-20T15:30:00Z');
      await scheduler.tick(now);
      expect((await loadWorkspaceStats(t.db, ws)).asOf).toBe('2024-03-21');
      expect((await loadWorkspaceStats(t.db, other)).asOf).toBeNull();
      expect(await loadStoredReport(t.db, ws, 'old')).toBeNull();
      expect(await loadStoredReport(t.db, ws, 'recent')).not.toBeNull();
      expect(await loadStoredReport(t.db, other, 'old')).not.toBeNull();
      // A second tick the same day is a no-op.
      expect(await refreshDueWorkspaces(t.db, now, [ws])).toEqual([]);
      await scheduler.tick(now);
      const [c] = await t.db.query<{ id: number; status: string }>(
        'SELECT id, status FROM customers WHERE workspace_id = $1',
        [ws],
      );
      expect(c!.status).toBe('sleeping');
      const history = await listStatusHistory(t.db, ws, c!.id);
      expect(history.filter((h) => h.reason === 'cycle_passed')).toEqual([
        { from: 'newbie', to: 'sleeping', on: '2024-03-21', reason: 'cycle_passed' },
      ]);
    } finally {
      scheduler.stop();
    }
  });

  it('keeps the customers table from growing day after day on the embedded database', async () => {
    const ws = await t.workspace('vacuum');
    await loadDemo(t.db, ws, { asOf: '2025-06-01', customers: 400 });
    const days = ['2025-06-02', '2025-06-03', '2025-06-04', '2025-06-05', '2025-06-06'];
    const sizes: number[] = [];
    for (const day of days) {
      const done = await refreshDueWorkspaces(t.db, new Date(`${day}T12:00:00Z`), [ws]);
      expect(done.map((d) => d.asOf)).toEqual([day]);
      sizes.push(await tableBytes(t.db, 'customers'));
    }
    if (t.db.kind === 'pglite') {
      // Each refresh rewrites every row; with the VACUUM the later days reuse the freed space.
      // Without it the table grows by its live size every day (about +25 % a day here).
      expect(sizes[4]!).toBeLessThanOrEqual(sizes[1]! * 1.1);
    } else {
      // PostgreSQL's autovacuum reclaims the space; we do not vacuum there ourselves.
      expect(await reclaimAfterBulkRewrite(t.db)).toBe(false);
    }
  });
});
