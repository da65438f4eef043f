import { randomBytes } from 'node:crypto';
import { check, type FakeProvider, formBody, json, onlyKeys, type Reply, startFakeProvider } from './http.ts';

/** Twilio's magic test numbers: invalid, and a recipient who replied STOP. */
export const TWILIO_INVALID = '+15005550001';
export const TWILIO_STOPPED = '+15005550004';

const err = (status: number, code: number, message: string): Reply =>
  json(status, { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status });

/**
 * Twilio Messages API: POST /2010-04-01/Accounts/{Sid}/Messages.json, Basic auth, form body.
 * Requests with an I-Twilio-Idempotency-Token seen before get the first answer again.
 */
export function startTwilio(
  accountSid: string,
  authToken: string,
): Promise<FakeProvider & { tokens: string[] }> {
  const byToken = new Map<string, Reply>();
  const tokens: string[] = [];
  return startFakeProvider((r) => {
    check(r.method === 'POST', `method ${r.method}`);
    const m = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/.exec(r.path);
    check(m, `unknown endpoint ${r.path}`);
    const auth = String(r.headers.authorization ?? '');
    check(auth.startsWith('Basic '), 'Basic authorization is required');
    const [user, pass] = Buffer.from(auth.slice(6), 'base64').toString().split(':');
    const p = formBody(r);
    onlyKeys(p, ['To', 'From', 'MessagingServiceSid', 'Body', 'StatusCallback', 'MediaUrl'], 'Messages');
    check(/^\+[1-9]\d{6,14}$/.test(p.get('To') ?? ''), `To must be E.164, got ${p.get('To')}`);
    check(p.has('From') !== p.has('MessagingServiceSid'), 'exactly one of From and MessagingServiceSid');
    check((p.get('Body') ?? '') !== '', 'Body must not be empty');
    const cb = p.get('StatusCallback');
    if (cb !== null) check(URL.canParse(cb), `StatusCallback must be a URL, got ${cb}`);
    const token = r.headers['i-twilio-idempotency-token'];
    if (typeof token === 'string') tokens.push(token);
    if (user !== accountSid || pass !== authToken || m[1] !== accountSid)
      return err(401, 20003, 'Authenticate');
    if (typeof token === 'string' && byToken.has(token)) return byToken.get(token)!;
    const to = p.get('To')!;
    if (to === TWILIO_INVALID) return err(400, 21211, `The 'To' number ${to} is not a valid phone number.`);
    if (to === TWILIO_STOPPED) return err(400, 21610, 'Attempt to send to unsubscribed recipient');
    const now = new Date().toUTCString();
    const reply = json(201, {
      account_sid: accountSid,
      api_version: '2010-04-01',
      body: p.get('Body'),
      date_created: now,
      date_sent: null,
      date_updated: now,
      direction: 'outbound-api',
      error_code: null,
      error_message: null,
      from: p.get('From'),
      messaging_service_sid: p.get('MessagingServiceSid'),
      num_media: '0',
      num_segments: '1',
      price: null,
      price_unit: 'USD',
      sid: `SM${randomBytes(16).toString('hex')}`,
      status: 'queued',
      to,
      uri: `/2010-04-01/Accounts/${accountSid}/Messages/SM.json`,
    });
    if (typeof token === 'string') byToken.set(token, reply);
    return reply;
  }).then((s) => Object.assign(s, { tokens }));
}
