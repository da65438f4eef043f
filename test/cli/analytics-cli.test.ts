import { beforeAll, describe, expect, it } from 'vitest';
import { cliTarget, runCli } from '../support/cli.ts';
import { uniqueName } from '../support/db.ts';

const UCI = '../shared/data/online-retail/mwoitek__online_retail.csv';
const KPI_KEYS = [
  'orders',
  'revenue',
  'primary_orders',
  'repeat_orders',
  'repeat_share_orders',
  'primary_revenue',
  'repeat_revenue',
  'repeat_share_revenue',
  'unique_customers',
  'new_customers',
  'repeat_customers',
  'repeat_purchase_rate',
  'purchase_frequency',
  'aov',
  'customer_value',
];
const RFM = [
  'champions',
  'loyal',
  'potential_loyalist',
  'new',
  'promising',
  'need_attention',
  'about_to_sleep',
  'at_risk',
  'cant_lose',
  'hibernating',
];

let args: string[];
beforeAll(async () => {
  args = cliTarget(uniqueName('uci')).args;
  const r = await runCli([...args, 'import', 'orders', UCI, '--json']);
  expect(r.code, r.stderr).toBe(0);
});

describe('bin/comeback analytics on UCI Online Retail (the CLI contract)', () => {
  it('report --json: the KPI keys plus from/to, matching the published totals', async () => {
    const r = await runCli([
      ...args,
      'report',
      '--from',
      '2010-12-01',
      '--to',
      '2011-12-10',
      '--as-of',
      '2011-12-10',
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    for (const k of [...KPI_KEYS, 'from', 'to']) expect(j).toHaveProperty(k);
    expect(j).toMatchObject({
      from: '2010-12-01',
      to: '2011-12-10',
      orders: 18_532,
      unique_customers: 4_338,
      revenue: 8_911_407.9,
      primary_orders: 4_338,
      new_customers: 4_338,
    });
    expect(j.repeat_orders).toBe(18_532 - 4_338);
    expect(j.repeat_share_orders).toBeCloseTo(14_194 / 18_532, 12);
    expect(j.aov).toBe(Math.round(891_140_790 / 18_532) / 100);
  });

  it('report on an empty period gives null ratios, never NaN or 0', async () => {
    const r = await runCli([
      ...args,
      'report',
      '--from',
      '2009-01-01',
      '--to',
      '2009-02-01',
      '--as-of',
      '2011-12-10',
      '--json',
    ]);
    const j = JSON.parse(r.stdout);
    expect(j.orders).toBe(0);
    for (const k of [
      'repeat_share_orders',
      'repeat_share_revenue',
      'repeat_purchase_rate',
      'purchase_frequency',
      'aov',
      'customer_value',
    ]) {
      expect(j[k], k).toBeNull();
    }
  });

  it('report --by month adds a monthly trend; targets show next to actuals', async () => {
    expect(
      (await runCli([...args, 'targets', 'set', 'repeat_share_revenue', '0.6', '--by', '2012-06-30'])).code,
    ).toBe(0);
    const r = await runCli([
      ...args,
      'report',
      '--from',
      '2011-01-01',
      '--to',
      '2011-04-01',
      '--as-of',
      '2011-12-10',
      '--by',
      'month',
      '--json',
    ]);
    const j = JSON.parse(r.stdout);
    expect(j.trend.map((p: { month: string }) => p.month)).toEqual(['2011-01', '2011-02', '2011-03']);
    expect(j.trend.reduce((s: number, p: { orders: number }) => s + p.orders, 0)).toBe(j.orders);
    expect(j.targets).toEqual([
      expect.objectContaining({
        metric: 'repeat_share_revenue',
        target: 0.6,
        deadline: '2012-06-30',
        state: 'reached',
      }),
    ]);
    const human = await runCli([
      ...args,
      'report',
      '--from',
      '2011-01-01',
      '--to',
      '2011-04-01',
      '--as-of',
      '2011-12-10',
    ]);
    expect(human.stdout).toContain('LTV = AC × N × P × T');
    expect(human.stdout).toContain('repeat_share_revenue');
  });

  it('customers --json: one row per customer with the contract keys', async () => {
    const r = await runCli([...args, 'customers', '--as-of', '2011-12-10', '--json']);
    const rows = JSON.parse(r.stdout);
    expect(rows).toHaveLength(4_338);
    for (const k of [
      'id',
      'name',
      'phone',
      'email',
      'status',
      'cycle_days',
      'next_expected_on',
      'r',
      'f',
      'm',
      'rfm_segment',
      'purchases',
      'revenue',
      'first_purchase_on',
      'last_purchase_on',
    ]) {
      expect(rows[0]).toHaveProperty(k);
    }
    const total = rows.reduce((s: number, c: { purchases: number }) => s + c.purchases, 0);
    expect(total).toBe(18_532);
    const one = rows.find((c: { external_id: string }) => c.external_id === '12346');
    // UCI customer 12346: a single invoice on 2011-01-18 of 77,183.60.
    expect(one).toMatchObject({
      purchases: 1,
      revenue: 77_183.6,
      first_purchase_on: '2011-01-18',
      last_purchase_on: '2011-01-18',
    });
  });

  it('segments --json: every status and RFM key present, summing to the customers', async () => {
    const r = await runCli([...args, 'segments', '--as-of', '2011-12-10', '--json']);
    const j = JSON.parse(r.stdout);
    expect(Object.keys(j.status).sort()).toEqual(['fan', 'lead', 'lost', 'newbie', 'sleeping']);
    expect(Object.keys(j.rfm).sort()).toEqual([...RFM].sort());
    const sum = (o: Record<string, number>) => Object.values(o).reduce((a, b) => a + b, 0);
    expect(sum(j.status)).toBe(4_338);
    expect(sum(j.rfm)).toBe(4_338);
  });

  it('cohorts --json and recompute --json', async () => {
    const c = JSON.parse((await runCli([...args, 'cohorts', '--as-of', '2011-12-10', '--json'])).stdout);
    expect(c.cohorts[0]).toMatchObject({ cohort: '2010-12', customers: 885 });
    expect(c.cohorts.reduce((s: number, r: { customers: number }) => s + r.customers, 0)).toBe(4_338);
    const rc = await runCli([...args, 'recompute', '--as-of', '2011-12-10', '--json']);
    expect(rc.code, rc.stderr).toBe(0);
    expect(JSON.parse(rc.stdout)).toMatchObject({
      as_of: '2011-12-10',
      customers: 4_338,
      customers_with_purchases: 4_338,
    });
  });

  it('rejects a period that ends before it starts as bad usage', async () => {
    const r = await runCli([...args, 'report', '--from', '2011-02-01', '--to', '2011-01-01']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--to');
  });
});

describe('bin/comeback demo and start', () => {
  it('demo --json is deterministic for a given --as-of and adds nothing the second time', async () => {
    const { args: a } = cliTarget(uniqueName('demo'));
    const first = JSON.parse((await runCli([...a, 'demo', '--as-of', '2026-11-23', '--json'])).stdout);
    expect(first).toMatchObject({
      customers: 1500,
      orders: 9771,
      completed: 9273,
      cancelled: 400,
      refunded: 98,
    });
    const again = JSON.parse((await runCli([...a, 'demo', '--as-of', '2026-11-23', '--json'])).stdout);
    expect(again).toMatchObject({ customers: 1500, orders: 9771, orders_created: 0, customers_created: 0 });
    const seg = JSON.parse((await runCli([...a, 'segments', '--as-of', '2026-11-23', '--json'])).stdout);
    // Per category: the salon's customers have a next expected visit per service category.
    const customers = JSON.parse(
      (await runCli([...a, 'customers', '--as-of', '2026-11-23', '--json'])).stdout,
    );
    const regular = customers.find((c: { purchases: number }) => c.purchases >= 15);
    expect(regular.next_by_category.length).toBeGreaterThan(0);
    for (const k of regular.next_by_category) {
      expect(k.next_expected_on > k.last_purchase_on).toBe(true);
      expect(['own', 'category']).toContain(k.cycle_source);
    }
    for (const s of ['newbie', 'fan', 'sleeping', 'lost', 'lead'])
      expect(seg.status[s], s).toBeGreaterThan(0);
  });

  it('start creates the demo workspace on first run and shows where it stands', async () => {
    const { args: a } = cliTarget(uniqueName('start'));
    const r = await runCli([...a, 'start', '--no-serve']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Салон красоты «Лотос»');
    expect(r.stdout).toContain('customers:  1500');
    expect(r.stdout).toMatch(/Demo sign-in key \(owner; shown once\): cbk_\S+/);
    const second = await runCli([...a, 'start', '--no-serve']);
    expect(second.stdout).toContain('customers:  1500');
    expect(second.stderr).not.toContain('first run');
    expect(second.stdout).not.toContain('sign-in key');
  });
});
