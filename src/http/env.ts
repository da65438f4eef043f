import type { Database } from '../app/api/context.ts';
import type { Principal } from '../app/api/principal.ts';
import type { ImportJobs } from '../app/api/run-import.ts';

export interface ApiDeps {
  db: Database;
  /** Where uploaded import files wait to be run (default: a folder in the OS temp dir). */
  uploadDir: string;
  jobs: ImportJobs;
}

export interface ApiEnv {
  Variables: { principal: Principal };
}
