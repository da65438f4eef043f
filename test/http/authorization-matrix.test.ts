/**
 * The authorization matrix: every operation of /api/openapi.json × every role, signed in
 * through a session. Each operation must be listed in EXPECTED with the permission it needs
 * (or 'any signed-in'); a new route that is not listed fails this test. A role is "allowed" when
 * the answer is neither 401 nor 403, "denied" when it is 403 `forbidden`. Requests carry a
 * minimal valid body built from the operation's schema, so validation (422) never hides a 403.
 *
 * Then the manager's isolation: another manager's customer is invisible by id, search, list,
 * export, reports and everything that hangs off a customer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Permission, permissionsOf, ROLES, type Role } from '../../src/app/api/principal.ts';
import { ChannelPool } from '../../src/app/messaging/channel-settings.ts';
import { registerMessagingRoutes } from '../../src/http/routes/messaging.ts';
import { KEY, PUBLIC_URL } from '../app/messaging-fixtures.ts';
import { type Client, openTestApi, order, type TestApi, type Workspace } from './support.ts';

type Need = Permission | 'any signed-in' | 'public';

/** method + OpenAPI path → what it needs. Keep in step with the routes (the test says which are missing). */
const EXPECTED: Record<string, Need> = {
  'POST /api/auth/sign-in/email': 'public',
  'POST /api/auth/sign-out': 'public',
  'GET /api/auth/get-session': 'public',
  'GET /api/customers/export.csv': 'customers:read',
  'POST /api/customers/bulk': 'customers:write',
  'GET /api/customers': 'customers:read',
  'POST /api/customers': 'customers:write',
  'GET /api/customers/{id}': 'customers:read',
  'PATCH /api/customers/{id}': 'customers:write',
  'POST /api/customers/{id}/merge': 'customers:merge',
  'POST /api/merges/{mergeId}/undo': 'customers:merge',
  'POST /api/orders': 'orders:write',
  'GET /api/orders/{id}': 'customers:read',
  'POST /api/orders/{id}/cancel': 'orders:write',
  'POST /api/orders/{id}/refund': 'orders:write',
  'POST /api/imports': 'imports:write',
  'POST /api/imports/{uploadId}/dry-run': 'imports:write',
  'POST /api/imports/{uploadId}/run': 'imports:write',
  'GET /api/imports/{batchId}': 'imports:write',
  'GET /api/imports/{batchId}/rejects.csv': 'imports:write',
  'GET /api/reports/kpis': 'reports:read',
  'GET /api/reports/trend': 'reports:read',
  'GET /api/reports/cohorts': 'reports:read',
  'GET /api/segments': 'reports:read',
  'GET /api/targets': 'reports:read',
  'PUT /api/targets': 'targets:write',
  'GET /api/settings': 'settings:read',
  'PATCH /api/settings': 'settings:write',
  'GET /api/staff': 'settings:read',
  'POST /api/keys': 'keys:manage',
  'GET /api/keys': 'keys:manage',
  'DELETE /api/keys/{id}': 'keys:manage',
  'GET /api/me': 'any signed-in',
  'POST /api/me/password': 'any signed-in',
  'GET /api/users': 'users:manage',
  'POST /api/users': 'users:manage',
  'PATCH /api/users/{id}': 'users:manage',
  'DELETE /api/users/{id}': 'users:manage',
  'POST /api/users/{id}/password': 'users:manage',
  'GET /api/audit': 'audit:read',
  'GET /api/predictions/summary': 'reports:read',
  'GET /api/predictions/model': 'reports:read',
  'POST /api/predictions/refit': 'settings:write',
  'GET /api/saved-segments': 'customers:read',
  'POST /api/saved-segments': 'segments:write',
  'POST /api/saved-segments/preview': 'customers:read',
  'GET /api/saved-segments/{id}': 'customers:read',
  'PATCH /api/saved-segments/{id}': 'segments:write',
  'DELETE /api/saved-segments/{id}': 'segments:write',
  'GET /api/saved-segments/{id}/customers': 'customers:read',
  'GET /api/customers/{id}/notes': 'customers:read',
  'POST /api/customers/{id}/notes': 'customers:write',
  'PATCH /api/customers/{id}/notes/{noteId}': 'customers:write',
  'DELETE /api/customers/{id}/notes/{noteId}': 'customers:write',
  'GET /api/customers/{id}/tasks': 'customers:read',
  'POST /api/customers/{id}/tasks': 'customers:write',
  'PATCH /api/customers/{id}/tasks/{taskId}': 'customers:write',
  'DELETE /api/customers/{id}/tasks/{taskId}': 'customers:write',
  'GET /api/tasks': 'customers:read',
  'GET /api/webhooks': 'webhooks:manage',
  'POST /api/webhooks': 'webhooks:manage',
  'GET /api/webhooks/{id}': 'webhooks:manage',
  'PATCH /api/webhooks/{id}': 'webhooks:manage',
  'DELETE /api/webhooks/{id}': 'webhooks:manage',
  'GET /api/webhooks/{id}/deliveries': 'webhooks:manage',
  'POST /api/webhooks/{id}/test': 'webhooks:manage',
  'GET /api/channels': 'settings:read',
  'GET /api/channels/{channel}': 'settings:read',
  'PUT /api/channels/{channel}': 'settings:write',
  'DELETE /api/channels/{channel}': 'settings:write',
  'POST /api/channels/{channel}/test': 'settings:write',
  'GET /api/messaging/settings': 'settings:read',
  'PATCH /api/messaging/settings': 'settings:write',
  'GET /api/messaging/status': 'settings:read',
  'POST /api/campaigns/preview': 'campaigns:write',
  'GET /api/campaigns/{id}/messages': 'reports:read',
  'GET /api/campaigns': 'reports:read',
  'POST /api/campaigns': 'campaigns:write',
  'GET /api/campaigns/{id}': 'reports:read',
  'POST /api/campaigns/{id}/preview': 'campaigns:write',
  'POST /api/campaigns/{id}/send': 'campaigns:write',
  'GET /api/campaigns/{id}/report': 'reports:read',
  'GET /api/customers/{id}/consents': 'customers:read',
  'POST /api/customers/{id}/consents': 'customers:write',
};

/** Bodies the schema alone cannot produce (cross-field rules). */
const BODIES: Record<string, unknown> = {
  'POST /api/customers/bulk': { ids: [999_999], action: 'add_tag', tag: 'matrix' },
};

// ---------------------------------------------------------------------------------------
// A minimal valid request for an operation, from its OpenAPI schema.

// biome-ignore lint/suspicious/noExplicitAny: JSON Schema is walked generically
type Schema = any;

interface Doc {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
}
interface Operation {
  parameters?: { name: string; in: string; required?: boolean; schema: Schema }[];
  requestBody?: { content: Record<string, { schema: Schema }> };
}

function sample(doc: Doc, s: Schema, depth = 0): unknown {
  if (!s || depth > 8) return null;
  if (s.$ref) return sample(doc, doc.components.schemas[s.$ref.split('/').pop()], depth + 1);
  if (s.example !== undefined) return s.example;
  if (s.default !== undefined) return s.default;
  if (s.enum) return s.enum[0];
  if (s.const !== undefined) return s.const;
  for (const k of ['anyOf', 'oneOf'] as const) {
    if (s[k]) {
      const pick = s[k].find((x: Schema) => x.type !== 'null') ?? s[k][0];
      return sample(doc, pick, depth + 1);
    }
  }
  if (s.allOf) return Object.assign({}, ...s.allOf.map((x: Schema) => sample(doc, x, depth + 1)));
  const type = Array.isArray(s.type) ? s.type.find((t: string) => t !== 'null') : s.type;
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const key of s.required ?? []) out[key] = sample(doc, s.properties?.[key], depth + 1);
      return out;
    }
    case 'array':
      return s.minItems ? Array.from({ length: s.minItems }, () => sample(doc, s.items, depth + 1)) : [];
    case 'integer':
    case 'number':
      return s.minimum !== undefined && s.minimum > 1 ? s.minimum : 1;
    case 'boolean':
      return false;
    case 'string':
      if (s.format === 'email') return 'matrix@example.com';
      if (s.format === 'date') return '2025-01-01';
      if (s.format === 'date-time') return '2025-01-01T00:00:00.000Z';
      if (s.format === 'uri' || s.format === 'url') return 'https://example.com/hook';
      return 'x'.repeat(Math.max(1, s.minLength ?? 1));
    default:
      return null;
  }
}

/** Path parameters: an id nobody has (999999) unless the parameter is an enum or names an example. */
function requestFor(doc: Doc, method: string, path: string, op: Operation) {
  let url = path;
  const query: string[] = [];
  for (const p of op.parameters ?? []) {
    const v = p.in === 'path' ? (p.schema?.enum?.[0] ?? 999_999) : sample(doc, p.schema);
    if (p.in === 'path') url = url.replace(`{${p.name}}`, encodeURIComponent(String(v)));
    else if (p.in === 'query' && p.required) query.push(`${p.name}=${encodeURIComponent(String(v))}`);
  }
  if (query.length) url += `?${query.join('&')}`;
  const content = op.requestBody?.content ?? {};
  const fixed = BODIES[`${method.toUpperCase()} ${path}`];
  if (content['application/json'])
    return {
      url,
      body: JSON.stringify(fixed ?? sample(doc, content['application/json'].schema)),
      type: 'application/json',
    };
  if (content['multipart/form-data']) {
    const form = new FormData();
    form.set('file', new Blob(['phone,amount\n+79160000000,100\n'], { type: 'text/csv' }), 'matrix.csv');
    return { url, body: form, type: null };
  }
  return { url, body: undefined, type: null };
}

// ---------------------------------------------------------------------------------------

let api: TestApi;
const pool = new ChannelPool(KEY, { ttlMs: 0 });
beforeAll(async () => {
  api = await openTestApi();
  registerMessagingRoutes(api.app, { db: api.db.db, key: KEY, pool, publicUrl: PUBLIC_URL });
}, 60_000);
afterAll(async () => {
  await pool.close();
  await api.close();
});

async function openApiDoc(): Promise<Doc> {
  const res = await api.app.request('/api/openapi.json');
  expect(res.status).toBe(200);
  return (await res.json()) as Doc;
}

describe('authorization matrix', () => {
  it('lists every operation of the OpenAPI document', async () => {
    const doc = await openApiDoc();
    const ops = Object.entries(doc.paths).flatMap(([p, m]) =>
      Object.keys(m).map((x) => `${x.toUpperCase()} ${p}`),
    );
    const missing = ops.filter((o) => !(o in EXPECTED));
    const stale = Object.keys(EXPECTED).filter((o) => !ops.includes(o));
    expect({ missing, stale }).toEqual({ missing: [], stale: [] });
  });

  it('allows each role exactly what its permissions say, on every operation', async () => {
    const doc = await openApiDoc();
    const ws = await api.workspace();
    const [staffId] = await ws.staff('Matrix manager');
    const clients = {} as Record<Role, Client>;
    for (const role of ROLES)
      clients[role] = await ws.user({ role, ...(role === 'manager' ? { staffId: staffId! } : {}) });
    const wrong: string[] = [];
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        const key = `${method.toUpperCase()} ${path}`;
        const need = EXPECTED[key];
        if (need === undefined) continue; // reported by the test above
        if (need === 'public') {
          // Sent without credentials (a role's sign-out would end that role's session here).
          const r = requestFor(doc, method, path, op);
          const anon = await api.app.request(r.url, {
            method: method.toUpperCase(),
            headers: { Origin: 'http://localhost', ...(r.type ? { 'Content-Type': r.type } : {}) },
            ...(r.body !== undefined ? { body: r.body } : {}),
          });
          if (anon.status === 403 || anon.status >= 500)
            wrong.push(`${key} anonymous: expected a public answer, got ${anon.status}`);
          continue;
        }
        for (const role of ROLES) {
          const allowed = need === 'any signed-in' || permissionsOf(role).includes(need as Permission);
          const r = requestFor(doc, method, path, op);
          const res = await clients[role].send(method.toUpperCase(), r.url, {
            ...(r.body !== undefined ? { body: r.body } : {}),
            headers: r.type ? { 'Content-Type': r.type } : {},
          });
          const code = typeof res.body === 'object' ? res.body?.error?.code : undefined;
          if (allowed && (res.status === 401 || res.status === 403))
            wrong.push(`${key} as ${role}: expected allowed, got ${res.status} ${code}`);
          if (!allowed && !(res.status === 403 && code === 'forbidden'))
            wrong.push(`${key} as ${role}: expected 403 forbidden, got ${res.status} ${code ?? ''}`);
        }
        // Without credentials every operation but a public one is 401.
        const r = requestFor(doc, method, path, op);
        const anon = await api.app.request(r.url, {
          method: method.toUpperCase(),
          ...(r.type ? { headers: { 'Content-Type': r.type } } : {}),
          ...(r.body !== undefined ? { body: r.body } : {}),
        });
        if (anon.status !== 401) wrong.push(`${key} anonymous: expected 401, got ${anon.status}`);
      }
    }
    expect(wrong).toEqual([]);
  }, 120_000);
});

describe('a manager never sees another manager’s customer', () => {
  let ws: Workspace;
  let mine: number;
  let theirs: number;
  let manager: Client;
  beforeAll(async () => {
    ws = await api.workspace();
    const [anna, boris] = await ws.staff('Anna', 'Boris');
    await ws.orders([
      order('a1', 'ext-mine', '2025-01-10', 1000),
      order('a2', 'ext-mine', '2025-02-10', 1000),
      order('b1', 'ext-theirs', '2025-01-12', 5000),
      order('b2', 'ext-theirs', '2025-02-12', 5000),
    ]);
    const list = await ws.owner.get('/api/customers?limit=10');
    const byExt = new Map<string, number>();
    for (const c of list.body.items) {
      const card = await ws.owner.get(`/api/customers/${c.id}`);
      const ext = card.body.identifiers.find((i: { kind: string }) => i.kind === 'external')?.value;
      byExt.set(ext, c.id);
    }
    mine = byExt.get('ext-mine')!;
    theirs = byExt.get('ext-theirs')!;
    expect(
      (await ws.owner.patch(`/api/customers/${mine}`, { name: 'Mine Minova', manager_id: anna })).status,
    ).toBe(200);
    expect(
      (await ws.owner.patch(`/api/customers/${theirs}`, { name: 'Their Theirova', manager_id: boris }))
        .status,
    ).toBe(200);
    manager = await ws.user({ role: 'manager', staffId: anna! });
  });

  it('by id, and nothing hanging off the customer', async () => {
    expect((await manager.get(`/api/customers/${mine}`)).status).toBe(200);
    for (const path of [
      `/api/customers/${theirs}`,
      `/api/customers/${theirs}/notes`,
      `/api/customers/${theirs}/tasks`,
      `/api/customers/${theirs}/consents`,
    ]) {
      const r = await manager.get(path);
      expect(r.status, path).toBe(404);
    }
    const edit = await manager.patch(`/api/customers/${theirs}`, { name: 'Stolen' });
    expect(edit.status).toBe(404);
    const note = await manager.post(`/api/customers/${theirs}/notes`, { body: 'hello' });
    expect(note.status).toBe(404);
    expect((await manager.post(`/api/customers/${mine}/notes`, { body: 'hello' })).status).toBe(201);
  });

  it('by search and in the list', async () => {
    const list = await manager.get('/api/customers?limit=200');
    expect(list.body.items.map((c: { id: number }) => c.id)).toEqual([mine]);
    expect((await manager.get('/api/customers?q=Theirova')).body.items).toEqual([]);
    expect((await manager.get('/api/customers?q=ext-theirs')).body.items).toEqual([]);
    expect(
      (await manager.get('/api/customers?q=Minova')).body.items.map((c: { id: number }) => c.id),
    ).toEqual([mine]);
  });

  it('in the export', async () => {
    const csv = await manager.get('/api/customers/export.csv');
    expect(csv.status).toBe(200);
    expect(String(csv.body)).toContain('Minova');
    expect(String(csv.body)).not.toContain('Theirova');
  });

  it('in reports', async () => {
    const own = await manager.get('/api/reports/kpis?from=2025-01-01&to=2025-03-01');
    const all = await ws.owner.get('/api/reports/kpis?from=2025-01-01&to=2025-03-01');
    expect(own.status).toBe(200);
    expect(all.status).toBe(200);
    expect(JSON.stringify(own.body)).not.toEqual(JSON.stringify(all.body));
    const segments = await manager.get('/api/segments');
    expect(segments.status).toBe(200);
    const count = (body: unknown) =>
      JSON.stringify(body)
        .match(/"(count|customers)":(\d+)/g)
        ?.map((m) => Number(m.split(':')[1]))
        .reduce((a, b) => a + b, 0) ?? 0;
    expect(count(segments.body)).toBeLessThan(count((await ws.owner.get('/api/segments')).body));
  });
});
