/** /api/settings, /api/staff. */
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { listStaff, readSettings, updateSettings } from '../../app/api/workspace-settings.ts';
import { errors, json, Security } from '../contract/common.ts';
import { Settings, SettingsPatch, Staff } from '../contract/settings.ts';
import type { ApiDeps, ApiEnv } from '../env.ts';

const read = createRoute({
  method: 'get',
  path: '/api/settings',
  tags: ['settings'],
  security: Security,
  summary: 'Workspace settings',
  responses: { 200: json(Settings, 'Settings'), ...errors() },
});

const patch = createRoute({
  method: 'patch',
  path: '/api/settings',
  tags: ['settings'],
  security: Security,
  summary: 'Change settings (all given keys are checked first; all or nothing)',
  request: { body: { required: true, content: { 'application/json': { schema: SettingsPatch } } } },
  responses: { 200: json(Settings, 'Settings now'), ...errors(400, 422) },
});

const staff = createRoute({
  method: 'get',
  path: '/api/staff',
  tags: ['settings'],
  security: Security,
  summary: 'Staff members (managers, masters) by id',
  responses: { 200: json(Staff, 'Staff'), ...errors() },
});

export function registerSettingsRoutes(app: OpenAPIHono<ApiEnv>, deps: ApiDeps): void {
  const { db } = deps;
  app.openapi(read, async (c) => c.json(await readSettings(db, c.get('principal')), 200));
  app.openapi(patch, async (c) =>
    c.json(await updateSettings(db, c.get('principal'), c.req.valid('json')), 200),
  );
  app.openapi(staff, async (c) => c.json({ items: await listStaff(db, c.get('principal')) }, 200));
}
