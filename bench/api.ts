/**
 * The API at 1M customers on PostgreSQL (issue 4 part 6: customer card p99 < 20 ms, search
 * p99 < 50 ms, dashboard API < 200 ms).
 *
 *   npm run bench -- api [--customers 1000000] [--orders 5000000] [--reuse] [--duration 10]
 *     [--connections 10] [--database-url postgres://root@127.0.0.1:5432/postgres] [--db-name bench_api]
 *     [--only card,search-phone,…] [--no-peer]
 *
 * A database `--db-name` is created on the server of `--database-url` and loaded (bench/api-load.ts:
 * profiles, phones, e-mails, a two-year order history by COPY, evaluated once); `--reuse` keeps
 * one loaded before. The real API (`startServer`: createApi + @hono/node-server) runs in a child
 * process (bench/api-server.ts) and autocannon drives it with an owner API key over HTTP.
 *
 * The peer is the same use-case called in this process with the same number of calls in flight
 * (`getCustomerCard`, `searchCustomers`, `reportKpis`, …: the same SQL and the same JS, without
 * HTTP, authentication and JSON), so HTTP ÷ peer is what the HTTP layer adds. Each HTTP row also
 * splits a request's CPU between the server process, the bench's own process (autocannon) and the
 * rest of the machine (PostgreSQL, on a quiet machine), from /proc.
 */
import { spawn } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { countSegments } from '../src/app/api/count-segments.ts';
import { mintApiKey } from '../src/app/api/create-api-key.ts';
import { getCustomerCard } from '../src/app/api/get-customer-card.ts';
import type { Principal } from '../src/app/api/principal.ts';
import { reportCohorts, reportKpis } from '../src/app/api/read-reports.ts';
import { searchCustomers } from '../src/app/api/search-customers.ts';
import { operatorOf } from '../src/app/auth/first-owner.ts';
import { todayIn } from '../src/app/clock.ts';
import { getSettings } from '../src/app/workspace.ts';
import { addDays } from '../src/core/day.ts';
import { defaultSettings } from '../src/core/settings.ts';
import { connect, type Database } from '../src/storage/connect.ts';
import { findWorkspace } from '../src/storage/queries/workspaces.ts';
import { freshPostgres } from './analytics-load.ts';
import { emailOf, loadApiWorkspace } from './api-load.ts';
import { cpuSplit } from './measure.ts';

const SERVER = fileURLToPath(new URL('./api-server.ts', import.meta.url));

function option(args: string[], name: string, fallback: string): string {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? (args[i + 1] ?? fallback) : fallback;
}

/** A deterministic pseudo-random generator, so every run asks for the same ids. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

/** The ways people type one phone (+7 916 001-23-45 is customer 12345). */
function phoneSpellings(id: number): string[] {
  const d = String(id).padStart(7, '0');
  const [a, b, c] = [d.slice(0, 3), d.slice(3, 5), d.slice(5)];
  return [`+7916${d}`, `8916${d}`, `8 (916) ${a}-${b}-${c}`, `+7 916 ${a} ${b} ${c}`, `916${d}`];
}

/** Name fragments as typed in a search box: parts of surnames and first names, any case. */
const NAME_FRAGMENTS = [
  'иванов',
  'Смирн',
  'ковалёв',
  'Анна Соколова',
  'олеся',
  'КУЗНЕЦОВ',
  'Петров',
  'гаврилюк',
  'Василиса Ф',
  'ярослав',
  'тимофеева',
  'Шевченко',
];

export interface Scenario {
  name: string;
  target: number;
  /** What p99 (card, search) or p50 (dashboard) is held against. */
  targetOf: 'p99' | 'p50';
  path: (r: () => number) => string;
  peer: (r: () => number) => Promise<unknown>;
  /** Requests in flight: each level is measured separately (1 = latency alone). */
  levels: number[];
}

interface Measured {
  p50: number;
  p99: number;
  max: number;
  perSecond: number;
  requests: number;
  errors: number;
  /** CPU ms per request: the server process, the rest of the machine (PostgreSQL), this one (autocannon). */
  cpu?: { server: number; rest: number; self: number };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function overHttp(
  server: { port: number; pid: number | undefined },
  token: string,
  s: Scenario,
  connections: number,
  seconds: number,
): Promise<Measured> {
  const r = rng(7);
  const before = cpuSplit(server.pid);
  const result = await autocannon({
    url: `http://127.0.0.1:${server.port}`,
    connections,
    duration: seconds,
    timeout: 120,
    headers: { authorization: `Bearer ${token}` },
    requests: [
      {
        method: 'GET',
        setupRequest: (req) => ({ ...req, path: s.path(r) }),
      },
    ],
  });
  const after = cpuSplit(server.pid);
  const perRequest = (seconds: number) =>
    result.requests.total > 0 ? (seconds * 1000) / result.requests.total : Number.NaN;
  const serverCpu = after.server - before.server;
  const self = after.self - before.self;
  return {
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
    perSecond: result.requests.average,
    requests: result.requests.total,
    errors: result.errors + result.non2xx + result.timeouts,
    cpu: {
      server: perRequest(serverCpu),
      rest: perRequest(after.machine - before.machine - serverCpu - self),
      self: perRequest(self),
    },
  };
}

async function inProcess(s: Scenario, connections: number, seconds: number): Promise<Measured> {
  const r = rng(7);
  const times: number[] = [];
  let errors = 0;
  const until = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < until) {
        const t0 = performance.now();
        try {
          await s.peer(r);
        } catch {
          errors += 1;
        }
        times.push(performance.now() - t0);
      }
    }),
  );
  const wall = (performance.now() - started) / 1000;
  times.sort((a, b) => a - b);
  return {
    p50: percentile(times, 50),
    p99: percentile(times, 99),
    max: times[times.length - 1] ?? Number.NaN,
    perSecond: times.length / wall,
    requests: times.length,
    errors,
  };
}

function scenarios(db: Database, principal: Principal, customers: number, today: string): Scenario[] {
  const id = (r: () => number) => 1 + Math.floor(r() * customers);
  const from = addDays(today, -91);
  const to = addDays(today, 1);
  const page = { sort: 'id' as const, desc: false, limit: 50 };
  const fast = { levels: [1, 10] };
  const slow = { levels: [1, 4] };
  return [
    {
      name: 'card',
      target: 20,
      targetOf: 'p99',
      ...fast,
      path: (r) => `/api/customers/${id(r)}`,
      peer: (r) => getCustomerCard(db, principal, id(r)),
    },
    {
      name: 'search-phone',
      target: 50,
      targetOf: 'p99',
      ...fast,
      path: (r) => {
        const spellings = phoneSpellings(id(r));
        return `/api/customers?q=${encodeURIComponent(spellings[Math.floor(r() * spellings.length)]!)}`;
      },
      peer: (r) => {
        const spellings = phoneSpellings(id(r));
        return searchCustomers(db, principal, { q: spellings[Math.floor(r() * spellings.length)]!, ...page });
      },
    },
    {
      name: 'search-email',
      target: 50,
      targetOf: 'p99',
      ...fast,
      path: (r) => `/api/customers?q=${encodeURIComponent(emailOf(id(r)).toUpperCase())}`,
      peer: (r) => searchCustomers(db, principal, { q: emailOf(id(r)).toUpperCase(), ...page }),
    },
    {
      name: 'search-name',
      target: 50,
      targetOf: 'p99',
      ...fast,
      path: (r) =>
        `/api/customers?q=${encodeURIComponent(NAME_FRAGMENTS[Math.floor(r() * NAME_FRAGMENTS.length)]!)}`,
      peer: (r) =>
        searchCustomers(db, principal, {
          q: NAME_FRAGMENTS[Math.floor(r() * NAME_FRAGMENTS.length)]!,
          ...page,
        }),
    },
    {
      name: 'kpis',
      target: 200,
      targetOf: 'p50',
      ...slow,
      path: () => `/api/reports/kpis?from=${from}&to=${to}`,
      peer: () => reportKpis(db, principal, { from, to }),
    },
    {
      name: 'segments',
      target: 200,
      targetOf: 'p50',
      ...slow,
      path: () => '/api/segments',
      peer: () => countSegments(db, principal),
    },
    {
      name: 'trend',
      target: 200,
      targetOf: 'p50',
      ...slow,
      path: () => `/api/reports/trend?from=${addDays(today, -365)}&to=${to}`,
      peer: () => reportKpis(db, principal, { from: addDays(today, -365), to }, true),
    },
    {
      name: 'cohorts',
      target: 200,
      targetOf: 'p50',
      ...slow,
      path: () => '/api/reports/cohorts',
      peer: () => reportCohorts(db, principal),
    },
  ];
}

async function startApi(url: string): Promise<{ port: number; pid: number | undefined; stop(): void }> {
  // BENCH_SERVER_NODE_FLAGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") reaches the server alone.
  const flags = (process.env.BENCH_SERVER_NODE_FLAGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...flags, '--import', 'tsx', SERVER, url], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout });
  const port = await new Promise<number>((resolve, reject) => {
    lines.once('line', (l) => resolve(Number(l)));
    child.once('exit', (code) => reject(new Error(`api server exited ${code}`)));
  });
  return { port, pid: child.pid, stop: () => child.stdin.end() };
}

const fmt = (ms: number) => (ms < 10 ? ms.toFixed(2) : ms < 100 ? ms.toFixed(1) : Math.round(ms).toString());

export async function run(args: string[]): Promise<void> {
  const log = (s: string) => process.stderr.write(`${s}\n`);
  const adminUrl = option(args, 'database-url', 'postgres://root@127.0.0.1:5432/postgres');
  const name = option(args, 'db-name', 'bench_api');
  const customers = Number(option(args, 'customers', '1000000'));
  const orders = Number(option(args, 'orders', '5000000'));
  const seconds = Number(option(args, 'duration', '10'));
  const only = option(args, 'only', '');
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  log(
    `api bench: ${new Date().toISOString()}, ${cpus().length} CPUs, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, load ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  );
  if (!args.includes('--reuse')) {
    log(`loading ${customers} customers / ${orders} orders into ${name}:`);
    const t = await freshPostgres(adminUrl, name);
    // The new workspace has the default settings: its "today" is today in their time zone.
    const asOf = todayIn(defaultSettings().timezone);
    await loadApiWorkspace(t, { customers, orders, asOf }, log);
  }
  const db = await connect({ databaseUrl: url.toString(), migrate: false });
  const ws = await findWorkspace(db, 'bench');
  if (ws === null) throw new Error(`no workspace "bench" in ${name}: run without --reuse first`);
  const settings = await getSettings(db, ws);
  const today = todayIn(settings.timezone);
  const { token } = await mintApiKey(db, ws, { name: `bench ${Date.now()}`, role: 'owner' });
  const principal: Principal = operatorOf(ws);
  let server = await startApi(url.toString());
  const rows: string[] = [];
  const restartRows: string[] = [];
  const cpuRows: string[] = [];
  const firstCall = async (s: Scenario): Promise<number> => {
    const t0 = performance.now();
    const res = await fetch(`http://127.0.0.1:${server.port}${s.path(rng(1))}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    await res.arrayBuffer();
    if (!res.ok) throw new Error(`${s.name}: HTTP ${res.status}`);
    return performance.now() - t0;
  };
  const selected = scenarios(db, principal, customers, today).filter(
    (s) => !only || only.split(',').includes(s.name),
  );
  try {
    for (const s of selected) {
      // The first request over HTTP (the server's caches cold for this shape), then a warm-up:
      // connections, JIT, the database's buffers.
      const first = await firstCall(s);
      await s.peer(rng(1));
      await overHttp(server, token, s, 1, 1);
      for (const connections of s.levels) {
        const http = await overHttp(server, token, s, connections, seconds);
        const peer = args.includes('--no-peer') ? null : await inProcess(s, connections, seconds);
        const value = s.targetOf === 'p99' ? http.p99 : http.p50;
        const met = http.requests > 0 && value < s.target ? 'met' : 'NOT met';
        const line = `| ${s.name} | ${connections} | ${fmt(http.p50)} | ${fmt(http.p99)} | ${fmt(http.max)} | ${Math.round(http.perSecond)} | ${http.errors} | ${peer ? `${fmt(peer.p50)} / ${fmt(peer.p99)} | ${Math.round(peer.perSecond)} | ${(http.p99 / peer.p99).toFixed(2)}` : '– | – | –'} | ${fmt(first)} | ${s.targetOf} < ${s.target} ms: ${met} |`;
        log(line);
        rows.push(line);
        const cpu = http.cpu!;
        const cpuLine = `| ${s.name} | ${connections} | ${cpu.server.toFixed(3)} | ${cpu.rest.toFixed(3)} | ${cpu.self.toFixed(3)} |`;
        log(`CPU ms per request: ${cpuLine}`);
        cpuRows.push(cpuLine);
      }
    }
    // A restart (a deploy): the reports computed above were kept in the database, so the first
    // dashboard request of the new process reads them instead of computing (report_cache).
    server.stop();
    server = await startApi(url.toString());
    for (const s of selected.filter((x) => x.targetOf === 'p50')) {
      const line = `| ${s.name} | ${fmt(await firstCall(s))} |`;
      log(`after a restart: ${line}`);
      restartRows.push(line);
    }
  } finally {
    server.stop();
    await db.close();
  }
  log(
    `load average at end: ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  );
  process.stdout.write(
    [
      '| request | in flight | p50 ms | p99 ms | max ms | req/s | errors | peer p50 / p99 ms | peer calls/s | p99 ÷ peer p99 | first HTTP call ms | target |',
      '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|',
      ...rows,
      '',
      '| request | in flight | CPU ms per request: server | rest of the machine (PostgreSQL) | bench (autocannon) |',
      '|---|---:|---:|---:|---:|',
      ...cpuRows,
      '',
      '| request | first HTTP call after a restart ms |',
      '|---|---:|',
      ...restartRows,
      '',
    ].join('\n'),
  );
}
