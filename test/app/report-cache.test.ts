/**
 * The report cache (src/app/api/report-cache.ts) against a real database: reuse under one
 * version, recompute when the version moves, one computation for concurrent identical
 * requests, and stale-while-refreshing only for expensive reports.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { cachedReport, forgetReportsInMemory } from '../../src/app/api/report-cache.ts';
import { openTestDatabase, type TestDatabase } from '../support/db.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await openTestDatabase();
});
afterAll(async () => {
  await db.close();
});

/** Moves the workspace's report version the way every real write does: through a trigger. */
async function write(ws: number, key: string): Promise<void> {
  await db.db.query(
    `INSERT INTO orders (workspace_id, order_key, customer_id, ordered_at, ordered_on, amount)
     VALUES ($1, $2, NULL, now(), current_date, 10)`,
    [ws, key],
  );
}

describe('cachedReport', () => {
  test('computes once per version; concurrent requests share the computation', async () => {
    const ws = await db.workspace('cache');
    let runs = 0;
    const compute = async () => {
      runs += 1;
      await new Promise((r) => setTimeout(r, 20));
      return { runs };
    };
    const [a, b] = await Promise.all([
      cachedReport(db.db, ws, 'k', compute),
      cachedReport(db.db, ws, 'k', compute),
    ]);
    expect(a).toEqual({ runs: 1 });
    expect(b).toBe(a);
    expect(await cachedReport(db.db, ws, 'k', compute)).toBe(a);
    expect(runs).toBe(1);
    // Another key, another report.
    await cachedReport(db.db, ws, 'other', compute);
    expect(runs).toBe(2);
    await write(ws, 'o1');
    expect(await cachedReport(db.db, ws, 'k', compute)).toEqual({ runs: 3 });
  });

  test('keeps workspaces apart: a write in one does not invalidate the other', async () => {
    const [w1, w2] = [await db.workspace('cache'), await db.workspace('cache')];
    let runs = 0;
    const compute = async () => ++runs;
    await cachedReport(db.db, w1, 'k', compute);
    await cachedReport(db.db, w2, 'k', compute);
    await write(w1, 'x1');
    expect(await cachedReport(db.db, w2, 'k', compute)).toBe(2);
    expect(await cachedReport(db.db, w1, 'k', compute)).toBe(3);
  });

  test('an expensive report is served stale once while the fresh one is computed', async () => {
    const ws = await db.workspace('cache');
    let value = 'first';
    const compute = async () => {
      await new Promise((r) => setTimeout(r, 30));
      return value;
    };
    const opts = { staleAfterMs: 10 };
    expect(await cachedReport(db.db, ws, 'k', compute, opts)).toBe('first');
    value = 'second';
    await write(ws, 's1');
    // Stale at once (it took ≥ 10 ms to compute), refreshed behind it.
    expect(await cachedReport(db.db, ws, 'k', compute, opts)).toBe('first');
    await new Promise((r) => setTimeout(r, 200));
    expect(await cachedReport(db.db, ws, 'k', compute, opts)).toBe('second');
    // Too old to be served stale: computed while the caller waits.
    value = 'third';
    await write(ws, 's2');
    expect(await cachedReport(db.db, ws, 'k', compute, { staleAfterMs: 10, maxStaleMs: 0 })).toBe('third');
  });

  test('a cheap report is never served stale', async () => {
    const ws = await db.workspace('cache');
    let value = 1;
    const compute = async () => value;
    expect(await cachedReport(db.db, ws, 'k', compute)).toBe(1);
    value = 2;
    await write(ws, 'c1');
    expect(await cachedReport(db.db, ws, 'k', compute)).toBe(2);
  });

  test('a failed computation is not kept', async () => {
    const ws = await db.workspace('cache');
    let fail = true;
    const compute = async () => {
      if (fail) throw new Error('boom');
      return 'ok';
    };
    await expect(cachedReport(db.db, ws, 'k', compute)).rejects.toThrow('boom');
    fail = false;
    expect(await cachedReport(db.db, ws, 'k', compute)).toBe('ok');
  });

  test('a restart starts warm: the kept report is read, not computed again', async () => {
    const ws = await db.workspace('cache');
    let runs = 0;
    const compute = async () => ({ runs: ++runs, money: [{ cents: 1234 }], day: '2026-01-31' });
    const first = await cachedReport(db.db, ws, 'restart', compute);
    forgetReportsInMemory(db.db);
    const again = await cachedReport(db.db, ws, 'restart', compute);
    expect(runs).toBe(1);
    expect(again).toEqual(first);
    // Held in memory again from there on.
    expect(await cachedReport(db.db, ws, 'restart', compute)).toBe(again);
    // Another workspace's kept report is not this one's.
    const other = await db.workspace('cache');
    expect(await cachedReport(db.db, other, 'restart', compute)).toEqual({ ...first, runs: 2 });
  });

  test('a kept report of an older version is computed again after a restart', async () => {
    const ws = await db.workspace('cache');
    let runs = 0;
    const compute = async () => ++runs;
    expect(await cachedReport(db.db, ws, 'k', compute)).toBe(1);
    await write(ws, 'r1');
    forgetReportsInMemory(db.db);
    expect(await cachedReport(db.db, ws, 'k', compute)).toBe(2);
    // …and the newer one is what the next start finds.
    forgetReportsInMemory(db.db);
    expect(await cachedReport(db.db, ws, 'k', compute)).toBe(2);
    expect(runs).toBe(2);
  });

  test('an expensive kept report is served stale after a restart and refreshed behind it', async () => {
    const ws = await db.workspace('cache');
    let value = 'before';
    const compute = async () => {
      await new Promise((r) => setTimeout(r, 30));
      return value;
    };
    const opts = { staleAfterMs: 10 };
    expect(await cachedReport(db.db, ws, 'k', compute, opts)).toBe('before');
    value = 'after';
    await write(ws, 'e1');
    forgetReportsInMemory(db.db);
    expect(await cachedReport(db.db, ws, 'k', compute, opts)).toBe('before');
    await expect.poll(() => cachedReport(db.db, ws, 'k', compute, opts), { timeout: 5_000 }).toBe('after');
  });
});
