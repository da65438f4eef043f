/**
 * Saved-segment rules → one SQL boolean over `customers c`, parameterised only (every value
 * goes through `p`, never into the text); `$1` is the workspace, as in every list query. Each condition compiles to an expression that is
 * never NULL (COALESCE(..., false)), so NOT and OR read exactly as the in-memory evaluator
 * (core/segments/evaluate.ts): a missing value fails a condition and passes its negation.
 * Prediction and purchase conditions are EXISTS subqueries: the compiled text needs no join
 * and works the same in a page query, a count, an export and a bulk UPDATE.
 */
import type { Day } from '../../core/day.ts';
import { type Condition, daysAgoWindow, type RuleSet } from '../../core/segments/rules.ts';

/** Adds a parameter and returns its placeholder ($n). */
export type Param = (value: unknown) => string;

/**
 * Whether customer `c` bought a category named by the placeholder `name`. The category id is
 * looked up once (an InitPlan on `$1`, the workspace, as in every query of the list), so the
 * per-customer probe is the orders index plus the order's lines.
 */
export function boughtCategorySql(name: string): string {
  return `EXISTS (SELECT 1 FROM orders o
        JOIN order_lines l ON l.workspace_id = o.workspace_id AND l.order_id = o.id
       WHERE o.workspace_id = $1 AND o.customer_id = c.id AND o.status = 'completed' AND o.amount > 0
         AND l.category_id = (SELECT k.id FROM categories k WHERE k.workspace_id = $1 AND k.name = ${name}))`;
}

export function churnRiskSql(values: string): string {
  return `EXISTS (SELECT 1 FROM customer_predictions cpr
       WHERE cpr.workspace_id = c.workspace_id AND cpr.customer_id = c.id AND cpr.churn_risk = ANY(${values}::text[]))`;
}

export function recommendedSql(item: string): string {
  return `EXISTS (SELECT 1 FROM customer_recommendations cre
       WHERE cre.workspace_id = c.workspace_id AND cre.customer_id = c.id AND cre.item = ${item})`;
}

function range(expr: string, cast: string, min: unknown, max: unknown, p: Param): string {
  const parts: string[] = [];
  if (min !== undefined) parts.push(`${expr} >= ${p(min)}::${cast}`);
  if (max !== undefined) parts.push(`${expr} <= ${p(max)}::${cast}`);
  return `COALESCE(${parts.join(' AND ')}, false)`;
}

function set(expr: string, cast: string, op: 'in' | 'not_in', values: readonly unknown[], p: Param): string {
  const hit = `COALESCE(${expr} = ANY(${p(values)}::${cast}[]), false)`;
  return op === 'in' ? hit : `NOT ${hit}`;
}

export function compileCondition(c: Condition, asOf: Day, p: Param): string {
  switch (c.field) {
    case 'status':
      return set('c.status', 'text', c.op, c.values, p);
    case 'rfm_segment':
      return set('c.rfm_segment', 'text', c.op, c.values, p);
    case 'r_score':
      return range('c.r_score', 'int', c.min, c.max, p);
    case 'f_score':
      return range('c.f_score', 'int', c.min, c.max, p);
    case 'spent':
      return range('c.revenue', 'numeric', c.min, c.max, p);
    case 'purchases':
      return range('c.purchases', 'int', c.min, c.max, p);
    case 'last_purchase_days_ago': {
      const w = daysAgoWindow(c, asOf);
      return range('c.last_purchase_on', 'date', w.from, w.to, p);
    }
    case 'last_purchase_on':
      return range('c.last_purchase_on', 'date', c.min, c.max, p);
    case 'category': {
      const bought = boughtCategorySql(p(c.value));
      return c.op === 'bought' ? bought : `NOT ${bought}`;
    }
    case 'source':
      return set('c.source', 'text', c.op, c.values, p);
    case 'tag': {
      const has = `c.tags @> ARRAY[${p(c.value)}::text]`;
      return c.op === 'has' ? has : `NOT ${has}`;
    }
    case 'manager': {
      const ids = c.values.filter((v): v is number => v !== null);
      const parts: string[] = [];
      if (ids.length > 0) parts.push(`COALESCE(c.manager_id = ANY(${p(ids)}::bigint[]), false)`);
      if (ids.length < c.values.length) parts.push('c.manager_id IS NULL');
      const hit = `(${parts.join(' OR ')})`;
      return c.op === 'in' ? hit : `NOT ${hit}`;
    }
    case 'birthday_month':
      return `COALESCE(extract(month FROM c.birthday)::int = ANY(${p(c.values)}::int[]), false)`;
    case 'churn_risk':
      return churnRiskSql(p(c.values));
    case 'recommended':
      return recommendedSql(p(c.value));
  }
}

/** The rule set as one parenthesised boolean; no conditions = `true` (everyone). */
export function compileRuleSet(rules: RuleSet, asOf: Day, p: Param): string {
  if (rules.conditions.length === 0) return 'true';
  const parts = rules.conditions.map((c) => `(${compileCondition(c, asOf, p)})`);
  return `(${parts.join(rules.match === 'all' ? ' AND ' : ' OR ')})`;
}
