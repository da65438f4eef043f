import { describe, expect, it } from 'vitest';
import {
  isReturn,
  lifecycleStatus,
  statusChangeReason,
  statusFromPurchases,
} from '../../../src/core/analytics/lifecycle.ts';
import { addDays } from '../../../src/core/day.ts';
import type { LifecycleStatus } from '../../../src/core/types.ts';

describe('lifecycle status as of A', () => {
  // C_c = 30, L = 3: newbie/fan ≤ 30 days, sleeping 31..90, lost ≥ 91.
  it.each([
    [0, null, 'lead'],
    [1, 0, 'newbie'],
    [1, 30, 'newbie'],
    [1, 31, 'sleeping'],
    [1, 90, 'sleeping'],
    [1, 91, 'lost'],
    [2, 0, 'fan'],
    [2, 30, 'fan'],
    [5, 31, 'sleeping'],
    [5, 90, 'sleeping'],
    [5, 91, 'lost'],
  ] as const)('%s purchase days, %s days since the last → %s', (days, since, expected) => {
    expect(statusFromPurchases(days, since, 30, 3)).toBe(expected);
  });

  it('a fractional cycle: days since = C_c is within, L × C_c is still sleeping', () => {
    expect(statusFromPurchases(2, 10, 10.5, 3)).toBe('fan');
    expect(statusFromPurchases(2, 11, 10.5, 3)).toBe('sleeping');
    expect(statusFromPurchases(2, 31, 10.5, 3)).toBe('sleeping'); // 31 ≤ 31.5
    expect(statusFromPurchases(2, 32, 10.5, 3)).toBe('lost');
  });

  it('the as-of day on a purchase day: days since = 0', () => {
    expect(
      lifecycleStatus({
        asOf: '2024-05-01',
        purchaseDays: 1,
        lastPurchaseDay: '2024-05-01',
        cycle: 1,
        lostMultiplier: 3,
      }),
    ).toEqual({ status: 'newbie', manual: false });
  });

  it('the lost multiplier is a setting', () => {
    expect(statusFromPurchases(3, 50, 20, 2)).toBe('lost');
    expect(statusFromPurchases(3, 50, 20, 3)).toBe('sleeping');
  });
});

describe('manual status', () => {
  const base = { purchaseDays: 3, lastPurchaseDay: '2024-03-01', cycle: 30, lostMultiplier: 3 };
  const manual = { status: 'lost' as LifecycleStatus, day: '2024-03-05' };

  it('overrides from the day it is set while there is no purchase after it', () => {
    expect(lifecycleStatus({ ...base, asOf: '2024-03-05', manual })).toEqual({
      status: 'lost',
      manual: true,
    });
    expect(lifecycleStatus({ ...base, asOf: '2024-06-01', manual })).toEqual({
      status: 'lost',
      manual: true,
    });
  });

  it('does not exist before the day it is set', () => {
    expect(lifecycleStatus({ ...base, asOf: '2024-03-04', manual })).toEqual({
      status: 'fan',
      manual: false,
    });
  });

  it('a purchase after it clears it', () => {
    expect(lifecycleStatus({ ...base, asOf: '2024-03-10', lastPurchaseDay: '2024-03-06', manual })).toEqual({
      status: 'fan',
      manual: false,
    });
  });

  it('a purchase on the same day clears it only when it is known to be later', () => {
    const sameDay = { ...base, asOf: '2024-03-10', lastPurchaseDay: '2024-03-05' };
    expect(lifecycleStatus({ ...sameDay, lastPurchaseAt: 2000, manual }).manual).toBe(true);
    expect(
      lifecycleStatus({ ...sameDay, lastPurchaseAt: 2000, manual: { ...manual, at: 1000 } }).manual,
    ).toBe(false);
    expect(lifecycleStatus({ ...sameDay, lastPurchaseAt: 500, manual: { ...manual, at: 1000 } }).manual).toBe(
      true,
    );
  });

  it('applies to a lead too', () => {
    expect(
      lifecycleStatus({
        asOf: '2024-03-10',
        purchaseDays: 0,
        lastPurchaseDay: null,
        cycle: 30,
        lostMultiplier: 3,
        manual: { status: 'lost', day: addDays('2024-03-10', -1) },
      }),
    ).toEqual({ status: 'lost', manual: true });
  });
});

describe('status change reasons and returns', () => {
  it.each([
    ['fan', 'fan', {}, null],
    ['fan', 'lost', { manual: true }, 'manual'],
    ['sleeping', 'fan', { purchase: true }, 'purchase'],
    ['lead', 'newbie', { purchase: true }, 'purchase'],
    ['fan', 'sleeping', {}, 'cycle_passed'],
    ['newbie', 'lost', {}, 'cycle_passed'],
    ['sleeping', 'lost', {}, 'cycle_passed'],
    ['sleeping', 'fan', {}, 'recalculated'],
    ['newbie', 'lead', {}, 'recalculated'],
  ] as const)('%s → %s with %j: %s', (from, to, cause, expected) => {
    expect(statusChangeReason(from, to, cause)).toBe(expected);
  });

  it.each([
    ['lead', false],
    ['newbie', false],
    ['fan', false],
    ['sleeping', true],
    ['lost', true],
  ] as const)('a purchase after %s is a return: %s', (status, expected) => {
    expect(isReturn(status)).toBe(expected);
  });
});
