import { z } from 'zod';
import { CallbackError } from './errors.ts';
import { bodySnippet, callHttp, DEFAULT_TIMEOUT_MS, failure, joinUrl, statusFailure } from './http.ts';
import type {
  CallbackRequest,
  CallbackUpdates,
  Channel,
  ChannelDeps,
  DeliveryUpdate,
  OutboundMessage,
  SendFailure,
  SendResult,
} from './types.ts';
import { defaultNow, requireSecret } from './util.ts';

export const smsRuConfigSchema = z.object({
  provider: z.literal('sms-ru'),
  apiId: z.string().min(1),
  /** An approved sender name; the account default when absent. */
  from: z.string().optional(),
  baseUrl: z.url().default('https://sms.ru'),
  /** test=1: SMS.ru validates and answers but sends nothing and charges nothing. */
  test: z.boolean().default(false),
  /**
   * SMS.ru does not sign its callbacks: register the handler URL with `?secret=<this>` and
   * parseCallback checks it.
   */
  callbackSecret: z.string().min(16).optional(),
  timeoutMs: z.number().int().positive().default(DEFAULT_TIMEOUT_MS),
});
export type SmsRuConfig = z.infer<typeof smsRuConfigSchema>;

/** SMS.ru status codes of a message (callbacks and /sms/status). */
const DELIVERY: Record<number, { status: DeliveryUpdate['status']; reason?: string } | undefined> = {
  102: { status: 'sent' },
  103: { status: 'delivered' },
  104: { status: 'failed', reason: 'validity period expired' },
  105: { status: 'failed', reason: 'deleted by the operator' },
  106: { status: 'failed', reason: 'phone failure' },
  107: { status: 'failed', reason: 'unknown reason' },
  108: { status: 'failed', reason: 'rejected' },
  110: { status: 'read' },
  150: { status: 'failed', reason: 'no route to this number' },
};

/** SMS.ru request error codes (the answer's status_code when status is "ERROR"). */
function smsRuError(code: number, text: string | undefined): SendFailure {
  const reason = `SMS.ru ${code}${text ? `: ${text}` : ''}`;
  switch (code) {
    case 200:
    case 300:
    case 301:
    case 302:
      return failure('auth_failed', reason);
    case 201:
      return failure('insufficient_funds', reason);
    case 202:
    case 207:
      return failure('invalid_recipient', reason);
    case 209:
      return failure('blocked_by_user', reason);
    case 203:
    case 204:
    case 205:
    case 208:
    case 212:
    case 213:
      return failure('invalid_request', reason);
    case 206:
    case 230:
    case 231:
    case 232:
    case 233:
      return failure('rate_limited', reason);
    case 220:
    case 500:
      return failure('provider_unavailable', reason);
    default:
      return failure('rejected', reason);
  }
}

type SmsRuEntry = {
  status?: string;
  status_code?: number;
  status_text?: string;
  sms_id?: string;
  cost?: unknown;
};
type SmsRuAnswer = {
  status?: string;
  status_code?: number;
  status_text?: string;
  sms?: Record<string, SmsRuEntry>;
};

/** Roubles (number or "1.50") to kopecks. */
function kopecks(cost: unknown): number | undefined {
  const n = typeof cost === 'number' ? cost : typeof cost === 'string' ? Number(cost) : Number.NaN;
  return Number.isFinite(n) ? Math.round(n * 100) : undefined;
}

/**
 * SMS.ru HTTP API: POST /sms/send (form: api_id, to, msg, json=1[, from, test]). The API has no
 * idempotency key; a retry after a timeout may send twice.
 */
export class SmsRuChannel implements Channel {
  readonly kind = 'sms' as const;
  private readonly now: () => number;

  constructor(
    private readonly config: SmsRuConfig,
    private readonly deps: ChannelDeps = {},
  ) {
    this.now = defaultNow(deps);
  }

  async send(msg: OutboundMessage): Promise<SendResult> {
    const phone = msg.to.replace(/\D/g, '');
    if (phone.length < 10 || phone.length > 15)
      return failure('invalid_recipient', `not a phone number: ${msg.to}`);
    const form = new URLSearchParams({ api_id: this.config.apiId, to: phone, msg: msg.text, json: '1' });
    if (this.config.from) form.set('from', this.config.from);
    if (this.config.test) form.set('test', '1');
    const answer = await callHttp(
      {
        url: joinUrl(this.config.baseUrl, '/sms/send'),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form.toString(),
        timeoutMs: this.config.timeoutMs,
      },
      this.deps,
    );
    if (!answer.ok) return answer;
    if (answer.status !== 200) return statusFailure(answer, bodySnippet(answer));
    const json = answer.json as SmsRuAnswer | undefined;
    if (!json || typeof json !== 'object' || !json.status)
      return failure('provider_unavailable', `unreadable answer: ${bodySnippet(answer)}`);
    if (json.status !== 'OK') return smsRuError(Number(json.status_code), json.status_text);
    const entry = json.sms?.[phone] ?? Object.values(json.sms ?? {})[0];
    if (!entry) return failure('provider_unavailable', `answer without the message: ${bodySnippet(answer)}`);
    if (entry.status !== 'OK' || !entry.sms_id)
      return smsRuError(Number(entry.status_code), entry.status_text);
    const costMinor = kopecks(entry.cost);
    return costMinor === undefined
      ? { ok: true, providerMessageId: entry.sms_id }
      : { ok: true, providerMessageId: entry.sms_id, costMinor };
  }

  /**
   * The status callback: a form POST of data[0..n], each "sms_status\n<sms_id>\n<status code>"
   * (optionally a 4th line, unix time). The handler must answer the text "100".
   */
  parseCallback(req: CallbackRequest): CallbackUpdates {
    requireSecret(this.config.callbackSecret, req.query.secret, 'SMS.ru callback');
    const form = new URLSearchParams(req.body);
    const entries = [...form.entries()].filter(([k]) => /^data\[\d*\]$/.test(k));
    if (entries.length === 0) throw new CallbackError('bad_payload', 'SMS.ru callback: no data[] entries');
    const deliveries: DeliveryUpdate[] = [];
    for (const [, value] of entries) {
      const lines = value.split(/\r?\n/);
      if (lines[0] !== 'sms_status') continue; // other notification types (e.g. call auth) are not ours
      const id = lines[1]?.trim();
      const code = Number(lines[2]);
      if (!id || !Number.isInteger(code))
        throw new CallbackError('bad_payload', `SMS.ru callback: malformed entry ${JSON.stringify(value)}`);
      const mapped = DELIVERY[code];
      if (!mapped) continue; // 100/101: still queued at SMS.ru or the operator
      const unix = Number(lines[3]);
      const update: DeliveryUpdate = {
        providerMessageId: id,
        status: mapped.status,
        at: Number.isFinite(unix) && unix > 0 ? unix * 1000 : this.now(),
      };
      if (mapped.reason) update.reason = `SMS.ru ${code}: ${mapped.reason}`;
      deliveries.push(update);
    }
    return { deliveries, inbound: [] };
  }
}
