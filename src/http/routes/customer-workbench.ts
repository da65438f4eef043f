/**
 * The customer workbench beside the list: bulk actions and the CSV export, plus the one
 * mapping of list parameters to app filters that the list, the export, bulk actions and a
 * segment's customers share (so all of them select the same customers).
 * Registered by registerCustomerRoutes before GET /api/customers/{id}, which would otherwise
 * take "export.csv" for an id.
 */
import { createRoute, type OpenAPIHono, type z } from '@hono/zod-openapi';
import type { CustomerFilters, CustomerSortField } from '../../app/api/search-customers.ts';
import { bulkUpdateCustomers } from '../../app/segments/bulk-customers.ts';
import { exportCustomersCsv } from '../../app/segments/export-customers.ts';
import { errors, json, Security } from '../contract/common.ts';
import type { CustomerFilterQuery } from '../contract/customers.ts';
import { CustomerFilterQuery as FilterQuery } from '../contract/customers.ts';
import { BulkRequest, BulkResult } from '../contract/saved-segments.ts';
import type { ApiDeps, ApiEnv } from '../env.ts';

type FilterParams = Partial<z.infer<typeof CustomerFilterQuery>>;

/** List parameters (parsed by the contract) → the app's filters. */
export function filtersOf(q: FilterParams): CustomerFilters {
  return {
    ...(q.q !== undefined ? { q: q.q } : {}),
    ...(q.status ? { status: q.status } : {}),
    ...(q.rfm_segment ? { rfmSegment: q.rfm_segment } : {}),
    ...(q.cvm_stage ? { cvmStage: q.cvm_stage } : {}),
    ...(q.manager_id !== undefined ? { managerId: q.manager_id === 'none' ? null : q.manager_id } : {}),
    ...(q.tag !== undefined ? { tag: q.tag } : {}),
    ...(q.source !== undefined ? { source: q.source } : {}),
    ...(q.spent_min !== undefined ? { spentMin: q.spent_min } : {}),
    ...(q.spent_max !== undefined ? { spentMax: q.spent_max } : {}),
    ...(q.purchases_min !== undefined ? { purchasesMin: q.purchases_min } : {}),
    ...(q.purchases_max !== undefined ? { purchasesMax: q.purchases_max } : {}),
    ...(q.last_purchase_before !== undefined ? { lastPurchaseBefore: q.last_purchase_before } : {}),
    ...(q.last_purchase_after !== undefined ? { lastPurchaseAfter: q.last_purchase_after } : {}),
    ...(q.birthday_month !== undefined ? { birthdayMonth: q.birthday_month } : {}),
    ...(q.category !== undefined ? { category: q.category } : {}),
    ...(q.r?.length ? { rScores: q.r } : {}),
    ...(q.f?.length ? { fScores: q.f } : {}),
    ...(q.next_expected_from !== undefined ? { nextExpectedFrom: q.next_expected_from } : {}),
    ...(q.next_expected_to !== undefined ? { nextExpectedTo: q.next_expected_to } : {}),
    ...(q.status_since_from !== undefined ? { statusSinceFrom: q.status_since_from } : {}),
    ...(q.churn_risk?.length ? { churnRisk: q.churn_risk } : {}),
    ...(q.recommended !== undefined ? { recommended: q.recommended } : {}),
    ...(q.segment !== undefined ? { segmentId: q.segment } : {}),
    ...(q.rules !== undefined ? { rules: q.rules } : {}),
  };
}

/** `-revenue` → { field: 'revenue', desc: true }. */
export function sortOf(sort: string | undefined): { sort: CustomerSortField; desc: boolean } {
  const s = sort ?? 'id';
  const desc = s.startsWith('-');
  return { sort: (desc ? s.slice(1) : s) as CustomerSortField, desc };
}

const tags = ['customers'];

const exportCsv = createRoute({
  method: 'get',
  path: '/api/customers/export.csv',
  tags,
  security: Security,
  summary: 'Every customer the list filters match, as CSV (UTF-8 with BOM, streamed, in the list order)',
  description:
    'Same parameters as GET /api/customers (without cursor and limit). customers:read — viewers included, ' +
    'since they can read the same rows through the list; a manager gets only their own customers.',
  request: { query: FilterQuery },
  responses: {
    200: { description: 'CSV', content: { 'text/csv': { schema: { type: 'string' } } } },
    ...errors(400, 404, 422),
  },
});

const bulk = createRoute({
  method: 'post',
  path: '/api/customers/bulk',
  tags,
  security: Security,
  summary: 'Assign a manager, add or remove a tag on selected customers or on every filter match',
  description:
    'customers:write. A manager acts only on their own customers and may assign only to themself. ' +
    'Each changed customer gets an "updated" event on their timeline.',
  request: { body: { required: true, content: { 'application/json': { schema: BulkRequest } } } },
  responses: { 200: json(BulkResult, 'How many matched and changed'), ...errors(400, 404, 422) },
});

export function registerCustomerWorkbenchRoutes(app: OpenAPIHono<ApiEnv>, deps: ApiDeps): void {
  const { db } = deps;

  app.openapi(exportCsv, async (c) => {
    const q = c.req.valid('query');
    const chunks = await exportCustomersCsv(db, c.get('principal'), { ...filtersOf(q), ...sortOf(q.sort) });
    const encoder = new TextEncoder();
    const iterator = chunks[Symbol.asyncIterator]();
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        try {
          const next = await iterator.next();
          if (next.done) controller.close();
          else controller.enqueue(encoder.encode(next.value));
        } catch (e) {
          controller.error(e);
        }
      },
      async cancel() {
        await iterator.return?.();
      },
    });
    return c.body(body, 200, {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': 'attachment; filename="customers.csv"',
      'Cache-Control': 'no-store',
    });
  });

  app.openapi(bulk, async (c) => {
    const b = c.req.valid('json');
    const change =
      b.action === 'assign_manager'
        ? { action: b.action, managerId: b.manager_id ?? null }
        : { action: b.action, tag: b.tag ?? '' };
    const r = await bulkUpdateCustomers(
      db,
      c.get('principal'),
      b.ids ? { ids: b.ids } : { filter: filtersOf(b.filter ?? {}) },
      change,
    );
    return c.json({ matched: r.matched, changed: r.changed }, 200);
  });
}
