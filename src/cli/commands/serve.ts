/**
 * `serve [--port N]`: the web app and the API on a port, until SIGINT/SIGTERM.
 * `api-key create|list|revoke`: the first key of a workspace has to come from somewhere —
 * the owner creates it here, then manages the rest through POST /api/keys.
 */
import { type Command, InvalidArgumentError, Option } from 'commander';
import { type ApiKeyInput, mintApiKey } from '../../app/api/create-api-key.ts';
import { listApiKeys, revokeApiKey } from '../../app/api/manage-api-keys.ts';
import { ROLES, type Role } from '../../app/api/principal.ts';
import { hasMembers } from '../../app/auth/first-owner.ts';
import { openWorkspace } from '../../app/workspace.ts';
import { readEnv } from '../../config.ts';
import { ensureWebBuilt, messagingOptionsFrom, startApp } from '../../main.ts';
import type { GlobalOptions } from '../context.ts';
import { withWorkspace } from '../context.ts';
import { formatTable, log, printJson, printLine } from '../output.ts';

function parsePort(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new InvalidArgumentError(`expected a port 0..65535, got "${v}"`);
  return n;
}

function parseId(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`expected an id, got "${v}"`);
  return n;
}

export function registerServeCommands(program: Command): void {
  program
    .command('serve')
    .description('the web app and API (default port 3000; env PORT)')
    .option('--port <n>', 'port to listen on', parsePort)
    .option('--host <address>', 'address to listen on', '0.0.0.0')
    .action(async (opts: { port?: number; host: string }, cmd: Command) => {
      const g = cmd.optsWithGlobals() as GlobalOptions;
      const ws = await openWorkspace({
        databaseUrl: g.databaseUrl,
        dataDir: g.dataDir,
        workspace: g.workspace,
      });
      if (!(await ensureWebBuilt(log))) log('no web app build found: serving the API only');
      const port = opts.port ?? readEnv().PORT ?? 3000;
      let server: Awaited<ReturnType<typeof startApp>>;
      try {
        server = await startApp({
          db: ws.db,
          port,
          hostname: opts.host,
          onJobError: (id, e) => log(`job ${id} failed: ${e instanceof Error ? e.message : String(e)}`),
          messaging: messagingOptionsFrom(g, log),
        });
      } catch (e) {
        await ws.close();
        throw e;
      }
      log(
        `Comeback API on http://localhost:${server.port}/api (docs: http://localhost:${server.port}/api/docs)`,
      );
      if (!(await hasMembers(ws.db, ws.workspaceId))) {
        log(
          `nobody can sign in yet: create the owner with \`comeback --workspace ${g.workspace} user create --email <e-mail> --role owner\` (prints a password)`,
        );
      }
      if ((await listApiKeys(ws.db, ownerOf(ws.workspaceId))).length === 0) {
        log(
          `no API key yet: create one with \`comeback --workspace ${g.workspace} api-key create --role owner\``,
        );
      }
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      log('stopping…');
      await server.close();
      await ws.close();
    });

  const keys = program.command('api-key').description('API keys of the workspace');
  keys
    .command('create')
    .description('create an API key and print its token (shown only once)')
    .option('--name <name>', 'what the key is for', 'cli')
    .addOption(new Option('--role <role>', 'role of the key').choices([...ROLES]).default('owner'))
    .option('--manager <staffId>', 'for a manager key: the staff id whose customers it sees', parseId)
    .option('--json', 'print JSON')
    .action(async (opts: { name: string; role: Role; manager?: number; json?: boolean }, cmd: Command) => {
      await withWorkspace(cmd, async (ws) => {
        const input: ApiKeyInput = { name: opts.name, role: opts.role, managerStaffId: opts.manager ?? null };
        const { key, token } = await mintApiKey(ws.db, ws.workspaceId, input);
        if (opts.json) printJson({ id: key.id, name: key.name, role: key.role, token });
        else {
          printLine(token);
          log(`key ${key.id} (${key.role}) created; the token above is not stored and cannot be shown again`);
        }
      });
    });
  keys
    .command('list')
    .description('list API keys (without secrets)')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      await withWorkspace(cmd, async (ws) => {
        const rows = await listApiKeys(ws.db, ownerOf(ws.workspaceId));
        if (opts.json) printJson(rows.map(({ secretHash: _, ...k }) => k));
        else
          printLine(
            formatTable(
              ['id', 'name', 'role', 'manager', 'created', 'last used', 'revoked'],
              rows.map((k) => [
                k.id,
                k.name,
                k.role,
                k.managerStaffId,
                k.createdAt,
                k.lastUsedAt,
                k.revokedAt,
              ]),
            ),
          );
      });
    });
  keys
    .command('revoke <id>')
    .description('revoke an API key')
    .action(async (id: string, _opts: unknown, cmd: Command) => {
      await withWorkspace(cmd, async (ws) => {
        const k = await revokeApiKey(ws.db, ownerOf(ws.workspaceId), parseId(id));
        log(`key ${k.id} revoked`);
      });
    });
}

/** Whoever runs the CLI on the server holds the data folder: they act as the owner. */
function ownerOf(workspaceId: number) {
  return {
    workspaceId,
    userId: null,
    role: 'owner' as const,
    managerStaffId: null,
    keyId: null,
    scopes: null,
  };
}
