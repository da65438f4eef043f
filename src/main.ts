/**
 * Composition root of the serving process: the API (and the built web app, when present)
 * on a port, and the scheduler that runs the daily jobs. The CLI's `serve` and `start`
 * call this; nothing else wires layers together.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ChannelPool } from './app/messaging/channel-settings.ts';
import { resolveInstanceKey } from './app/messaging/instance-key.ts';
import { setWebhookInstanceKey } from './app/webhooks/secret-box.ts';
import type { Database } from './app/workspace.ts';
import { readEnv } from './config.ts';
import type { MessagingDeps } from './http/routes/messaging.ts';
import { startServer } from './http/server.ts';
import { dailyRefresh } from './jobs/daily-refresh.ts';
import { dashboardWarm } from './jobs/dashboard-warm.ts';
import { type Delivery, startDelivery } from './jobs/delivery.ts';
import { nightlyRefit } from './jobs/nightly-refit.ts';
import { startScheduler } from './jobs/scheduler.ts';
import { webhookDelivery } from './jobs/webhook-delivery.ts';

/** The periodic jobs of the serving process; each is idempotent. */
export const JOBS = [dailyRefresh, nightlyRefit, webhookDelivery, dashboardWarm];

/** The repository (or installed package) root: dist/web and web/ live here. */
const ROOT = fileURLToPath(new URL('../', import.meta.url));
export const WEB_DIST = join(ROOT, 'dist', 'web');

export interface RunningApp {
  port: number;
  /** The delivery worker, when this process runs it (tests drain it). */
  delivery?: Delivery;
  close(): Promise<void>;
}

/** Messaging of the serving process: where the instance key and the public URL come from. */
export interface MessagingOptions {
  /** COMEBACK_SECRET_KEY (base64, 32 bytes). */
  secretKey?: string | undefined;
  /** The PGlite data folder (`secret.key` lives there when there is no variable). */
  dataDir?: string | undefined;
  /** The PostgreSQL URL: pg-boss opens its own small pool on it (LISTEN/NOTIFY wake-ups). */
  databaseUrl?: string | undefined;
  /** COMEBACK_PUBLIC_URL: the base of tracking, unsubscribe and callback links. Default http://localhost:PORT */
  publicUrl?: string | undefined;
  /** Run the delivery worker in this process (default true). */
  delivery?: boolean;
  /** Delivery poll interval (default 1 s; tests go faster). */
  pollMs?: number;
  /**
   * Deliver, evaluate, refit and warm only these workspaces (`serve --workspace`, tests sharing
   * one database). Default: every workspace.
   */
  workspaceIds?: readonly number[];
  /** Operator notices (a missing secret key). */
  log?: (line: string) => void;
}

/**
 * The messaging options of `serve`/`start`: the environment plus the CLI's database choice.
 * The served process answers for every workspace of its database (a member picks one with
 * X-Workspace-Id, an API key carries its own), so it also delivers, re-evaluates, refits and
 * warms every one of them: on PGlite no second process can open the data folder to do it, and
 * on PostgreSQL several processes share the queue and the jobs' claims.
 */
export function messagingOptionsFrom(
  g: { dataDir?: string | undefined; databaseUrl?: string | undefined },
  log: (line: string) => void,
): MessagingOptions {
  const env = readEnv();
  return {
    secretKey: env.COMEBACK_SECRET_KEY,
    publicUrl: env.COMEBACK_PUBLIC_URL,
    dataDir: g.dataDir,
    databaseUrl: g.databaseUrl,
    log,
  };
}

export async function startApp(opts: {
  db: Database;
  port: number;
  hostname?: string;
  onJobError?: (jobId: string, error: unknown) => void;
  messaging?: MessagingOptions;
}): Promise<RunningApp> {
  const m = opts.messaging ?? {};
  const instance = resolveInstanceKey({
    databaseKind: opts.db.kind,
    secretKey: m.secretKey,
    dataDir: m.dataDir,
    databaseUrl: m.databaseUrl,
  });
  // Webhook signing secrets are sealed with the instance key whenever the process has a real one.
  if (instance.secretsAllowed) setWebhookInstanceKey(instance.key);
  if (instance.warning) (m.log ?? ((l: string) => process.stderr.write(`${l}\n`)))(instance.warning);
  // One adapter pool for test sends, callbacks and delivery: one SMTP connection pool per channel.
  const pool = new ChannelPool(instance.key);
  const runDelivery = m.delivery !== false;
  const messaging: Omit<MessagingDeps, 'db'> = {
    key: instance.key,
    pool,
    secretsAllowed: instance.secretsAllowed,
    deliveryRunning: runDelivery,
    ...(m.publicUrl ? { publicUrl: m.publicUrl.replace(/\/+$/, '') } : {}),
  };
  const server = await startServer({
    db: opts.db,
    port: opts.port,
    webDir: WEB_DIST,
    messaging,
    // Behind a proxy the browser's origin is the public URL, not the Host we see: trust it for
    // the same-origin (CSRF) check and better-auth's origin check.
    ...(messaging.publicUrl ? { publicOrigins: [messaging.publicUrl] } : {}),
    ...(opts.hostname ? { hostname: opts.hostname } : {}),
  });
  messaging.publicUrl ??= `http://localhost:${server.port}`;
  let delivery: Delivery | null = null;
  try {
    if (runDelivery)
      delivery = await startDelivery(opts.db, {
        key: instance.key,
        publicUrl: messaging.publicUrl,
        pool,
        ...(opts.db.kind === 'postgres' && m.databaseUrl ? { databaseUrl: m.databaseUrl } : {}),
        ...(m.pollMs ? { pollMs: m.pollMs } : {}),
        // A process scoped to some workspaces gets a queue of its own: pg-boss hands a queue's
        // jobs to any process that works it, and another group's jobs are not ours to send.
        ...(m.workspaceIds
          ? {
              workspaceIds: m.workspaceIds,
              queue: `messages.deliver.w${[...m.workspaceIds].sort((a, b) => a - b).join('-')}`,
            }
          : {}),
        onError: (e) => opts.onJobError?.('messages.deliver', e),
      });
  } catch (e) {
    await server.close();
    await pool.close();
    throw e;
  }
  // Jobs for the workspaces this process serves, like delivery: a process started for one
  // workspace does not re-evaluate or warm every other workspace of a shared database.
  const scheduler = startScheduler(
    opts.db,
    JOBS,
    (job, e) => opts.onJobError?.(job.id, e),
    undefined,
    m.workspaceIds,
  );
  // The first check runs right away: statuses are current from the first request on.
  void scheduler.tick();
  return {
    port: server.port,
    ...(delivery ? { delivery } : {}),
    async close() {
      scheduler.stop();
      await server.close();
      await delivery?.stop();
      await pool.close();
    },
  };
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p);
    newest = Math.max(newest, st.isDirectory() ? newestMtime(p) : st.mtimeMs);
  }
  return newest;
}

/**
 * `npm start` builds the web app when dist/web is missing or older than its sources.
 * Returns false when there is nothing to build from (an install without web/ sources).
 */
export async function ensureWebBuilt(log: (line: string) => void): Promise<boolean> {
  const src = join(ROOT, 'web');
  const index = join(WEB_DIST, 'index.html');
  if (!existsSync(src)) return existsSync(index);
  const config = join(ROOT, 'vite.config.ts');
  if (existsSync(index) && statSync(index).mtimeMs >= Math.max(newestMtime(src), statSync(config).mtimeMs))
    return true;
  log('building the web app (vite build)…');
  // Vite is needed only to build; import it lazily so serving a built app never loads it.
  const { build } = await import('vite');
  await build({ configFile: config, mode: 'production', logLevel: 'warn' });
  return existsSync(index);
}
