/**
 * Computed reports kept per database, workspace and request, under the workspace's report
 * version (src/storage/queries/report-versions.ts: moved by triggers on every write a report
 * depends on). At 1M customers and millions of orders a KPI or cohort report takes seconds to
 * compute, and the dashboard asks for four of them on every visit.
 *
 * - Same version: the stored report is returned (a version read, no computation).
 * - Version moved: the report is computed again; identical requests arriving meanwhile share
 *   that one computation.
 * - Version moved and the report is expensive (its last computation took ≥ `staleAfterMs`,
 *   i.e. a big workspace where orders arrive all day): the stored report is returned at once,
 *   if it is younger than `maxStaleMs`, and a fresh one is computed in the background for the
 *   next visit. A small workspace (and every test) always gets a fresh report.
 * - Every computed report is also kept in the database (report_cache), so a restart or a
 *   second process starts warm: the first visit after a deploy reads the kept report when its
 *   version is still current (or, for an expensive one, recent enough to serve stale).
 */
import { createHash } from 'node:crypto';
import type { Database } from '../../storage/connect.ts';
import { dataVersion, loadStoredReport, storeReport } from '../../storage/queries/report-versions.ts';

interface Entry {
  version: number;
  value: Promise<unknown>;
  /** Epoch ms when the computation finished (NaN while running). */
  computedAt: number;
  costMs: number;
  refreshing: boolean;
}

export interface ReportCacheOptions {
  /** A report whose computation took at least this long may be served stale (default 1 s). */
  staleAfterMs: number;
  /** …but never older than this (default 5 minutes). */
  maxStaleMs: number;
  /** Reports kept per database (least recently used dropped first; default 200). */
  maxEntries: number;
  /**
   * Which counter says the data moved: `reports` (orders, lines, targets, categories, managers;
   * the default) or `customers` (the customers' stored aggregates: segment counts).
   */
  versionOf: 'reports' | 'customers';
}

const DEFAULTS: ReportCacheOptions = {
  staleAfterMs: 1_000,
  maxStaleMs: 5 * 60_000,
  maxEntries: 200,
  versionOf: 'reports',
};

const caches = new WeakMap<Database, Map<string, Entry>>();
/** Reads of kept reports in flight, so identical requests after a start share one read. */
const restoring = new WeakMap<Database, Map<string, Promise<Entry | null>>>();

function cacheOf(db: Database): Map<string, Entry> {
  let c = caches.get(db);
  if (!c) {
    c = new Map();
    caches.set(db, c);
  }
  return c;
}

function keyHash(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

function start<T>(
  db: Database,
  map: Map<string, Entry>,
  k: { workspaceId: number; key: string; mapKey: string },
  version: number,
  compute: () => Promise<T>,
): Entry {
  const t0 = performance.now();
  const entry: Entry = {
    version,
    value: Promise.resolve(),
    computedAt: Number.NaN,
    costMs: 0,
    refreshing: false,
  };
  entry.value = compute().then(
    async (v) => {
      entry.computedAt = Date.now();
      entry.costMs = performance.now() - t0;
      // Kept for the next process (one row write, small next to the computation). A failed
      // write only costs a later start its head start; the answer itself is right, so it goes out.
      await storeReport(db, k.workspaceId, keyHash(k.key), {
        version,
        body: JSON.stringify(v),
        costMs: entry.costMs,
        computedAt: new Date(entry.computedAt),
      }).catch(() => undefined);
      return v;
    },
    (e: unknown) => {
      // A failure is not kept: the next request tries again.
      if (map.get(k.mapKey) === entry) map.delete(k.mapKey);
      throw e;
    },
  );
  return entry;
}

/** The report as an earlier computation kept it in the database (null when none was). */
function restore(db: Database, workspaceId: number, key: string, mapKey: string): Promise<Entry | null> {
  let pending = restoring.get(db);
  if (!pending) {
    pending = new Map();
    restoring.set(db, pending);
  }
  const inFlight = pending.get(mapKey);
  if (inFlight) return inFlight;
  const p = loadStoredReport(db, workspaceId, keyHash(key))
    .then((row): Entry | null =>
      row === null
        ? null
        : {
            version: row.version,
            value: Promise.resolve(JSON.parse(row.body) as unknown),
            computedAt: row.computedAt.getTime(),
            costMs: row.costMs,
            refreshing: false,
          },
    )
    .finally(() => pending.delete(mapKey));
  pending.set(mapKey, p);
  return p;
}

function remember(map: Map<string, Entry>, key: string, entry: Entry, max: number): void {
  map.delete(key);
  map.set(key, entry);
  while (map.size > max) map.delete(map.keys().next().value as string);
}

/**
 * The report `key` of a workspace (the key must hold everything the result depends on besides
 * the database: period, as-of day, settings, the principal's scope).
 */
export async function cachedReport<T>(
  db: Database,
  workspaceId: number,
  key: string,
  compute: () => Promise<T>,
  options: Partial<ReportCacheOptions> = {},
): Promise<T> {
  const o = { ...DEFAULTS, ...options };
  const map = cacheOf(db);
  // Versions of the two counters are unrelated numbers: one key never mixes them.
  const fullKey = `${o.versionOf}|${key}`;
  const k = { workspaceId, key: fullKey, mapKey: `${workspaceId}|${fullKey}` };
  const version = await dataVersion(db, workspaceId, o.versionOf);
  let entry = map.get(k.mapKey);
  if (entry === undefined) {
    const kept = await restore(db, workspaceId, fullKey, k.mapKey);
    // Another request may have started a computation while the kept report was read.
    entry = map.get(k.mapKey) ?? kept ?? undefined;
    if (entry && entry === kept) remember(map, k.mapKey, entry, o.maxEntries);
  }
  if (entry && entry.version === version) {
    remember(map, k.mapKey, entry, o.maxEntries);
    return entry.value as Promise<T>;
  }
  const stale =
    entry !== undefined &&
    !Number.isNaN(entry.computedAt) &&
    entry.costMs >= o.staleAfterMs &&
    Date.now() - entry.computedAt <= o.maxStaleMs;
  if (entry && stale) {
    if (!entry.refreshing) {
      entry.refreshing = true;
      const current = entry;
      const next = start(db, map, k, version, compute);
      next.value.then(
        () => remember(map, k.mapKey, next, o.maxEntries),
        () => {
          current.refreshing = false;
        },
      );
    }
    return entry.value as Promise<T>;
  }
  const next = start(db, map, k, version, compute);
  remember(map, k.mapKey, next, o.maxEntries);
  return next.value as Promise<T>;
}

/** Forgets the reports held in memory, as a restart would (tests); the kept ones stay. */
export function forgetReportsInMemory(db: Database): void {
  caches.delete(db);
}
