import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the fake provider received it. */
export interface Received {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** Thrown by a fake provider when a request does not follow the provider's protocol. */
export class Violation extends Error {}

/** Assert inside a fake provider: a failed check is recorded and fails the test. */
export function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Violation(message);
}

export interface FakeProvider {
  url: string;
  requests: Received[];
  /** Protocol violations seen; a test passes only when this stays empty. */
  violations: string[];
  /** Replies given (in order) to the next valid requests instead of the default behaviour. */
  script: Reply[];
  close(): Promise<void>;
}

export const json = (status: number, body: unknown, headers?: Record<string, string>): Reply => ({
  status,
  body,
  ...(headers ? { headers } : {}),
});

/**
 * An HTTP server on 127.0.0.1, port 0. `handle` validates the request (throwing Violation on a
 * malformed one) and returns the default reply; a scripted reply, when queued, replaces the
 * default only after validation passed.
 */
export async function startFakeProvider(handle: (req: Received) => Reply): Promise<FakeProvider> {
  const requests: Received[] = [];
  const violations: string[] = [];
  const script: Reply[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const u = new URL(req.url ?? '/', 'http://127.0.0.1');
      const r: Received = {
        method: req.method ?? '',
        path: u.pathname,
        query: u.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(r);
      let reply: Reply;
      try {
        reply = handle(r);
        const scripted = script.shift();
        if (scripted) reply = scripted;
      } catch (e) {
        if (!(e instanceof Violation)) throw e;
        violations.push(`${r.method} ${r.path}: ${e.message}`);
        reply = json(400, { violation: e.message });
      }
      const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
      res.writeHead(reply.status, {
        'content-type': typeof reply.body === 'string' ? 'text/plain' : 'application/json',
        ...reply.headers,
      });
      res.end(text);
    });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    violations,
    script,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** application/x-www-form-urlencoded body, checking the content type first. */
export function formBody(r: Received): URLSearchParams {
  check(
    String(r.headers['content-type']).startsWith('application/x-www-form-urlencoded'),
    `content-type must be form-urlencoded, got ${r.headers['content-type']}`,
  );
  return new URLSearchParams(r.body);
}

/** A JSON object body, checking the content type first. */
export function jsonBody(r: Received): Record<string, unknown> {
  check(
    String(r.headers['content-type']).startsWith('application/json'),
    `content-type must be application/json, got ${r.headers['content-type']}`,
  );
  let v: unknown;
  try {
    v = JSON.parse(r.body);
  } catch {
    throw new Violation('body is not JSON');
  }
  check(typeof v === 'object' && v !== null && !Array.isArray(v), 'body must be a JSON object');
  return v as Record<string, unknown>;
}

/** Only these keys may appear (catches misspelt or invented fields). */
export function onlyKeys(
  obj: Record<string, unknown> | URLSearchParams,
  allowed: string[],
  what: string,
): void {
  const keys = obj instanceof URLSearchParams ? [...obj.keys()] : Object.keys(obj);
  for (const k of keys) check(allowed.includes(k), `${what}: unexpected field ${k}`);
}
