/**
 * The delivery worker: a pg-boss queue in the database we already have.
 *
 * A dispatcher claims due messages of the outbox (app/messaging/deliver-message.ts `claimDue`)
 * and inserts one `messages.deliver` job per claimed attempt in the same transaction; pg-boss
 * workers fetch jobs in batches and deliver them (`deliverClaimed`). On PostgreSQL pg-boss can
 * use its own pool (pass `databaseUrl`: LISTEN/NOTIFY wake-ups, several processes share the
 * queue); on PGlite it runs through pgboss-adapter.ts over the one connection.
 *
 * What survives a crash is in the outbox, not in the queue: an attempt whose worker died
 * stays `sending` until its lease ends, then the dispatcher claims it again (a new attempt, a
 * new job; the old job, if pg-boss retries it, finds its attempt stale and does nothing).
 * Deferred messages (budget, quiet hours, a provider's Retry-After) come due by `send_after`,
 * read with the injected clock, so tests can move time.
 *
 * @example
 * const delivery = await startDelivery(db, { key, publicUrl: 'https://crm.example' });
 * // … on shutdown
 * await delivery.stop();
 */
import { PgBoss } from 'pg-boss';
import { ChannelPool } from '../app/messaging/channel-settings.ts';
import {
  type ClaimRef,
  claimDue,
  type DeliveryCounts,
  type DeliveryDeps,
  deliverClaimed,
  outboxBacklog,
} from '../app/messaging/deliver-message.ts';
import type { Database } from '../app/workspace.ts';
import { pgBossDatabase, pgBossTransaction } from './pgboss-adapter.ts';

export const DELIVERY_QUEUE = 'messages.deliver';

export interface DeliveryOptions {
  /** The instance secret key (app/messaging/secrets.ts `loadSecretKey`). */
  key: Buffer;
  /** Public base URL for tracking and unsubscribe links, e.g. https://crm.salon.example */
  publicUrl: string;
  /** With PostgreSQL: pg-boss opens its own small pool on this URL (otherwise it shares `db`). */
  databaseUrl?: string;
  /** Epoch ms; tests drive deferrals and leases with it. */
  now?: () => number;
  /** How long a claimed attempt may take before it is claimed again (default 5 minutes). */
  leaseMs?: number;
  /** Jobs per worker fetch (default 100). */
  batchSize?: number;
  /** Worker batches in flight at once in this process (default 2). */
  workers?: number;
  /** Claimed attempts not yet finished by this process, at most (default 2000). */
  maxInFlight?: number;
  /** How often the dispatcher looks for due messages (default 1 s). */
  pollMs?: number;
  /** Only these workspaces (a worker per group of workspaces). Default: every workspace. */
  workspaceIds?: readonly number[];
  /** The pg-boss queue (default `messages.deliver`); give each group of workspaces its own. */
  queue?: string;
  /** Adapters (default: a pool of its own, closed on stop). */
  pool?: ChannelPool;
  onError?: (error: unknown) => void;
}

export interface Delivery {
  /** Claims what is due now and queues it; returns how many attempts were claimed. */
  tick(): Promise<number>;
  /** Resolves once nothing is due and nothing this process claimed is unfinished. */
  drain(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
  /** What this process delivered since start. */
  readonly counts: DeliveryCounts;
  /** `direct` (pg-boss's own pool on PostgreSQL) or `adapter` (through `db`). */
  readonly mode: 'direct' | 'adapter';
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startDelivery(db: Database, options: DeliveryOptions): Promise<Delivery> {
  const onError = options.onError ?? ((e: unknown) => process.stderr.write(`delivery: ${String(e)}\n`));
  const leaseMs = options.leaseMs ?? 5 * 60_000;
  const batchSize = options.batchSize ?? 100;
  const workers = options.workers ?? 2;
  const maxInFlight = options.maxInFlight ?? 2000;
  const ownPool = options.pool === undefined;
  const pool = options.pool ?? new ChannelPool(options.key);
  const deps: DeliveryDeps = {
    key: options.key,
    publicUrl: options.publicUrl,
    pool,
    leaseMs,
    ...(options.now ? { now: options.now } : {}),
    ...(options.workspaceIds ? { workspaceIds: options.workspaceIds } : {}),
  };
  const queue = options.queue ?? DELIVERY_QUEUE;
  const direct = db.kind === 'postgres' && options.databaseUrl !== undefined;
  const common = {
    schedule: false,
    supervise: true,
    superviseIntervalSeconds: 30,
    application_name: 'comeback-delivery',
  };
  const boss = direct
    ? new PgBoss({ ...common, connectionString: options.databaseUrl, max: 4 })
    : new PgBoss({
        ...common,
        db: pgBossDatabase(db),
        backend: db.kind === 'pglite' ? 'pglite' : 'postgres',
      });
  boss.on('error', onError);
  await boss.start();
  if (!(await boss.getQueue(queue))) {
    await boss.createQueue(queue, {
      // The outbox lease is what recovers a dead worker; pg-boss retries only a handler that threw.
      retryLimit: 2,
      retryDelay: 1,
      expireInSeconds: Math.max(60, Math.ceil(leaseMs / 1000)),
      deleteAfterSeconds: 24 * 3600,
    });
  }

  const counts: DeliveryCounts = { picked: 0, sent: 0, retried: 0, failed: 0, skipped: 0, cascaded: 0 };
  let inFlight = 0;
  let stopped = false;
  let ticking: Promise<number> | null = null;
  let again = false;

  const workId = await boss.work<ClaimRef>(
    queue,
    { batchSize, localConcurrency: workers, pollingIntervalSeconds: 0.5 },
    async (jobs) => {
      try {
        const c = await deliverClaimed(
          db,
          deps,
          jobs.map((j) => j.data),
        );
        for (const k of Object.keys(counts) as (keyof DeliveryCounts)[]) counts[k] += c[k];
      } finally {
        inFlight = Math.max(0, inFlight - jobs.length);
        // Keep the pipeline full: a finished batch makes room for the next claim.
        if (!stopped) void tick().catch(onError);
      }
    },
  );

  async function claimOnce(): Promise<number> {
    let total = 0;
    for (;;) {
      const room = maxInFlight - inFlight;
      if (stopped || room <= 0) return total;
      const limit = Math.min(room, batchSize * workers * 2);
      const refs = await claimDue(db, deps, limit, async (tx, claimed) => {
        await boss.insert(
          queue,
          claimed.map((data) => ({ data })),
          { db: pgBossTransaction(tx) },
        );
      });
      inFlight += refs.length;
      total += refs.length;
      if (refs.length > 0) boss.notifyWorker(workId);
      if (refs.length < limit) return total;
    }
  }

  function tick(): Promise<number> {
    if (ticking) {
      again = true;
      return ticking;
    }
    ticking = (async () => {
      let total = 0;
      try {
        do {
          again = false;
          total += await claimOnce();
        } while (again && !stopped);
      } finally {
        ticking = null;
      }
      return total;
    })();
    return ticking;
  }

  const timer = setInterval(() => void tick().catch(onError), options.pollMs ?? 1000);
  timer.unref();
  void tick().catch(onError);

  return {
    counts,
    mode: direct ? 'direct' : 'adapter',
    tick,
    async drain(timeoutMs = 60_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        await tick();
        const backlog = await outboxBacklog(db, deps);
        if (backlog.due === 0 && inFlight === 0 && ticking === null) return;
        if (Date.now() > until)
          throw new Error(
            `delivery did not drain in ${timeoutMs} ms (due ${backlog.due}, in flight ${inFlight})`,
          );
        await sleep(50);
      }
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      await ticking?.catch(() => {});
      await boss.stop({ graceful: true, timeout: 15_000 });
      if (ownPool) await pool.close();
    },
  };
}
