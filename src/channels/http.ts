import type { ChannelDeps, FailureCode, SendFailure } from './types.ts';

/** Codes that may succeed later for the same message unchanged. */
const RETRYABLE: ReadonlySet<FailureCode> = new Set(['rate_limited', 'provider_unavailable', 'timeout']);

export function failure(code: FailureCode, reason: string, retryAfterMs?: number): SendFailure {
  const f: SendFailure = { ok: false, retryable: RETRYABLE.has(code), code, reason: clip(reason) };
  if (retryAfterMs !== undefined && Number.isFinite(retryAfterMs)) f.retryAfterMs = Math.max(0, retryAfterMs);
  return f;
}

export interface HttpAnswer {
  ok: true;
  status: number;
  headers: Headers;
  text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: unknown;
}

export interface HttpCall {
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  timeoutMs: number;
}

/**
 * One HTTP call with a timeout. Any HTTP answer (whatever its status) comes back as an
 * HttpAnswer for the adapter to read; no answer at all (refused, reset, DNS, timeout) comes back
 * as a retryable SendFailure. Redirects are not followed: a provider API never redirects a
 * send, so one means a wrong baseUrl.
 */
export async function callHttp(call: HttpCall, deps: ChannelDeps): Promise<HttpAnswer | SendFailure> {
  const doFetch = deps.fetch ?? fetch;
  try {
    const res = await doFetch(call.url, {
      method: call.method ?? 'POST',
      headers: call.headers,
      body: call.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(call.timeoutMs),
    });
    const text = await res.text();
    let json: unknown;
    try {
      json = text.length > 0 ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { ok: true, status: res.status, headers: res.headers, text, json };
  } catch (e) {
    const err = e as Error & { cause?: { code?: string; message?: string } };
    if (err.name === 'TimeoutError' || err.name === 'AbortError')
      return failure('timeout', `no answer within ${call.timeoutMs} ms`);
    const detail = err.cause?.code ?? err.cause?.message ?? err.message;
    return failure('provider_unavailable', `network error: ${detail}`);
  }
}

/** Retry-After as milliseconds: delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function retryAfterMs(headers: Headers, now: number = Date.now()): number | undefined {
  const v = headers.get('retry-after');
  if (v === null || v.trim() === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(v.trim())) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * The default reading of an HTTP status: 429 rate_limited, 408 timeout, 5xx provider_unavailable
 * (all retryable, with Retry-After); 401/403 auth_failed; other 4xx invalid_request; an
 * unexpected redirect invalid_request. Adapters map provider error codes first and fall back to this.
 */
export function statusFailure(answer: HttpAnswer, reason: string): SendFailure {
  const { status } = answer;
  const after = retryAfterMs(answer.headers);
  const why = `HTTP ${status}: ${reason}`;
  if (status === 429) return failure('rate_limited', why, after);
  if (status === 408) return failure('timeout', why, after);
  if (status >= 500) return failure('provider_unavailable', why, after);
  if (status === 401 || status === 403) return failure('auth_failed', why);
  if (status >= 300 && status < 400)
    return failure('invalid_request', `unexpected redirect (HTTP ${status}); check baseUrl`);
  return failure('invalid_request', why);
}

/** The request body text for an error reason when the provider gave nothing structured. */
export function bodySnippet(answer: HttpAnswer): string {
  return answer.text.trim() === '' ? '(empty body)' : answer.text;
}

export function clip(s: string, max = 300): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}

/** Join a base URL and a path without doubling or losing the slash. */
export function joinUrl(baseUrl: string, path: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}

/** Common zod pieces for HTTP adapters. */
export const DEFAULT_TIMEOUT_MS = 10_000;
