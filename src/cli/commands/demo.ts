import { type Command, InvalidArgumentError } from 'commander';
import { todayIn } from '../../app/clock.ts';
import { type DemoResult, loadDemo } from '../../app/demo/load-demo.ts';
import { workspaceCountsOf } from '../../app/demo/workspace-counts.ts';
import { getSettings } from '../../app/workspace.ts';
import { isDay } from '../../core/day.ts';
import { withWorkspace } from '../context.ts';
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
      'what `npm start` runs: on first run fills a demo workspace, then shows where the business stands',
    )
    .action(async (_opts: unknown, cmd: Command) => {
      await withWorkspace(cmd, async (ws) => {
        const settings = await getSettings(ws.db, ws.workspaceId);
        const asOf = todayIn(settings.timezone);
        if (ws.created) log(`first run: creating the demo workspace "${ws.name}" as of ${asOf}…`);
        // Loading is idempotent; only a fresh workspace gets the demo.
        const r = ws.created
          ? await loadDemo(ws.db, ws.workspaceId, { asOf })
          : { ...(await workspaceCountsOf(ws.db, ws.workspaceId)), asOf };
        printDemo(r);
        printLine('');
        printLine('Try:  bin/comeback settings get');
        printLine(
          '      bin/comeback import orders ../shared/data/online-retail/mwoitek__online_retail.csv --workspace uci',
        );
      });
    });
}
