/**
 * The app under a browser: the web app built with Vite, the API in-process on a free port
 * with the built files served beside it, a workspace with the demo salon, an owner user (e-mail
 * and password, for the sign-in form) and an owner key (for test setup through the API).
 *
 * The API does not serve the web app itself yet, so a small node:http server here does:
 * `/api/*` goes to the Hono app, anything else is a file of dist/web (index.html otherwise).
 */
import { createReadStream, existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getRequestListener } from '@hono/node-server';
import { mintApiKey } from '../../../src/app/api/create-api-key.ts';
import { ImportJobs } from '../../../src/app/api/run-import.ts';
import { addMember } from '../../../src/app/auth/members.ts';
import { todayIn } from '../../../src/app/clock.ts';
import { loadDemo } from '../../../src/app/demo/load-demo.ts';
import { createApi } from '../../../src/http/app.ts';
import { ensureWebBuilt } from '../../../src/main.ts';
import { openTestDatabase, type TestDatabase } from '../../support/db.ts';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const WEB_DIST = join(ROOT, 'dist', 'web');
/** The demo salon's zone (loadDemo sets it on a fresh workspace). */
const DEMO_ZONE = 'Europe/Moscow';

/**
 * `vite build` through the JS API, with the repository's vite.config.ts — once per change of
 * the sources. Test files run in parallel processes and each calls this: a build empties
 * dist/web, so an unguarded second build would pull the files from under a running test. A lock
 * (a directory: mkdir is atomic) makes builds take turns, and a build already newer than every
 * source (ensureWebBuilt's check) is reused.
 */
export async function buildWeb(): Promise<void> {
  const lock = join(ROOT, 'dist', '.web-build.lock');
  mkdirSync(join(ROOT, 'dist'), { recursive: true });
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // Held by another test process; a lock older than 5 minutes is left by a killed one.
      if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 5 * 60_000)
        rmSync(lock, { recursive: true, force: true });
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  // Vitest sets NODE_ENV=test, which would make Vite bundle React's development build.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await ensureWebBuilt(() => {});
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
    rmSync(lock, { recursive: true, force: true });
  }
  if (!existsSync(join(WEB_DIST, 'index.html')))
    throw new Error(`vite build wrote no ${WEB_DIST}/index.html`);
}

export interface E2eApp {
  url: string;
  token: string;
  /** The workspace's owner, who signs in with the form (or `signIn` from ./sign-in.ts). */
  owner: { email: string; password: string; name: string };
  db: TestDatabase;
  workspaceId: number;
  /** The day the demo was generated for (today in the workspace zone). */
  asOf: string;
  /** A GET through the API as the owner (test setup and checks). */
  get<T>(path: string): Promise<T>;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.map': 'application/json',
  '.woff2': 'font/woff2',
};

function staticFile(urlPath: string): string {
  const clean = normalize(decodeURIComponent(urlPath.split('?')[0] ?? '/')).replace(/^([/\\])+/, '');
  const file = resolve(WEB_DIST, clean);
  if (file.startsWith(WEB_DIST + sep) && existsSync(file) && statSync(file).isFile()) return file;
  return join(WEB_DIST, 'index.html');
}

export async function startE2eApp(
  opts: {
    customers?: number;
    /** Mount the messaging routes with these deps (the caller runs delivery: test/e2e/campaigns.test.ts). */
    messaging?: NonNullable<Parameters<typeof createApi>[0]['messaging']>;
  } = {},
): Promise<E2eApp> {
  const db = await openTestDatabase();
  const uploadDir = mkdtempSync(join(tmpdir(), 'comeback-e2e-uploads-'));
  const jobs = new ImportJobs();
  let server: Server | undefined;
  try {
    const workspaceId = await db.workspace('e2e');
    const asOf = todayIn(DEMO_ZONE);
    await loadDemo(db.db, workspaceId, {
      asOf,
      ...(opts.customers !== undefined ? { customers: opts.customers } : {}),
    });
    const { token } = await mintApiKey(db.db, workspaceId, { name: 'e2e', role: 'owner' });
    // Users are instance-wide (one PostgreSQL database serves every test file): a unique e-mail.
    const owner = {
      email: `owner-${workspaceId}@e2e.example.com`,
      password: 'e2e owner password',
      name: 'Ольга',
    };
    await addMember(
      db.db,
      { workspaceId, userId: null, role: 'owner', managerStaffId: null, keyId: null, scopes: null },
      { ...owner, role: 'owner' },
    );
    const api = createApi({
      db: db.db,
      jobs,
      uploadDir,
      ...(opts.messaging ? { messaging: opts.messaging } : {}),
    });
    const apiListener = getRequestListener(api.fetch);

    server = createServer((req, res) => {
      const url = req.url ?? '/';
      if (url === '/api' || url.startsWith('/api/')) {
        void apiListener(req, res);
        return;
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405).end();
        return;
      }
      const file = staticFile(url);
      res.writeHead(200, {
        'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
        'Cache-Control': file.endsWith('index.html') ? 'no-cache' : 'public, max-age=31536000, immutable',
      });
      if (req.method === 'HEAD') res.end();
      else createReadStream(file).pipe(res);
    });
    const s = server;
    const port = await new Promise<number>((done, fail) => {
      s.once('error', fail);
      s.listen(0, '127.0.0.1', () => {
        const addr = s.address();
        done(typeof addr === 'object' && addr ? addr.port : 0);
      });
    });
    const url = `http://127.0.0.1:${port}`;
    return {
      url,
      token,
      owner,
      db,
      workspaceId,
      asOf,
      async get<T>(path: string): Promise<T> {
        const res = await fetch(`${url}${path}`, { headers: { Authorization: `Bearer ${token}` } });
        if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
        return (await res.json()) as T;
      },
      async close() {
        s.closeAllConnections();
        await new Promise<void>((done) => s.close(() => done()));
        await jobs.idle();
        await db.close();
        rmSync(uploadDir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    server?.close();
    await db.close();
    rmSync(uploadDir, { recursive: true, force: true });
    throw e;
  }
}
