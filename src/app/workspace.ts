/**
 * Opening a workspace: connect to the configured database, apply migrations, find or
 * create the named workspace. Every CLI command and the server start here.
 */
import { AppError } from '../core/errors.ts';
import { parseSettingInput, resolveSettings, type SettingKey, type Settings } from '../core/settings.ts';
import { connect, type Database } from '../storage/connect.ts';
import { DataDirLockedError } from '../storage/data-dir-lock.ts';
import { loadSettings, saveSetting } from '../storage/queries/settings.ts';
import { ensureWorkspace } from '../storage/queries/workspaces.ts';

/** The database handle, for layers that may not import storage themselves. */
export type { Database };

export interface WorkspaceHandle {
  db: Database;
  workspaceId: number;
  name: string;
  /** True when this call created the workspace (first run). */
  created: boolean;
  close(): Promise<void>;
}

export interface OpenOptions {
  databaseUrl?: string | undefined;
  dataDir?: string | undefined;
  workspace: string;
}

export async function openWorkspace(opts: OpenOptions): Promise<WorkspaceHandle> {
  let db: Database;
  try {
    db = await connect({ databaseUrl: opts.databaseUrl, dataDir: opts.dataDir });
  } catch (e) {
    if (e instanceof DataDirLockedError) throw new AppError('data_dir_locked', e.message);
    const msg = e instanceof Error ? e.message : String(e);
    if (opts.databaseUrl && /ECONNREFUSED|ENOTFOUND|does not exist|password|timeout/i.test(msg)) {
      throw new AppError('database_unavailable', `cannot reach the database: ${msg}`);
    }
    throw e;
  }
  try {
    const ws = await ensureWorkspace(db, opts.workspace);
    return { db, workspaceId: ws.id, name: opts.workspace, created: ws.created, close: () => db.close() };
  } catch (e) {
    await db.close();
    throw e;
  }
}

export async function getSettings(db: Database, workspaceId: number): Promise<Settings> {
  return resolveSettings(await loadSettings(db, workspaceId));
}

/** Validates and stores one setting from its textual form; returns the typed value. */
export async function setSetting(
  db: Database,
  workspaceId: number,
  key: SettingKey,
  raw: string,
): Promise<unknown> {
  const parsed = parseSettingInput(key, raw);
  if (!parsed.ok) throw new AppError('bad_usage', parsed.error, { key });
  await saveSetting(db, workspaceId, key, parsed.value);
  return parsed.value;
}
