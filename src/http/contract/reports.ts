import { z } from '@hono/zod-openapi';
import { DayString, Money } from './common.ts';

export const PeriodQuery = z.object({
  from: DayString.openapi({ description: 'first day of the period' }),
  to: DayString.openapi({ description: 'the day after the period (exclusive)' }),
  as_of: DayString.optional().openapi({ description: 'count purchases up to this day (default today)' }),
});

export const AsOfQuery = z.object({ as_of: DayString.optional() });

export const Kpis = z
  .object({
    orders: z.number().int(),
    revenue: Money,
    primary_orders: z.number().int(),
    repeat_orders: z.number().int(),
    repeat_share_orders: z.number().nullable(),
    primary_revenue: Money,
    repeat_revenue: Money,
    repeat_share_revenue: z.number().nullable(),
    unique_customers: z.number().int(),
    new_customers: z.number().int(),
    repeat_customers: z.number().int(),
    repeat_purchase_rate: z.number().nullable(),
    purchase_frequency: z.number().nullable(),
    aov: Money.nullable(),
    customer_value: Money.nullable(),
  })
  .openapi('Kpis');

export const TargetProgress = z
  .object({
    metric: z.string(),
    target: z.number(),
    actual: z.number().nullable().openapi({ description: 'money metrics in major units' }),
    deadline: DayString,
    state: z.enum(['reached', 'open', 'missed']),
    progress: z.number().nullable(),
    days_left: z.number().int(),
  })
  .openapi('TargetProgress');

export const KpiReport = z
  .object({
    from: DayString,
    to: DayString,
    as_of: DayString,
    kpis: Kpis,
    anonymous: z.object({ orders: z.number().int(), revenue: Money }),
    ltv: z.object({
      ltv: Money.nullable(),
      ac: Money.nullable(),
      n: z.number().nullable(),
      p: z.number(),
      p_source: z.enum(['costs', 'setting']),
      t: z.number().nullable(),
      monthly_churn: z.number().nullable(),
      months: z.number(),
    }),
    targets: z.array(TargetProgress),
  })
  .openapi('KpiReport');

export const TrendReport = z
  .object({
    from: DayString,
    to: DayString,
    as_of: DayString,
    months: z.array(z.object({ month: z.string(), from: DayString, to: DayString, kpis: Kpis })),
  })
  .openapi('TrendReport');

export const CohortReport = z
  .object({
    as_of: DayString,
    cohorts: z.array(
      z.object({
        cohort: z.string(),
        customers: z.number().int(),
        retained: z.array(z.number().int()),
        shares: z.array(z.number()),
      }),
    ),
    churn: z.array(
      z.object({
        month: z.string(),
        from: DayString,
        to: DayString,
        base: z.number().int(),
        churned: z.number().int(),
        churn: z.number().nullable(),
      }),
    ),
    average_churn: z.number().nullable(),
    category_cycles: z.array(
      z.object({
        category: z.string(),
        cycle: z.number().nullable(),
        intervals: z.number().int(),
        customers: z.number().int(),
      }),
    ),
  })
  .openapi('CohortReport');

export const SegmentCounts = z
  .object({
    as_of: DayString.nullable(),
    customers: z.number().int(),
    status: z.record(z.string(), z.number().int()),
    rfm: z.record(z.string(), z.number().int()),
    cvm: z.record(z.string(), z.number().int()),
    unscored: z.number().int(),
    rfm_grid: z
      .array(z.object({ r: z.number().int(), f: z.number().int(), count: z.number().int() }))
      .openapi({ description: 'customers per (R, F) score pair: all 25 cells, 0 when empty' }),
  })
  .openapi('SegmentCounts');

export const Target = z
  .object({ metric: z.string(), value: z.number(), deadline: DayString })
  .openapi('Target');

export const TargetList = z.object({ targets: z.array(Target) }).openapi('TargetList');
