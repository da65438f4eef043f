import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MESSAGE_CHANNELS, type MessageChannel } from '../../../src/core/messaging/channel.ts';
import {
  type ConsentEntry,
  consentEntrySchema,
  consentFromReply,
  consentFromUnsubscribeLink,
  consentState,
  isStopReply,
} from '../../../src/core/messaging/consent.ts';

const T0 = Date.UTC(2025, 2, 1, 12, 0, 0);
const H = 3_600_000;

function entry(over: Partial<ConsentEntry>): ConsentEntry {
  return {
    channel: 'sms',
    purpose: 'marketing',
    action: 'granted',
    at: T0,
    source: 'form',
    wordingVersion: 'v1',
    actor: 'user:1',
    ...over,
  };
}

describe('consentState', () => {
  const cases: {
    name: string;
    entries: ConsentEntry[];
    channel?: MessageChannel;
    purpose: 'marketing' | 'transactional';
    at: number;
    allowed: boolean;
    reason: string;
  }[] = [
    {
      name: 'marketing with no entries',
      entries: [],
      purpose: 'marketing',
      at: T0,
      allowed: false,
      reason: 'no_grant',
    },
    {
      name: 'transactional with no entries',
      entries: [],
      purpose: 'transactional',
      at: T0,
      allowed: true,
      reason: 'not_withdrawn',
    },
    {
      name: 'marketing granted',
      entries: [entry({})],
      purpose: 'marketing',
      at: T0,
      allowed: true,
      reason: 'granted',
    },
    {
      name: 'grant in the future does not count yet',
      entries: [entry({ at: T0 + H })],
      purpose: 'marketing',
      at: T0,
      allowed: false,
      reason: 'no_grant',
    },
    {
      name: 'withdrawn after the grant',
      entries: [entry({}), entry({ action: 'withdrawn', at: T0 + H, source: 'reply_stop' })],
      purpose: 'marketing',
      at: T0 + 2 * H,
      allowed: false,
      reason: 'withdrawn',
    },
    {
      name: 'before the withdrawal the grant still holds',
      entries: [entry({}), entry({ action: 'withdrawn', at: T0 + H })],
      purpose: 'marketing',
      at: T0 + H - 1,
      allowed: true,
      reason: 'granted',
    },
    {
      name: 'granted again after a withdrawal (ledger out of order)',
      entries: [entry({ at: T0 + 2 * H }), entry({ action: 'withdrawn', at: T0 + H }), entry({})],
      purpose: 'marketing',
      at: T0 + 3 * H,
      allowed: true,
      reason: 'granted',
    },
    {
      name: 'same instant: the later appended entry wins',
      entries: [entry({}), entry({ action: 'withdrawn' })],
      purpose: 'marketing',
      at: T0,
      allowed: false,
      reason: 'withdrawn',
    },
    {
      name: 'another channel does not count',
      entries: [entry({ channel: 'email' })],
      purpose: 'marketing',
      at: T0,
      allowed: false,
      reason: 'no_grant',
    },
    {
      name: 'transactional withdrawn',
      entries: [entry({ purpose: 'transactional', action: 'withdrawn' })],
      purpose: 'transactional',
      at: T0,
      allowed: false,
      reason: 'withdrawn',
    },
    {
      name: 'marketing withdrawal leaves transactional alone',
      entries: [entry({ action: 'withdrawn' })],
      purpose: 'transactional',
      at: T0,
      allowed: true,
      reason: 'not_withdrawn',
    },
    {
      name: 'transactional withdrawal after a marketing grant stops marketing too',
      entries: [entry({}), entry({ purpose: 'transactional', action: 'withdrawn', at: T0 + H })],
      purpose: 'marketing',
      at: T0 + H,
      allowed: false,
      reason: 'channel_withdrawn',
    },
    {
      name: 'a marketing grant after a transactional withdrawal is honoured',
      entries: [entry({ purpose: 'transactional', action: 'withdrawn' }), entry({ at: T0 + H })],
      purpose: 'marketing',
      at: T0 + H,
      allowed: true,
      reason: 'granted',
    },
  ];
  it.each(cases)('$name', (c) => {
    const s = consentState(c.entries, c.channel ?? 'sms', c.purpose, c.at);
    expect(s.allowed).toBe(c.allowed);
    expect(s.reason).toBe(c.reason);
  });

  it('returns the deciding entry as the basis', () => {
    const grant = entry({});
    const stop = entry({ action: 'withdrawn', at: T0 + H, source: 'reply_stop' });
    expect(consentState([grant, stop], 'sms', 'marketing', T0 + H).basis).toBe(stop);
    expect(consentState([grant, stop], 'sms', 'marketing', T0).basis).toBe(grant);
  });

  const arbEntry = fc.record({
    channel: fc.constantFrom<MessageChannel>('sms', 'email', 'telegram'),
    purpose: fc.constantFrom<'marketing' | 'transactional'>('marketing', 'transactional'),
    action: fc.constantFrom<'granted' | 'withdrawn'>('granted', 'withdrawn'),
    at: fc.integer({ min: 0, max: 100 }),
    source: fc.constantFrom('import', 'form', 'api', 'reply_stop', 'unsubscribe_link', 'manual' as const),
    wordingVersion: fc.constant(null),
    actor: fc.constant('t'),
  }) as fc.Arbitrary<ConsentEntry>;

  it('property: the latest own entry at or before `at` decides (marketing needs a grant)', () => {
    fc.assert(
      fc.property(fc.array(arbEntry, { maxLength: 12 }), fc.integer({ min: 0, max: 100 }), (entries, at) => {
        for (const channel of ['sms', 'email', 'telegram'] as const) {
          for (const purpose of ['marketing', 'transactional'] as const) {
            const own = entries.filter((e) => e.channel === channel && e.purpose === purpose && e.at <= at);
            // Latest by time, ties by ledger position.
            let latest: ConsentEntry | undefined;
            for (const e of own) if (!latest || e.at >= latest.at) latest = e;
            const s = consentState(entries, channel, purpose, at);
            if (purpose === 'transactional') {
              expect(s.allowed).toBe(latest?.action !== 'withdrawn');
            } else {
              if (!latest || latest.action === 'withdrawn') expect(s.allowed).toBe(false);
              if (s.allowed) expect(s.basis).toBe(latest);
            }
          }
        }
      }),
    );
  });

  it('property: entries after `at` never change the state', () => {
    fc.assert(
      fc.property(
        fc.array(arbEntry, { maxLength: 10 }),
        fc.array(arbEntry, { maxLength: 5 }),
        fc.integer({ min: 0, max: 100 }),
        (entries, later, at) => {
          const future = later.map((e) => ({ ...e, at: at + 1 + e.at }));
          for (const purpose of ['marketing', 'transactional'] as const) {
            const a = consentState(entries, 'sms', purpose, at);
            const b = consentState([...entries, ...future], 'sms', purpose, at);
            expect(b.allowed).toBe(a.allowed);
            expect(b.reason).toBe(a.reason);
          }
        },
      ),
    );
  });

  it('validates entries with the zod schema', () => {
    expect(consentEntrySchema.safeParse(entry({})).success).toBe(true);
    expect(consentEntrySchema.safeParse({ ...entry({}), source: 'guess' }).success).toBe(false);
    expect(MESSAGE_CHANNELS).toContain('max');
  });
});

describe('isStopReply', () => {
  const stops: [string, string][] = [
    ['STOP', 'en'],
    ['stop', 'en'],
    ['  Stop!!! ', 'en'],
    ['STOP please', 'en'],
    ['Please stop', 'en'],
    ['stop sending me this', 'en'],
    ['Please stop texting me', 'en'],
    ['STOPALL', 'en'],
    ['Unsubscribe', 'en'],
    ['please unsubscribe me from this list', 'en'],
    ['unsubscribed', 'en'],
    ['opt out', 'en'],
    ["Don't text me again", 'en'],
    ['do not message me', 'en'],
    ['remove me', 'en'],
    ['END', 'en'],
    ['quit', 'en'],
    ['СТОП', 'ru'],
    ['стоп', 'ru'],
    ['Стоп.', 'ru'],
    ['СТОП пожалуйста', 'ru'],
    ['Стоп, не надо больше', 'ru'],
    ['CTOП', 'ru'], // Latin C, T, O with a Cyrillic П
    ['Отписаться', 'ru'],
    ['отпишите меня пожалуйста', 'ru'],
    ['Отписка', 'ru'],
    ['хочу отписаться от рассылки', 'ru'],
    ['Не пишите мне больше', 'ru'],
    ['НЕ ПИШИТЕ', 'ru'],
    ['не присылайте мне это', 'ru'],
    ['Больше не присылайте', 'ru'],
    ['не надо мне писать', 'ru'],
    ['Хватит присылать спам', 'ru'],
    ['хватит!', 'ru'],
    ['Перестаньте писать', 'ru'],
    ['Удалите меня из базы', 'ru'],
    ['не беспокойте', 'ru'],
    ['STOP', 'ru'],
    ['стоп', 'en'],
  ];
  it.each(stops)('%s (%s) is STOP', (text, lang) => {
    expect(isStopReply(text, lang)).toBe(true);
  });

  const notStops: [string, string][] = [
    ['nonstop fun, thanks!', 'en'],
    ['I want to book a stopover', 'en'],
    ['Stopped by yesterday, great service', 'en'],
    ["Can't stop smiling after the massage", 'en'],
    ['Cancel', 'en'],
    ['see you at the end of the week', 'en'],
    ['Стопка полотенец осталась у вас', 'ru'],
    ['Спасибо, записываюсь на пятницу', 'ru'],
    ['Отмена', 'ru'],
    ['Пишите в любое время', 'ru'],
    ['Мастер не пишет мне ответ', 'ru'],
    ['Подписаться на новости', 'ru'],
    ['', 'ru'],
    ['   ', 'en'],
    ['👍', 'ru'],
  ];
  it.each(notStops)('%s (%s) is not STOP', (text, lang) => {
    expect(isStopReply(text, lang)).toBe(false);
  });

  it('property: "stop" glued inside a longer word is never STOP', () => {
    const letters = fc.constantFrom(...'abdfghklmnrvwxz'.split(''));
    fc.assert(
      fc.property(
        fc.array(letters, { minLength: 1, maxLength: 4 }),
        fc.array(letters, { minLength: 0, maxLength: 4 }),
        (pre, post) => {
          expect(isStopReply(`${pre.join('')}stop${post.join('')}`, 'en')).toBe(false);
          expect(isStopReply(`great ${pre.join('')}стоп${post.join('')} thanks`, 'ru')).toBe(false);
        },
      ),
    );
  });

  it('a STOP reply creates a marketing withdrawal on that channel', () => {
    const e = consentFromReply({ channel: 'whatsapp', text: 'СТОП', at: T0, language: 'ru' });
    expect(e).toEqual({
      channel: 'whatsapp',
      purpose: 'marketing',
      action: 'withdrawn',
      at: T0,
      source: 'reply_stop',
      wordingVersion: null,
      actor: 'customer',
    });
    const ledger = [entry({ channel: 'whatsapp' }), e!];
    expect(consentState(ledger, 'whatsapp', 'marketing', T0).allowed).toBe(false);
    expect(consentState(ledger, 'whatsapp', 'transactional', T0).allowed).toBe(true);
    expect(consentFromReply({ channel: 'sms', text: 'Спасибо!', at: T0 })).toBeNull();
  });

  it('an unsubscribe link withdraws marketing on its channel', () => {
    const e = consentFromUnsubscribeLink('email', T0);
    expect(e).toMatchObject({
      channel: 'email',
      purpose: 'marketing',
      action: 'withdrawn',
      source: 'unsubscribe_link',
    });
  });
});
