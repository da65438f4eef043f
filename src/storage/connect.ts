/**
 * One way to talk to either database: embedded PGlite in a data folder (the default, for a
 * salon on a laptop) or PostgreSQL from a URL. Both get the same migrations, the same
 * type parsing (bigint → number, date → 'YYYY-MM-DD', numeric → exact string) and the
 * same small `Sql` surface that the queries in ./queries use.
 */
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite, types as pgliteTypes } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import pg from 'pg';
import { acquireDataDirLock, type DataDirLock } from './data-dir-lock.ts';

const MIGRATIONS = fileURLToPath(new URL('./migrations', import.meta.url));

/** Plain parameterised SQL: the one primitive every query module is written against. */
export interface Sql {
  query<T = Record<string, unknown>>(text: string, params?: unknown[], options?: QueryOptions): Promise<T[]>;
}

export interface QueryOptions {
  /**
   * Keep the statement prepared on each PostgreSQL connection, so later calls skip parsing and
   * planning (the customer card's statement plans in ~1.1 ms and runs in ~0.7). Only for a
   * fixed text (a few variants at most): every distinct text stays in each connection's memory,
   * so past a cap (MAX_PREPARED_TEXTS) further texts run unnamed. PGlite ignores it.
   */
  prepared?: boolean;
}

/**
 * Prepared texts are kept by node-postgres on every connection for its lifetime, so their number
 * is capped: a text seen after the first MAX_PREPARED_TEXTS runs unnamed (planned each time).
 * A caller building texts from input (page sizes, filter combinations) cannot grow memory.
 */
const MAX_PREPARED_TEXTS = 256;
const statementNames = new Map<string, string>();

/** A stable statement name per text (node-postgres prepares it once per connection), or null past the cap. */
function statementName(text: string): string | null {
  let name = statementNames.get(text);
  if (name === undefined) {
    if (statementNames.size >= MAX_PREPARED_TEXTS) return null;
    name = `q_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
    statementNames.set(text, name);
  }
  return name;
}

function pgQuery(text: string, params: unknown[] | undefined, options: QueryOptions | undefined) {
  const name = options?.prepared ? statementName(text) : null;
  return name !== null ? { name, text, values: params ?? [] } : { text, values: params };
}

export interface Database extends Sql {
  readonly kind: 'pglite' | 'postgres';
  /** Runs `fn` in one transaction: all of its writes commit together or none do. */
  transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T>;
  /**
   * A Drizzle instance over the same client, for libraries that need an ORM (better-auth's
   * adapter). Our own queries stay plain SQL through `query`.
   */
  orm(): Orm;
  close(): Promise<void>;
}

export type Orm = ReturnType<typeof drizzlePg> | ReturnType<typeof drizzlePglite>;

export interface ConnectOptions {
  /** PostgreSQL URL; wins over dataDir. */
  databaseUrl?: string | undefined;
  /** Embedded database folder (PGlite). */
  dataDir?: string | undefined;
  /** Apply pending migrations (default true). */
  migrate?: boolean;
}

// int8 ids and counts fit in a double for any realistic workspace; dates stay calendar days.
const INT8 = 20;
const DATE = 1082;

export async function connect(options: ConnectOptions): Promise<Database> {
  const db = options.databaseUrl
    ? await connectPostgres(options.databaseUrl)
    : await connectPglite(options.dataDir ?? './comeback-data');
  if (options.migrate !== false) await db.migrateSchema();
  return db;
}

type Internal = Database & { migrateSchema(): Promise<void> };

async function connectPglite(dataDir: string): Promise<Internal> {
  const dir = resolve(dataDir);
  mkdirSync(dir, { recursive: true });
  // Two processes must never open one data dir; the lock also makes a stale
  // postmaster.pid (left by kill -9) safe to clear.
  const lock: DataDirLock = acquireDataDirLock(dir);
  let client: PGlite;
  try {
    client = new PGlite(dir, {
      // Migration 0008_search creates pg_trgm (its index went in 0011): it must load here too.
      extensions: { pg_trgm },
      parsers: {
        [INT8]: (v: string) => Number(v),
        [pgliteTypes.DATE]: (v: string) => v,
      },
    });
    await client.waitReady;
    await client.exec(`SET TIME ZONE 'UTC'`);
  } catch (e) {
    lock.release();
    throw e;
  }
  // PGlite runs one query at a time; transactions are serialised by its own mutex.
  const db: Internal = {
    kind: 'pglite',
    async query<T>(text: string, params?: unknown[]) {
      const res = await client.query<T>(text, params);
      return res.rows;
    },
    async transaction<T>(fn: (tx: Sql) => Promise<T>) {
      return client.transaction(async (tx) =>
        fn({
          async query<R>(text: string, params?: unknown[]) {
            return (await tx.query<R>(text, params)).rows;
          },
        }),
      );
    },
    orm: once(() => drizzlePglite(client)),
    async migrateSchema() {
      await migratePglite(drizzlePglite(client), { migrationsFolder: MIGRATIONS });
    },
    async close() {
      try {
        await client.close();
      } finally {
        lock.release();
      }
    },
  };
  return db;
}

async function connectPostgres(url: string): Promise<Internal> {
  const typeParsers = {
    getTypeParser(oid: number, format?: string) {
      if (oid === INT8) return (v: string) => Number(v);
      if (oid === DATE) return (v: string) => v;
      return pg.types.getTypeParser(oid, format as 'text');
    },
  };
  // force_generic_plan: a statement run `prepared` is planned once per connection, which is the
  // point of preparing it. Left to choose, PostgreSQL re-plans the search page on every call
  // (0.7 ms) because its generic estimate for an unnest of a parameter is higher; every prepared
  // text here is written to be planned without its values (no LIMIT or prefix as a parameter).
  const pool = new pg.Pool({
    connectionString: url,
    max: 8,
    types: typeParsers,
    options: '-c TimeZone=UTC -c plan_cache_mode=force_generic_plan',
  });
  // Fail fast with a clear message when the server is not there.
  const probe = await pool.connect();
  probe.release();
  const db: Internal = {
    kind: 'postgres',
    async query<T>(text: string, params?: unknown[], options?: QueryOptions) {
      const res = await pool.query(pgQuery(text, params, options));
      return res.rows as T[];
    },
    async transaction<T>(fn: (tx: Sql) => Promise<T>) {
      const c = await pool.connect();
      try {
        await c.query('BEGIN');
        const out = await fn({
          async query<R>(text: string, params?: unknown[], options?: QueryOptions) {
            return (await c.query(pgQuery(text, params, options))).rows as R[];
          },
        });
        await c.query('COMMIT');
        return out;
      } catch (e) {
        await c.query('ROLLBACK').catch(() => {});
        throw e;
      } finally {
        c.release();
      }
    },
    orm: once(() => drizzlePg(pool)),
    async migrateSchema() {
      // Serialise concurrent starts against one server (two processes migrating at once).
      const c = await pool.connect();
      try {
        await c.query('SELECT pg_advisory_lock(7243901)');
        await migratePg(drizzlePg(c), { migrationsFolder: MIGRATIONS });
      } finally {
        await c.query('SELECT pg_advisory_unlock(7243901)').catch(() => {});
        c.release();
      }
    },
    async close() {
      await pool.end();
    },
  };
  return db;
}

function once<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => {
    value ??= make();
    return value;
  };
}
