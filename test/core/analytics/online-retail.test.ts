/**
 * Outside reference: UCI Online Retail aggregated per invoice (mwoitek/python-customer-
 * segmentation), fed straight into the core. Their RFM as-of day is max date + 1 day, and
 * their Recency counts days to that day, which is our R as of that day.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { periodKpis } from '../../../src/core/analytics/kpis.ts';
import type { OrderFact } from '../../../src/core/analytics/purchases.ts';
import { buildPurchaseTable } from '../../../src/core/analytics/purchases.ts';
import { aggregateRows, recomputeAll } from '../../../src/core/analytics/recompute.ts';
import { addDays } from '../../../src/core/day.ts';
import { defaultSettings } from '../../../src/core/settings.ts';
import { decimalToCents } from '../../../src/core/types.ts';

// ../shared/data/online-retail relative to the repository root.
const dir = fileURLToPath(new URL('../../../../shared/data/online-retail/', import.meta.url));

function csvRows(file: string): string[][] {
  const text = readFileSync(resolve(dir, file), 'utf8');
  // Both files have plain comma-separated cells except rfm_segments' quoted RFMCell, which comes
  // after the columns read here.
  return text
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split(','));
}

describe('UCI Online Retail (mwoitek): the core reproduces the published figures', () => {
  const orders: OrderFact[] = csvRows('mwoitek__online_retail.csv').map(
    ([invoice, date, customer, total], i) => ({
      orderId: i + 1,
      customerId: Number(customer),
      day: date!,
      at: Date.parse(`${date}T00:00:00Z`) + Number(invoice),
      // Half away from zero on the third decimal: "22.200000000000003" → 2220.
      amountCents: decimalToCents(total!),
      status: 'completed',
    }),
  );
  const maxDay = orders
    .map((o) => o.day)
    .sort()
    .at(-1)!;
  const asOf = addDays(maxDay, 1);

  it('orders, unique customers and revenue over the whole range', () => {
    const k = periodKpis(orders, '2010-12-01', asOf);
    expect(k.orders).toBe(18_532);
    expect(k.unique_customers).toBe(4_338);
    expect(k.revenue).toBe(891_140_790);
    expect(k.new_customers).toBe(4_338);
  });

  it('R and F of every customer equal their Recency and Frequency', () => {
    const rows = aggregateRows(recomputeAll(buildPurchaseTable(orders), asOf, defaultSettings()));
    const ours = new Map(rows.map((r) => [r.customerId, r]));
    const theirs = csvRows('mwoitek__rfm_segments.csv');
    expect(theirs).toHaveLength(4_338);
    expect(rows).toHaveLength(4_338);
    for (const [customer, recency, frequency] of theirs) {
      const row = ours.get(Number(customer));
      expect([customer, row?.recencyDays, row?.frequency]).toEqual([
        customer,
        Number(recency),
        Number(frequency),
      ]);
    }
  });
});
