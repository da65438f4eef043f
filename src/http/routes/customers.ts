/** /api/customers: list and search, the card, create, change, merge. */
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { createCustomer } from '../../app/api/create-customer.ts';
import { getCustomerCard } from '../../app/api/get-customer-card.ts';
import { mergeCustomers } from '../../app/api/merge-customers.ts';
import { searchCustomers } from '../../app/api/search-customers.ts';
import { updateCustomer } from '../../app/api/update-customer.ts';
import { errors, IdParam, json, Security } from '../contract/common.ts';
import {
  CustomerCard,
  CustomerCreate,
  CustomerListQuery,
  CustomerPage,
  CustomerPatch,
  MergeRequest,
  MergeResult,
} from '../contract/customers.ts';
import type { ApiDeps, ApiEnv } from '../env.ts';
import { presentCard, presentSummary } from '../present.ts';
import { filtersOf, registerCustomerWorkbenchRoutes, sortOf } from './customer-workbench.ts';

const tags = ['customers'];

const list = createRoute({
  method: 'get',
  path: '/api/customers',
  tags,
  security: Security,
  summary: 'List, filter, sort and search customers (keyset-paged)',
  request: { query: CustomerListQuery },
  responses: { 200: json(CustomerPage, 'A page of customers'), ...errors(400, 422) },
});

const card = createRoute({
  method: 'get',
  path: '/api/customers/{id}',
  tags,
  security: Security,
  summary: "The customer's card: profile, status and history, RFM, cycle, timeline",
  request: { params: IdParam },
  responses: { 200: json(CustomerCard, 'The card'), ...errors(404) },
});

const create = createRoute({
  method: 'post',
  path: '/api/customers',
  tags,
  security: Security,
  summary: 'Create a customer',
  request: { body: { required: true, content: { 'application/json': { schema: CustomerCreate } } } },
  responses: { 201: json(CustomerCard, 'Created'), ...errors(400, 409, 422) },
});

const patch = createRoute({
  method: 'patch',
  path: '/api/customers/{id}',
  tags,
  security: Security,
  summary: "Change a customer's fields and identifiers",
  request: {
    params: IdParam,
    body: { required: true, content: { 'application/json': { schema: CustomerPatch } } },
  },
  responses: { 200: json(CustomerCard, 'Changed'), ...errors(400, 404, 409, 422) },
});

const merge = createRoute({
  method: 'post',
  path: '/api/customers/{id}/merge',
  tags,
  security: Security,
  summary: 'Merge this customer into another (orders, identifiers and events move); undoable',
  request: {
    params: IdParam,
    body: { required: true, content: { 'application/json': { schema: MergeRequest } } },
  },
  responses: { 200: json(MergeResult, 'Merged'), ...errors(400, 404, 409, 422) },
});

function profileOf(b: {
  name?: string | null;
  birthday?: string | null;
  gender?: string | null;
  need?: string | null;
  source?: string | null;
  preferred_channel?: string | null;
  manager_id?: number | null;
  tags?: string[];
  custom?: Record<string, unknown>;
  phone?: string;
  email?: string;
  external_id?: string;
  identifiers?: {
    kind: 'external' | 'phone' | 'email' | 'telegram' | 'whatsapp' | 'vk' | 'max';
    value: string;
  }[];
}) {
  return {
    name: b.name,
    birthday: b.birthday,
    gender: b.gender,
    need: b.need,
    source: b.source,
    preferredChannel: b.preferred_channel,
    managerId: b.manager_id,
    tags: b.tags,
    custom: b.custom,
    phone: b.phone,
    email: b.email,
    externalId: b.external_id,
    identifiers: b.identifiers,
  };
}

export function registerCustomerRoutes(app: OpenAPIHono<ApiEnv>, deps: ApiDeps): void {
  const { db } = deps;

  // Bulk and export first: GET /api/customers/{id} would take "export.csv" for an id.
  registerCustomerWorkbenchRoutes(app, deps);

  app.openapi(list, async (c) => {
    const q = c.req.valid('query');
    const page = await searchCustomers(db, c.get('principal'), {
      ...filtersOf(q),
      ...sortOf(q.sort),
      ...(q.cursor !== undefined ? { cursor: q.cursor } : {}),
      limit: q.limit,
      includeTotal: q.include_total,
    });
    return c.json(
      {
        items: page.items.map((r) => presentSummary(r, page.currency)),
        next_cursor: page.nextCursor,
        total: page.total,
      },
      200,
    );
  });

  app.openapi(card, async (c) => {
    const { id } = c.req.valid('param');
    return c.json(presentCard(await getCustomerCard(db, c.get('principal'), id)), 200);
  });

  app.openapi(create, async (c) => {
    const principal = c.get('principal');
    const id = await createCustomer(db, principal, profileOf(c.req.valid('json')));
    c.header('Location', `/api/customers/${id}`);
    return c.json(presentCard(await getCustomerCard(db, principal, id)), 201);
  });

  app.openapi(patch, async (c) => {
    const principal = c.get('principal');
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    await updateCustomer(db, principal, id, {
      ...profileOf(body),
      removeIdentifiers: body.remove_identifiers,
    });
    return c.json(presentCard(await getCustomerCard(db, principal, id)), 200);
  });

  app.openapi(merge, async (c) => {
    const { id } = c.req.valid('param');
    const { into } = c.req.valid('json');
    const r = await mergeCustomers(db, c.get('principal'), id, into);
    return c.json(
      {
        merge_id: r.mergeId,
        survivor_id: r.survivorId,
        merged_id: r.mergedId,
        moved: {
          orders: r.moved.orders,
          identifiers: r.moved.identifiers,
          events: r.moved.events,
          filled: r.moved.filled,
          tags_added: r.moved.tagsAdded,
        },
      },
      200,
    );
  });
}
