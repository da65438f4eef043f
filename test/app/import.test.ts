import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFile } from '../../src/app/import/import-file.ts';
import { listEvents } from '../../src/storage/queries/events.ts';
import { listRejects } from '../../src/storage/queries/import-batches.ts';
import { saveSetting } from '../../src/storage/queries/settings.ts';
import { openTestDatabase, type TestDatabase } from '../support/db.ts';

const FIX = 'test/fixtures/imports';
const SHARED = '../shared/data';
const AS_OF = '2026-11-23';

let t: TestDatabase;
beforeAll(async () => {
  t = await openTestDatabase();
});
afterAll(async () => {
  await t.close();
});

async function facts(ws: number) {
  const [o] = await t.db.query<{
    orders: number;
    completed: number;
    cancelled: number;
    refunded: number;
    anonymous: number;
    revenue: string;
    lines: number;
  }>(
    `SELECT count(*)::int AS orders,
            count(*) FILTER (WHERE status = 'completed')::int AS completed,
            count(*) FILTER (WHERE status = 'cancelled')::int AS cancelled,
            count(*) FILTER (WHERE status = 'refunded')::int AS refunded,
            count(*) FILTER (WHERE customer_id IS NULL)::int AS anonymous,
            COALESCE(sum(amount) FILTER (WHERE status = 'completed' AND amount > 0 AND customer_id IS NOT NULL), 0)::text AS revenue,
            (SELECT count(*) FROM order_lines l WHERE l.workspace_id = $1)::int AS lines
       FROM orders WHERE workspace_id = $1`,
    [ws],
  );
  const [c] = await t.db.query<{ customers: number }>(
    'SELECT count(*)::int AS customers FROM customers WHERE workspace_id = $1',
    [ws],
  );
  return { ...o!, customers: c!.customers };
}

const run = (ws: number, path: string, extra: Partial<Parameters<typeof importFile>[2]> = {}) =>
  importFile(t.db, ws, { kind: 'orders', path, asOf: AS_OF, ...extra });

describe('import orders: a Russian salon export (cp1251, ;, DD.MM.YYYY HH:MM, 1 234,50)', () => {
  it('imports the good rows, rejects each bad row with its line, column and reason', async () => {
    const ws = await t.workspace();
    const s = await run(ws, `${FIX}/salon-ru-cp1251.csv`);
    expect(s.encoding).toBe('cp1251');
    expect(s.delimiter).toBe(';');
    expect(s.rows).toBe(40);
    expect(s.imported).toBe(36);
    expect(s.rejected).toEqual([
      { line: 16, column: 'Дата', reason: 'not a date: "31.02.2024 12:00"' },
      { line: 19, column: 'Сумма', reason: 'not an amount: "abc"' },
      { line: 22, column: 'Телефон', reason: 'not a phone number: "12345"' },
      { line: 25, column: 'Дата', reason: 'ordered_at is empty' },
    ]);
    expect(s.customers_created).toBe(11);
    const f = await facts(ws);
    expect(f).toMatchObject({ orders: 36, completed: 30, customers: 11, revenue: '62900.50' });
    // The rejects are stored with the batch, with the raw row.
    const stored = await listRejects(t.db, ws, s.batch_id!);
    expect(stored.map((r) => r.line)).toEqual([16, 19, 22, 25]);
    expect(stored[1]!.raw).toContain('abc');
  });

  it('recognises one person behind four spellings of a phone number', async () => {
    const ws = await t.workspace();
    await run(ws, `${FIX}/salon-ru-cp1251.csv`);
    const rows = await t.db.query<{ n: number }>(
      `SELECT count(DISTINCT o.customer_id)::int AS n FROM orders o
         JOIN customer_identifiers i ON i.workspace_id = o.workspace_id AND i.customer_id = o.customer_id
        WHERE o.workspace_id = $1 AND i.kind = 'phone' AND i.value = '+79161234567'`,
      [ws],
    );
    expect(rows[0]!.n).toBe(1);
    const [orders] = await t.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM orders o JOIN customer_identifiers i
          ON i.workspace_id = o.workspace_id AND i.customer_id = o.customer_id
        WHERE o.workspace_id = $1 AND i.kind = 'phone' AND i.value = '+79161234567'`,
      [ws],
    );
    expect(orders!.n).toBeGreaterThanOrEqual(4);
  });

  it('adds nothing when the same file is imported again', async () => {
    const ws = await t.workspace();
    await run(ws, `${FIX}/salon-ru-cp1251.csv`);
    const before = await facts(ws);
    const again = await run(ws, `${FIX}/salon-ru-cp1251.csv`);
    expect(again.imported).toBe(0);
    expect(again.skipped).toBe(36);
    expect(again.customers_created).toBe(0);
    expect(again.customers_matched).toBe(11);
    expect(await facts(ws)).toEqual(before);
  });

  it('writes nothing on a dry run but reports the same numbers', async () => {
    const ws = await t.workspace();
    const dry = await run(ws, `${FIX}/salon-ru-cp1251.csv`, { dryRun: true });
    expect(dry.dry_run).toBe(true);
    expect(dry.batch_id).toBeNull();
    expect(dry.imported).toBe(36);
    expect(dry.rejected).toHaveLength(4);
    expect(dry.customers_created).toBe(11);
    expect(await facts(ws)).toMatchObject({ orders: 0, customers: 0, lines: 0 });
    const batches = await t.db.query('SELECT 1 FROM import_batches WHERE workspace_id = $1', [ws]);
    expect(batches).toHaveLength(0);
  });
});

describe('import orders: receipt and line-item exports', () => {
  it('groups 1C/Evotor receipt lines into receipts with lines; a return receipt is a refund', async () => {
    const ws = await t.workspace();
    const s = await run(ws, `${FIX}/evotor-receipts.csv`);
    expect(s.rejected).toEqual([]);
    expect(s.orders_created).toBe(6);
    expect(await facts(ws)).toMatchObject({
      orders: 6,
      completed: 5,
      refunded: 1,
      lines: 10,
      customers: 3,
      revenue: '3168.72',
    });
  });

  it('reads a Shopify export: one row per line item, later rows inherit the order', async () => {
    const ws = await t.workspace();
    const s = await run(ws, `${FIX}/shopify-orders.csv`);
    expect(s.rejected).toEqual([]);
    expect(s.rows).toBe(12);
    expect(await facts(ws)).toMatchObject({
      orders: 6,
      lines: 12,
      completed: 4,
      refunded: 1,
      cancelled: 1,
      customers: 5,
      revenue: '4474.00',
    });
  });

  it('reads an XLSX sheet by name with Excel serial dates', async () => {
    const ws = await t.workspace();
    const s = await run(ws, `${FIX}/orders-serial-dates.xlsx`, { sheet: 'Продажи' });
    expect(s.format).toBe('xlsx');
    expect(s.sheet).toBe('Продажи');
    expect(s.rejected.map((r) => r.line)).toEqual([12]);
    expect(await facts(ws)).toMatchObject({ orders: 10, completed: 8, customers: 6, revenue: '17265.75' });
  });
});

describe('import orders: real public exports without --map', () => {
  it('UCI Online Retail invoices: 18,532 orders, 4,338 customers, revenue 8,911,407.90', async () => {
    const ws = await t.workspace();
    const s = await run(ws, `${SHARED}/online-retail/mwoitek__online_retail.csv`);
    expect(s.rejected).toEqual([]);
    expect(s.date_format).toBe('YMD');
    expect(await facts(ws)).toMatchObject({
      orders: 18_532,
      completed: 18_532,
      customers: 4_338,
      revenue: '8911407.90',
    });
  });

  it('UCI raw line sample: M/D/YYYY, scattered lines merged, C… invoices are returns, NA customers anonymous', async () => {
    const ws = await t.workspace();
    const s = await run(ws, `${SHARED}/online-retail/jerryaoverton__online_retail_sample.csv`);
    expect(s.date_format).toBe('MDY');
    expect(s.rows).toBe(2709);
    expect(s.imported).toBe(2709);
    expect(s.orders_without_customer).toBe(397);
    const f = await facts(ws);
    expect(f).toMatchObject({
      orders: 2231,
      lines: 2709,
      anonymous: 397,
      customers: 1171,
      revenue: '39747.46',
    });
    const [c] = await t.db.query<{ n: number; neg: number }>(
      `SELECT count(*)::int AS n, count(*) FILTER (WHERE amount < 0)::int AS neg
         FROM orders WHERE workspace_id = $1 AND external_id LIKE 'C%'`,
      [ws],
    );
    expect(c).toEqual({ n: 50, neg: 50 });
    const [r] = await t.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM orders WHERE workspace_id = $1 AND external_id LIKE 'C%' AND status = 'refunded'`,
      [ws],
    );
    expect(r!.n).toBe(50);
    // 10/31/2011 10:42 is read as 31 October.
    const [d] = await t.db.query<{ on: string }>(
      `SELECT ordered_on AS on FROM orders WHERE workspace_id = $1 AND external_id = '573442'`,
      [ws],
    );
    expect(d!.on).toBe('2011-10-31');
    const again = await run(ws, `${SHARED}/online-retail/jerryaoverton__online_retail_sample.csv`);
    expect(again.imported).toBe(0);
    expect((await facts(ws)).orders).toBe(2231);
  });

  it('Square transactions: $1,149.00 amounts, anonymous sales kept', async () => {
    const ws = await t.workspace();
    const s = await run(ws, `${SHARED}/exports/rwslippey__square_example.csv`);
    expect(s.rejected).toEqual([]);
    expect(s.orders_without_customer).toBe(4);
    const rows = await t.db.query<{ amount: string; on: string }>(
      'SELECT amount::text AS amount, ordered_on AS on FROM orders WHERE workspace_id = $1 ORDER BY ordered_on',
      [ws],
    );
    expect(rows).toEqual([
      { amount: '540.00', on: '2018-11-30' },
      { amount: '595.00', on: '2018-11-30' },
      { amount: '150.00', on: '2018-12-18' },
      { amount: '1149.00', on: '2018-12-27' },
    ]);
  });
});

describe('import customers', () => {
  it('imports an XLSX customer list, merging a person written twice and rejecting a bad e-mail', async () => {
    const ws = await t.workspace();
    const s = await importFile(t.db, ws, {
      kind: 'customers',
      path: `${FIX}/customers-ru.xlsx`,
      asOf: AS_OF,
    });
    expect(s.sheet).toBe('Клиенты');
    expect(s.rows).toBe(16);
    expect(s.rejected).toEqual([{ line: 8, column: 'Email', reason: 'not an e-mail: "n.lebedeva@bk"' }]);
    expect(s.customers_created).toBe(14);
    expect((await facts(ws)).customers).toBe(14);
    const again = await importFile(t.db, ws, {
      kind: 'customers',
      path: `${FIX}/customers-ru.xlsx`,
      asOf: AS_OF,
    });
    expect(again.customers_created).toBe(0);
    expect(again.imported).toBe(0);
    expect((await facts(ws)).customers).toBe(14);
  });

  it('fills an empty name, never overwrites a different one, and records the conflict', async () => {
    const ws = await t.workspace();
    const dir = mkdtempSync(join(tmpdir(), 'comeback-imp-'));
    writeFileSync(join(dir, 'a.csv'), 'Телефон;E-mail\n8 (916) 555-11-22;anna@example.com\n');
    writeFileSync(join(dir, 'b.csv'), 'Телефон;ФИО;Дата рождения\n+7 916 5551122;Анна Петрова;12.05.1990\n');
    writeFileSync(join(dir, 'c.csv'), 'Телефон;ФИО\n79165551122;Анна Сидорова\n');
    for (const f of ['a.csv', 'b.csv', 'c.csv']) {
      await importFile(t.db, ws, { kind: 'customers', path: join(dir, f), asOf: AS_OF });
    }
    const [c] = await t.db.query<{ id: number; name: string; birthday: string }>(
      'SELECT id, name, birthday FROM customers WHERE workspace_id = $1',
      [ws],
    );
    expect(c).toMatchObject({ name: 'Анна Петрова', birthday: '1990-05-12' });
    const events = await listEvents(t.db, ws, c!.id);
    expect(events).toEqual([
      expect.objectContaining({
        type: 'field_conflict',
        data: expect.objectContaining({
          field: 'name',
          kept: 'Анна Петрова',
          offered: 'Анна Сидорова',
          line: 2,
        }),
      }),
    ]);
  });

  it('matches orders to imported customers by external id first, then phone, then e-mail', async () => {
    const ws = await t.workspace();
    const dir = mkdtempSync(join(tmpdir(), 'comeback-imp-'));
    writeFileSync(
      join(dir, 'customers.csv'),
      'Customer ID,Name,Phone,Email\nA1,Ann,+1 212 555 0101,ann@example.com\nB2,Bob,+1 212 555 0102,bob@example.com\n',
    );
    writeFileSync(
      join(dir, 'orders.csv'),
      [
        'Order ID,Date,Customer ID,Phone,Email,Amount',
        // external id wins over a phone that belongs to Bob
        '1,2024-01-05,A1,+1 212 555 0102,,10.00',
        '2,2024-01-06,,+1 212 555 0102,,20.00',
        '3,2024-01-07,,,ANN@example.com,30.00',
      ].join('\n'),
    );
    await saveSetting(t.db, ws, 'country', 'US');
    await importFile(t.db, ws, { kind: 'customers', path: join(dir, 'customers.csv'), asOf: AS_OF });
    const s = await run(ws, join(dir, 'orders.csv'));
    expect(s.customers_created).toBe(0);
    expect(s.customers_matched).toBe(2);
    const rows = await t.db.query<{ external_id: string; name: string }>(
      `SELECT o.external_id, c.name FROM orders o JOIN customers c ON c.workspace_id = o.workspace_id AND c.id = o.customer_id
        WHERE o.workspace_id = $1 ORDER BY o.external_id`,
      [ws],
    );
    expect(rows).toEqual([
      { external_id: '1', name: 'Ann' },
      { external_id: '2', name: 'Bob' },
      { external_id: '3', name: 'Ann' },
    ]);
  });
});

describe('import: resuming an interrupted run', () => {
  it('resumes after the last committed chunk and adds no duplicates', async () => {
    const ws = await t.workspace();
    const dir = mkdtempSync(join(tmpdir(), 'comeback-imp-'));
    const lines = ['Дата;Телефон;Сумма'];
    for (let i = 0; i < 300; i++) {
      // Identical rows on purpose (no order number): content keys must count them apart.
      lines.push(`0${1 + (i % 5)}.03.2024 10:00;+7 916 ${100 + (i % 20)}-00-11;1 000,00`);
    }
    writeFileSync(join(dir, 'big.csv'), lines.join('\n'));
    const stop = new Error('simulated crash');
    let chunks = 0;
    await expect(
      run(ws, join(dir, 'big.csv'), {
        chunkSize: 50,
        afterChunk: () => {
          if (++chunks === 2) throw stop;
        },
      }),
    ).rejects.toBe(stop);
    const partial = await facts(ws);
    expect(partial.orders).toBeGreaterThan(0);
    expect(partial.orders).toBeLessThan(300);
    const resumed = await run(ws, join(dir, 'big.csv'), { chunkSize: 50 });
    expect(resumed.resumed_from_line).toBeGreaterThan(1);
    expect(resumed.rows).toBe(300);
    expect(resumed.imported).toBe(300);
    expect((await facts(ws)).orders).toBe(300);
    const fresh = await t.workspace();
    await run(fresh, join(dir, 'big.csv'));
    expect((await facts(fresh)).revenue).toBe((await facts(ws)).revenue);
  });
});
