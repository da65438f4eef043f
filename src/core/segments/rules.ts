/**
 * The rule model of saved segments: a list of conditions over a customer's stored facts,
 * combined with "all" (AND) or "any" (OR). Pure data plus validation: the SQL compiler
 * (storage/queries/segment-rules.ts) and the in-memory evaluator (./evaluate.ts) read the
 * same model, and a property test holds them to the same answers.
 *
 * Semantics every reader follows:
 * - A condition on a missing value (no RFM segment, no source, no purchase, no prediction)
 *   is false; its negation ("not in", "has not", "not bought") is therefore true.
 * - A rule set with no conditions matches every customer, whether "all" or "any": an empty
 *   builder shows the whole base rather than nobody.
 * - "last purchase N days ago" counts whole days back from the day the segment is read
 *   (`asOf`, the workspace's today), so "30–60 days ago" moves with the calendar.
 */
import { z } from 'zod';
import { RFM_SEGMENTS } from '../analytics/rfm.ts';
import { addDays, type Day, isDay } from '../day.ts';
import { AppError } from '../errors.ts';
import { LIFECYCLE_STATUSES } from '../types.ts';

export const CHURN_RISKS = ['low', 'medium', 'high'] as const;
export type ChurnRisk = (typeof CHURN_RISKS)[number];

export const RULE_FIELDS = [
  'status',
  'rfm_segment',
  'r_score',
  'f_score',
  'spent',
  'purchases',
  'last_purchase_days_ago',
  'last_purchase_on',
  'category',
  'source',
  'tag',
  'manager',
  'birthday_month',
  'churn_risk',
  'recommended',
] as const;
export type RuleField = (typeof RULE_FIELDS)[number];

/** Conditions per rule set: more is a sign of a mistake and makes an unreadable query. */
export const MAX_CONDITIONS = 30;

const SetOp = z.enum(['in', 'not_in']);
const Score = z.number().int().min(1).max(5);
const Count = z.number().int().min(0).max(1_000_000);
const Decimal = z.string().regex(/^-?\d{1,16}(\.\d{1,2})?$/, 'a decimal such as 1500 or 1500.50');
const DayValue = z.string().refine(isDay, 'a calendar day YYYY-MM-DD');
const Name = z.string().trim().min(1).max(200);

type Range<T> = { min?: T | undefined; max?: T | undefined };

/** A range needs one end at least, and its ends in order. */
function checkRange<T>(cmp: (a: T, b: T) => number) {
  return (r: Range<T>, ctx: z.RefinementCtx) => {
    if (r.min === undefined && r.max === undefined) {
      ctx.addIssue({ code: 'custom', path: ['min'], message: 'give min, max or both' });
    } else if (r.min !== undefined && r.max !== undefined && cmp(r.min, r.max) > 0) {
      ctx.addIssue({ code: 'custom', path: ['max'], message: 'max is below min' });
    }
  };
}
const numCmp = (a: number, b: number) => a - b;
const decCmp = (a: string, b: string) => Number(a) - Number(b);

const scoreRange = <F extends 'r_score' | 'f_score'>(field: F) =>
  z
    .object({ field: z.literal(field), min: Score.optional(), max: Score.optional() })
    .superRefine(checkRange(numCmp));

export const Condition = z.discriminatedUnion('field', [
  z.object({
    field: z.literal('status'),
    op: SetOp,
    values: z.array(z.enum(LIFECYCLE_STATUSES)).min(1).max(LIFECYCLE_STATUSES.length),
  }),
  z.object({
    field: z.literal('rfm_segment'),
    op: SetOp,
    values: z.array(z.enum(RFM_SEGMENTS)).min(1).max(RFM_SEGMENTS.length),
  }),
  scoreRange('r_score'),
  scoreRange('f_score'),
  z
    .object({ field: z.literal('spent'), min: Decimal.optional(), max: Decimal.optional() })
    .superRefine(checkRange(decCmp)),
  z
    .object({ field: z.literal('purchases'), min: Count.optional(), max: Count.optional() })
    .superRefine(checkRange(numCmp)),
  z
    .object({
      field: z.literal('last_purchase_days_ago'),
      min: z.number().int().min(0).max(36_500).optional(),
      max: z.number().int().min(0).max(36_500).optional(),
    })
    .superRefine(checkRange(numCmp)),
  z
    .object({ field: z.literal('last_purchase_on'), min: DayValue.optional(), max: DayValue.optional() })
    .superRefine(checkRange((a: string, b: string) => a.localeCompare(b))),
  z.object({ field: z.literal('category'), op: z.enum(['bought', 'not_bought']), value: Name }),
  z.object({ field: z.literal('source'), op: SetOp, values: z.array(Name).min(1).max(50) }),
  z.object({
    field: z.literal('tag'),
    op: z.enum(['has', 'has_not']),
    value: z.string().trim().min(1).max(100),
  }),
  z.object({
    field: z.literal('manager'),
    op: SetOp,
    values: z
      .array(z.number().int().positive().nullable())
      .min(1)
      .max(100)
      .describe('staff ids; null means "no manager"'),
  }),
  z.object({
    field: z.literal('birthday_month'),
    values: z.array(z.number().int().min(1).max(12)).min(1).max(12),
  }),
  z.object({
    field: z.literal('churn_risk'),
    values: z.array(z.enum(CHURN_RISKS)).min(1).max(CHURN_RISKS.length),
  }),
  z.object({ field: z.literal('recommended'), value: Name }),
]);
export type Condition = z.infer<typeof Condition>;

export const RuleSet = z.object({
  match: z.enum(['all', 'any']),
  conditions: z.array(Condition).max(MAX_CONDITIONS),
});
export type RuleSet = z.infer<typeof RuleSet>;

export interface RuleProblem {
  path: string;
  message: string;
}

/** Parses and checks a rule set; problems carry paths like `conditions.2.max`. */
export function validateRuleSet(
  input: unknown,
): { ok: true; value: RuleSet } | { ok: false; problems: RuleProblem[] } {
  const r = RuleSet.safeParse(input);
  if (r.success) return { ok: true, value: r.data };
  return {
    ok: false,
    problems: r.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })),
  };
}

/** Like validateRuleSet, but throws `validation_failed` with the paths under `prefix`. */
export function parseRuleSet(input: unknown, prefix = 'rules'): RuleSet {
  const r = validateRuleSet(input);
  if (r.ok) return r.value;
  const details = r.problems.map((p) => ({
    path: p.path ? `${prefix}.${p.path}` : prefix,
    message: p.message,
  }));
  throw new AppError('validation_failed', details.map((d) => `${d.path}: ${d.message}`).join('; '), details);
}

/**
 * "Last purchase between min and max days ago" as an inclusive range of purchase days:
 * the one translation both the SQL and the in-memory reader use.
 */
export function daysAgoWindow(
  c: { min?: number | undefined; max?: number | undefined },
  asOf: Day,
): { from?: Day; to?: Day } {
  return {
    ...(c.max !== undefined ? { from: addDays(asOf, -c.max) } : {}),
    ...(c.min !== undefined ? { to: addDays(asOf, -c.min) } : {}),
  };
}

/** Whether the rule set reads predictions (so a caller can say "predictions not computed yet"). */
export function usesPredictions(rules: RuleSet): boolean {
  return rules.conditions.some((c) => c.field === 'churn_risk' || c.field === 'recommended');
}
