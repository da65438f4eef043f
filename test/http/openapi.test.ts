/**
 * The OpenAPI document: a structural check against the 3.1 rules that matter to clients and
 * codegen (no validator package is installed), and a check that it lists every route the
 * app serves.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openTestApi, type TestApi } from './support.ts';

let api: TestApi;
beforeAll(async () => {
  api = await openTestApi();
});
afterAll(async () => {
  await api.close();
});

type Json = Record<string, unknown>;
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

function problems31(doc: Json): string[] {
  const out: string[] = [];
  if (!/^3\.1\.\d+$/.test(String(doc.openapi))) out.push(`openapi is ${String(doc.openapi)}`);
  const info = doc.info as Json | undefined;
  if (!info || typeof info.title !== 'string' || typeof info.version !== 'string')
    out.push('info.title/version');
  const components = (doc.components ?? {}) as Json;
  const resolve = (ref: string) => {
    const m = /^#\/components\/(\w+)\/(.+)$/.exec(ref);
    return m ? ((components[m[1]!] as Json | undefined)?.[m[2]!] ?? null) : null;
  };
  const walk = (node: unknown, where: string) => {
    if (Array.isArray(node)) {
      node.forEach((n, i) => {
        walk(n, `${where}/${i}`);
      });
    } else if (node && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) {
        if (k === '$ref' && (typeof v !== 'string' || resolve(v) === null))
          out.push(`${where}: dangling $ref ${String(v)}`);
        // 3.0-only keywords that 3.1 (JSON Schema 2020-12) replaced.
        if (k === 'nullable') out.push(`${where}: nullable is not 3.1`);
        walk(v, `${where}/${k}`);
      }
    }
  };
  walk(doc, '#');
  const opIds = new Set<string>();
  for (const [path, item] of Object.entries((doc.paths ?? {}) as Record<string, Json>)) {
    if (!path.startsWith('/')) out.push(`path ${path} does not start with /`);
    const templated = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
    for (const [method, op] of Object.entries(item)) {
      if (!METHODS.includes(method)) continue;
      const o = op as Json;
      const responses = o.responses as Json | undefined;
      if (!responses || Object.keys(responses).length === 0) out.push(`${method} ${path}: no responses`);
      for (const [code, r] of Object.entries(responses ?? {})) {
        if (!/^([1-5]\d\d|[1-5]XX|default)$/.test(code)) out.push(`${method} ${path}: response code ${code}`);
        if (typeof (r as Json).description !== 'string')
          out.push(`${method} ${path} ${code}: no description`);
      }
      const params = (o.parameters ?? []) as Json[];
      const seen = new Set<string>();
      for (const p of params) {
        if (!['query', 'header', 'path', 'cookie'].includes(String(p.in)))
          out.push(`${method} ${path}: param in ${p.in}`);
        const key = `${p.in}:${p.name}`;
        if (seen.has(key)) out.push(`${method} ${path}: duplicate param ${key}`);
        seen.add(key);
        if (p.in === 'path' && p.required !== true)
          out.push(`${method} ${path}: path param ${p.name} not required`);
      }
      for (const t of templated) {
        if (!params.some((p) => p.in === 'path' && p.name === t))
          out.push(`${method} ${path}: {${t}} not declared`);
      }
      if (o.operationId !== undefined) {
        if (opIds.has(String(o.operationId))) out.push(`duplicate operationId ${o.operationId}`);
        opIds.add(String(o.operationId));
      }
    }
  }
  return out;
}

describe('GET /api/openapi.json', () => {
  test('is a valid OpenAPI 3.1 document with the bearer scheme and the error shape', async () => {
    const res = await api.app.request('/api/openapi.json');
    expect(res.status).toBe(200);
    const doc = (await res.json()) as Json;
    expect(problems31(doc)).toEqual([]);
    const components = doc.components as { securitySchemes: Json; schemas: Json };
    expect(components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(Object.keys(components.schemas)).toEqual(
      expect.arrayContaining(['Error', 'Money', 'CustomerCard', 'CustomerPage', 'Order', 'KpiReport']),
    );
  });

  test('lists every route the app serves', async () => {
    const doc = (await (await api.app.request('/api/openapi.json')).json()) as {
      paths: Record<string, Json>;
    };
    const documented = new Set(
      Object.entries(doc.paths).flatMap(([p, item]) =>
        Object.keys(item)
          .filter((m) => METHODS.includes(m))
          .map((m) => `${m.toUpperCase()} ${p.replace(/\{(\w+)\}/g, ':$1')}`),
      ),
    );
    const served = new Set(
      api.app.routes
        .filter(
          (r) => r.method !== 'ALL' && !r.path.startsWith('/api/docs') && r.path !== '/api/openapi.json',
        )
        .map((r) => `${r.method} ${r.path}`),
    );
    expect([...served].sort()).toEqual([...documented].sort());
    for (const route of [
      'GET /api/customers',
      'GET /api/customers/:id',
      'POST /api/customers',
      'PATCH /api/customers/:id',
      'POST /api/customers/:id/merge',
      'POST /api/merges/:mergeId/undo',
      'POST /api/orders',
      'POST /api/orders/:id/cancel',
      'POST /api/orders/:id/refund',
      'POST /api/imports',
      'POST /api/imports/:uploadId/dry-run',
      'POST /api/imports/:uploadId/run',
      'GET /api/imports/:batchId',
      'GET /api/imports/:batchId/rejects.csv',
      'GET /api/reports/kpis',
      'GET /api/reports/trend',
      'GET /api/reports/cohorts',
      'GET /api/targets',
      'PUT /api/targets',
      'GET /api/segments',
      'GET /api/settings',
      'PATCH /api/settings',
      'POST /api/keys',
    ]) {
      expect(documented).toContain(route);
    }
  });

  test('the docs page loads swagger-ui from our own assets, without a key', async () => {
    const page = await api.app.request('/api/docs');
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('/api/docs/assets/swagger-ui-bundle.js');
    expect(html).not.toMatch(/https?:\/\//);
    const js = await api.app.request('/api/docs/assets/swagger-ui-bundle.js');
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toMatch(/javascript/);
    expect((await js.arrayBuffer()).byteLength).toBeGreaterThan(100_000);
    expect((await api.app.request('/api/docs/assets/package.json')).status).toBe(404);
  });
});
