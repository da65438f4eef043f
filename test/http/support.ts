/**
 * The API under test: one database per test file (test/support/db.ts), one workspace per test,
 * requests through `app.request()` without a port, keys minted directly.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureEvaluated } from '../../src/app/analytics/customer-aggregates.ts';
import { type ApiKeyInput, mintApiKey } from '../../src/app/api/create-api-key.ts';
import { ImportJobs } from '../../src/app/api/run-import.ts';
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
  /** Staff ids for names (created when missing). */
  staff(...names: string[]): Promise<number[]>;
  /** Orders through the same path as the API and imports, evaluated as of `asOf` (default today). */
  orders(inputs: OrderInput[], asOf?: string): Promise<void>;
}

export interface TestApi {
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
    const send = async (
      method: string,
      path: string,
      init: { body?: string | FormData; headers?: Record<string, string> } = {},
    ) => {
      const res = await app.request(path, {
        method,
        headers: { Authorization: `Bearer ${token}`, ...(init.headers ?? {}) },
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

  return {
    db,
    app,
    jobs,
    async workspace() {
      const id = await db.workspace('api');
      const owner = client((await mintApiKey(db.db, id, { name: 'owner', role: 'owner' })).token);
      return {
        id,
        owner,
        async as(input) {
          return client((await mintApiKey(db.db, id, { name: input.role, ...input })).token);
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
