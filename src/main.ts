/**
 * Composition root of the serving process: the API (and the built web app, when present)
 * on a port, and the scheduler that runs the daily jobs. The CLI's `serve` and `start`
 * call this; nothing else wires layers together.
 */
import type { Database } from './app/workspace.ts';
import { startServer } from './http/server.ts';
import { dailyRefresh } from './jobs/daily-refresh.ts';
import { startScheduler } from './jobs/scheduler.ts';

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
