/**
 * Offline evaluation of the next-service recommender (issue 5): hide each customer's last
 * purchase day, recommend from the rest, and count a hit when one of the hidden NEW items is in
 * the top 3; against the most-popular baseline (the top 3 unbought items by customers).
 * core/recommend hitRateAtK does the leave-last-out; this file builds three histories:
 *
 * (a) CDNOW-like: the real CDNOW 1/10 sample's customers and purchase days (2,357 customers,
 *     6,696 purchase-days) with a music genre drawn per purchase-day, since CDNOW has no items.
 *     12 genres in 4 affinity clusters (rock/indie/metal, pop/dance/r&b, jazz/blues/classical,
 *     country/folk/soundtrack), Zipf popularity. Each customer gets a home cluster (by cluster
 *     popularity); a purchase-day's genre is from the home cluster with probability 0.7
 *     (uniform inside it), else from all genres by popularity. Seeded, deterministic.
 * (b) The demo salon (core/demo, 1,500 customers, 2 years), completed orders, by category.
 * (c) UCI Online Retail raw lines (/work/shared/data/online-retail, the 2,709-row random sample):
 *     item = StockCode, day = invoice day; rows without CustomerID, cancellations (C…) and
 *     quantity ≤ 0 dropped.
 *
 *   npm run bench -- recommend [--data /work/shared/data]
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mulberry32 } from '../src/core/clv/random.ts';
import { generateSalonDemo } from '../src/core/demo/salon.ts';
import {
  type HitRateResult,
  hitRateAtK,
  type ItemPurchase,
  recommendationSupport,
} from '../src/core/recommend/co-occurrence.ts';

const GENRES = [
  ['rock', 'indie', 'metal'],
  ['pop', 'dance', 'r&b'],
  ['jazz', 'blues', 'classical'],
  ['country', 'folk', 'soundtrack'],
];

function cdnowLike(dataDir: string): ItemPurchase[] {
  const rng = mulberry32(2005);
  const text = readFileSync(join(dataDir, 'cdnow', 'lifetimes__CDNOW_sample.txt'), 'utf8');
  const days = new Map<string, Set<string>>();
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 3) continue;
    const d = f[2]!;
    const set = days.get(f[0]!) ?? new Set<string>();
    set.add(`${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}`);
    days.set(f[0]!, set);
  }
  const flat = GENRES.flat();
  // Zipf popularity over the 12 genres in a shuffled order, so clusters mix rank.
  const order = [...flat].sort(() => rng() - 0.5);
  const weight = new Map(order.map((g, i) => [g, 1 / (i + 1)]));
  const total = [...weight.values()].reduce((a, b) => a + b, 0);
  const pick = (items: readonly string[], w: (i: string) => number) => {
    const sum = items.reduce((a, i) => a + w(i), 0);
    let u = rng() * sum;
    for (const i of items) {
      u -= w(i);
      if (u <= 0) return i;
    }
    return items[items.length - 1]!;
  };
  const clusterWeight = GENRES.map((c) => c.reduce((a, g) => a + weight.get(g)! / total, 0));
  const out: ItemPurchase[] = [];
  for (const [customerId, set] of [...days.entries()].sort()) {
    const home = GENRES[Number(pick(['0', '1', '2', '3'], (i) => clusterWeight[Number(i)]!))]!;
    for (const day of [...set].sort()) {
      const item = rng() < 0.7 ? home[Math.floor(rng() * home.length)]! : pick(flat, (g) => weight.get(g)!);
      out.push({ customerId, day, item });
    }
  }
  return out;
}

function demoSalon(): ItemPurchase[] {
  const demo = generateSalonDemo({ asOf: '2026-11-23', customers: 1500 });
  const out: ItemPurchase[] = [];
  for (const o of demo.orders) {
    if (o.status !== 'completed' || o.amountCents <= 0) continue;
    for (const l of o.lines) out.push({ customerId: o.customerExternalId, day: o.day, item: l.category });
  }
  return out;
}

/** Minimal CSV (quoted fields, no embedded newlines in this file). */
function parseCsvLine(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

function onlineRetail(dataDir: string): ItemPurchase[] {
  const text = readFileSync(
    join(dataDir, 'online-retail', 'jerryaoverton__online_retail_sample.csv'),
    'utf8',
  );
  const out: ItemPurchase[] = [];
  for (const line of text.split('\n').slice(1)) {
    if (!line.trim()) continue;
    const [, invoice, stock, , qty, date, , customer] = parseCsvLine(line);
    if (!invoice || invoice.startsWith('C') || !customer || customer === 'NA' || !(Number(qty) > 0)) continue;
    const [m, d, y] = date!.split(' ')[0]!.split('/');
    out.push({
      customerId: customer,
      day: `${y}-${m!.padStart(2, '0')}-${d!.padStart(2, '0')}`,
      item: stock!,
    });
  }
  return out;
}

function describe(name: string, history: ItemPurchase[]): string {
  const customers = new Set(history.map((h) => h.customerId)).size;
  const items = new Set(history.map((h) => h.item)).size;
  const minPairCount = recommendationSupport(customers);
  const rows: [string, HitRateResult][] = [
    ['product (sum of lifts > 1)', hitRateAtK(history, 3, { minPairCount, minLift: 1, aggregate: 'sum' })],
    ['max of lifts > 1', hitRateAtK(history, 3, { minPairCount, minLift: 1, aggregate: 'max' })],
  ];
  const lines = [
    `${name}: ${customers.toLocaleString('en')} customers, ${items.toLocaleString('en')} items, min pair support ${minPairCount}`,
  ];
  for (const [label, r] of rows) {
    lines.push(
      `  hit rate @3 ${label}: model ${(r.model * 100).toFixed(1)} % vs most popular ${(r.baseline * 100).toFixed(1)} % (${r.evaluated.toLocaleString('en')} customers evaluated)`,
    );
  }
  return lines.join('\n');
}

export async function run(args: string[]): Promise<void> {
  const i = args.indexOf('--data');
  const dataDir = i >= 0 ? args[i + 1]! : '/work/shared/data';
  const t0 = performance.now();
  process.stdout.write(
    `${describe('(a) CDNOW-like (real purchase days, synthetic genres)', cdnowLike(dataDir))}\n`,
  );
  process.stdout.write(`${describe('(b) demo salon (categories)', demoSalon())}\n`);
  process.stdout.write(`${describe('(c) Online Retail raw lines (StockCode)', onlineRetail(dataDir))}\n`);
  process.stdout.write(`recommend bench: ${Math.round(performance.now() - t0)} ms\n`);
}
