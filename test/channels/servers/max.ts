import { randomBytes } from 'node:crypto';
import { check, type FakeProvider, json, jsonBody, onlyKeys, startFakeProvider } from './http.ts';

export const MAX_SUSPENDED_USER = '403';

/** MAX Bot API: POST /messages?user_id=|chat_id=, header `Authorization: <token>`, JSON NewMessageBody. */
export function startMax(token: string): Promise<FakeProvider> {
  let seq = 0;
  return startFakeProvider((r) => {
    check(r.method === 'POST' && r.path === '/messages', `unknown endpoint ${r.method} ${r.path}`);
    check(!r.query.has('access_token'), 'the token in the query is no longer supported');
    const userId = r.query.get('user_id');
    const chatId = r.query.get('chat_id');
    check((userId === null) !== (chatId === null), 'exactly one of user_id and chat_id');
    const b = jsonBody(r);
    onlyKeys(b, ['text', 'attachments', 'link', 'notify', 'format'], 'NewMessageBody');
    check(typeof b.text === 'string' && b.text.length <= 4000, 'text must be a string of at most 4000 chars');
    if (r.headers.authorization !== token)
      return json(401, { code: 'verify.token', message: 'Invalid access_token' });
    if (userId === MAX_SUSPENDED_USER)
      return json(403, { code: 'chat.denied', message: 'error.dialog.suspended: user suspended bot' });
    seq += 1;
    return json(200, {
      message: {
        sender: { user_id: 1, first_name: 'Salon', name: 'Salon', is_bot: true },
        recipient: {
          chat_id: Number(chatId ?? userId),
          chat_type: chatId ? 'chat' : 'dialog',
          user_id: Number(userId),
        },
        timestamp: Date.now(),
        body: { mid: `mid.${randomBytes(8).toString('hex')}`, seq, text: b.text },
      },
    });
  });
}
