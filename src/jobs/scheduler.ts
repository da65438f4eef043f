/**
 * In-process scheduler for the serving process: runs each job now and then every
 * `everyMs`, never two runs of one job at once. Jobs are idempotent, so a restart or a
 * second process only repeats a check, never the work.
 */
import type { Database } from '../app/workspace.ts';
import type { JobDefinition } from './daily-refresh.ts';

export interface Scheduler {
  stop(): void;
  /** Runs every job once now (tests, `recompute`-like triggers); resolves when done. */
  tick(now?: Date): Promise<void>;
}

export function startScheduler(
  db: Database,
  jobs: JobDefinition[],
  onError: (job: JobDefinition, error: unknown) => void,
  clock: () => Date = () => new Date(),
  /** The workspaces this process serves (every one when undefined). */
  scope?: readonly number[],
): Scheduler {
  const running = new Set<string>();
  const runJob = async (job: JobDefinition, now: Date) => {
    if (running.has(job.id)) return;
    running.add(job.id);
    try {
      await job.handler(db, now, scope);
    } catch (e) {
      onError(job, e);
    } finally {
      running.delete(job.id);
    }
  };
  const timers = jobs.map((job) => {
    const t = setInterval(() => void runJob(job, clock()), job.everyMs);
    t.unref();
    return t;
  });
  return {
    stop() {
      for (const t of timers) clearInterval(t);
    },
    async tick(now = clock()) {
      await Promise.all(jobs.map((job) => runJob(job, now)));
    },
  };
}
