import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../../src/storage/connect.ts';
import { acquireDataDirLock, DataDirLockedError } from '../../src/storage/data-dir-lock.ts';
import { loadSettings, saveSetting } from '../../src/storage/queries/settings.ts';
import { ensureWorkspace } from '../../src/storage/queries/workspaces.ts';
import { openTestDatabase, type TestDatabase } from '../support/db.ts';

let t: TestDatabase;
beforeAll(async () => {
  t = await openTestDatabase();
});
afterAll(async () => {
  await t.close();
});

describe(`storage on ${process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite'}`, () => {
  /**
   * The deliberate exceptions to "workspace_id leads every key", each with its reason:
   * instance-level tables of sign-in and instance secrets belong to no workspace (a person may
   * be a member of several; src/storage/tables/auth.ts).
   */
  const INSTANCE_TABLES = ['users', 'sessions', 'accounts', 'verifications', 'instance_secrets'];
  const INDEX_EXCEPTIONS: Record<string, string> = {
    // Sign-in looks up a user's workspaces before any workspace is known.
    workspace_members_user_idx: 'by user, across workspaces',
  };

  it('applies the migrations: every table exists and leads its primary key with workspace_id', async () => {
    const rows = await t.db.query<{ table_name: string; first_col: string }>(
      `SELECT c.relname AS table_name, a.attname AS first_col
         FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
         JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = i.indkey[0]
        WHERE i.indisprimary ORDER BY 1`,
    );
    const tables = rows.map((r) => r.table_name);
    for (const name of [
      'workspaces',
      'settings',
      'customers',
      'customer_identifiers',
      'orders',
      'order_lines',
      'products',
      'categories',
      'staff',
      'branches',
      'import_batches',
      'import_rejects',
      'events',
      'status_history',
    ]) {
      expect(tables).toContain(name);
    }
    for (const name of INSTANCE_TABLES) expect(tables).toContain(name);
    for (const r of rows.filter((r) => !INSTANCE_TABLES.includes(r.table_name)))
      expect(r.first_col, r.table_name).toBe('workspace_id');
  });

  it('leads every secondary index with workspace_id too', async () => {
    // An expression index (the GIN of name keys) names its first column inside the expression:
    // customer_name_keys(workspace_id, name) keys every entry by the workspace.
    const rows = await t.db.query<{ table_name: string; index_name: string; first_col: string }>(
      `SELECT c.relname AS table_name, ci.relname AS index_name,
              coalesce(a.attname, substring(pg_get_expr(i.indexprs, i.indrelid) from '^\\w+\\((\\w+)[,)]')) AS first_col
         FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
         JOIN pg_class ci ON ci.oid = i.indexrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
         LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = i.indkey[0] AND i.indkey[0] <> 0
        WHERE c.relname <> 'workspaces'`,
    );
    expect(rows.map((r) => r.index_name)).toContain('customers_name_keys_idx');
    expect(rows.length).toBeGreaterThan(14);
    const found = rows.filter((r) => !INSTANCE_TABLES.includes(r.table_name));
    for (const name of Object.keys(INDEX_EXCEPTIONS)) expect(found.map((r) => r.index_name)).toContain(name);
    for (const r of found.filter((r) => !(r.index_name in INDEX_EXCEPTIONS)))
      expect(r.first_col, r.index_name).toBe('workspace_id');
  });

  it('stores money exactly (numeric), never as binary floats', async () => {
    const ws = await t.workspace();
    await t.db.query(
      `INSERT INTO orders (workspace_id, order_key, ordered_at, ordered_on, amount) VALUES ($1, 'x:1', now(), '2024-01-01', '0.1'), ($1, 'x:2', now(), '2024-01-01', '0.2')`,
      [ws],
    );
    const [r] = await t.db.query<{ s: string }>(
      `SELECT sum(amount)::text AS s FROM orders WHERE workspace_id = $1`,
      [ws],
    );
    expect(r!.s).toBe('0.30');
  });

  it('creates a workspace once and finds it again', async () => {
    const name = `ws-${Date.now()}`;
    const a = await ensureWorkspace(t.db, name);
    const b = await ensureWorkspace(t.db, name);
    expect(a.created).toBe(true);
    expect(b.created).toBe(false);
    expect(b.id).toBe(a.id);
  });

  it('keeps settings per workspace as JSON values', async () => {
    const a = await t.workspace();
    const b = await t.workspace();
    await saveSetting(t.db, a, 'cycle_days', 30);
    await saveSetting(t.db, a, 'cycle_days', 45);
    expect(await loadSettings(t.db, a)).toEqual({ cycle_days: 45 });
    expect(await loadSettings(t.db, b)).toEqual({});
  });

  it('rolls a failed transaction back completely', async () => {
    const ws = await t.workspace();
    await expect(
      t.db.transaction(async (tx) => {
        await tx.query(`INSERT INTO staff (workspace_id, name) VALUES ($1, 'Анна')`, [ws]);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const rows = await t.db.query('SELECT 1 FROM staff WHERE workspace_id = $1', [ws]);
    expect(rows).toHaveLength(0);
  });
});

describe('the embedded data folder lock', () => {
  it('refuses a second opener of the same folder while the first holds it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'comeback-lock-'));
    const lock = acquireDataDirLock(dir);
    expect(() => acquireDataDirLock(dir)).toThrow(DataDirLockedError);
    lock.release();
    acquireDataDirLock(dir).release();
    rmSync(dir, { recursive: true, force: true });
  });

  it('clears a lock and a postmaster.pid left by a killed process (dead pid)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'comeback-lock-'));
    writeFileSync(join(dir, 'comeback.lock'), '999999999');
    writeFileSync(join(dir, 'postmaster.pid'), '999999999\n');
    const lock = acquireDataDirLock(dir);
    expect(existsSync(join(dir, 'postmaster.pid'))).toBe(false);
    lock.release();
    expect(existsSync(join(dir, 'comeback.lock'))).toBe(false);
    rmSync(dir, { recursive: true, force: true });
  });

  // PGlite-only by nature: the folder lock guards the embedded database.
  const embeddedOnly = process.env.TEST_DATABASE_URL ? () => {} : it;
  embeddedOnly('opens a PGlite folder whose previous owner died leaving postmaster.pid behind', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'comeback-stale-'));
    const first = await connect({ dataDir: dir });
    await first.query(`INSERT INTO workspaces (name) VALUES ('survivor')`);
    await first.close();
    // What kill -9 leaves: our lock with a dead pid and PGlite's pid file.
    writeFileSync(join(dir, 'comeback.lock'), '999999999');
    writeFileSync(join(dir, 'postmaster.pid'), '999999999\n');
    const second = await connect({ dataDir: dir });
    const rows = await second.query<{ name: string }>('SELECT name FROM workspaces');
    expect(rows.map((r) => r.name)).toContain('survivor');
    await second.close();
    rmSync(dir, { recursive: true, force: true });
  });
});
