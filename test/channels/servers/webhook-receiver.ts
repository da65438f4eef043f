import { createHmac, timingSafeEqual } from 'node:crypto';
import { check, type FakeProvider, json, jsonBody, type Reply, startFakeProvider } from './http.ts';

/**
 * The reference check of X-Comeback-Signature, written independently of src/channels: what a
 * receiver in another codebase would do, Stripe-style (t=<seconds>,v1=<hex HMAC-SHA256 of "t.body">).
 */
export function referenceVerify(secret: string, body: string, headerValue: string, nowSec: number): boolean {
  const fields = new Map(headerValue.split(',').map((kv) => kv.split('=') as [string, string]));
  const t = fields.get('t');
  const v1 = fields.get('v1');
  if (!t || !v1 || Math.abs(nowSec - Number(t)) > 300) return false;
  const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest();
  const given = Buffer.from(v1, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** A receiver of Comeback's generic webhook: checks the signature, dedupes by Idempotency-Key. */
export function startWebhookReceiver(secret: string): Promise<FakeProvider & { keys: string[] }> {
  const seen = new Map<string, Reply>();
  const keys: string[] = [];
  let n = 0;
  return startFakeProvider((r) => {
    check(r.method === 'POST', `method ${r.method}`);
    const b = jsonBody(r);
    const sig = r.headers['x-comeback-signature'];
    check(typeof sig === 'string', 'X-Comeback-Signature is required');
    check(referenceVerify(secret, r.body, sig, Date.now() / 1000), 'signature does not verify');
    const key = r.headers['idempotency-key'];
    check(
      typeof key === 'string' && key === b.idempotencyKey,
      'Idempotency-Key header must equal the body key',
    );
    check(typeof b.to === 'string' && typeof b.text === 'string', 'to and text are required');
    keys.push(key);
    if (!seen.has(key)) {
      n += 1;
      seen.set(key, json(202, { id: `wh_${n}` }));
    }
    return seen.get(key)!;
  }).then((s) => Object.assign(s, { keys }));
}
