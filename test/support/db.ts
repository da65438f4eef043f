/**
 * The database for integration tests: PostgreSQL when TEST_DATABASE_URL is set (CI
 * creates a fresh database), otherwise an embedded PGlite in a temp folder. One per test
 * file (opening PGlite costs seconds); tests isolate themselves by workspace.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type Database } from '../../src/storage/connect.ts';
import { ensureWorkspace } from '../../src/storage/queries/workspaces.ts';

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL;

export interface TestDatabase {
  db: Database;
  kind: 'pglite' | 'postgres';
  /** A fresh workspace with a unique name. */
  workspace(prefix?: string): Promise<number>;
  /** Global CLI options that reach this same database. */
  cliArgs(workspace: string): string[];
  dataDir: string | null;
  close(): Promise<void>;
}

let counter = 0;

export async function openTestDatabase(): Promise<TestDatabase> {
  const dataDir = TEST_DATABASE_URL ? null : mkdtempSync(join(tmpdir(), 'comeback-test-'));
  const db = await connect(TEST_DATABASE_URL ? { databaseUrl: TEST_DATABASE_URL } : { dataDir: dataDir! });
  return {
    db,
    kind: db.kind,
    dataDir,
    async workspace(prefix = 'ws') {
      const name = `${prefix}-${process.pid}-${Date.now()}-${++counter}`;
      return (await ensureWorkspace(db, name)).id;
    },
    cliArgs(workspace: string) {
      return TEST_DATABASE_URL
        ? ['--database-url', TEST_DATABASE_URL, '--workspace', workspace]
        : ['--data-dir', dataDir!, '--workspace', workspace];
    },
    async close() {
      await db.close();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export function uniqueName(prefix: string): string {
  return `${prefix}-${process.pid}-${Date.now()}-${++counter}`;
}
