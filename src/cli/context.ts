import type { Command } from 'commander';
import { openWorkspace, type WorkspaceHandle } from '../app/workspace.ts';

export interface GlobalOptions {
  dataDir: string;
  databaseUrl?: string;
  workspace: string;
}

/** Opens the workspace named by the global options, runs `fn`, always closes. */
export async function withWorkspace<T>(cmd: Command, fn: (ws: WorkspaceHandle) => Promise<T>): Promise<T> {
  const g = cmd.optsWithGlobals() as GlobalOptions;
  const ws = await openWorkspace({ databaseUrl: g.databaseUrl, dataDir: g.dataDir, workspace: g.workspace });
  try {
    return await fn(ws);
  } finally {
    await ws.close();
  }
}
