/** `model --refit` stores the predictions; `customers --json` then reads them for that day. */
import { beforeAll, describe, expect, it } from 'vitest';
import { cliTarget, runCli } from '../support/cli.ts';
import { uniqueName } from '../support/db.ts';

let args: string[];
beforeAll(async () => {
  args = cliTarget(uniqueName('refit-cli')).args;
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
    '--json',
  ]);
  expect(r.code, r.stderr).toBe(0);
}, 120_000);

describe('bin/comeback model --refit', () => {
  it('refits as of the day, stores it, and customers --json reads the stored figures', async () => {
    const r = await runCli([...args, 'model', '--refit', '--as-of', '1997-09-30', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ as_of: '1997-09-30', usable: true, customers: 2357, model_customers: 2357 });
    // CDNOW has no items: nothing to recommend.
    expect(out.recommendations.kind).toBeNull();
    const band = out.expected_90d.purchases;
    expect(band.low).toBeLessThan(band.estimate);
    expect(band.high).toBeGreaterThan(band.estimate);

    const c = await runCli([...args, 'customers', '--as-of', '1997-09-30', '--json']);
    expect(c.code, c.stderr).toBe(0);
    const rows = JSON.parse(c.stdout) as {
      prediction_source: string;
      p_alive: number;
      recommended: unknown[];
    }[];
    expect(rows.filter((x) => x.prediction_source === 'bgnbd')).toHaveLength(2357);
    expect(rows.every((x) => Array.isArray(x.recommended))).toBe(true);

    const text = await runCli([...args, 'model', '--refit', '--as-of', '1997-09-30']);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/Refitted 2357 customers as of 1997-09-30/);
    expect(text.stdout).toMatch(/Expected repeat revenue next 90 days: .*\(90 %: /);
  }, 120_000);
});
