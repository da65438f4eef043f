/**
 * Bulk loading of a generated history into a fresh PostgreSQL database or PGlite data dir,
 * through the product's schema (migrations) — COPY for speed, with the secondary order
 * indexes rebuilt afterwards exactly as the migration defines them.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { connect, type Database } from '../src/storage/connect.ts';
import { ensureWorkspace } from '../src/storage/queries/workspaces.ts';
import { type Generated, ordersCsv } from './analytics-generate.ts';

const ORDER_COLUMNS =
  'workspace_id, id, order_key, external_id, customer_id, ordered_at, ordered_on, amount, status';
const ORDER_INDEXES = [
  'CREATE UNIQUE INDEX "orders_key_idx" ON "orders" USING btree ("workspace_id","order_key")',
  'CREATE INDEX "orders_customer_idx" ON "orders" USING btree ("workspace_id","customer_id","ordered_at")',
  'CREATE INDEX "orders_ordered_on_idx" ON "orders" USING btree ("workspace_id","ordered_on")',
];
const SLICE = 250_000;

export interface Target {
  kind: 'postgres' | 'pglite';
  /** PostgreSQL URL or PGlite data dir. */
  where: string;
  drop(): Promise<void>;
}

function run(cmd: string, args: string[], input?: AsyncIterable<string>): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: [input ? 'pipe' : 'ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr!.on('data', (b: Buffer) => {
      err += b.toString();
    });
    p.on('error', reject);
    p.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`${cmd} exited ${code}: ${err.slice(0, 2000)}`)),
    );
    if (input) {
      const stdin = p.stdin!;
      (async () => {
        for await (const chunk of input) {
          if (!stdin.write(chunk)) await new Promise((r) => stdin.once('drain', r));
        }
        stdin.end();
      })().catch(reject);
    }
  });
}

/** A fresh PostgreSQL database on the server of `adminUrl` (dropped by `drop`). */
export async function freshPostgres(adminUrl: string, name: string): Promise<Target> {
  await run('psql', [adminUrl, '-q', '-c', `DROP DATABASE IF EXISTS ${name}`]);
  await run('psql', [adminUrl, '-q', '-c', `CREATE DATABASE ${name}`]);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    kind: 'postgres',
    where: url.toString(),
    drop: () => run('psql', [adminUrl, '-q', '-c', `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`]),
  };
}

export function freshPglite(dir: string): Target {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return {
    kind: 'pglite',
    where: dir,
    drop: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * Opens the target; migrations only when asked (once, before the load): the schema of a run
 * stays the one it started with even if migrations are added meanwhile.
 */
export function open(t: Target, migrate = false): Promise<Database> {
  return connect(t.kind === 'postgres' ? { databaseUrl: t.where, migrate } : { dataDir: t.where, migrate });
}

async function* csvSlices(g: Generated, workspaceId: number): AsyncIterable<string> {
  for (let i = 0; i < g.orders; i += SLICE) yield ordersCsv(g, workspaceId, i, Math.min(g.orders, i + SLICE));
}

/**
 * Loads customers (ids 1..N, external id `c<id>`), orders (ids 1..M, external id `o<id>`) into
 * the workspace `bench`; returns its id. Sequences are moved past the loaded ids.
 */
export async function load(t: Target, g: Generated, log: (s: string) => void): Promise<number> {
  const db = await open(t, true);
  const ws = (await ensureWorkspace(db, 'bench')).id;
  await db.query(`INSERT INTO customers (workspace_id, id) SELECT $1, g FROM generate_series(1, $2::int) g`, [
    ws,
    g.customers,
  ]);
  await db.query(
    `INSERT INTO customer_identifiers (workspace_id, kind, value, customer_id)
     SELECT $1, 'external', 'c' || g, g FROM generate_series(1, $2::int) g`,
    [ws, g.customers],
  );
  for (const ix of ['orders_key_idx', 'orders_customer_idx', 'orders_ordered_on_idx'])
    await db.query(`DROP INDEX ${ix}`);
  const t0 = performance.now();
  if (t.kind === 'postgres') {
    await db.close();
    await run(
      'psql',
      [t.where, '-q', '-c', `\\copy orders (${ORDER_COLUMNS}) FROM STDIN WITH (FORMAT csv)`],
      csvSlices(g, ws),
    );
  } else {
    await db.close();
    const pg = new PGlite(t.where);
    await pg.waitReady;
    for await (const csv of csvSlices(g, ws)) {
      await pg.query(`COPY orders (${ORDER_COLUMNS}) FROM '/dev/blob' WITH (FORMAT csv)`, [], {
        blob: new Blob([csv]),
      });
    }
    await pg.close();
  }
  log(`  orders copied in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const db2 = await open(t);
  const t1 = performance.now();
  await db2.transaction(async (tx) => {
    if (t.kind === 'postgres') await tx.query(`SET LOCAL maintenance_work_mem = '1GB'`);
    for (const ix of ORDER_INDEXES) await tx.query(ix);
  });
  await db2.query(`SELECT setval(pg_get_serial_sequence('orders', 'id'), $1::bigint)`, [g.orders]);
  await db2.query(`SELECT setval(pg_get_serial_sequence('customers', 'id'), $1::bigint)`, [g.customers]);
  await db2.query('VACUUM ANALYZE orders');
  await db2.query('VACUUM ANALYZE customers');
  await db2.query('VACUUM ANALYZE customer_identifiers');
  log(`  indexes + vacuum analyze in ${((performance.now() - t1) / 1000).toFixed(1)} s`);
  await db2.close();
  return ws;
}
