import { z } from 'zod';
import {
  type MessageChannel,
  type MessagePurpose,
  messageChannelSchema,
  messagePurposeSchema,
} from './channel.ts';

/**
 * The consent ledger (PRODUCT.md C7): append-only entries per channel and purpose. Nothing
 * is ever edited or deleted; the state at an instant is read from the entries up to it, so
 * "why were we allowed to send this on 3 March?" always has an answer (the `basis`).
 */

export const CONSENT_SOURCES = ['import', 'form', 'api', 'reply_stop', 'unsubscribe_link', 'manual'] as const;
export type ConsentSource = (typeof CONSENT_SOURCES)[number];
export type ConsentAction = 'granted' | 'withdrawn';

export interface ConsentEntry {
  channel: MessageChannel;
  purpose: MessagePurpose;
  action: ConsentAction;
  /** Epoch ms when the customer granted or withdrew (not when it was recorded). */
  at: number;
  source: ConsentSource;
  /** Version of the consent text the customer saw (forms, imports); null when there was none. */
  wordingVersion: string | null;
  /** Who recorded it: a user id, 'customer' (replies, links), 'import:<file>', 'api:<key>'. */
  actor: string;
}

export const consentEntrySchema = z.object({
  channel: messageChannelSchema,
  purpose: messagePurposeSchema,
  action: z.enum(['granted', 'withdrawn']),
  at: z.number().int(),
  source: z.enum(CONSENT_SOURCES),
  wordingVersion: z.string().max(200).nullable(),
  actor: z.string().min(1).max(200),
});

/**
 * - `granted`: the latest entry is an explicit grant.
 * - `withdrawn`: the latest entry is a withdrawal.
 * - `channel_withdrawn`: marketing only — the customer withdrew even transactional messages on
 *   this channel after (or without) their marketing grant: "do not write to me here at all".
 * - `no_grant`: marketing without any grant up to `at` (marketing needs an explicit grant).
 * - `not_withdrawn`: transactional with no withdrawal — allowed by default.
 */
export type ConsentReason = 'granted' | 'withdrawn' | 'channel_withdrawn' | 'no_grant' | 'not_withdrawn';

export interface ConsentState {
  allowed: boolean;
  /** The entry the decision rests on; null when none applies (defaults). */
  basis: ConsentEntry | null;
  reason: ConsentReason;
}

/**
 * The latest entry for (channel, purpose) at or before `at`. Entries with the same instant
 * are ordered by their position in the ledger (later appended wins). The ledger need not
 * be sorted.
 */
export function latestConsentEntry(
  entries: readonly ConsentEntry[],
  channel: MessageChannel,
  purpose: MessagePurpose,
  at: number,
): ConsentEntry | null {
  let best: ConsentEntry | null = null;
  for (const e of entries) {
    if (e.channel !== channel || e.purpose !== purpose || e.at > at) continue;
    if (best === null || e.at >= best.at) best = e;
  }
  return best;
}

/**
 * May we send a `purpose` message on `channel` at instant `at`?
 *
 * The latest entry at or before `at` wins. Marketing requires an explicit grant; a later
 * withdrawal of transactional messages on the channel also stops marketing there.
 * Transactional is allowed unless withdrawn.
 *
 * @example
 * consentState(ledger, 'sms', 'marketing', Date.parse('2025-03-01T10:00:00Z'))
 * // → { allowed: false, basis: null, reason: 'no_grant' }
 */
export function consentState(
  entries: readonly ConsentEntry[],
  channel: MessageChannel,
  purpose: MessagePurpose,
  at: number,
): ConsentState {
  const own = latestConsentEntry(entries, channel, purpose, at);
  if (purpose === 'transactional') {
    if (own?.action === 'withdrawn') return { allowed: false, basis: own, reason: 'withdrawn' };
    return { allowed: true, basis: own, reason: own ? 'granted' : 'not_withdrawn' };
  }
  const channelWide = latestConsentEntry(entries, channel, 'transactional', at);
  if (channelWide?.action === 'withdrawn' && (own === null || channelWide.at > own.at)) {
    return { allowed: false, basis: channelWide, reason: 'channel_withdrawn' };
  }
  if (own === null) return { allowed: false, basis: null, reason: 'no_grant' };
  if (own.action === 'withdrawn') return { allowed: false, basis: own, reason: 'withdrawn' };
  return { allowed: true, basis: own, reason: 'granted' };
}

// ---------------------------------------------------------------------------------------
// STOP replies

/** Lower case, ё → е, NFKC; words of letters and digits only. Mixed-script words get their
 * Latin look-alikes read as Cyrillic ("CTOП" typed with a Latin C, T and O is "стоп"). */
export function stopWords(text: string): string[] {
  const words = text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/ё/g, 'е')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0);
  return words.map((w) => (/[а-я]/.test(w) && /[a-z]/.test(w) ? w.replace(/[a-z]/g, latinToCyrillic) : w));
}

const LOOKALIKES: Record<string, string> = {
  a: 'а',
  b: 'в',
  c: 'с',
  e: 'е',
  h: 'н',
  k: 'к',
  m: 'м',
  o: 'о',
  p: 'р',
  t: 'т',
  x: 'х',
  y: 'у',
};
function latinToCyrillic(ch: string): string {
  return LOOKALIKES[ch] ?? ch;
}

/** A message that is only one of these (plus courtesy words) is a STOP. */
const ALONE = new Set([
  'stop',
  'stopall',
  'unsubscribe',
  'unsub',
  'optout',
  'end',
  'quit',
  'revoke',
  'стоп',
  'хватит',
  'отписка',
]);
/** These open a STOP ("STOP sending me this", "Стоп, не надо"). */
const LEADING = new Set(['stop', 'stopall', 'unsubscribe', 'unsub', 'optout', 'стоп']);
const COURTESY = new Set(['please', 'pls', 'plz', 'thanks', 'thank', 'you', 'пожалуйста', 'плиз', 'спасибо']);

/** Words that may stand inside a phrase ("не надо МНЕ писать", "хватит УЖЕ присылать"). */
const FILLERS = new Set(['мне', 'нам', 'больше', 'уже', 'вы', 'сюда', 'так', 'пожалуйста', 'please']);

/** A word pattern: exact, or a prefix when it ends with '*'; alternatives joined by '|'. */
type Pattern = string;
const PHRASES: Pattern[][] = [
  // English
  ['unsubscribe*'],
  ['unsub'],
  ['optout'],
  ['opt', 'out'],
  ['remove', 'me'],
  ['stop', 'sending|texting|messaging|emailing|contacting|writing|spamming|all'],
  ['do', 'not', 'text|message|contact|email|write|send'],
  ['dont|don', 'text|message|contact|email|write|send'],
  ['don', 't', 'text|message|contact|email|write|send'],
  ['no', 'more', 'messages|texts|emails|sms'],
  // Russian
  ['отпис*|отпиш*'],
  [
    'не',
    'пишите|пиши|писать|присылайте|присылай|присылать|шлите|шли|слать|отправляйте|отправлять|беспокойте|беспокоить',
  ],
  ['не', 'надо|нужно', 'писать|присылать|слать|отправлять|беспокоить'],
  ['хватит|перестаньте|прекратите|прекратить', 'пис*|присыл*|слать|спам*|рассыл*|отправл*'],
  ['удалите|уберите|исключите', 'меня'],
];

function wordMatches(word: string, pattern: Pattern): boolean {
  for (const alt of pattern.split('|')) {
    if (alt.endsWith('*') ? word.startsWith(alt.slice(0, -1)) : word === alt) return true;
  }
  return false;
}

function hasPhrase(words: readonly string[], phrase: readonly Pattern[]): boolean {
  outer: for (let i = 0; i + phrase.length <= words.length; i++) {
    for (let j = 0; j < phrase.length; j++) {
      if (!wordMatches(words[i + j]!, phrase[j]!)) continue outer;
    }
    return true;
  }
  return false;
}

/**
 * Is an inbound reply a request to stop marketing on that channel?
 *
 * Whole words only, after normalisation (case, ё, punctuation, Latin look-alikes in
 * Cyrillic words): "STOP", "Стоп!", "СТОП пожалуйста", "отписаться", "Отпишите меня",
 * "не пишите мне больше", "хватит присылать", "unsubscribe", "please stop sending".
 * A bare "stop"/"стоп" counts when it opens the message or stands alone with courtesy
 * words; "end", "quit", "хватит" only alone. "nonstop", "Стопка" and "Can't stop smiling"
 * are not STOP. "cancel"/"отмена" are not STOP: they answer booking reminders.
 *
 * Russian and English are always both recognised (STOP is the SMS convention in every
 * market, and a customer's language field is often wrong); `language` is accepted so the
 * caller states it and future languages can add their words.
 */
export function isStopReply(text: string, language?: string): boolean {
  void language;
  const words = stopWords(text);
  if (words.length === 0) return false;
  const meaningful = words.filter((w) => !COURTESY.has(w));
  if (meaningful.length === 1 && ALONE.has(meaningful[0]!)) return true;
  if (LEADING.has(words[0]!)) return true;
  const compact = words.filter((w) => !FILLERS.has(w));
  return PHRASES.some((p) => hasPhrase(words, p) || hasPhrase(compact, p));
}

export interface InboundReply {
  channel: MessageChannel;
  text: string;
  /** Epoch ms the reply was received. */
  at: number;
  language?: string;
}

/**
 * The ledger entry a STOP reply creates: a marketing withdrawal on the channel it came
 * from, recorded as the customer's own act. Null when the reply is not a STOP.
 */
export function consentFromReply(reply: InboundReply, actor = 'customer'): ConsentEntry | null {
  if (!isStopReply(reply.text, reply.language)) return null;
  return {
    channel: reply.channel,
    purpose: 'marketing',
    action: 'withdrawn',
    at: reply.at,
    source: 'reply_stop',
    wordingVersion: null,
    actor,
  };
}

/** The entry a one-click unsubscribe link creates (marketing, that channel). */
export function consentFromUnsubscribeLink(
  channel: MessageChannel,
  at: number,
  actor = 'customer',
): ConsentEntry {
  return {
    channel,
    purpose: 'marketing',
    action: 'withdrawn',
    at,
    source: 'unsubscribe_link',
    wordingVersion: null,
    actor,
  };
}
