import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { CallbackError } from './errors.ts';
import type { CallbackRequest, ChannelDeps } from './types.ts';

/** A request header by name, whatever case the HTTP layer stored it in. */
export function header(headers: CallbackRequest['headers'], name: string): string | undefined {
  const direct = headers[name] ?? headers[name.toLowerCase()];
  if (direct !== undefined) return direct;
  const lower = name.toLowerCase();
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === lower) return v;
  return undefined;
}

/** Constant-time string equality (length is not secret). */
export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function hmacHex(algorithm: 'sha1' | 'sha256', key: string, data: string): string {
  return createHmac(algorithm, key).update(data, 'utf8').digest('hex');
}

export function sha256Hex(data: string): string {
  return createHash('sha256').update(data, 'utf8').digest('hex');
}

/** Throws bad_signature unless `got` equals the configured shared secret. */
export function requireSecret(expected: string | undefined, got: string | undefined, what: string): void {
  if (!expected)
    throw new CallbackError('bad_signature', `${what}: no secret configured to verify callbacks`);
  if (got === undefined || !safeEqual(got, expected))
    throw new CallbackError('bad_signature', `${what}: secret missing or wrong`);
}

export function parseJsonBody(body: string, what: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    throw new CallbackError('bad_payload', `${what}: body is not JSON`);
  }
}

export const defaultNow = (deps: ChannelDeps): (() => number) => deps.now ?? Date.now;
