/**
 * /api/saved-segments: named rule sets (CRUD: segments:write to change, customers:read to
 * read), a live count for an unsaved rule set, and a segment's customers in the page shape
 * of GET /api/customers (the list's filters and sorts apply on top of the rules).
 */
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { searchCustomers } from '../../app/api/search-customers.ts';
import {
  createSegment,
  deleteSegment,
  getSegment,
  listSegments,
  previewRules,
  type SavedSegment as SegmentRecord,
  updateSegment,
} from '../../app/segments/saved-segments.ts';
import { errors, json, Security } from '../contract/common.ts';
import { CustomerListQuery, CustomerPage } from '../contract/customers.ts';
import {
  SavedSegment,
  SavedSegmentCreate,
  type SavedSegmentJson,
  SavedSegmentList,
  SavedSegmentListQuery,
  SavedSegmentPatch,
  SegmentIdParam,
  SegmentPreview,
  SegmentPreviewRequest,
} from '../contract/saved-segments.ts';
import type { ApiDeps, ApiEnv } from '../env.ts';
import { presentSummary } from '../present.ts';
import { filtersOf, sortOf } from './customer-workbench.ts';

const tags = ['segments'];

function present(s: SegmentRecord): SavedSegmentJson {
  return {
    id: s.id,
    name: s.name,
    description: s.description,
    rules: s.rules,
    count: s.count,
    created_at: s.createdAt,
    updated_at: s.updatedAt,
  };
}

const list = createRoute({
  method: 'get',
  path: '/api/saved-segments',
  tags,
  security: Security,
  summary: 'Saved segments, by name (with counts when asked)',
  request: { query: SavedSegmentListQuery },
  responses: { 200: json(SavedSegmentList, 'The segments'), ...errors(422) },
});

const create = createRoute({
  method: 'post',
  path: '/api/saved-segments',
  tags,
  security: Security,
  summary: 'Save a segment (segments:write)',
  request: { body: { required: true, content: { 'application/json': { schema: SavedSegmentCreate } } } },
  responses: { 201: json(SavedSegment, 'Saved, with its count'), ...errors(400, 409, 422) },
});

const preview = createRoute({
  method: 'post',
  path: '/api/saved-segments/preview',
  tags,
  security: Security,
  summary: 'How many customers a rule set matches now (the builder’s live count; nothing is saved)',
  request: { body: { required: true, content: { 'application/json': { schema: SegmentPreviewRequest } } } },
  responses: { 200: json(SegmentPreview, 'The count'), ...errors(400, 422) },
});

const get = createRoute({
  method: 'get',
  path: '/api/saved-segments/{id}',
  tags,
  security: Security,
  summary: 'A saved segment with its count',
  request: { params: SegmentIdParam },
  responses: { 200: json(SavedSegment, 'The segment'), ...errors(404) },
});

const patch = createRoute({
  method: 'patch',
  path: '/api/saved-segments/{id}',
  tags,
  security: Security,
  summary: 'Rename a segment or change its rules (segments:write)',
  request: {
    params: SegmentIdParam,
    body: { required: true, content: { 'application/json': { schema: SavedSegmentPatch } } },
  },
  responses: { 200: json(SavedSegment, 'Changed'), ...errors(400, 404, 409, 422) },
});

const remove = createRoute({
  method: 'delete',
  path: '/api/saved-segments/{id}',
  tags,
  security: Security,
  summary: 'Delete a segment (segments:write); its customers are untouched',
  request: { params: SegmentIdParam },
  responses: { 204: { description: 'Deleted' }, ...errors(404) },
});

const customers = createRoute({
  method: 'get',
  path: '/api/saved-segments/{id}/customers',
  tags,
  security: Security,
  summary: "A segment's customers: the page of GET /api/customers, with its filters and sorts on top",
  request: { params: SegmentIdParam, query: CustomerListQuery.omit({ segment: true }) },
  responses: { 200: json(CustomerPage, 'A page of customers'), ...errors(400, 404, 422) },
});

export function registerSavedSegmentRoutes(app: OpenAPIHono<ApiEnv>, deps: ApiDeps): void {
  const { db } = deps;

  app.openapi(list, async (c) => {
    const { counts } = c.req.valid('query');
    const items = await listSegments(db, c.get('principal'), { counts });
    return c.json({ items: items.map(present) }, 200);
  });

  app.openapi(create, async (c) => {
    const b = c.req.valid('json');
    const s = await createSegment(db, c.get('principal'), {
      name: b.name,
      description: b.description,
      rules: b.rules,
    });
    c.header('Location', `/api/saved-segments/${s.id}`);
    return c.json(present(s), 201);
  });

  // Before /{id}: "preview" is not an id.
  app.openapi(preview, async (c) => {
    const { rules } = c.req.valid('json');
    return c.json({ count: await previewRules(db, c.get('principal'), rules) }, 200);
  });

  app.openapi(get, async (c) => {
    const { id } = c.req.valid('param');
    return c.json(present(await getSegment(db, c.get('principal'), id)), 200);
  });

  app.openapi(patch, async (c) => {
    const { id } = c.req.valid('param');
    const b = c.req.valid('json');
    const s = await updateSegment(db, c.get('principal'), id, {
      ...(b.name !== undefined ? { name: b.name } : {}),
      ...(b.description !== undefined ? { description: b.description } : {}),
      ...(b.rules !== undefined ? { rules: b.rules } : {}),
    });
    return c.json(present(s), 200);
  });

  app.openapi(remove, async (c) => {
    const { id } = c.req.valid('param');
    await deleteSegment(db, c.get('principal'), id);
    return c.body(null, 204);
  });

  app.openapi(customers, async (c) => {
    const { id } = c.req.valid('param');
    const q = c.req.valid('query');
    const page = await searchCustomers(db, c.get('principal'), {
      ...filtersOf(q),
      segmentId: id,
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
}
