/** App results → contract JSON: snake_case, money as { amount: "0.00", currency }, days as YYYY-MM-DD. */
import type { z } from '@hono/zod-openapi';
import type { Report } from '../app/analytics/read-analytics.ts';
import type { OrderRecord } from '../app/api/create-order.ts';
import type { CustomerCard } from '../app/api/get-customer-card.ts';
import type { ApiKeyRow } from '../app/api/manage-api-keys.ts';
import type { CustomerListRow } from '../app/api/search-customers.ts';
import type { Kpis } from '../core/analytics/kpis.ts';
import { centsToDecimal } from '../core/types.ts';
import type { CustomerCardJson, CustomerSummaryJson } from './contract/customers.ts';
import type { ApiKey } from './contract/keys.ts';
import type { OrderJson } from './contract/orders.ts';
import type { KpiReport, Kpis as KpisSchema } from './contract/reports.ts';
import { presentCardPrediction } from './present-predictions.ts';

export interface MoneyJson {
  amount: string;
  currency: string;
}

/** From an exact decimal string as the database returns it ("1500.5" → "1500.50"). */
export function money(decimal: string, currency: string): MoneyJson {
  const neg = decimal.startsWith('-');
  const [int = '0', frac = ''] = (neg ? decimal.slice(1) : decimal).split('.');
  const amount = `${neg ? '-' : ''}${int}.${frac.padEnd(2, '0').slice(0, 2)}`;
  return { amount, currency };
}

/** From (possibly fractional) cents, rounded half away from zero. */
export function moneyCents(cents: number, currency: string): MoneyJson {
  return { amount: centsToDecimal(cents), currency };
}

export function presentSummary(r: CustomerListRow, currency: string): CustomerSummaryJson {
  return {
    id: r.id,
    name: r.name,
    phone: r.phone,
    email: r.email,
    status: r.status,
    rfm_segment: r.rfmSegment,
    cvm_stage: r.cvmStage,
    r: r.rScore,
    f: r.fScore,
    m: r.mScore,
    purchases: r.purchases,
    revenue: money(r.revenue, currency),
    first_purchase_on: r.firstPurchaseOn,
    last_purchase_on: r.lastPurchaseOn,
    next_expected_on: r.nextExpectedOn,
    cycle_days: r.cycleDays,
    manager_id: r.managerId,
    tags: r.tags,
    source: r.source,
    birthday: r.birthday,
    p_alive: r.pAlive,
    predicted_clv: r.predictedClv === null ? null : money(r.predictedClv, currency),
    churn_risk: r.churnRisk as CustomerSummaryJson['churn_risk'],
  };
}

export function presentOrder(o: OrderRecord, currency: string): OrderJson {
  return {
    id: o.id,
    external_id: o.externalId,
    customer_id: o.customerId,
    ordered_at: o.orderedAt,
    ordered_on: o.orderedOn,
    amount: money(o.amount, currency),
    status: o.status as OrderJson['status'],
    channel: o.channel,
    source: o.source,
    staff: o.staff,
    branch: o.branch,
    lines: o.lines.map((l) => ({
      line_no: l.lineNo,
      item: l.item,
      category: l.category,
      quantity: l.quantity,
      amount: money(l.amount, currency),
      staff: l.staff,
    })),
  };
}

export function presentCard(card: CustomerCard): CustomerCardJson {
  const c = card.customer;
  const cur = card.currency;
  return {
    id: c.id,
    name: c.name,
    birthday: c.birthday,
    gender: c.gender,
    need: c.need,
    source: c.source,
    preferred_channel: c.preferredChannel,
    tags: c.tags,
    custom: c.custom,
    manager: c.managerId === null ? null : { id: c.managerId, name: c.managerName ?? '' },
    identifiers: card.identifiers.map((i) => ({ kind: i.kind, value: i.value })),
    status: {
      current: c.status,
      since: c.statusSince,
      manual: c.manualStatus,
      history: card.statusHistory.map((h) => ({ from: h.from, to: h.to, on: h.on, reason: h.reason })),
    },
    rfm: { recency_days: c.recencyDays, r: c.rScore, f: c.fScore, m: c.mScore, segment: c.rfmSegment },
    cvm_stage: c.cvmStage,
    purchases: {
      count: c.purchases,
      days: c.purchaseDays,
      revenue: money(c.revenue, cur),
      first_on: c.firstPurchaseOn,
      last_on: c.lastPurchaseOn,
    },
    cycle: { own_days: c.ownCycleDays, days: c.cycleDays, next_expected_on: c.nextExpectedOn },
    aggregates_as_of: c.aggregatesAsOf,
    created_at: c.createdAt,
    updated_at: c.updatedAt,
    timeline: card.timeline.map((t) => {
      if (t.type === 'order') return { type: 'order' as const, at: t.at, order: presentOrder(t.order, cur) };
      if (t.type === 'status_change') {
        const h = t.change;
        return {
          type: 'status_change' as const,
          at: t.at,
          change: { from: h.from, to: h.to, on: h.on, reason: h.reason },
        };
      }
      if (t.type === 'note') {
        const n = t.note;
        return {
          type: 'note' as const,
          at: t.at,
          note: { id: n.id, body: n.body, author: n.authorName, edited_at: n.editedAt },
        };
      }
      if (t.type === 'task') {
        return {
          type: 'task' as const,
          at: t.at,
          task: { id: t.task.id, title: t.task.title, done_by: t.task.doneBy },
        };
      }
      return {
        type: 'event' as const,
        at: t.at,
        event: { id: t.event.id, type: t.event.type, data: t.event.data },
      };
    }),
    timeline_truncated: card.timelineTruncated,
    ...presentCardPrediction(card.predictions, cur),
  };
}

const MONEY_KEYS = new Set(['revenue', 'primary_revenue', 'repeat_revenue', 'aov', 'customer_value']);

export function presentKpis(k: Kpis, currency: string): z.infer<typeof KpisSchema> {
  const m = (v: number | null) => (v === null ? null : moneyCents(v, currency));
  return {
    orders: k.orders,
    revenue: moneyCents(k.revenue, currency),
    primary_orders: k.primary_orders,
    repeat_orders: k.repeat_orders,
    repeat_share_orders: k.repeat_share_orders,
    primary_revenue: moneyCents(k.primary_revenue, currency),
    repeat_revenue: moneyCents(k.repeat_revenue, currency),
    repeat_share_revenue: k.repeat_share_revenue,
    unique_customers: k.unique_customers,
    new_customers: k.new_customers,
    repeat_customers: k.repeat_customers,
    repeat_purchase_rate: k.repeat_purchase_rate,
    purchase_frequency: k.purchase_frequency,
    aov: m(k.aov),
    customer_value: m(k.customer_value),
  };
}

export function presentReport(r: Report, currency: string): z.infer<typeof KpiReport> {
  const m = (v: number | null) => (v === null ? null : moneyCents(v, currency));
  return {
    from: r.from,
    to: r.to,
    as_of: r.asOf,
    kpis: presentKpis(r.kpis, currency),
    anonymous: { orders: r.anonymous.orders, revenue: moneyCents(r.anonymous.revenueCents, currency) },
    ltv: {
      ltv: m(r.ltv.ltv),
      ac: m(r.ltv.ac),
      n: r.ltv.n,
      p: r.ltv.p,
      p_source: r.ltv.pSource,
      t: r.ltv.t,
      monthly_churn: r.ltv.churn,
      months: r.ltv.months,
    },
    targets: r.targets.map((t) => ({
      metric: t.metric,
      target: t.target,
      actual: t.actual === null ? null : MONEY_KEYS.has(t.metric) ? Math.round(t.actual) / 100 : t.actual,
      deadline: t.deadline,
      state: t.state,
      progress: t.progress,
      days_left: t.daysLeft,
    })),
  };
}

export function presentKey(k: ApiKeyRow): z.infer<typeof ApiKey> {
  return {
    id: k.id,
    name: k.name,
    role: k.role as z.infer<typeof ApiKey>['role'],
    manager_staff_id: k.managerStaffId,
    scopes: k.scopes,
    created_at: k.createdAt,
    last_used_at: k.lastUsedAt,
    revoked_at: k.revokedAt,
  };
}
