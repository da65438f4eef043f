/**
 * Tracking and one-click unsubscribe (PRODUCT.md C7). Links carry a signed token (HMAC-SHA256
 * with a key derived from the instance key), so they need no lookup table and cannot be forged
 * or pointed elsewhere:
 * - `/t/c/{token}`: a click: records `clicked`, redirects to the original URL;
 * - `/t/o/{token}.gif`: the e-mail open pixel: records `opened`, answers a 1×1 GIF;
 * - `/u/{token}`: unsubscribe: GET shows a confirmation page (ru/en), POST (the page's button,
 *   or a mail client's RFC 8058 one-click POST) appends a marketing withdrawal to the ledger.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { AppError } from '../../core/errors.ts';
import {
  isMessageChannel,
  MESSAGE_CHANNELS,
  type MessageChannel,
  type MessagePurpose,
} from '../../core/messaging/channel.ts';
import {
  type ConsentEntry,
  type ConsentSource,
  consentFromUnsubscribeLink,
  consentState,
} from '../../core/messaging/consent.ts';
import type { Database, Sql } from '../../storage/connect.ts';
import { insertConsents, loadConsents } from '../../storage/queries/consents.ts';
import { insertEvents } from '../../storage/queries/events.ts';
import {
  advanceMessage,
  getMessage,
  insertMessageEvents,
  type MessageStatus,
  type OutboxMessage,
} from '../../storage/queries/messages.ts';
import { visibleCustomer } from '../api/get-customer-card.ts';
import { type Principal, requirePermission } from '../api/principal.ts';
import { deriveKey } from './secrets.ts';

export interface TrackingDeps {
  /** The instance secret key (secrets.ts); the token key is derived from it. */
  key: Buffer;
  now?: () => number;
}

type Kind = 'c' | 'o' | 'u';
interface TokenPayload {
  k: Kind;
  w: number;
  m: number;
  u?: string;
}

const tokenKeys = new WeakMap<Buffer, Buffer>();
function tokenKey(key: Buffer): Buffer {
  let k = tokenKeys.get(key);
  if (!k) {
    k = deriveKey(key, 'tracking-links');
    tokenKeys.set(key, k);
  }
  return k;
}

function mac(key: Buffer, body: string): Buffer {
  return createHmac('sha256', tokenKey(key)).update(body).digest().subarray(0, 16);
}

export function signToken(key: Buffer, payload: TokenPayload): string {
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return `${body}.${mac(key, body).toString('base64url')}`;
}

/** The payload of a token of this kind, or null when it is malformed or the signature is wrong. */
export function readToken(key: Buffer, token: string, kind: Kind): TokenPayload | null {
  const dot = token.indexOf('.');
  if (dot <= 0) return null;
  const body = token.slice(0, dot);
  const sig = Buffer.from(token.slice(dot + 1), 'base64url');
  const want = mac(key, body);
  if (sig.length !== want.length || !timingSafeEqual(sig, want)) return null;
  try {
    const p = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as TokenPayload;
    if (p.k !== kind || !Number.isInteger(p.w) || !Number.isInteger(p.m)) return null;
    return p;
  } catch {
    return null;
  }
}

const base = (publicUrl: string) => publicUrl.replace(/\/+$/, '');

export function clickUrl(
  publicUrl: string,
  key: Buffer,
  workspaceId: number,
  messageId: number,
  url: string,
): string {
  return `${base(publicUrl)}/t/c/${signToken(key, { k: 'c', w: workspaceId, m: messageId, u: url })}`;
}

export function openPixelUrl(publicUrl: string, key: Buffer, workspaceId: number, messageId: number): string {
  return `${base(publicUrl)}/t/o/${signToken(key, { k: 'o', w: workspaceId, m: messageId })}.gif`;
}

export function unsubscribeUrl(
  publicUrl: string,
  key: Buffer,
  workspaceId: number,
  messageId: number,
): string {
  return `${base(publicUrl)}/u/${signToken(key, { k: 'u', w: workspaceId, m: messageId })}`;
}

/**
 * E-mail HTML with every http(s) link but `keep` (the unsubscribe link) sent through the click
 * redirect, and the open pixel before `</body>`.
 */
export function addTracking(
  html: string,
  publicUrl: string,
  key: Buffer,
  workspaceId: number,
  messageId: number,
  keep: readonly string[],
): string {
  const linked = html.replace(
    /(<a\b[^>]*?\bhref=")(https?:\/\/[^"]+)(")/gi,
    (all, pre: string, url: string, post: string) => {
      const original = url.replace(/&amp;/g, '&');
      if (keep.includes(original)) return all;
      return `${pre}${clickUrl(publicUrl, key, workspaceId, messageId, original)}${post}`;
    },
  );
  const pixel = `<img src="${openPixelUrl(publicUrl, key, workspaceId, messageId)}" width="1" height="1" alt="" style="display:block;width:1px;height:1px;border:0" />`;
  return /<\/body>/i.test(linked) ? linked.replace(/<\/body>/i, `${pixel}</body>`) : `${linked}${pixel}`;
}

// ---------------------------------------------------------------------------------------
// Engagement on a message

/** How far a message got; a status only moves forward. */
export const ENGAGEMENT_RANK: Partial<Record<MessageStatus, number>> = {
  sent: 1,
  delivered: 2,
  opened: 3,
  clicked: 4,
  replied: 5,
};

const TIMELINE_TYPE: Partial<Record<MessageStatus, string>> = {
  sent: 'message_sent',
  delivered: 'message_delivered',
  opened: 'message_opened',
  clicked: 'message_clicked',
  replied: 'message_replied',
};

/**
 * Records that a sent message was delivered / opened / clicked / replied to: the status moves
 * forward when this is further than it got, the event is always logged, and the customer's
 * timeline gets it (once per status, except clicks and replies, which are each an act).
 */
export async function recordEngagement(
  sql: Sql,
  message: OutboxMessage,
  status: 'delivered' | 'opened' | 'clicked' | 'replied',
  at: number,
  data: Record<string, unknown> = {},
): Promise<boolean> {
  const rank = ENGAGEMENT_RANK[status]!;
  const lower = (Object.keys(ENGAGEMENT_RANK) as MessageStatus[]).filter((s) => ENGAGEMENT_RANK[s]! < rank);
  const moved = await advanceMessage(sql, message.workspaceId, message.id, status, lower, null);
  const repeatable = status === 'clicked' || status === 'replied';
  if (!moved && !repeatable) return false;
  const when = new Date(at);
  await insertMessageEvents(sql, [
    { workspaceId: message.workspaceId, messageId: message.id, status, at: when, reason: null, data },
  ]);
  if (status !== 'replied') {
    await insertEvents(sql, message.workspaceId, [
      {
        customerId: message.customerId,
        type: TIMELINE_TYPE[status]!,
        occurredAt: when,
        data: { messageId: message.id, channel: message.channel, campaignId: message.campaignId, ...data },
      },
    ]);
  }
  return moved;
}

async function messageOf(db: Database, p: TokenPayload | null): Promise<OutboxMessage | null> {
  return p ? getMessage(db, p.w, p.m) : null;
}

/** A click: the URL to redirect to, or null for a bad token. */
export async function trackClick(db: Database, deps: TrackingDeps, token: string): Promise<string | null> {
  const p = readToken(deps.key, token, 'c');
  if (!p?.u || !/^https?:\/\//i.test(p.u)) return null;
  const message = await messageOf(db, p);
  if (message) {
    await db.transaction((tx) =>
      recordEngagement(tx, message, 'clicked', (deps.now ?? Date.now)(), { url: p.u }),
    );
  }
  return p.u;
}

/** An open pixel load (a bad token is ignored: the pixel is answered either way). */
export async function trackOpen(db: Database, deps: TrackingDeps, token: string): Promise<void> {
  const message = await messageOf(db, readToken(deps.key, token.replace(/\.gif$/, ''), 'o'));
  if (message)
    await db.transaction((tx) => recordEngagement(tx, message, 'opened', (deps.now ?? Date.now)()));
}

/** A transparent 1×1 GIF. */
export const PIXEL_GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

export type UnsubscribeState = 'confirm' | 'done' | 'already' | 'invalid';

export interface UnsubscribeResult {
  state: UnsubscribeState;
  channel: MessageChannel | null;
}

async function unsubscribeTarget(db: Database, deps: TrackingDeps, token: string) {
  const message = await messageOf(db, readToken(deps.key, token, 'u'));
  if (!message?.channel || !isMessageChannel(message.channel)) return null;
  const ledger =
    (await loadConsents(db, message.workspaceId, [message.customerId])).get(message.customerId) ?? [];
  const now = (deps.now ?? Date.now)();
  return {
    message,
    channel: message.channel,
    allowed: consentState(ledger, message.channel, 'marketing', now).allowed,
  };
}

/** GET /u/{token}: what the confirmation page should say. */
export async function unsubscribeStatus(
  db: Database,
  deps: TrackingDeps,
  token: string,
): Promise<UnsubscribeResult> {
  const t = await unsubscribeTarget(db, deps, token);
  if (!t) return { state: 'invalid', channel: null };
  return { state: t.allowed ? 'confirm' : 'already', channel: t.channel };
}

/**
 * POST /u/{token}: a marketing withdrawal on the message's channel, recorded as the customer's
 * own act (source `unsubscribe_link`). Repeating it changes nothing.
 */
export async function unsubscribe(
  db: Database,
  deps: TrackingDeps,
  token: string,
): Promise<UnsubscribeResult> {
  const t = await unsubscribeTarget(db, deps, token);
  if (!t) return { state: 'invalid', channel: null };
  if (!t.allowed) return { state: 'already', channel: t.channel };
  const now = (deps.now ?? Date.now)();
  const { message } = t;
  await db.transaction(async (tx) => {
    await insertConsents(tx, message.workspaceId, [
      { customerId: message.customerId, entry: consentFromUnsubscribeLink(t.channel, now) },
    ]);
    await insertMessageEvents(tx, [
      {
        workspaceId: message.workspaceId,
        messageId: message.id,
        status: 'unsubscribed',
        at: new Date(now),
        reason: null,
        data: {},
      },
    ]);
    await insertEvents(tx, message.workspaceId, [
      {
        customerId: message.customerId,
        type: 'consent_withdrawn',
        occurredAt: new Date(now),
        data: { channel: t.channel, purpose: 'marketing', source: 'unsubscribe_link', messageId: message.id },
      },
    ]);
  });
  return { state: 'done', channel: t.channel };
}

const PAGE_TEXT = {
  ru: {
    title: 'Отписка от рассылки',
    confirm: 'Больше не получать рекламные сообщения на этот адрес?',
    button: 'Отписаться',
    done: 'Готово: вы отписаны. Сообщения о ваших заказах и записях будут приходить как прежде.',
    already: 'Вы уже отписаны от рекламных сообщений.',
    invalid: 'Ссылка недействительна или устарела.',
  },
  en: {
    title: 'Unsubscribe',
    confirm: 'Stop receiving marketing messages at this address?',
    button: 'Unsubscribe',
    done: 'Done: you are unsubscribed. Messages about your orders and bookings will still reach you.',
    already: 'You are already unsubscribed from marketing messages.',
    invalid: 'This link is invalid or has expired.',
  },
} as const;

/** ru or en from `?lang=` or Accept-Language (ru when neither says). */
export function pageLanguage(lang: string | undefined, acceptLanguage: string | undefined): 'ru' | 'en' {
  if (lang === 'ru' || lang === 'en') return lang;
  if (!acceptLanguage) return 'ru';
  return /^\s*ru\b/i.test(acceptLanguage) || !/\ben\b/i.test(acceptLanguage) ? 'ru' : 'en';
}

/** The small confirmation page of GET and POST /u/{token}. */
export function unsubscribePage(language: 'ru' | 'en', state: UnsubscribeState): string {
  const t = PAGE_TEXT[language];
  const body =
    state === 'confirm'
      ? `<p>${t.confirm}</p><form method="post"><button type="submit">${t.button}</button></form>`
      : `<p>${t[state]}</p>`;
  return `<!doctype html><html lang="${language}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${t.title}</title><style>body{font-family:Helvetica,Arial,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#1f2933}button{font-size:1rem;padding:.6rem 1.2rem;border:0;border-radius:6px;background:#2f6f5e;color:#fff;cursor:pointer}</style></head><body><h1>${t.title}</h1>${body}</body></html>`;
}

// ---------------------------------------------------------------------------------------
// Consent recorded by people (the API, forms, imports)

export interface ConsentView {
  items: (Omit<ConsentEntry, 'at'> & { at: string })[];
  /** What is allowed now, per channel. */
  state: Record<string, { transactional: boolean; marketing: boolean }>;
}

function ledgerView(entries: readonly ConsentEntry[], now: number): ConsentView {
  const state: ConsentView['state'] = {};
  for (const channel of MESSAGE_CHANNELS) {
    state[channel] = {
      transactional: consentState(entries, channel, 'transactional', now).allowed,
      marketing: consentState(entries, channel, 'marketing', now).allowed,
    };
  }
  return { items: entries.map((e) => ({ ...e, at: new Date(e.at).toISOString() })), state };
}

export async function readConsentLedger(
  db: Database,
  principal: Principal,
  customerId: number,
  now: number = Date.now(),
): Promise<ConsentView> {
  requirePermission(principal, 'customers:read');
  await visibleCustomer(db, principal, customerId);
  return ledgerView((await loadConsents(db, principal.workspaceId, [customerId])).get(customerId) ?? [], now);
}

export interface ConsentChange {
  channel: MessageChannel;
  purpose: MessagePurpose;
  action: 'granted' | 'withdrawn';
  /** When the customer did it (default: now); never in the future. */
  at?: number;
  source?: ConsentSource;
  wordingVersion?: string | null;
}

/** Appends a grant or withdrawal to the ledger, recorded as done by this principal. */
export async function recordConsent(
  db: Database,
  principal: Principal,
  customerId: number,
  change: ConsentChange,
  now: number = Date.now(),
): Promise<ConsentView> {
  requirePermission(principal, 'customers:write');
  await visibleCustomer(db, principal, customerId);
  const at = change.at ?? now;
  if (at > now)
    throw new AppError('validation_failed', 'consent time is in the future', [
      { path: 'at', message: 'in the future' },
    ]);
  const actor =
    principal.userId !== null ? `user:${principal.userId}` : `api:${principal.keyId ?? 'unknown'}`;
  const entry: ConsentEntry = {
    channel: change.channel,
    purpose: change.purpose,
    action: change.action,
    at,
    source: change.source ?? 'api',
    wordingVersion: change.wordingVersion ?? null,
    actor,
  };
  await db.transaction(async (tx) => {
    await insertConsents(tx, principal.workspaceId, [{ customerId, entry }]);
    await insertEvents(tx, principal.workspaceId, [
      {
        customerId,
        type: change.action === 'granted' ? 'consent_granted' : 'consent_withdrawn',
        occurredAt: new Date(at),
        data: { channel: change.channel, purpose: change.purpose, source: entry.source, actor },
      },
    ]);
  });
  return readConsentLedger(db, principal, customerId, now);
}
