/** /api/merges: undoing a merge. */
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { undoMerge } from '../../app/api/undo-merge.ts';
import { errors, json, Security } from '../contract/common.ts';
import { MergeIdParam, UndoResult } from '../contract/customers.ts';
import type { ApiDeps, ApiEnv } from '../env.ts';

const undo = createRoute({
  method: 'post',
  path: '/api/merges/{mergeId}/undo',
  tags: ['customers'],
  security: Security,
  summary: 'Undo a merge: what moved goes back, the merged customer is live again',
  request: { params: MergeIdParam },
  responses: { 200: json(UndoResult, 'Undone'), ...errors(404, 409) },
});

export function registerMergeRoutes(app: OpenAPIHono<ApiEnv>, deps: ApiDeps): void {
  app.openapi(undo, async (c) => {
    const { mergeId } = c.req.valid('param');
    const r = await undoMerge(deps.db, c.get('principal'), mergeId);
    return c.json({ merge_id: r.mergeId, survivor_id: r.survivorId, restored_id: r.restoredId }, 200);
  });
}
