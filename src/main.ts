/**
 * Composition root of the serving process: the API (and the built web app, when present)
 * on a port, and the scheduler that runs the daily jobs. The CLI's `serve` and `start`
 * call this; nothing else wires layers together.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Database } from './app/workspace.ts';
import { startServer } from './http/server.ts';
import { dailyRefresh } from './jobs/daily-refresh.ts';
import { startScheduler } from './jobs/scheduler.ts';

/** The repository (or installed package) root: dist/web and web/ live here. */
const ROOT = fileURLToPath(new URL('../', import.meta.url));
export const WEB_DIST = join(ROOT, 'dist', 'web');

export interface RunningApp {
  port: number;
  close(): Promise<void>;
}

export async function startApp(opts: {
  db: Database;
  port: number;
  hostname?: string;
  onJobError?: (jobId: string, error: unknown) => void;
}): Promise<RunningApp> {
  const server = await startServer({
    db: opts.db,
    port: opts.port,
    webDir: WEB_DIST,
    ...(opts.hostname ? { hostname: opts.hostname } : {}),
  });
  const scheduler = startScheduler(opts.db, [dailyRefresh], (job, e) => opts.onJobError?.(job.id, e));
  // The first check runs right away: statuses are current from the first request on.
  void scheduler.tick();
  return {
    port: server.port,
    async close() {
      scheduler.stop();
      await server.close();
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
