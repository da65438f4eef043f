/**
 * The API under test: one database per test file (test/support/db.ts), one workspace per test,
 * requests through `app.request()` without a port, keys minted directly.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureEvaluated } from '../../src/app/analytics/customer-aggregates.ts';
import { type ApiKeyInput, mintApiKey } from '../../src/app/api/create-api-key.ts';
import type { Role } from '../../src/app/api/principal.ts';
import { ImportJobs } from '../../src/app/api/run-import.ts';
import { SESSION_COOKIE } from '../../src/app/auth/auth-service.ts';
import { addMember } from '../../src/app/auth/members.ts';
import { todayIn } from '../../src/app/clock.ts';
import { type OrderInput, recordOrders } from '../../src/app/orders/record-orders.ts';
import { getSettings } from '../../src/app/workspace.ts';
import { createApi } from '../../src/http/app.ts';
import { ensureNamed } from '../../src/storage/queries/catalog.ts';
import { openTestDatabase, type TestDatabase } from '../support/db.ts';

export interface Reply {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: test responses are read field by field
  body: any;
}

export interface Client {
  /** The API key, or the session cookie (`comeback.session_token=…`) of a signed-in user. */
  token: string;
  get(path: string): Promise<Reply>;
  post(path: string, body?: unknown, headers?: Record<string, string>): Promise<Reply>;
  patch(path: string, body: unknown): Promise<Reply>;
  put(path: string, body: unknown): Promise<Reply>;
  del(path: string): Promise<Reply>;
  send(
    method: string,
    path: string,
    init?: { body?: string | FormData; headers?: Record<string, string> },
  ): Promise<Reply>;
}

export interface Workspace {
  id: number;
  owner: Client;
  /** A client with a new key of this role. */
  as(input: Omit<ApiKeyInput, 'name'> & { name?: string }): Promise<Client>;
  /** A new member of this role, signed in through /api/auth (a session cookie client). */
  user(input: {
    role: Role;
    staffId?: number | null;
    email?: string;
    password?: string;
  }): Promise<Client & { userId: number; email: string; password: string }>;
  /** Staff ids for names (created when missing). */
  staff(...names: string[]): Promise<number[]>;
  /** Orders through the same path as the API and imports, evaluated as of `asOf` (default today). */
  orders(inputs: OrderInput[], asOf?: string): Promise<void>;
}

export interface TestApi {
  /** Signs in with e-mail and password; the client sends the session cookie and a same-origin Origin. */
  signIn(email: string, password: string): Promise<Client>;
  db: TestDatabase;
  app: ReturnType<typeof createApi>;
  jobs: ImportJobs;
  workspace(): Promise<Workspace>;
  close(): Promise<void>;
}

export async function openTestApi(): Promise<TestApi> {
  const db = await openTestDatabase();
  const jobs = new ImportJobs();
  const uploadDir = mkdtempSync(join(tmpdir(), 'comeback-uploads-'));
  const app = createApi({ db: db.db, jobs, uploadDir });

  const client = (token: string): Client => {
    // A session cookie travels as a browser sends it: with the page's own Origin.
    const auth: Record<string, string> = token.startsWith(`${SESSION_COOKIE}=`)
      ? { Cookie: token, Origin: 'http://localhost' }
      : { Authorization: `Bearer ${token}` };
    const send = async (
      method: string,
      path: string,
      init: { body?: string | FormData; headers?: Record<string, string> } = {},
    ) => {
      const res = await app.request(path, {
        method,
        headers: { ...auth, ...(init.headers ?? {}) },
        ...(init.body !== undefined ? { body: init.body } : {}),
      });
      const text = await res.text();
      const type = res.headers.get('content-type') ?? '';
      return {
        status: res.status,
        headers: res.headers,
        body: type.includes('json') && text ? JSON.parse(text) : text,
      };
    };
    const withJson =
      (method: string) =>
      (path: string, body?: unknown, headers: Record<string, string> = {}) =>
        send(method, path, {
          ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
          headers: { 'Content-Type': 'application/json', ...headers },
        });
    return {
      token,
      get: (path) => send('GET', path),
      post: withJson('POST'),
      patch: withJson('PATCH'),
      put: withJson('PUT'),
      del: (path) => send('DELETE', path),
      send,
    };
  };

  const signIn = async (email: string, password: string): Promise<Client> => {
    const res = await app.request('/api/auth/sign-in/email', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: 'http://localhost' },
      body: JSON.stringify({ email, password }),
    });
    if (res.status !== 200) throw new Error(`sign-in of ${email} failed: ${res.status} ${await res.text()}`);
    const cookie = res.headers
      .getSetCookie()
      .map((c) => c.split(';')[0]!)
      .find((c) => c.startsWith(`${SESSION_COOKIE}=`));
    if (!cookie) throw new Error('sign-in set no session cookie');
    return client(cookie);
  };

  let users = 0;
  return {
    db,
    app,
    jobs,
    signIn,
    async workspace() {
      const id = await db.workspace('api');
      const owner = client((await mintApiKey(db.db, id, { name: 'owner', role: 'owner' })).token);
      return {
        id,
        owner,
        async as(input) {
          return client((await mintApiKey(db.db, id, { name: input.role, ...input })).token);
        },
        async user(input) {
          const email = input.email ?? `${input.role}-${id}-${++users}@example.com`;
          const password = input.password ?? 'correct horse battery';
          const operator = {
            workspaceId: id,
            userId: null,
            role: 'owner' as const,
            managerStaffId: null,
            keyId: null,
            scopes: null,
          };
          const m = await addMember(db.db, operator, {
            email,
            password,
            role: input.role,
            staffId: input.staffId ?? null,
          });
          return { ...(await signIn(email, password)), userId: m.id, email, password };
        },
        async staff(...names) {
          const ids = await ensureNamed(db.db, id, 'staff', names);
          return names.map((n) => ids.get(n)!);
        },
        async orders(inputs, asOf) {
          const settings = await getSettings(db.db, id);
          const day = asOf ?? todayIn(settings.timezone);
          await recordOrders(db.db, id, inputs, { settings, asOf: day });
          await ensureEvaluated(db.db, id, day, settings);
        },
      };
    },
    async close() {
      await jobs.idle();
      await db.close();
      rmSync(uploadDir, { recursive: true, force: true });
    },
  };
}

/** An order of `amount` (major units) on a day, for a customer by external id. */
export function order(externalId: string, customer: string, day: string, amount: number): OrderInput {
  return {
    externalId,
    customer: { externalId: customer },
    at: Date.parse(`${day}T12:00:00Z`),
    amountCents: Math.round(amount * 100),
  };
}
