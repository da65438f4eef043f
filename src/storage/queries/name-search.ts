/**
 * Name search by word prefixes, planned here instead of left to PostgreSQL's planner.
 *
 * A query word («иванов») is first expanded into the stored words it starts (иванов, иванова):
 * a skip scan of the (workspace, word, customer) index, one descent per distinct word. Each
 * stored word's customers then come in customer order straight from that index, so the first
 * `batch` matches of a word are its first `batch` index entries — a page of «олеся» reads ~50
 * entries instead of collecting all ~17,000 matches and sorting them (which is what the planner
 * does for a prefix range: 4–6 ms per page at 1M customers, 0.3 ms this way).
 *
 * A prefix with more than EXPANSION_CAP distinct words («а», «ф» on a real base) is dense: it is
 * walked through the (workspace, customer, word) index in customer order with the prefix as a
 * filter, which finds a page after a few hundred entries.
 *
 * Several query words: the rarest-looking one drives the walk in customer order and each other
 * word is a probe of the customer's own words through the (workspace, customer, word) index;
 * when they rarely meet, a GIN index of the names' words intersects their customer lists.
 */
import type { Sql } from '../connect.ts';
import type { Param } from './segment-rules.ts';

/** Distinct stored words a query word may expand to before it is treated as dense. */
export const EXPANSION_CAP = 32;

export interface NameWord {
  /** The query word folded as the stored words are (customer_name_fold). */
  prefix: string;
  /** The stored words it starts, in byte order; null when more than EXPANSION_CAP (dense). */
  words: string[] | null;
}

/**
 * Each query word folded and expanded into the stored words it starts, in one statement: a
 * recursive skip scan per word, one index descent per distinct word.
 */
export async function expandNameWords(sql: Sql, workspaceId: number, words: string[]): Promise<NameWord[]> {
  const rows = await sql.query<{ i: number; p: string; words: string[] | null }>(
    `WITH RECURSIVE q AS (
       SELECT t.i::int AS i, customer_name_fold(t.w) COLLATE "C" AS p
         FROM unnest($2::text[]) WITH ORDINALITY AS t (w, i)),
     d AS (
       SELECT q.i, q.p, 1 AS n,
              (SELECT x.word FROM customer_name_words x
                WHERE x.workspace_id = $1 AND x.word >= q.p ORDER BY x.word LIMIT 1) AS word
         FROM q
       UNION ALL
       SELECT d.i, d.p, d.n + 1,
              (SELECT x.word FROM customer_name_words x
                WHERE x.workspace_id = $1 AND x.word > d.word ORDER BY x.word LIMIT 1)
         FROM d WHERE d.n <= ${EXPANSION_CAP} AND starts_with(d.word, d.p)),
     e AS (
       SELECT d.i, array_agg(d.word ORDER BY d.word) AS words FROM d
        WHERE starts_with(d.word, d.p) GROUP BY d.i)
     SELECT q.i, q.p, e.words FROM q LEFT JOIN e USING (i) ORDER BY q.i`,
    [workspaceId, words],
    { prepared: true },
  );
  return rows.map((r) => {
    const found = r.words ?? [];
    const dense = found.length > EXPANSION_CAP;
    return { prefix: r.p, words: dense ? null : found };
  });
}

/** The word that drives the walk: not dense, then the fewest stored words, then the longest (rarer). */
function driverOf(words: NameWord[]): NameWord {
  const rank = (w: NameWord) => [w.words === null ? 1 : 0, w.words?.length ?? 0, -[...w.prefix].length];
  return [...words].sort((a, b) => {
    const ra = rank(a);
    const rb = rank(b);
    for (let i = 0; i < ra.length; i++) if (ra[i] !== rb[i]) return ra[i]! - rb[i]!;
    return 0;
  })[0]!;
}

/** Driver customers walked (with probes) before the index of name keys takes over: × batch. */
const WALK_FACTOR = 8;

/**
 * The customers having every name word, as a query of one column `customer_id`: at most `batch`
 * distinct ids in customer order (`desc` for descending) after `from` (exclusive; null = from the
 * start). null when some word starts no stored word, so nobody can match.
 *
 * One word: its stored words' first `batch` customers each, merged (or, dense, the customer index
 * walked with the prefix as a filter). Several words: the driver's customers in order, each
 * probed for the other words; when the first WALK_FACTOR × batch of them give less than a page
 * (the words rarely meet: «Анна Соколова» is 16,667 × 4,762 customers at 1M with no match), the
 * GIN index of name keys intersects the words' customer lists instead (customer_name_keys,
 * migration 0012) — 0.7 ms where the walk would probe all 4,762.
 */
export function nameCandidatesSql(
  workspaceId: number,
  words: NameWord[],
  p: Param,
  opts: { from: number | null; desc: boolean; batch: number },
): string | null {
  if (words.length === 0 || words.some((w) => w.words !== null && w.words.length === 0)) return null;
  const dir = opts.desc ? 'DESC' : 'ASC';
  const from = opts.from === null ? null : p(opts.from);
  const after = (col: string) => (from === null ? '' : `AND ${col} ${opts.desc ? '<' : '>'} ${from}::bigint`);
  const driver = driverOf(words);
  const others = words.filter((w) => w !== driver);
  // Each other word must start some word of the same customer: one probe of the customer index.
  // OFFSET 0 keeps it a probe per row (without it the planner hashes all of the word's matches).
  const probes = (col: string, of: NameWord[]) =>
    of
      .map(
        (w) => `AND EXISTS (SELECT 1 FROM customer_name_words y
                  WHERE y.workspace_id = $1 AND y.customer_id = ${col} AND y.word ^@ ${p(w.prefix)}::text OFFSET 0)`,
      )
      .join(' ');
  if (driver.words === null) {
    // Every word is dense: matches are everywhere, so the walk in customer order is short.
    return `SELECT DISTINCT x.customer_id FROM customer_name_words x
             WHERE x.workspace_id = $1 AND x.word ^@ ${p(driver.prefix)}::text ${after('x.customer_id')}
               ${probes('x.customer_id', others)}
             ORDER BY 1 ${dir} LIMIT ${opts.batch}`;
  }
  // The driver's stored words' first `n` customers each, in order; the first `n` of their union
  // are among them.
  const driverWords = p(driver.words);
  const driverIds = (n: number) =>
    `SELECT DISTINCT d.customer_id FROM unnest(${driverWords}::text[]) AS e (word)
       CROSS JOIN LATERAL (SELECT x.customer_id FROM customer_name_words x
         WHERE x.workspace_id = $1 AND x.word = e.word COLLATE "C" ${after('x.customer_id')}
         ORDER BY x.customer_id ${dir} LIMIT ${n}) AS d
      ORDER BY 1 ${dir} LIMIT ${n}`;
  if (others.length === 0) return driverIds(opts.batch);
  const walked = WALK_FACTOR * opts.batch;
  const keyed = others.filter((w) => w.words !== null);
  const dense = others.filter((w) => w.words === null);
  const keys = (w: NameWord) => p(w.words!.map((word) => `${workspaceId}:${word}`));
  // The walk reads the driver's customers as a subquery, not from the drv CTE: the planner then
  // knows they come in order and stops probing at the page's last match (from a CTE it sorted
  // the matches, probing all of the driver's customers first). drv, for the count, is only
  // computed when the walk came up short.
  return `WITH drv AS MATERIALIZED (${driverIds(walked)}),
       walk AS MATERIALIZED (SELECT v.customer_id FROM (${driverIds(walked)}) v
                              WHERE true ${probes('v.customer_id', others)}
                              ORDER BY 1 ${dir} LIMIT ${opts.batch})
     SELECT customer_id FROM walk
     UNION
     (SELECT c.id FROM customers c
       WHERE customer_name_keys(c.workspace_id, c.name) && ${keys(driver)}::text[]
         ${keyed.map((w) => `AND customer_name_keys(c.workspace_id, c.name) && ${keys(w)}::text[]`).join(' ')}
         AND c.workspace_id = $1 ${after('c.id')} ${probes('c.id', dense)}
         -- Only when the walk stopped short of a page before the driver's customers ran out.
         AND (SELECT count(*) FROM walk) < ${opts.batch} AND (SELECT count(*) FROM drv) = ${walked}
       ORDER BY 1 ${dir} LIMIT ${opts.batch})`;
}
