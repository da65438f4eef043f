/** /api/keys: API keys (owner only). The secret is returned once, at creation. */
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { createApiKey } from '../../app/api/create-api-key.ts';
import { listApiKeys, revokeApiKey } from '../../app/api/manage-api-keys.ts';
import { errors, IdParam, json, Security } from '../contract/common.ts';
import { ApiKey, ApiKeyCreate, ApiKeyCreated, ApiKeyList } from '../contract/keys.ts';
import type { ApiDeps, ApiEnv } from '../env.ts';
import { presentKey } from '../present.ts';

const tags = ['keys'];

const create = createRoute({
  method: 'post',
  path: '/api/keys',
  tags,
  security: Security,
  summary: 'Create an API key; the token is in this response only',
  request: { body: { required: true, content: { 'application/json': { schema: ApiKeyCreate } } } },
  responses: { 201: json(ApiKeyCreated, 'Created'), ...errors(400, 422) },
});

const list = createRoute({
  method: 'get',
  path: '/api/keys',
  tags,
  security: Security,
  summary: 'API keys (without secrets)',
  responses: { 200: json(ApiKeyList, 'Keys'), ...errors() },
});

const revoke = createRoute({
  method: 'delete',
  path: '/api/keys/{id}',
  tags,
  security: Security,
  summary: 'Revoke an API key (it stops working at once)',
  request: { params: IdParam },
  responses: { 200: json(ApiKey, 'Revoked'), ...errors(404) },
});

export function registerKeyRoutes(app: OpenAPIHono<ApiEnv>, deps: ApiDeps): void {
  const { db } = deps;
  app.openapi(create, async (c) => {
    const b = c.req.valid('json');
    const r = await createApiKey(db, c.get('principal'), {
      name: b.name,
      role: b.role,
      managerStaffId: b.manager_staff_id ?? null,
      scopes: b.scopes ?? null,
    });
    return c.json({ key: presentKey(r.key), token: r.token }, 201);
  });
  app.openapi(list, async (c) =>
    c.json({ items: (await listApiKeys(db, c.get('principal'))).map(presentKey) }, 200),
  );
  app.openapi(revoke, async (c) => {
    const { id } = c.req.valid('param');
    return c.json(presentKey(await revokeApiKey(db, c.get('principal'), id)), 200);
  });
}
