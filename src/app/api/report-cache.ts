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
 */
import type { Database } from '../../storage/connect.ts';
import { reportVersion } from '../../storage/queries/report-versions.ts';

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
}

const DEFAULTS: ReportCacheOptions = { staleAfterMs: 1_000, maxStaleMs: 5 * 60_000, maxEntries: 200 };

const caches = new WeakMap<Database, Map<string, Entry>>();

function cacheOf(db: Database): Map<string, Entry> {
  let c = caches.get(db);
  if (!c) {
    c = new Map();
    caches.set(db, c);
  }
  return c;
}

function start<T>(map: Map<string, Entry>, key: string, version: number, compute: () => Promise<T>): Entry {
  const t0 = performance.now();
  const entry: Entry = {
    version,
    value: Promise.resolve(),
    computedAt: Number.NaN,
    costMs: 0,
    refreshing: false,
  };
  entry.value = compute().then(
    (v) => {
      entry.computedAt = Date.now();
      entry.costMs = performance.now() - t0;
      return v;
    },
    (e: unknown) => {
      // A failure is not kept: the next request tries again.
      if (map.get(key) === entry) map.delete(key);
      throw e;
    },
  );
  return entry;
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
  const k = `${workspaceId}|${key}`;
  const version = await reportVersion(db, workspaceId);
  const entry = map.get(k);
  if (entry && entry.version === version) {
    remember(map, k, entry, o.maxEntries);
    return entry.value as Promise<T>;
  }
  const stale =
    entry !== undefined &&
    !Number.isNaN(entry.computedAt) &&
    entry.costMs >= o.staleAfterMs &&
    Date.now() - entry.computedAt <= o.maxStaleMs;
  if (stale) {
    if (!entry.refreshing) {
      entry.refreshing = true;
      const next = start(map, k, version, compute);
      next.value.then(
        () => remember(map, k, next, o.maxEntries),
        () => {
          entry.refreshing = false;
        },
      );
    }
    return entry.value as Promise<T>;
  }
  const next = start(map, k, version, compute);
  remember(map, k, next, o.maxEntries);
  return next.value as Promise<T>;
}
