/**
 * Sends what the outbox holds: claims due deliveries under a lease, POSTs each signed event
 * to its endpoint with a timeout, and records every attempt. A 2xx delivers; anything else
 * (another status, a refused connection, a timeout, a redirect) is retried with exponential
 * backoff — 1, 2, 4 … minutes — until MAX_ATTEMPTS, then the delivery is `failed`. After
 * `failingAfter` failed attempts in a row an endpoint is marked failing: its deliveries are
 * held (still queued, none dropped) until the owner resumes it or a test send succeeds.
 */
import type { Database } from '../../storage/connect.ts';
import {
  type AttemptOutcome,
  type ClaimedDelivery,
  claimDueDeliveries,
  recordAttempt,
} from '../../storage/queries/webhooks.ts';
import { openWebhookSecret } from './secret-box.ts';
import { signWebhook } from './signature.ts';

export const DEFAULT_TIMEOUT_MS = 10_000;
/** Failed attempts in a row that mark an endpoint failing. */
export const DEFAULT_FAILING_AFTER = 10;
const BATCH = 100;
/** Claims per run: a run stays bounded even with a large backlog (the next run goes on). */
const MAX_BATCHES = 20;
const MAX_BACKOFF_MS = 6 * 3600_000;
const EXCERPT = 500;

export interface DeliverOptions {
  now?: Date;
  /** Only this workspace (tests; a worker per group of workspaces). */
  workspaceId?: number | null;
  timeoutMs?: number;
  failingAfter?: number;
  /** Endpoints served at once (each gets one request at a time). */
  concurrency?: number;
}

export interface DeliverCounts {
  attempted: number;
  delivered: number;
  retrying: number;
  failed: number;
}

/** The wait after the `attempts`-th failed attempt: 1 minute, doubling, at most 6 hours. */
export function backoffMs(attempts: number): number {
  return Math.min(60_000 * 2 ** Math.max(0, attempts - 1), MAX_BACKOFF_MS);
}

export function envelope(
  d: Pick<ClaimedDelivery, 'eventKey' | 'type' | 'eventCreatedAt' | 'workspaceId' | 'data'>,
) {
  return JSON.stringify({
    id: d.eventKey,
    type: d.type,
    timestamp: d.eventCreatedAt,
    workspace_id: d.workspaceId,
    data: d.data,
  });
}

async function post(
  d: ClaimedDelivery,
  secret: string,
  now: Date,
  timeoutMs: number,
): Promise<Omit<AttemptOutcome, 'retryAt' | 'at'>> {
  const body = envelope(d);
  const timestamp = Math.floor(now.getTime() / 1000);
  const started = performance.now();
  const took = () => Math.round(performance.now() - started);
  try {
    const res = await fetch(d.url, {
      method: 'POST',
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Comeback-Webhooks/1',
        'webhook-id': d.deliveryKey,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': signWebhook(secret, d.deliveryKey, timestamp, body),
        'comeback-event': d.type,
        'comeback-attempt': String(d.attempts + 1),
      },
      body,
    });
    const text = await res.text().catch(() => '');
    const ok = res.status >= 200 && res.status < 300;
    return {
      ok,
      statusCode: res.status,
      error: ok
        ? null
        : `HTTP ${res.status}${res.status >= 300 && res.status < 400 ? ' (redirects are not followed)' : ''}`,
      durationMs: took(),
      responseExcerpt: text ? text.slice(0, EXCERPT) : null,
    };
  } catch (e) {
    const err = e as Error & { cause?: { code?: string; message?: string } };
    const timedOut = err.name === 'TimeoutError' || err.name === 'AbortError';
    return {
      ok: false,
      statusCode: null,
      error: timedOut
        ? `timed out after ${timeoutMs} ms`
        : (err.cause?.code ?? err.cause?.message ?? err.message ?? 'request failed'),
      durationMs: took(),
      responseExcerpt: null,
    };
  }
}

/** Attempts one claimed delivery and records the outcome; returns it. */
export async function attemptDelivery(
  db: Database,
  d: ClaimedDelivery,
  opts: { now: Date; timeoutMs: number; failingAfter: number; secrets?: Map<string, Promise<string>> },
): Promise<AttemptOutcome & { becameFailing: boolean }> {
  let result: Omit<AttemptOutcome, 'retryAt' | 'at'>;
  try {
    // One decryption per sealed secret and run, not one per delivery.
    let secretP = opts.secrets?.get(d.secretSealed);
    if (!secretP) {
      secretP = openWebhookSecret(db, d.workspaceId, d.subscriptionId, d.secretSealed);
      opts.secrets?.set(d.secretSealed, secretP);
    }
    const secret = await secretP;
    result = await post(d, secret, opts.now, opts.timeoutMs);
  } catch (e) {
    result = {
      ok: false,
      statusCode: null,
      error: (e as Error).message,
      durationMs: 0,
      responseExcerpt: null,
    };
  }
  const attempts = d.attempts + 1;
  const outcome: AttemptOutcome = {
    ...result,
    at: opts.now,
    retryAt:
      result.ok || attempts >= d.maxAttempts ? null : new Date(opts.now.getTime() + backoffMs(attempts)),
  };
  const becameFailing = await db.transaction((tx) =>
    recordAttempt(
      tx,
      d.workspaceId,
      { id: d.id, subscriptionId: d.subscriptionId },
      outcome,
      opts.failingAfter,
    ),
  );
  return { ...outcome, becameFailing };
}

/** One run of the delivery job: everything due now, in bounded batches. */
export async function deliverDueWebhooks(db: Database, options: DeliverOptions = {}): Promise<DeliverCounts> {
  const now = options.now ?? new Date();
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const failingAfter = options.failingAfter ?? DEFAULT_FAILING_AFTER;
  const concurrency = Math.max(1, options.concurrency ?? 8);
  const counts: DeliverCounts = { attempted: 0, delivered: 0, retrying: 0, failed: 0 };
  const failing = new Set<number>();
  const secrets = new Map<string, Promise<string>>();
  for (let batch = 0; batch < MAX_BATCHES; batch++) {
    // The lease outlives the slowest possible attempt; a crashed run's claims come due again after it.
    const claimed = await db.transaction((tx) =>
      claimDueDeliveries(tx, {
        now,
        leaseUntil: new Date(now.getTime() + timeoutMs * 2 + 60_000),
        limit: BATCH,
        workspaceId: options.workspaceId ?? null,
      }),
    );
    if (claimed.length === 0) break;
    // One request at a time per endpoint (in order, and a slow receiver is not hammered);
    // up to `concurrency` endpoints at once.
    const byEndpoint = new Map<number, ClaimedDelivery[]>();
    for (const d of claimed) {
      const list = byEndpoint.get(d.subscriptionId) ?? [];
      list.push(d);
      byEndpoint.set(d.subscriptionId, list);
    }
    const queues = [...byEndpoint.values()];
    let next = 0;
    const worker = async () => {
      while (next < queues.length) {
        for (const d of queues[next++]!) {
          // An endpoint that turned failing gets no more tries; its claims lapse with the
          // lease and wait, held, until it is resumed.
          if (failing.has(d.subscriptionId)) break;
          const o = await attemptDelivery(db, d, { now, timeoutMs, failingAfter, secrets });
          if (o.becameFailing) failing.add(d.subscriptionId);
          counts.attempted++;
          if (o.ok) counts.delivered++;
          else if (o.retryAt) counts.retrying++;
          else counts.failed++;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, queues.length) }, worker));
    if (claimed.length < BATCH) break;
  }
  return counts;
}
