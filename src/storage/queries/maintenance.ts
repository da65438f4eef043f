/**
 * Space reclaiming for the embedded database. PGlite runs PostgreSQL in single-user mode,
 * where autovacuum never runs: a daily refresh that rewrites every customer row would grow the
 * table by its own size each day. A plain VACUUM (no lock against readers) after such bulk
 * rewrites lets the next day's rewrite reuse the space. PostgreSQL's autovacuum does this itself.
 */
import type { Database } from '../connect.ts';

/** The tables a recompute rewrites wholesale. */
const REWRITTEN = ['customers', 'workspace_stats'] as const;

export async function reclaimAfterBulkRewrite(db: Database): Promise<boolean> {
  if (db.kind !== 'pglite') return false;
  for (const table of REWRITTEN) await db.query(`VACUUM (ANALYZE) ${table}`);
  return true;
}

/** Bytes on disk of a table with its indexes and TOAST (tests and diagnostics). */
export async function tableBytes(db: Database, table: string): Promise<number> {
  const rows = await db.query<{ bytes: string }>(
    'SELECT pg_total_relation_size($1::regclass)::text AS bytes',
    [table],
  );
  return Number(rows[0]?.bytes ?? 0);
}
