/**
 * Targets tracked against actuals (C3: "+10 % repeat purchases in a year").
 *
 * A target is a KPI value to reach by a deadline (inclusive). Every KPI is "more is better",
 * so a target is reached when actual ≥ value. Money KPIs are in cents like the KPIs.
 * - gap = value − actual (> 0: still to go; ≤ 0: reached, by −gap); null when actual is null;
 * - daysLeft = days from A to the deadline (0 on the deadline, negative after it);
 * - state: `reached`, else `open` while A ≤ deadline, else `missed`.
 */
import type { Day } from '../day.ts';
import { daysBetween } from '../day.ts';
import type { KpiKey, Kpis } from './kpis.ts';

export interface Target {
  metric: KpiKey;
  value: number;
  deadline: Day;
}

export interface TargetProgress {
  metric: KpiKey;
  target: number;
  actual: number | null;
  reached: boolean;
  gap: number | null;
  /** actual / target; null when either is null or the target is 0. */
  progress: number | null;
  daysLeft: number;
  state: 'reached' | 'open' | 'missed';
}

/** Compare a target with the actual KPIs as of `asOf`. */
export function evaluateTarget(target: Target, actual: Kpis, asOf: Day): TargetProgress {
  const value = actual[target.metric];
  const reached = value !== null && value >= target.value;
  const daysLeft = daysBetween(asOf, target.deadline);
  return {
    metric: target.metric,
    target: target.value,
    actual: value,
    reached,
    gap: value === null ? null : target.value - value,
    progress: value === null || target.value === 0 ? null : value / target.value,
    daysLeft,
    state: reached ? 'reached' : daysLeft >= 0 ? 'open' : 'missed',
  };
}

/**
 * A target relative to a baseline: `changeShare` 0.1 = "+10 %". Null when the baseline value
 * is null (e.g. a ratio over an empty period).
 */
export function relativeTarget(
  metric: KpiKey,
  baseline: Kpis,
  changeShare: number,
  deadline: Day,
): Target | null {
  const base = baseline[metric];
  return base === null ? null : { metric, value: base * (1 + changeShare), deadline };
}
