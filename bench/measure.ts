/**
 * Measuring helpers shared by the benchmarks: an RSS sampler, a Database wrapper that
 * times every query and transaction (attributed to the src/ function that issued it), and
 * small formatting and argument helpers.
 */
import { readFileSync } from 'node:fs';
import type { Database, Sql } from '../src/storage/connect.ts';

export const MB = 1024 * 1024;

export interface RssSample {
  /** ms since the sampler started */
  t: number;
  /** MiB */
  rss: number;
  /** progress counter at that moment (rows done) */
  rows: number;
}

/** Samples `process.memoryUsage().rss` every `everyMs` (250 ms by default). */
export class RssSampler {
  readonly samples: RssSample[] = [];
  peak = 0;
  /** Progress counter; samples taken while it is negative (before the measured work) are ignored by peakBetween. */
  rows = -1;
  private readonly t0 = performance.now();
  private readonly timer: NodeJS.Timeout;

  constructor(everyMs = 250) {
    this.sample();
    this.timer = setInterval(() => this.sample(), everyMs);
    this.timer.unref();
  }

  sample(): void {
    const rss = process.memoryUsage().rss / MB;
    if (rss > this.peak) this.peak = rss;
    this.samples.push({ t: performance.now() - this.t0, rss, rows: this.rows });
  }

  stop(): void {
    clearInterval(this.timer);
    this.sample();
  }

  /** Highest RSS while `rows` was within [from, to] (fractions of `total`). */
  peakBetween(total: number, from: number, to: number): number {
    let best = 0;
    for (const s of this.samples) {
      if (s.rows >= 0 && s.rows >= from * total && s.rows <= to * total && s.rss > best) best = s.rss;
    }
    return best;
  }
}

export interface QueryStat {
  calls: number;
  ms: number;
}

export interface TxStat {
  /** who opened the transaction (src function) */
  by: string;
  start: number;
  end: number;
  /** time inside the callback (the rest is BEGIN/COMMIT and waiting for the connection) */
  fnMs: number;
  /** time awaiting queries inside the callback */
  queryMs: number;
  queries: number;
}

export interface QueryLog {
  start: number;
  ms: number;
  /** inside a transaction callback */
  inTx: boolean;
}

export interface DbStats {
  byCaller: Map<string, QueryStat>;
  tx: TxStat[];
  log: QueryLog[];
  queryMs: number;
  queries: number;
}

/** `loadPurchaseColumns ← snapshotCustomers`: the nearest two src/ frames below the wrapper. */
function caller(skip: RegExp): string {
  const stack = new Error().stack?.split('\n') ?? [];
  const names: string[] = [];
  for (const line of stack.slice(2)) {
    if (!line.includes('/src/') || skip.test(line)) continue;
    const m = /at (?:async )?(?:[\w$]+\.)?([\w<>$]+) \(/.exec(line);
    const name = m?.[1] ?? /\/src\/(.+?):\d+/.exec(line)?.[1] ?? '?';
    if (name === '<anonymous>') continue;
    if (names[names.length - 1] !== name) names.push(name);
    if (names.length === 2) break;
  }
  return names.length > 0 ? names.join(' ← ') : '(unknown)';
}

const CONNECT_FRAME = /\/src\/storage\/connect\.ts:/;

/** A Database that forwards everything to `db` and records how long each query and transaction took. */
export function instrument(
  db: Database,
  clock: () => number = () => performance.now(),
): { db: Database; stats: DbStats } {
  const stats: DbStats = { byCaller: new Map(), tx: [], log: [], queryMs: 0, queries: 0 };
  const record = (label: string, start: number, ms: number, inTx: boolean) => {
    stats.log.push({ start, ms, inTx });
    const s = stats.byCaller.get(label) ?? { calls: 0, ms: 0 };
    s.calls++;
    s.ms += ms;
    stats.byCaller.set(label, s);
    stats.queryMs += ms;
    stats.queries++;
  };
  const timed = (inner: Sql, tx: TxStat | null): Sql => ({
    async query<T>(text: string, params?: unknown[]): Promise<T[]> {
      const label = caller(CONNECT_FRAME);
      const t0 = clock();
      try {
        return await inner.query<T>(text, params);
      } finally {
        const ms = clock() - t0;
        record(label, t0, ms, tx !== null);
        if (tx) {
          tx.queryMs += ms;
          tx.queries++;
        }
      }
    },
  });
  const plain = timed(db, null);
  const wrapped: Database = {
    kind: db.kind,
    query: plain.query,
    orm: () => db.orm(),
    async transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T> {
      const t: TxStat = {
        by: caller(CONNECT_FRAME),
        start: clock(),
        end: 0,
        fnMs: 0,
        queryMs: 0,
        queries: 0,
      };
      try {
        return await db.transaction(async (inner) => {
          const f0 = clock();
          try {
            return await fn(timed(inner, t));
          } finally {
            t.fnMs = clock() - f0;
          }
        });
      } finally {
        t.end = clock();
        stats.tx.push(t);
      }
    },
    close: () => db.close(),
  };
  return { db: wrapped, stats };
}

export function fmtInt(n: number): string {
  return Math.round(n)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

export function fmtSec(ms: number): string {
  return ms >= 100_000
    ? `${(ms / 1000).toFixed(0)} s`
    : ms >= 10_000
      ? `${(ms / 1000).toFixed(1)} s`
      : `${(ms / 1000).toFixed(2)} s`;
}

export function fmtRate(rowsPerSec: number): string {
  return rowsPerSec >= 10_000 ? `${(rowsPerSec / 1000).toFixed(1)}k` : fmtInt(rowsPerSec);
}

/** `--name value` (or `--name=value`); undefined when absent. */
export function option(args: string[], name: string): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === name) return args[i + 1];
    if (a.startsWith(`${name}=`)) return a.slice(name.length + 1);
  }
  return undefined;
}

export function flag(args: string[], name: string): boolean {
  return args.includes(name);
}

/** Positive integer option: `--rows 200000`, `--rows 200k`, `--rows 1m`, `--rows 1_000_000`. */
export function intOption(args: string[], name: string, fallback: number): number {
  const raw = option(args, name);
  if (raw === undefined) return fallback;
  const m = /^(\d+(?:\.\d+)?)([km]?)$/i.exec(raw.replaceAll('_', '').replaceAll(',', ''));
  const n = m
    ? Math.round(Number(m[1]) * (m[2]?.toLowerCase() === 'k' ? 1e3 : m[2]?.toLowerCase() === 'm' ? 1e6 : 1))
    : NaN;
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return n;
}

/**
 * CPU seconds used so far (user + system, from /proc; Linux only, else zeros): by process `pid`,
 * by this process, and by the whole machine (every CPU's busy time). Differences over a run,
 * ÷ its requests, split a request's CPU; the machine's minus the two processes is the rest (on a
 * quiet machine running the database: PostgreSQL, whose backends may exit mid-run, so they are
 * not summed one by one).
 */
export function cpuSplit(pid: number | undefined): { server: number; machine: number; self: number } {
  const usage = process.cpuUsage();
  const out = { server: 0, machine: 0, self: (usage.user + usage.system) / 1e6 };
  try {
    // cpu  user nice system idle iowait irq softirq steal …, in clock ticks (100 a second on Linux).
    const ticks = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    out.machine = (ticks.reduce((a, b) => a + b, 0) - ticks[3]! - ticks[4]!) / 100;
    if (pid !== undefined) {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.server = (Number(fields[11]) + Number(fields[12])) / 100;
    }
  } catch {
    // Not Linux, or the server has exited: zeros.
  }
  return out;
}
