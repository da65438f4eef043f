import { describe, expect, test } from 'vitest';
import { dashboardPeriods, shiftMonthsClamped } from '../../src/core/dashboard-periods.ts';

describe('dashboard periods', () => {
  test('shifts months keeping the day, clamped to the month end', () => {
    expect(shiftMonthsClamped('2026-01-31', 1)).toBe('2026-02-28');
    expect(shiftMonthsClamped('2024-01-31', 1)).toBe('2024-02-29');
    expect(shiftMonthsClamped('2026-05-31', -3)).toBe('2026-02-28');
    expect(shiftMonthsClamped('2026-03-15', -14)).toBe('2025-01-15');
    expect(shiftMonthsClamped('2026-12-01', 1)).toBe('2027-01-01');
    expect(() => shiftMonthsClamped('2026-02-30', 1)).toThrow(RangeError);
  });

  test('the last n months up to today, the same length before, a 12-month trend', () => {
    expect(dashboardPeriods('2026-05-30', 3)).toEqual({
      current: { from: '2026-02-28', to: '2026-05-31' },
      previous: { from: '2025-11-28', to: '2026-02-28' },
      trend: { from: '2025-06-01', to: '2026-06-01' },
    });
    expect(dashboardPeriods('2026-03-31', 1)).toEqual({
      current: { from: '2026-03-01', to: '2026-04-01' },
      previous: { from: '2026-02-01', to: '2026-03-01' },
      trend: { from: '2025-04-01', to: '2026-04-01' },
    });
    expect(dashboardPeriods('2026-12-31', 12).current).toEqual({ from: '2026-01-01', to: '2027-01-01' });
  });
});
