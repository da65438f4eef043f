import { check, type FakeProvider, json, jsonBody, onlyKeys, startFakeProvider } from './http.ts';

export const TG_BLOCKED_CHAT = 403403;
export const TG_UNKNOWN_CHAT = 404404;

/** Bot API: POST /bot<token>/sendMessage with a JSON body; answers {ok, result} or {ok:false, error_code, description}. */
export function startTelegram(botToken: string): Promise<FakeProvider> {
  let messageId = 0;
  return startFakeProvider((r) => {
    const m = /^\/bot([^/]+)\/sendMessage$/.exec(r.path);
    check(r.method === 'POST' && m, `unknown endpoint ${r.method} ${r.path}`);
    const b = jsonBody(r);
    onlyKeys(
      b,
      ['chat_id', 'text', 'parse_mode', 'link_preview_options', 'disable_notification'],
      'sendMessage',
    );
    check(typeof b.chat_id === 'number' || typeof b.chat_id === 'string', 'chat_id is required');
    check(
      typeof b.text === 'string' && b.text.length >= 1 && b.text.length <= 4096,
      'text must be 1-4096 characters',
    );
    if (m[1] !== botToken) return json(401, { ok: false, error_code: 401, description: 'Unauthorized' });
    if (b.chat_id === TG_BLOCKED_CHAT)
      return json(403, { ok: false, error_code: 403, description: 'Forbidden: bot was blocked by the user' });
    if (b.chat_id === TG_UNKNOWN_CHAT)
      return json(400, { ok: false, error_code: 400, description: 'Bad Request: chat not found' });
    messageId += 1;
    return json(200, {
      ok: true,
      result: {
        message_id: messageId,
        from: {
          id: Number(botToken.split(':')[0]),
          is_bot: true,
          first_name: 'Salon',
          username: 'salon_bot',
        },
        chat: { id: Number(b.chat_id), first_name: 'Anna', type: 'private' },
        date: Math.floor(Date.now() / 1000),
        text: b.text,
      },
    });
  });
}

export const telegramTooMany = (retryAfter: number) =>
  json(429, {
    ok: false,
    error_code: 429,
    description: `Too Many Requests: retry after ${retryAfter}`,
    parameters: { retry_after: retryAfter },
  });
