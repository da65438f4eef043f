/** Runs bin/comeback as a user would: a child process, stdout and stderr kept apart. */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const BIN = resolve('bin/comeback');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<CliResult> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: opts.cwd ?? process.cwd(),
      env: { ...process.env, DATABASE_URL: '', COMEBACK_DATA_DIR: '', ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

/** Starts bin/comeback and returns the process (for kill tests). */
export function startCli(args: string[]): ChildProcess {
  return spawn(process.execPath, [BIN, ...args], {
    env: { ...process.env, DATABASE_URL: '', COMEBACK_DATA_DIR: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/**
 * Global options for a CLI run: the test PostgreSQL database when TEST_DATABASE_URL is set,
 * else a fresh embedded data folder of its own (the test process must not hold it open).
 */
export function cliTarget(workspace: string): { args: string[]; dataDir: string | null } {
  const url = process.env.TEST_DATABASE_URL;
  if (url) return { args: ['--database-url', url, '--workspace', workspace], dataDir: null };
  const dataDir = mkdtempSync(join(tmpdir(), 'comeback-cli-'));
  return { args: ['--data-dir', dataDir, '--workspace', workspace], dataDir };
}
