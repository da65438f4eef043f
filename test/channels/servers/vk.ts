import { check, type FakeProvider, formBody, json, onlyKeys, type Reply, startFakeProvider } from './http.ts';

export const VK_NO_PERMISSION_USER = '901';

export const vkError = (code: number, msg: string): Reply =>
  json(200, {
    error: { error_code: code, error_msg: msg, request_params: [{ key: 'method', value: 'messages.send' }] },
  });

/**
 * VK API messages.send: POST /method/messages.send with form parameters; errors come back as
 * HTTP 200 {error}. A second send with the same random_id to the same user is not sent again:
 * the first message id is returned (VK's dedupe).
 */
export function startVk(accessToken: string): Promise<FakeProvider & { randomIds: string[] }> {
  const sent = new Map<string, number>();
  const randomIds: string[] = [];
  let nextId = 100;
  return startFakeProvider((r) => {
    check(
      r.method === 'POST' && r.path === '/method/messages.send',
      `unknown endpoint ${r.method} ${r.path}`,
    );
    const p = formBody(r);
    onlyKeys(
      p,
      ['user_id', 'peer_id', 'random_id', 'message', 'access_token', 'v', 'attachment'],
      'messages.send',
    );
    check(/^\d+\.\d+$/.test(p.get('v') ?? ''), 'v (API version) is required');
    const rid = p.get('random_id') ?? '';
    check(
      /^-?\d+$/.test(rid) && Math.abs(Number(rid)) <= 2 ** 31 - 1,
      `random_id must be an int32, got ${rid}`,
    );
    check(/^\d+$/.test(p.get('user_id') ?? ''), 'user_id is required');
    check((p.get('message') ?? '') !== '', 'message must not be empty');
    randomIds.push(rid);
    if (p.get('access_token') !== accessToken)
      return vkError(5, 'User authorization failed: invalid access_token (4).');
    if (p.get('user_id') === VK_NO_PERMISSION_USER)
      return vkError(901, "Can't send messages for users without permission");
    const key = `${p.get('user_id')}:${rid}`;
    if (!sent.has(key)) {
      nextId += 1;
      sent.set(key, nextId);
    }
    return json(200, { response: sent.get(key) });
  }).then((s) => Object.assign(s, { randomIds }));
}
