import { randomBytes } from 'node:crypto';
import { check, type FakeProvider, json, jsonBody, onlyKeys, type Reply, startFakeProvider } from './http.ts';

export const WA_NOT_ALLOWED = '15550131030';

export const graphError = (status: number, code: number, message: string, details: string): Reply =>
  json(status, {
    error: {
      message: `(#${code}) ${message}`,
      type: 'OAuthException',
      code,
      error_data: { messaging_product: 'whatsapp', details },
      fbtrace_id: 'AbCdEf123',
    },
  });

/** Cloud API: POST /{version}/{phone_number_id}/messages, Bearer token, JSON; {messages:[{id}]} back. */
export function startWhatsApp(version: string, phoneNumberId: string, token: string): Promise<FakeProvider> {
  return startFakeProvider((r) => {
    check(
      r.method === 'POST' && r.path === `/${version}/${phoneNumberId}/messages`,
      `unknown endpoint ${r.path}`,
    );
    const b = jsonBody(r);
    onlyKeys(
      b,
      ['messaging_product', 'recipient_type', 'to', 'type', 'text', 'template', 'biz_opaque_callback_data'],
      'messages',
    );
    check(b.messaging_product === 'whatsapp', 'messaging_product must be "whatsapp"');
    check(
      typeof b.to === 'string' && /^\+?[1-9]\d{6,14}$/.test(b.to),
      `to must be a phone number, got ${b.to}`,
    );
    if (b.type === 'text') {
      const t = b.text as { body?: unknown; preview_url?: unknown } | undefined;
      check(
        typeof t?.body === 'string' && t.body.length > 0 && t.body.length <= 4096,
        'text.body must be 1-4096 chars',
      );
      check(b.template === undefined, 'a text message has no template');
    } else if (b.type === 'template') {
      const t = b.template as
        | {
            name?: unknown;
            language?: { code?: unknown };
            components?: { type?: unknown; parameters?: unknown }[];
          }
        | undefined;
      check(typeof t?.name === 'string' && t.name !== '', 'template.name is required');
      check(typeof t.language?.code === 'string', 'template.language.code is required');
      for (const c of t.components ?? []) {
        check(c.type === 'body' || c.type === 'header' || c.type === 'button', `component type ${c.type}`);
        check(Array.isArray(c.parameters), 'component.parameters must be an array');
        for (const p of c.parameters as { type?: unknown; text?: unknown }[])
          check(p.type === 'text' && typeof p.text === 'string', 'parameter must be {type:"text", text}');
      }
      check(b.text === undefined, 'a template message has no text');
    } else {
      check(false, `unexpected type ${String(b.type)}`);
    }
    if (r.headers.authorization !== `Bearer ${token}`)
      return json(401, {
        error: { message: 'Invalid OAuth access token.', type: 'OAuthException', code: 190, fbtrace_id: 'x' },
      });
    if (b.to === WA_NOT_ALLOWED)
      return graphError(
        400,
        131030,
        'Recipient phone number not in allowed list',
        'Add the number to the allowed list',
      );
    if (b.type === 'template' && (b.template as { name: string }).name === 'no_such_template')
      return graphError(404, 132001, 'Template name does not exist in the translation', 'template not found');
    return json(200, {
      messaging_product: 'whatsapp',
      contacts: [{ input: b.to, wa_id: String(b.to).replace('+', '') }],
      messages: [
        {
          id: `wamid.${randomBytes(24).toString('base64url')}`,
          ...(b.type === 'template' ? { message_status: 'accepted' } : {}),
        },
      ],
    });
  });
}
