/**
 * The API benchmark's workspace: `customers` customers with Russian names, a mobile phone and an
 * e-mail each (as identifiers), a source, a birthday, a manager for one in ten, and a two-year
 * order history (bench/analytics-generate.ts) bulk-loaded with COPY (bench/analytics-load.ts),
 * then evaluated once (`recomputeWorkspace`: status, cycle, RFM of every customer) as the
 * nightly job would.
 */
import { recomputeWorkspace } from '../src/app/analytics/customer-aggregates.ts';
import { getSettings } from '../src/app/workspace.ts';
import {
  FEMALE_FIRST_NAMES,
  MALE_FIRST_NAMES,
  PATRONYMICS,
  SURNAMES,
  surnameFor,
} from '../src/core/demo/names.ts';
import { ensureNamed } from '../src/storage/queries/catalog.ts';
import { generate } from './analytics-generate.ts';
import { load, open, type Target } from './analytics-load.ts';

export const FEMALE_SURNAMES = SURNAMES.map((s) => surnameFor(s, 'female'));
export const DOMAINS = ['mail.ru', 'yandex.ru', 'gmail.com', 'bk.ru', 'inbox.ru', 'list.ru'];
export const SOURCES = ['instagram', 'walk-in', '2gis', 'yandex-maps', 'referral', 'vk'];
export const MANAGERS = ['Анна Менеджер', 'Олег Менеджер', 'Ирина Менеджер', 'Павел Менеджер'];

/** The phone of customer `id` in E.164 (unique per id below 10M). */
export function phoneOf(id: number): string {
  return `+7916${String(id).padStart(7, '0')}`;
}

/** The e-mail of customer `id` (lower-case, unique). */
export function emailOf(id: number): string {
  return `client${id}@${DOMAINS[id % DOMAINS.length]}`;
}

/**
 * Fills the customers loaded as bare ids with profiles and identifiers, in SQL (one UPDATE, two
 * INSERT … SELECT), so 1M rows take seconds. Names are picked by multiplicative hashes of the id:
 * deterministic, and spread over every first name × surname.
 */
async function profiles(t: Target, ws: number, customers: number, log: (s: string) => void): Promise<void> {
  const db = await open(t);
  try {
    const t0 = performance.now();
    const managers = [...(await ensureNamed(db, ws, 'staff', MANAGERS)).values()];
    await db.query(
      `UPDATE customers c SET
         gender = CASE WHEN c.id % 3 = 0 THEN 'male' ELSE 'female' END,
         name = CASE WHEN c.id % 3 = 0
           THEN ($2::text[])[1 + (c.id * 7919) % cardinality($2::text[])] || ' ' || ($4::text[])[1 + (c.id * 104729) % cardinality($4::text[])]
                || CASE WHEN c.id % 2 = 0 THEN ' ' || ($6::text[])[1 + (c.id * 31) % cardinality($6::text[])] ELSE '' END
           ELSE ($3::text[])[1 + (c.id * 7919) % cardinality($3::text[])] || ' ' || ($5::text[])[1 + (c.id * 104729) % cardinality($5::text[])]
                || CASE WHEN c.id % 2 = 0 THEN ' ' || ($7::text[])[1 + (c.id * 31) % cardinality($7::text[])] ELSE '' END
         END,
         birthday = DATE '1960-01-01' + ((c.id * 2654435761) % 16000)::int,
         source = ($8::text[])[1 + (c.id * 13) % cardinality($8::text[])],
         manager_id = CASE WHEN c.id % 10 = 0 THEN ($9::bigint[])[1 + (c.id / 10) % cardinality($9::bigint[])] END
       WHERE c.workspace_id = $1`,
      [
        ws,
        MALE_FIRST_NAMES,
        FEMALE_FIRST_NAMES,
        SURNAMES,
        FEMALE_SURNAMES,
        PATRONYMICS.map((p) => p[0]),
        PATRONYMICS.map((p) => p[1]),
        SOURCES,
        managers,
      ],
    );
    await db.query(
      `INSERT INTO customer_identifiers (workspace_id, kind, value, customer_id)
       SELECT $1, 'phone', '+7916' || lpad(g::text, 7, '0'), g FROM generate_series(1, $2::int) g`,
      [ws, customers],
    );
    await db.query(
      `INSERT INTO customer_identifiers (workspace_id, kind, value, customer_id)
       SELECT $1, 'email', 'client' || g || '@' || ($3::text[])[1 + g % cardinality($3::text[])], g
         FROM generate_series(1, $2::int) g`,
      [ws, customers, DOMAINS],
    );
    await db.query('VACUUM ANALYZE customers');
    await db.query('VACUUM ANALYZE customer_identifiers');
    // Filled by the customers' insert trigger; vacuumed so its scans are index-only, as
    // autovacuum leaves it on a running server.
    await db.query('VACUUM ANALYZE customer_name_words');
    log(`  profiles + identifiers in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  } finally {
    await db.close();
  }
}

/** Loads and evaluates the workspace `bench` on a fresh target; returns its id. */
export async function loadApiWorkspace(
  t: Target,
  opts: { customers: number; orders: number; asOf: string },
  log: (s: string) => void,
): Promise<number> {
  const t0 = performance.now();
  const g = generate(opts.customers, opts.orders, opts.asOf);
  log(
    `  generated ${opts.customers} customers / ${opts.orders} orders in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  const ws = await load(t, g, log);
  await profiles(t, ws, opts.customers, log);
  const db = await open(t);
  try {
    const t1 = performance.now();
    const settings = await getSettings(db, ws);
    await recomputeWorkspace(db, ws, opts.asOf, settings);
    await db.query('VACUUM ANALYZE customers');
    log(`  evaluated (recomputeWorkspace + vacuum) in ${((performance.now() - t1) / 1000).toFixed(1)} s`);
  } finally {
    await db.close();
  }
  return ws;
}
