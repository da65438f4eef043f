import { check, type FakeProvider, formBody, json, onlyKeys, startFakeProvider } from './http.ts';

/** Recipients that SMS.ru refuses per number (status_code 207: cannot send to this number). */
export const SMSRU_UNREACHABLE = '79990000207';

/**
 * SMS.ru /sms/send: form or query parameters api_id, to, msg, json=1 [, from, test]. Answers
 * HTTP 200 with {status, status_code, sms: {<phone>: {...}}, balance} or a request-level ERROR.
 */
export function startSmsRu(apiId: string): Promise<FakeProvider> {
  let seq = 0;
  return startFakeProvider((r) => {
    check(r.method === 'POST' && r.path === '/sms/send', `unknown endpoint ${r.method} ${r.path}`);
    const p = formBody(r);
    onlyKeys(p, ['api_id', 'to', 'msg', 'json', 'from', 'test'], 'sms/send');
    check(p.get('json') === '1', 'json=1 is required for a JSON answer');
    const to = p.get('to') ?? '';
    check(/^\d{11,15}$/.test(to), `to must be digits with the country code, got ${to}`);
    check((p.get('msg') ?? '') !== '', 'msg must not be empty');
    if (p.get('api_id') !== apiId)
      return json(200, { status: 'ERROR', status_code: 200, status_text: 'Неправильный api_id' });
    if (to === SMSRU_UNREACHABLE)
      return json(200, {
        status: 'OK',
        status_code: 100,
        sms: {
          [to]: {
            status: 'ERROR',
            status_code: 207,
            status_text: 'На этот номер нельзя отправлять сообщения',
          },
        },
        balance: 4122.56,
      });
    seq += 1;
    return json(200, {
      status: 'OK',
      status_code: 100,
      sms: { [to]: { status: 'OK', status_code: 100, sms_id: `000000-${String(10_000_000 + seq)}` } },
      balance: 4122.56,
    });
  });
}
