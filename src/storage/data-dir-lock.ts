/**
 * An exclusive lock on an embedded data folder. PGlite has no lock of its own: two
 * processes opening one folder corrupt it, and after a kill -9 it leaves a stale
 * `postmaster.pid` that makes the next open hang forever. We hold `comeback.lock`
 * (created with O_EXCL, holding our pid) and only once we own it clear a stale pid file.
 */
import { closeSync, existsSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export interface DataDirLock {
  release(): void;
}

export class DataDirLockedError extends Error {
  readonly code = 'data_dir_locked';
  constructor(
    readonly dir: string,
    readonly pid: number,
  ) {
    super(
      `the data folder ${dir} is in use by another Comeback process (pid ${pid}); stop it or use another --data-dir`,
    );
  }
}

function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function acquireDataDirLock(dir: string): DataDirLock {
  const lockPath = join(dir, 'comeback.lock');
  for (let attempt = 0; attempt < 3; attempt++) {
    let fd: number;
    try {
      fd = openSync(lockPath, 'wx');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const holder = Number.parseInt(readFileSync(lockPath, 'utf8').trim(), 10);
      if (holder === process.pid || processAlive(holder)) throw new DataDirLockedError(dir, holder);
      // The holder died without releasing: the lock is stale. Remove it and retry the
      // exclusive create, so of two processes racing here only one wins.
      rmSync(lockPath, { force: true });
      continue;
    }
    writeSync(fd, String(process.pid));
    closeSync(fd);
    // We own the folder now, so a postmaster.pid can only be a leftover of a killed run.
    const stalePid = join(dir, 'postmaster.pid');
    if (existsSync(stalePid)) rmSync(stalePid, { force: true });
    let released = false;
    return {
      release() {
        if (released) return;
        released = true;
        try {
          if (readFileSync(lockPath, 'utf8').trim() === String(process.pid))
            rmSync(lockPath, { force: true });
        } catch {
          // already gone
        }
      },
    };
  }
  throw new Error(`could not lock the data folder ${dir}`);
}
