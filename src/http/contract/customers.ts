import { z } from '@hono/zod-openapi';
import { isDay } from '../../core/day.ts';
import { CHURN_RISKS, RuleSet } from '../../core/segments/rules.ts';
import { DateTimeString, DayString, DecimalString, ManagerRef, Money } from './common.ts';
import { Order } from './orders.ts';
import { CustomerPrediction, CustomerRecommendation } from './predictions.ts';

export const LIFECYCLE_STATUSES = ['lead', 'newbie', 'fan', 'sleeping', 'lost'] as const;
export const RFM_SEGMENTS = [
  'champions',
  'loyal',
  'potential_loyalist',
  'new',
  'promising',
  'need_attention',
  'about_to_sleep',
  'at_risk',
  'cant_lose',
  'hibernating',
] as const;
export const CVM_STAGES = ['acquisition', 'onboarding', 'development', 'retention', 'winback'] as const;
export const IDENTIFIER_KINDS = ['external', 'phone', 'email', 'telegram', 'whatsapp', 'vk', 'max'] as const;
export const SORT_FIELDS = [
  'id',
  'name',
  'revenue',
  'purchases',
  'last_purchase_on',
  'next_expected_on',
  'predicted_clv',
  'p_alive',
] as const;
export const CUSTOMER_SORTS = SORT_FIELDS.flatMap((f) => [f, `-${f}`]) as [string, ...string[]];

const csvOf = <T extends readonly [string, ...string[]]>(values: T, example: string) =>
  z
    .string()
    .transform((s) =>
      s
        .split(',')
        .map((x) => x.trim())
        .filter((x) => x !== ''),
    )
    .pipe(z.array(z.enum(values)))
    .openapi({ type: 'string', description: `comma-separated: ${values.join(', ')}`, example });

const scoresOf = (example: string) =>
  z
    .string()
    .transform((s) =>
      s
        .split(',')
        .map((x) => x.trim())
        .filter((x) => x !== '')
        .map(Number),
    )
    .pipe(z.array(z.number().int().min(1).max(5)))
    .openapi({ type: 'string', description: 'RFM score 1–5, or several comma-separated', example });

/** A day filter: a real calendar day (2025-02-30 is refused here, not by the database). */
const CalendarDay = DayString.refine(isDay, 'a calendar day YYYY-MM-DD');

/** A rule set as URL-encoded JSON (a link to an unsaved segment). */
const RulesParam = z
  .string()
  .max(8000)
  .transform((s, ctx) => {
    try {
      return JSON.parse(s) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'not JSON' });
      return z.NEVER;
    }
  })
  .pipe(RuleSet)
  .openapi({
    type: 'string',
    description: 'a rule set as JSON, as in POST /api/saved-segments (ANDed with the other filters)',
    example: '{"match":"all","conditions":[{"field":"status","op":"in","values":["sleeping"]}]}',
  });

/** The filters of the list, shared by the page, the CSV export and bulk actions. */
export const CustomerFilterQuery = z.object({
  q: z.string().max(200).optional().openapi({
    description:
      'search: a phone in any spelling, an e-mail, an id, an external or messenger id, or the starts of words of the name ("ив петр" finds "Петров Иван"; any case, ё = е)',
    example: '+7 912 345-67-89',
  }),
  status: csvOf(LIFECYCLE_STATUSES, 'sleeping,lost').optional(),
  rfm_segment: csvOf(RFM_SEGMENTS, 'at_risk,cant_lose').optional(),
  cvm_stage: csvOf(CVM_STAGES, 'retention').optional(),
  manager_id: z
    .union([z.literal('none'), z.coerce.number().int().positive()])
    .optional()
    .openapi({ type: 'string', description: 'staff id of the assigned manager, or "none"', example: '3' }),
  tag: z.string().max(100).optional(),
  source: z.string().max(200).optional(),
  spent_min: DecimalString.optional(),
  spent_max: DecimalString.optional(),
  purchases_min: z.coerce.number().int().min(0).optional(),
  purchases_max: z.coerce.number().int().min(0).optional(),
  last_purchase_before: CalendarDay.optional().openapi({
    description: 'last purchase strictly before this day',
  }),
  last_purchase_after: CalendarDay.optional().openapi({
    description: 'last purchase strictly after this day',
  }),
  birthday_month: z.coerce.number().int().min(1).max(12).optional(),
  category: z
    .string()
    .max(200)
    .optional()
    .openapi({ description: 'bought something of this category (name)' }),
  r: scoresOf('5').optional(),
  f: scoresOf('4,5').optional(),
  next_expected_from: CalendarDay.optional().openapi({
    description: 'next expected purchase on or after this day',
  }),
  next_expected_to: CalendarDay.optional().openapi({
    description: 'next expected purchase on or before this day',
  }),
  status_since_from: CalendarDay.optional().openapi({
    description: 'status changed on or after this day (with status=sleeping: newly sleeping)',
  }),
  churn_risk: csvOf(CHURN_RISKS, 'high').optional().openapi({ description: 'predicted churn risk' }),
  recommended: z
    .string()
    .max(200)
    .optional()
    .openapi({ description: 'this item is among the customer’s recommendations' }),
  segment: z.coerce
    .number()
    .int()
    .positive()
    .optional()
    .openapi({ description: 'id of a saved segment whose rules also apply' }),
  rules: RulesParam.optional(),
  sort: z
    .enum(CUSTOMER_SORTS)
    .default('id')
    .openapi({ description: 'field, or -field for descending; nulls last; ties broken by id' }),
});

export const CustomerListQuery = CustomerFilterQuery.extend({
  cursor: z.string().max(500).optional().openapi({ description: 'next_cursor of the previous page' }),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  include_total: z
    .enum(['true', 'false'])
    .optional()
    .transform((v) => v === 'true')
    .openapi({ type: 'string', description: 'also count every match (`total`); one more query' }),
});

export const CustomerSummary = z
  .object({
    id: z.number().int(),
    name: z.string().nullable(),
    phone: z.string().nullable(),
    email: z.string().nullable(),
    status: z.string(),
    rfm_segment: z.string().nullable(),
    cvm_stage: z.string().nullable(),
    r: z.number().int().nullable(),
    f: z.number().int().nullable(),
    m: z.number().int().nullable(),
    purchases: z.number().int(),
    revenue: Money,
    first_purchase_on: DayString.nullable(),
    last_purchase_on: DayString.nullable(),
    next_expected_on: DayString.nullable(),
    cycle_days: z.number().nullable(),
    manager_id: z.number().int().nullable(),
    tags: z.array(z.string()),
    source: z.string().nullable(),
    birthday: DayString.nullable(),
    p_alive: z.number().nullable().openapi({ description: 'probability the customer is still active (0–1)' }),
    predicted_clv: Money.nullable(),
    churn_risk: z.enum(CHURN_RISKS).nullable(),
  })
  .openapi('CustomerSummary');

export const CustomerPage = z
  .object({
    items: z.array(CustomerSummary),
    next_cursor: z.string().nullable(),
    total: z.number().int().nullable().openapi({ description: 'every match, when include_total=true' }),
  })
  .openapi('CustomerPage');

export const Identifier = z
  .object({ kind: z.enum(IDENTIFIER_KINDS), value: z.string().min(1).max(320) })
  .openapi('Identifier');

export const StatusChange = z
  .object({ from: z.string().nullable(), to: z.string(), on: DayString, reason: z.string() })
  .openapi('StatusChange');

export const TimelineItem = z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('order'), at: DateTimeString, order: Order }),
    z.object({ type: z.literal('status_change'), at: DateTimeString, change: StatusChange }),
    z.object({
      type: z.literal('event'),
      at: DateTimeString,
      event: z.object({ id: z.number().int(), type: z.string(), data: z.record(z.string(), z.unknown()) }),
    }),
    z.object({
      type: z.literal('note'),
      at: DateTimeString,
      note: z.object({
        id: z.number().int(),
        body: z.string(),
        author: z.string(),
        edited_at: DateTimeString.nullable(),
      }),
    }),
    z.object({
      type: z.literal('task'),
      at: DateTimeString.openapi({ description: 'when the task was done' }),
      task: z.object({ id: z.number().int(), title: z.string(), done_by: z.string().nullable() }),
    }),
  ])
  .openapi('TimelineItem');

export const CustomerCard = z
  .object({
    id: z.number().int(),
    name: z.string().nullable(),
    birthday: DayString.nullable(),
    gender: z.string().nullable(),
    need: z.string().nullable(),
    source: z.string().nullable(),
    preferred_channel: z.string().nullable(),
    tags: z.array(z.string()),
    custom: z.record(z.string(), z.unknown()),
    manager: ManagerRef.nullable(),
    identifiers: z.array(Identifier),
    status: z.object({
      current: z.string(),
      since: DayString.nullable(),
      manual: z.string().nullable(),
      history: z.array(StatusChange),
    }),
    rfm: z.object({
      recency_days: z.number().int().nullable(),
      r: z.number().int().nullable(),
      f: z.number().int().nullable(),
      m: z.number().int().nullable(),
      segment: z.string().nullable(),
    }),
    cvm_stage: z.string().nullable(),
    purchases: z.object({
      count: z.number().int(),
      days: z.number().int(),
      revenue: Money,
      first_on: DayString.nullable(),
      last_on: DayString.nullable(),
    }),
    cycle: z.object({
      own_days: z.number().nullable(),
      days: z.number().nullable(),
      next_expected_on: DayString.nullable(),
    }),
    aggregates_as_of: DayString.nullable(),
    created_at: DateTimeString,
    updated_at: DateTimeString,
    timeline: z.array(TimelineItem),
    timeline_truncated: z.boolean(),
    prediction: CustomerPrediction.nullable().openapi({
      description: 'from the last refit; null before the first purchase or the first refit',
    }),
    recommendations: z
      .array(CustomerRecommendation)
      .openapi({ description: 'next services to offer, best first' }),
  })
  .openapi('CustomerCard');

const profile = {
  name: z.string().max(300).nullable().optional(),
  birthday: DayString.nullable().optional(),
  gender: z.enum(['female', 'male', 'other']).nullable().optional(),
  need: z.string().max(2000).nullable().optional(),
  source: z.string().max(200).nullable().optional(),
  preferred_channel: z
    .enum(['email', 'sms', 'telegram', 'whatsapp', 'vk', 'max', 'phone'])
    .nullable()
    .optional(),
  manager_id: z.number().int().positive().nullable().optional(),
  tags: z.array(z.string().min(1).max(100)).max(100).optional(),
  custom: z.record(z.string(), z.unknown()).optional(),
  phone: z.string().max(100).optional().openapi({ description: 'any spelling; stored in E.164' }),
  email: z.string().max(320).optional(),
  external_id: z.string().max(200).optional(),
};

export const CustomerCreate = z
  .object({ ...profile, identifiers: z.array(Identifier).max(50).optional() })
  .openapi('CustomerCreate');

export const CustomerPatch = z
  .object({
    ...profile,
    identifiers: z.array(Identifier).max(50).optional().openapi({ description: 'identifiers to add' }),
    remove_identifiers: z.array(Identifier).max(50).optional(),
  })
  .openapi('CustomerPatch');

export const MergeRequest = z
  .object({ into: z.number().int().positive().openapi({ description: 'the customer who stays' }) })
  .openapi('MergeRequest');

export const MergeResult = z
  .object({
    merge_id: z.number().int(),
    survivor_id: z.number().int(),
    merged_id: z.number().int(),
    moved: z.object({
      orders: z.array(z.number().int()),
      identifiers: z.array(z.object({ kind: z.string(), value: z.string() })),
      events: z.array(z.number().int()),
      filled: z.record(z.string(), z.unknown()),
      tags_added: z.array(z.string()),
    }),
  })
  .openapi('MergeResult');

export const UndoResult = z
  .object({ merge_id: z.number().int(), survivor_id: z.number().int(), restored_id: z.number().int() })
  .openapi('UndoMergeResult');

export const MergeIdParam = z.object({
  mergeId: z.coerce
    .number()
    .int()
    .positive()
    .openapi({ param: { name: 'mergeId', in: 'path' }, example: 7 }),
});

export type CustomerSummaryJson = z.infer<typeof CustomerSummary>;
export type CustomerCardJson = z.infer<typeof CustomerCard>;
