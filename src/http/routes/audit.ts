/** /api/audit: who changed what, newest first (owner: audit:read). */
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { type AuditRow, readAuditLog } from '../../app/auth/audit-log.ts';
import { AuditPage, AuditQuery } from '../contract/audit.ts';
import { errors, json, Security } from '../contract/common.ts';
import type { ApiDeps, ApiEnv } from '../env.ts';

const list = createRoute({
  method: 'get',
  path: '/api/audit',
  tags: ['audit'],
  security: Security,
  summary: 'The audit log, filtered by actor, action, entity and time; cursor-paginated',
  request: { query: AuditQuery },
  responses: { 200: json(AuditPage, 'Entries, newest first'), ...errors(400, 422) },
});

function present(r: AuditRow) {
  return {
    id: r.id,
    at: r.at,
    actor: { user_id: r.actorUserId, key_id: r.actorKeyId, label: r.actorLabel },
    action: r.action,
    entity_id: r.entityId,
    status: r.status,
    changes: r.changes,
    ip_address: r.ipAddress,
  };
}

export function registerAuditRoutes(app: OpenAPIHono<ApiEnv>, deps: ApiDeps): void {
  app.openapi(list, async (c) => {
    const q = c.req.valid('query');
    const page = await readAuditLog(deps.db, c.get('principal'), {
      actor: q.actor,
      action: q.action,
      entityId: q.entity,
      from: q.from,
      to: q.to,
      cursor: q.cursor,
      limit: q.limit,
    });
    return c.json({ items: page.items.map(present), next_cursor: page.nextCursor }, 200);
  });
}
