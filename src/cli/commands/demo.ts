import { type Command, InvalidArgumentError } from 'commander';
import { mintApiKey } from '../../app/api/create-api-key.ts';
import { createDemoOwner, hasMembers } from '../../app/auth/first-owner.ts';
import { todayIn } from '../../app/clock.ts';
import { type DemoResult, loadDemo } from '../../app/demo/load-demo.ts';
import { workspaceCountsOf } from '../../app/demo/workspace-counts.ts';
import { getSettings, openWorkspace } from '../../app/workspace.ts';
import { readEnv } from '../../config.ts';
import { isDay } from '../../core/day.ts';
import { ensureWebBuilt, messagingOptionsFrom, startApp } from '../../main.ts';
import { type GlobalOptions, withWorkspace } from '../context.ts';
import { log, printJson, printLine } from '../output.ts';

function parseDay(v: string): string {
  if (!isDay(v)) throw new InvalidArgumentError(`expected a day YYYY-MM-DD, got "${v}"`);
  return v;
}

function parseCount(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 1_000_000)
    throw new InvalidArgumentError(`expected 1..1000000, got "${v}"`);
  return n;
}

export function printDemo(r: DemoResult): void {
  const money = (v: string) => Number(v).toLocaleString('ru-RU', { style: 'currency', currency: 'RUB' });
  printLine(`${r.name} — demo workspace as of ${r.asOf}`);
  printLine(`  customers:  ${r.customers}`);
  printLine(
    `  visits:     ${r.orders} (${r.completed} completed, ${r.cancelled} cancelled, ${r.refunded} refunded), ${r.firstOrderOn} … ${r.lastOrderOn}`,
  );
  printLine(`  revenue:    ${money(r.revenue)}`);
  printLine(`  staff:      ${r.staff} in ${r.branches} branches`);
}

export function demoJson(r: DemoResult) {
  return {
    name: r.name,
    as_of: r.asOf,
    customers: r.customers,
    orders: r.orders,
    completed: r.completed,
    cancelled: r.cancelled,
    refunded: r.refunded,
    revenue: Math.round(Number(r.revenue) * 100) / 100,
    first_order_on: r.firstOrderOn,
    last_order_on: r.lastOrderOn,
    customers_created: r.customersCreated,
    orders_created: r.ordersCreated,
  };
}

export function registerDemoCommands(program: Command): void {
  program
    .command('demo')
    .description(
      'fill the workspace with a realistic demo business (a salon, 2 years); running it again adds nothing',
    )
    .option('--as-of <day>', 'the demo’s today (default: today in the workspace time zone)', parseDay)
    .option('--seed <n>', 'random seed (the same seed gives the same business)', parseCount)
    .option('--customers <n>', 'number of customers (default 1500)', parseCount)
    .option('--json', 'print the summary as JSON')
    .action(
      async (opts: { asOf?: string; seed?: number; customers?: number; json?: boolean }, cmd: Command) => {
        await withWorkspace(cmd, async (ws) => {
          const asOf = opts.asOf ?? todayIn((await getSettings(ws.db, ws.workspaceId)).timezone);
          log(`generating the demo salon as of ${asOf}…`);
          const r = await loadDemo(ws.db, ws.workspaceId, {
            asOf,
            ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
            ...(opts.customers !== undefined ? { customers: opts.customers } : {}),
          });
          if (opts.json) printJson(demoJson(r));
          else printDemo(r);
        });
      },
    );

  program
    .command('start')
    .description(
      'what `npm start` runs: on first run fills a demo workspace and prints its sign-in key, shows where the business stands, then serves the app',
    )
    .option('--port <n>', 'port to listen on (default 3000; env PORT)', parsePort)
    .option('--no-serve', 'only prepare the workspace and print the summary')
    .action(async (opts: { port?: number; serve: boolean }, cmd: Command) => {
      const g = cmd.optsWithGlobals() as GlobalOptions;
      const ws = await openWorkspace({
        databaseUrl: g.databaseUrl,
        dataDir: g.dataDir,
        workspace: g.workspace,
      });
      let app: Awaited<ReturnType<typeof startApp>> | null = null;
      try {
        const settings = await getSettings(ws.db, ws.workspaceId);
        const asOf = todayIn(settings.timezone);
        if (ws.created) log(`first run: creating the demo workspace "${ws.name}" as of ${asOf}…`);
        // Only a fresh workspace gets the demo (loading is idempotent anyway).
        const r = ws.created
          ? await loadDemo(ws.db, ws.workspaceId, { asOf })
          : { ...(await workspaceCountsOf(ws.db, ws.workspaceId)), asOf };
        printDemo(r);
        // The demo login: on first run, and for a workspace made before sign-in existed (nobody
        // could open the web app otherwise).
        if (ws.created || !(await hasMembers(ws.db, ws.workspaceId))) {
          const login = await createDemoOwner(ws.db, ws.workspaceId);
          printLine('');
          printLine('Demo login (owner; the password is shown once):');
          printLine(`  e-mail:   ${login.email}`);
          printLine(`  password: ${login.password}`);
        }
        if (ws.created) {
          const { token } = await mintApiKey(ws.db, ws.workspaceId, { name: 'demo owner', role: 'owner' });
          printLine(`Demo sign-in key (owner; shown once): ${token}`);
        }
        if (!opts.serve) return;
        if (!(await ensureWebBuilt(log))) log('no web app build found: serving the API only');
        const port = opts.port ?? readEnv().PORT ?? 3000;
        app = await startApp({
          db: ws.db,
          port,
          onJobError: (id, e) => log(`job ${id} failed: ${e instanceof Error ? e.message : String(e)}`),
          messaging: messagingOptionsFrom(g, log),
        });
        printLine('');
        printLine(
          `Comeback is running: http://localhost:${app.port}  (API docs: http://localhost:${app.port}/api/docs)`,
        );
        printLine('Stop with Ctrl+C.');
        await new Promise<void>((resolve) => {
          process.once('SIGINT', () => resolve());
          process.once('SIGTERM', () => resolve());
        });
        log('stopping…');
      } finally {
        await app?.close();
        await ws.close();
      }
    });
}

function parsePort(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new InvalidArgumentError(`expected a port 0..65535, got "${v}"`);
  return n;
}
