import { beforeAll, describe, expect, it } from 'vitest';
import { cliTarget, runCli } from '../support/cli.ts';
import { uniqueName } from '../support/db.ts';

const within = (actual: number, expected: number, share: number) =>
  expect(Math.abs(actual - expected) / Math.abs(expected)).toBeLessThanOrEqual(share);

let args: string[];
beforeAll(async () => {
  args = cliTarget(uniqueName('cdnow')).args;
  const r = await runCli([
    ...args,
    'import',
    'orders',
    '../shared/data/cdnow/btyd__cdnowElog.csv',
    '--map',
    'customer_external_id=masterid',
    '--map',
    'ordered_at=date',
    '--map',
    'amount=sales',
    '--map',
    'quantity=cds',
    '--json',
  ]);
  expect(r.code, r.stderr).toBe(0);
  expect(JSON.parse(r.stdout)).toMatchObject({ rows: 6919, imported: 6919, customers_created: 2357 });
});

describe('bin/comeback model on the CDNOW 1/10 sample (Fader, Hardie & Lee 2005)', () => {
  it('reproduces the published BG/NBD and Gamma-Gamma parameters through import → model', async () => {
    const r = await runCli([...args, 'model', '--as-of', '1997-09-30', '--time-unit', 'week', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const m = JSON.parse(r.stdout);
    for (const k of ['r', 'alpha', 'a', 'b', 'log_likelihood', 'customers'])
      expect(m.bgnbd).toHaveProperty(k);
    for (const k of ['p', 'q', 'gamma', 'customers']) expect(m.gamma_gamma).toHaveProperty(k);
    expect(m.bgnbd.customers).toBe(2357);
    within(m.bgnbd.r, 0.2426, 0.005);
    within(m.bgnbd.alpha, 4.4135, 0.005);
    within(m.bgnbd.a, 0.7929, 0.005);
    within(m.bgnbd.b, 2.4258, 0.005);
    expect(Math.abs(m.bgnbd.log_likelihood - -9582.43)).toBeLessThanOrEqual(0.05);
    expect(m.gamma_gamma.customers).toBe(946);
    within(m.gamma_gamma.p, 6.2488, 0.005);
    within(m.gamma_gamma.q, 3.7446, 0.005);
    within(m.gamma_gamma.gamma, 15.4477, 0.005);
  });

  it('customers --json carries P(alive), expected purchases, predicted CLV and churn risk', async () => {
    const r = await runCli([...args, 'customers', '--as-of', '1997-09-30', '--json']);
    const rows = JSON.parse(r.stdout);
    expect(rows).toHaveLength(2357);
    for (const c of rows) {
      expect(c.prediction_source).toBe('bgnbd');
      expect(c.p_alive).toBeGreaterThan(0);
      expect(c.p_alive).toBeLessThanOrEqual(1);
      expect(c.expected_purchases_90d).toBeGreaterThanOrEqual(0);
      expect(c.predicted_clv).toBeGreaterThanOrEqual(0);
      expect(['low', 'medium', 'high']).toContain(c.churn_risk);
    }
  });

  it('falls back to the cycle rules, and says so, when there is too little repeat data', async () => {
    const r = await runCli([...args, 'customers', '--as-of', '1997-01-05', '--json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('too little repeat data');
    const rows = JSON.parse(r.stdout);
    expect(rows.length).toBeGreaterThan(0);
    for (const c of rows.filter((x: { purchases: number }) => x.purchases > 0)) {
      expect(c).toMatchObject({ p_alive: null, prediction_source: 'cycle_rules', churn_risk: 'low' });
    }
  });
});
