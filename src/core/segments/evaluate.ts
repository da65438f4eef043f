/**
 * Reads a rule set against one customer in memory: the reference meaning of the rules.
 * The SQL compiler must agree with it (test/core/segments/sql-agrees.test.ts).
 */
import type { Day } from '../day.ts';
import { decimalToCents } from '../types.ts';
import { type Condition, daysAgoWindow, type RuleSet } from './rules.ts';

/** The facts of a customer a rule can look at. */
export interface SegmentSubject {
  status: string;
  rfmSegment: string | null;
  rScore: number | null;
  fScore: number | null;
  /** Lifetime spend, exact decimal string. */
  revenue: string;
  purchases: number;
  lastPurchaseOn: Day | null;
  /** Names of categories in the customer's purchases (completed orders with an amount). */
  categories: readonly string[];
  source: string | null;
  tags: readonly string[];
  managerId: number | null;
  birthday: Day | null;
  churnRisk: string | null;
  /** Items recommended to the customer. */
  recommended: readonly string[];
}

function inRange<T>(
  v: T | null,
  min: T | undefined,
  max: T | undefined,
  lte: (a: T, b: T) => boolean,
): boolean {
  if (v === null) return false;
  return (min === undefined || lte(min, v)) && (max === undefined || lte(v, max));
}
const numLte = (a: number, b: number) => a <= b;
const dayLte = (a: string, b: string) => a <= b;

function inSet<T>(op: 'in' | 'not_in', value: T | null, values: readonly T[]): boolean {
  const hit = value !== null && values.includes(value);
  return op === 'in' ? hit : !hit;
}

export function matchesCondition(c: Condition, s: SegmentSubject, asOf: Day): boolean {
  switch (c.field) {
    case 'status':
      return inSet(c.op, s.status, c.values);
    case 'rfm_segment':
      return inSet(c.op, s.rfmSegment, c.values);
    case 'r_score':
      return inRange(s.rScore, c.min, c.max, numLte);
    case 'f_score':
      return inRange(s.fScore, c.min, c.max, numLte);
    case 'spent':
      return inRange(
        decimalToCents(s.revenue),
        c.min === undefined ? undefined : decimalToCents(c.min),
        c.max === undefined ? undefined : decimalToCents(c.max),
        numLte,
      );
    case 'purchases':
      return inRange(s.purchases, c.min, c.max, numLte);
    case 'last_purchase_days_ago': {
      const w = daysAgoWindow(c, asOf);
      return inRange(s.lastPurchaseOn, w.from, w.to, dayLte);
    }
    case 'last_purchase_on':
      return inRange(s.lastPurchaseOn, c.min, c.max, dayLte);
    case 'category': {
      const bought = s.categories.includes(c.value);
      return c.op === 'bought' ? bought : !bought;
    }
    case 'source':
      return inSet(c.op, s.source, c.values);
    case 'tag': {
      const has = s.tags.includes(c.value);
      return c.op === 'has' ? has : !has;
    }
    case 'manager': {
      const hit = c.values.includes(s.managerId);
      return c.op === 'in' ? hit : !hit;
    }
    case 'birthday_month':
      return s.birthday !== null && c.values.includes(Number(s.birthday.slice(5, 7)));
    case 'churn_risk':
      return s.churnRisk !== null && (c.values as readonly string[]).includes(s.churnRisk);
    case 'recommended':
      return s.recommended.includes(c.value);
  }
}

export function matchesRules(rules: RuleSet, s: SegmentSubject, asOf: Day): boolean {
  if (rules.conditions.length === 0) return true;
  return rules.match === 'all'
    ? rules.conditions.every((c) => matchesCondition(c, s, asOf))
    : rules.conditions.some((c) => matchesCondition(c, s, asOf));
}
