import { describe, expect, it } from 'vitest';
import type { MessageChannel } from '../../../src/core/messaging/channel.ts';
import type { ConsentEntry } from '../../../src/core/messaging/consent.ts';
import {
  nextChannelAfterFailure,
  planRoute,
  type RoutingCustomer,
  type RoutingSettings,
  routeExplanation,
} from '../../../src/core/messaging/routing.ts';

const NOW = Date.UTC(2025, 2, 10, 9);
const DAY = 86_400_000;

function grant(channel: MessageChannel, at = NOW - 30 * DAY): ConsentEntry {
  return {
    channel,
    purpose: 'marketing',
    action: 'granted',
    at,
    source: 'form',
    wordingVersion: 'v1',
    actor: 'u',
  };
}

const SETTINGS: RoutingSettings = {
  cascade: ['telegram', 'whatsapp', 'sms', 'email'],
  enabled: ['telegram', 'whatsapp', 'sms', 'email', 'vk'],
  costMinor: { sms: 450, whatsapp: 300 },
  maxCostMinor: null,
};

function customer(over: Partial<RoutingCustomer> = {}): RoutingCustomer {
  return {
    addresses: {
      telegram: '12345',
      whatsapp: '+79161234567',
      sms: '+79161234567',
      email: 'anna@example.ru',
      vk: 'id1',
    },
    preferredChannel: null,
    preferredAt: null,
    lastInbound: null,
    consent: (['telegram', 'whatsapp', 'sms', 'email', 'vk'] as const).map((c) => grant(c)),
    ...over,
  };
}

const order = (r: { steps: { channel: MessageChannel }[] }) => r.steps.map((s) => s.channel);

describe('planRoute', () => {
  it('without a preference follows the workspace cascade', () => {
    const r = planRoute(customer(), 'marketing', SETTINGS, NOW);
    expect(r.channel).toBe('telegram');
    expect(order(r)).toEqual(['telegram', 'whatsapp', 'sms', 'email']);
    expect(routeExplanation(r)).toEqual([]);
  });

  it('the preferred channel goes first, then the cascade', () => {
    const r = planRoute(
      customer({ preferredChannel: 'email', preferredAt: NOW - DAY }),
      'marketing',
      SETTINGS,
      NOW,
    );
    expect(r.channel).toBe('email');
    expect(order(r)).toEqual(['email', 'telegram', 'whatsapp', 'sms']);
    expect(r.steps[0]!.origin).toBe('preferred');
  });

  it('a preferred channel outside the cascade is still tried first', () => {
    const r = planRoute(
      customer({ preferredChannel: 'vk', preferredAt: NOW - DAY }),
      'marketing',
      SETTINGS,
      NOW,
    );
    expect(order(r)).toEqual(['vk', 'telegram', 'whatsapp', 'sms', 'email']);
    expect(r.channel).toBe('vk');
  });

  it('the channel the customer last wrote from wins when more recent than the preference', () => {
    const c = customer({
      preferredChannel: 'email',
      preferredAt: NOW - 10 * DAY,
      lastInbound: { channel: 'whatsapp', at: NOW - DAY },
    });
    const r = planRoute(c, 'marketing', SETTINGS, NOW);
    expect(order(r)).toEqual(['whatsapp', 'email', 'telegram', 'sms']);
    expect(r.steps.map((s) => s.origin)).toEqual(['last_inbound', 'preferred', 'cascade', 'cascade']);
  });

  it('an older inbound message does not override a newer preference', () => {
    const c = customer({
      preferredChannel: 'email',
      preferredAt: NOW - DAY,
      lastInbound: { channel: 'whatsapp', at: NOW - 10 * DAY },
    });
    expect(order(planRoute(c, 'marketing', SETTINGS, NOW)).slice(0, 2)).toEqual(['email', 'whatsapp']);
  });

  it('a preference with unknown date beats an inbound message; with no preference the inbound leads', () => {
    const withPref = customer({
      preferredChannel: 'sms',
      lastInbound: { channel: 'whatsapp', at: NOW - DAY },
    });
    expect(planRoute(withPref, 'marketing', SETTINGS, NOW).channel).toBe('sms');
    const noPref = customer({ lastInbound: { channel: 'whatsapp', at: NOW - DAY } });
    expect(planRoute(noPref, 'marketing', SETTINGS, NOW).channel).toBe('whatsapp');
  });

  it('skips missing address, missing consent, disabled and over-cost channels, with reasons', () => {
    const c = customer({
      preferredChannel: 'vk',
      preferredAt: NOW - DAY,
      addresses: {
        whatsapp: '+79161234567',
        sms: '+79161234567',
        email: 'anna@example.ru',
        vk: 'id1',
        telegram: ' ',
      },
      consent: [grant('whatsapp'), grant('sms'), grant('vk')],
    });
    const settings: RoutingSettings = {
      ...SETTINGS,
      enabled: ['telegram', 'whatsapp', 'sms', 'email'],
      maxCostMinor: 200,
    };
    const r = planRoute(c, 'marketing', settings, NOW);
    expect(r.channel).toBeNull();
    expect(routeExplanation(r)).toEqual([
      { channel: 'vk', reasons: ['disabled'], failure: null },
      { channel: 'telegram', reasons: ['no_address', 'no_consent'], failure: null },
      { channel: 'whatsapp', reasons: ['over_cost'], failure: null },
      { channel: 'sms', reasons: ['over_cost'], failure: null },
      { channel: 'email', reasons: ['no_consent'], failure: null },
    ]);
    expect(r.steps.find((s) => s.channel === 'email')!.consent).toMatchObject({ reason: 'no_grant' });
  });

  it('transactional needs no grant, only no withdrawal', () => {
    const c = customer({ consent: [] });
    expect(planRoute(c, 'marketing', SETTINGS, NOW).channel).toBeNull();
    expect(planRoute(c, 'transactional', SETTINGS, NOW).channel).toBe('telegram');
  });

  it('the SMS price is per segment', () => {
    const settings: RoutingSettings = { ...SETTINGS, cascade: ['sms', 'email'], maxCostMinor: 1000 };
    expect(planRoute(customer(), 'marketing', settings, NOW, { smsSegments: 2 }).channel).toBe('sms');
    const r = planRoute(customer(), 'marketing', settings, NOW, { smsSegments: 3 });
    expect(r.channel).toBe('email');
    expect(r.steps[0]).toMatchObject({ channel: 'sms', costMinor: 1350, skipped: ['over_cost'] });
  });

  it('a withdrawal after the grant (STOP reply) skips the channel', () => {
    const stop: ConsentEntry = { ...grant('telegram', NOW - DAY), action: 'withdrawn', source: 'reply_stop' };
    const c = customer({ consent: [...customer().consent, stop] });
    const r = planRoute(c, 'marketing', SETTINGS, NOW);
    expect(r.channel).toBe('whatsapp');
    expect(r.steps[0]).toMatchObject({ channel: 'telegram', skipped: ['no_consent'] });
    expect(r.steps[0]!.consent!.basis).toBe(stop);
  });
});

describe('nextChannelAfterFailure', () => {
  it('falls to the next usable channel in order and records the failure', () => {
    const c = customer({ addresses: { ...customer().addresses, whatsapp: null } });
    const r0 = planRoute(c, 'marketing', SETTINGS, NOW);
    expect(r0.channel).toBe('telegram');
    const r1 = nextChannelAfterFailure(r0, 'telegram', 'blocked_by_recipient');
    expect(r1.channel).toBe('sms');
    expect(r0.channel).toBe('telegram'); // not mutated
    const r2 = nextChannelAfterFailure(r1, 'sms', 'undelivered');
    expect(r2.channel).toBe('email');
    const r3 = nextChannelAfterFailure(r2, 'email', 'refused');
    expect(r3.channel).toBeNull();
    expect(routeExplanation(r3)).toEqual([
      { channel: 'telegram', reasons: ['failed'], failure: 'blocked_by_recipient' },
      { channel: 'whatsapp', reasons: ['no_address'], failure: null },
      { channel: 'sms', reasons: ['failed'], failure: 'undelivered' },
      { channel: 'email', reasons: ['failed'], failure: 'refused' },
    ]);
  });

  it('a failure on a channel outside the route is recorded and changes nothing else', () => {
    const r0 = planRoute(customer(), 'marketing', SETTINGS, NOW);
    const r1 = nextChannelAfterFailure(r0, 'max', 'error');
    expect(r1.channel).toBe('telegram');
    expect(r1.steps.at(-1)).toMatchObject({
      channel: 'max',
      skipped: ['failed'],
      failure: 'error',
      consent: null,
    });
  });
});
