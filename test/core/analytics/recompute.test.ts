import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { intervalHistogram, workspaceCycle, workspaceCyclesAt } from '../../../src/core/analytics/cycle.ts';
import type { ManualStatus } from '../../../src/core/analytics/lifecycle.ts';
import { statusOfCode } from '../../../src/core/analytics/lifecycle.ts';
import type { OrderFact } from '../../../src/core/analytics/purchases.ts';
import { buildPurchaseTable } from '../../../src/core/analytics/purchases.ts';
import {
  aggregateRows,
  customerAggregates,
  recomputeAll,
  rfmPopulationOf,
  segmentCounts,
  statusCounts,
  statusesAsOf,
  statusesAtDays,
} from '../../../src/core/analytics/recompute.ts';
import { addDays, dayToNumber, numberToDay } from '../../../src/core/day.ts';
import type { Settings } from '../../../src/core/settings.ts';
import { defaultSettings } from '../../../src/core/settings.ts';
import { LIFECYCLE_STATUSES, ORDER_STATUSES } from '../../../src/core/types.ts';

const settings = defaultSettings();
let seq = 0;
function order(
  customerId: number,
  day: string,
  amountCents = 1000,
  extra: Partial<OrderFact> = {},
): OrderFact {
  seq++;
  return {
    orderId: seq,
    customerId,
    day,
    at: Date.parse(`${day}T12:00:00Z`),
    amountCents,
    status: 'completed',
    ...extra,
  };
}

describe('recomputeAll', () => {
  const orders = [
    order(1, '2024-01-01', 1000),
    order(1, '2024-01-11', 2000),
    order(1, '2024-01-31', 3000),
    order(1, '2024-02-10', 500, { status: 'refunded' }),
    order(2, '2024-01-20', 4000),
    order(2, '2024-01-24', 1000),
    order(3, '2024-01-01', 700),
    order(3, '2024-06-01', 100, { status: 'cancelled' }),
  ];
  const t = buildPurchaseTable(orders, { customerIds: [4] });
  const cols = recomputeAll(t, '2024-02-15', settings);
  const rows = aggregateRows(cols);

  it('learns C_w from all intervals up to A (10, 20, 4 → 10)', () => {
    expect(cols.workspaceCycle).toBe(10);
  });

  it('a fan with an own cycle: every field', () => {
    expect(rows[0]).toEqual({
      customerId: 1,
      purchases: 3,
      purchaseDays: 3,
      revenueCents: 6000,
      firstOrderId: orders[0]!.orderId,
      firstPurchaseDay: '2024-01-01',
      lastPurchaseDay: '2024-01-31',
      ownCycle: 15,
      cycle: 15,
      cycleSource: 'own',
      status: 'fan', // 15 days since ≤ C_c = 15
      manualStatus: false,
      nextExpectedDay: '2024-02-15',
      recencyDays: 15,
      frequency: 3,
      monetaryCents: 6000,
      rScore: 4, // 2 of 3 have more days: 1 + floor(10/3)
      fScore: 4,
      mScore: 4,
      segment: 'loyal',
      cvm: 'retention',
    });
  });

  it('one interval uses C_w; sleeping, lost and lead', () => {
    expect(rows[1]).toMatchObject({
      cycle: 10,
      cycleSource: 'workspace',
      status: 'sleeping',
      nextExpectedDay: '2024-02-03',
    });
    expect(rows[1]).toMatchObject({
      rScore: 2,
      fScore: 2,
      mScore: 2,
      segment: 'hibernating',
      cvm: 'retention',
    });
    expect(rows[2]).toMatchObject({
      status: 'lost',
      recencyDays: 45,
      segment: 'hibernating',
      cvm: 'winback',
    });
    expect(rows[3]).toEqual({
      customerId: 4,
      purchases: 0,
      purchaseDays: 0,
      revenueCents: 0,
      firstOrderId: null,
      firstPurchaseDay: null,
      lastPurchaseDay: null,
      ownCycle: null,
      cycle: null,
      cycleSource: 'none',
      status: 'lead',
      manualStatus: false,
      nextExpectedDay: null,
      recencyDays: null,
      frequency: null,
      monetaryCents: null,
      rScore: null,
      fScore: null,
      mScore: null,
      segment: null,
      cvm: 'acquisition',
    });
  });

  it('counts by status and segment with every key present', () => {
    expect(statusCounts(cols.status)).toEqual({ lead: 1, newbie: 0, fan: 1, sleeping: 1, lost: 1 });
    expect(segmentCounts(cols.segment)).toMatchObject({ loyal: 1, hibernating: 2, champions: 0 });
  });

  it('as of a past day, later purchases do not exist', () => {
    const early = aggregateRows(recomputeAll(t, '2024-01-05', settings));
    expect(early.map((r) => r.status)).toEqual(['newbie', 'lead', 'newbie', 'lead']);
    expect(early[0]!.cycle).toBeNull(); // no interval up to A, no setting
  });

  it('the cycle setting overrides the learned C_w', () => {
    const rowsSet = aggregateRows(recomputeAll(t, '2024-02-15', { ...settings, cycle_days: 60 }));
    expect(rowsSet.map((r) => r.status)).toEqual(['fan', 'fan', 'newbie', 'lead']);
  });

  it('manual status overrides until the next purchase', () => {
    const manual = new Map<number, ManualStatus>([
      [1, { status: 'lost', day: '2024-02-01' }],
      [2, { status: 'lost', day: '2024-01-22' }], // a purchase on 01-24 clears it
    ]);
    const r = aggregateRows(recomputeAll(t, '2024-02-15', settings, { manual }));
    expect(r[0]).toMatchObject({ status: 'lost', manualStatus: true, cvm: 'winback' });
    expect(r[1]).toMatchObject({ status: 'sleeping', manualStatus: false });
  });

  it('with no purchases at all everyone is a lead and has no scores', () => {
    const r = aggregateRows(
      recomputeAll(buildPurchaseTable([], { customerIds: [1, 2] }), '2024-01-01', settings),
    );
    expect(r.map((x) => [x.status, x.segment, x.cvm])).toEqual([
      ['lead', null, 'acquisition'],
      ['lead', null, 'acquisition'],
    ]);
  });
});

describe('customerAggregates (the single-customer path the app calls on a new order)', () => {
  it('without a population (quantile mode) leaves scores unknown', () => {
    const a = customerAggregates(
      [order(9, '2024-01-01'), order(9, '2024-01-08'), order(9, '2024-01-15')],
      '2024-01-16',
      30,
      settings,
    );
    expect(a).toMatchObject({ status: 'fan', ownCycle: 7, rScore: null, segment: null, cvm: null });
  });

  it('fixed thresholds need no population', () => {
    const fixed: Settings = {
      ...settings,
      rfm_mode: 'fixed',
      rfm_thresholds: { r: [7, 14, 30, 60], f: [2, 3, 5, 10], m: [10, 20, 50, 100] },
    };
    const a = customerAggregates(
      [order(9, '2024-01-01', 2500), order(9, '2024-01-08', 2500)],
      '2024-01-10',
      30,
      fixed,
    );
    expect(a).toMatchObject({
      rScore: 5,
      fScore: 2,
      mScore: 4,
      segment: 'potential_loyalist',
      cvm: 'development',
    });
  });

  it('a lead needs its id', () => {
    expect(customerAggregates([], '2024-01-01', 30, settings, { customerId: 5 })).toMatchObject({
      customerId: 5,
      status: 'lead',
    });
    expect(() => customerAggregates([], '2024-01-01', 30, settings)).toThrow(RangeError);
    expect(() =>
      customerAggregates([order(1, '2024-01-01'), order(2, '2024-01-01')], '2024-01-01', 30, settings),
    ).toThrow(RangeError);
  });
});

const streamArb = fc
  .array(
    fc.record({
      customerId: fc.integer({ min: 1, max: 12 }),
      dayOffset: fc.integer({ min: 0, max: 300 }),
      minute: fc.nat(1439),
      amountCents: fc.integer({ min: -50, max: 20_000 }),
      status: fc.constantFrom(...ORDER_STATUSES, 'completed', 'completed'),
    }),
    { maxLength: 120 },
  )
  // Array position = arrival order (orderId); days are random, so arrival is out of order.
  .map((rows) =>
    rows.map((r, i): OrderFact => {
      const day = addDays('2024-01-01', r.dayOffset);
      return {
        orderId: i + 1,
        customerId: r.customerId,
        day,
        at: Date.parse(`${day}T00:00:00Z`) + r.minute * 60_000,
        amountCents: r.amountCents,
        status: r.status,
      };
    }),
  );

const settingsArb = fc.record({
  cycle_days: fc.option(fc.constantFrom(7, 10.5, 30), { nil: null }),
  lost_multiplier: fc.constantFrom(2, 3, 4.5),
  fixed: fc.boolean(),
});

const manualArb = fc.array(
  fc.tuple(
    fc.integer({ min: 1, max: 14 }),
    fc.constantFrom(...LIFECYCLE_STATUSES),
    fc.integer({ min: 0, max: 320 }),
    fc.option(fc.nat(86_399_999), { nil: null }),
  ),
  { maxLength: 5 },
);

/** The Definitions, literally, on plain objects: an independent oracle for the columnar pass. */
function oracle(orders: readonly OrderFact[], asOf: string, st: Settings) {
  const med = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    const m = s.length >> 1;
    return s.length === 0 ? null : s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
  };
  const dayNum = (d: string) => Date.parse(`${d}T00:00:00Z`) / 86_400_000;
  const purchases = orders.filter((o) => o.status === 'completed' && o.amountCents > 0 && o.day <= asOf);
  const byCustomer = new Map<number, number[]>();
  for (const o of purchases)
    byCustomer.set(o.customerId, [...(byCustomer.get(o.customerId) ?? []), dayNum(o.day)]);
  const intervalsOf = (days: number[]) => {
    const d = [...new Set(days)].sort((a, b) => a - b);
    return d.slice(1).map((x, i) => x - d[i]!);
  };
  const cw = st.cycle_days ?? med([...byCustomer.values()].flatMap(intervalsOf));
  return (customerId: number) => {
    const days = byCustomer.get(customerId) ?? [];
    if (days.length === 0)
      return { status: 'lead', cycle: null, recencyDays: null, frequency: null, monetaryCents: null };
    const iv = intervalsOf(days);
    const cycle = iv.length >= 2 ? med(iv) : cw;
    const last = Math.max(...days);
    const since = dayNum(asOf) - last;
    const distinct = new Set(days).size;
    const status =
      cycle === null || since <= cycle
        ? distinct === 1
          ? 'newbie'
          : 'fan'
        : since <= st.lost_multiplier * cycle
          ? 'sleeping'
          : 'lost';
    const own = purchases.filter((o) => o.customerId === customerId);
    return {
      status,
      cycle,
      recencyDays: since,
      frequency: own.length,
      monetaryCents: own.reduce((a, o) => a + o.amountCents, 0),
    };
  };
}

describe('multi-day passes = the full pass at each day', () => {
  it('statusesAtDays and workspaceCyclesAt', () => {
    fc.assert(
      fc.property(
        streamArb,
        settingsArb,
        manualArb,
        fc.uniqueArray(fc.integer({ min: -5, max: 330 }), { minLength: 1, maxLength: 6 }),
        (orders, s, marks, offsets) => {
          const st: Settings = { ...settings, cycle_days: s.cycle_days, lost_multiplier: s.lost_multiplier };
          const manual = new Map<number, ManualStatus>(
            marks.map(([id, status, day]) => [id, { status, day: addDays('2024-01-01', day) }]),
          );
          const t = buildPurchaseTable(orders, { customerIds: [13, 14] });
          const days = [...offsets].sort((a, b) => a - b).map((o) => dayToNumber(addDays('2024-01-01', o)));
          const multi = statusesAtDays(t, days, st, { manual });
          const cycles = workspaceCyclesAt(t, days, st);
          days.forEach((d, b) => {
            const full = recomputeAll(t, numberToDay(d), st, { manual });
            expect(Array.from(multi[b]!)).toEqual(Array.from(full.status));
            expect(cycles[b]!.days).toBe(full.workspaceCycle);
            expect(cycles[b]).toEqual(workspaceCycle(st, intervalHistogram(t, d)));
          });
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('full recompute = per-customer customerAggregates', () => {
  it('agrees with the literal definitions (no manual marks)', () => {
    fc.assert(
      fc.property(streamArb, settingsArb, fc.integer({ min: 0, max: 330 }), (orders, s, asOfOffset) => {
        const st: Settings = { ...settings, cycle_days: s.cycle_days, lost_multiplier: s.lost_multiplier };
        const asOf = addDays('2024-01-01', asOfOffset);
        const expected = oracle(orders, asOf, st);
        for (const row of aggregateRows(recomputeAll(buildPurchaseTable(orders), asOf, st))) {
          expect({
            status: row.status,
            cycle: row.cycle,
            recencyDays: row.recencyDays,
            frequency: row.frequency,
            monetaryCents: row.monetaryCents,
          }).toEqual(expected(row.customerId));
        }
      }),
      { numRuns: 150 },
    );
  });

  it('for random order streams with cancelled/refunded orders, out-of-order arrival and manual marks', () => {
    fc.assert(
      fc.property(
        streamArb,
        settingsArb,
        manualArb,
        fc.integer({ min: 0, max: 330 }),
        (orders, s, marks, asOfOffset) => {
          const st: Settings = {
            ...settings,
            cycle_days: s.cycle_days,
            lost_multiplier: s.lost_multiplier,
            rfm_mode: s.fixed ? 'fixed' : 'quantile',
            rfm_thresholds: s.fixed
              ? { r: [10, 30, 60, 120], f: [2, 3, 4, 6], m: [50, 100, 200, 400] }
              : null,
          };
          const asOf = addDays('2024-01-01', asOfOffset);
          const manual = new Map<number, ManualStatus>();
          for (const [id, status, day, at] of marks) {
            const d = addDays('2024-01-01', day);
            manual.set(id, { status, day: d, at: at === null ? null : Date.parse(`${d}T00:00:00Z`) + at });
          }
          const ids = [13, 14, ...orders.map((o) => o.customerId)];
          const full = recomputeAll(buildPurchaseTable(orders, { customerIds: ids }), asOf, st, { manual });
          const population = rfmPopulationOf(full);
          const rows = aggregateRows(full);
          for (const row of rows) {
            const own = orders.filter((o) => o.customerId === row.customerId);
            const single = customerAggregates(own, asOf, full.workspaceCycle, st, {
              customerId: row.customerId,
              manual: manual.get(row.customerId) ?? null,
              population,
            });
            expect(single).toEqual(row);
          }
          // The status-only pass (churn) agrees with the full pass.
          const statuses = statusesAsOf(buildPurchaseTable(orders, { customerIds: ids }), asOf, st, {
            manual,
          });
          expect(Array.from(statuses, statusOfCode)).toEqual(rows.map((r) => r.status));
        },
      ),
      { numRuns: 150 },
    );
  });
});
