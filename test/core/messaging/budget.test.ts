import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type BatchMessage,
  type BudgetRules,
  budgetRulesSchema,
  type CapRule,
  customerTimeZone,
  DEFAULT_BUDGET_RULES,
  nextAllowedSlot,
  planBatch,
  type QuietHours,
  quietHoursEnd,
  type SentTouch,
  type SlotCandidate,
} from '../../../src/core/messaging/budget.ts';
import type { MessageChannel, MessagePurpose } from '../../../src/core/messaging/channel.ts';

const H = 3_600_000;
const DAY = 24 * H;
const utc = (s: string) => Date.parse(s);
const WEEKLY: CapRule = { purpose: 'marketing', max: 2, perDays: 7 };
const NIGHT: QuietHours = { from: '21:00', to: '09:00' };

function cand(over: Partial<SlotCandidate> = {}): SlotCandidate {
  return { channel: 'email', purpose: 'marketing', priority: 0, notBefore: 0, expiresAt: null, ...over };
}
function sent(at: string, channel: MessageChannel = 'sms', purpose: MessagePurpose = 'marketing'): SentTouch {
  return { at: utc(at), channel, purpose };
}

describe('nextAllowedSlot: frequency caps', () => {
  const history = [sent('2025-03-01T12:00:00Z'), sent('2025-03-03T12:00:00Z', 'email')];
  const rules: BudgetRules = { caps: [WEEKLY], quietHours: null };

  it('2 per 7 days: the 3rd is deferred exactly to when the oldest leaves the window', () => {
    const now = utc('2025-03-04T12:00:00Z');
    const slot = nextAllowedSlot(history, cand({ notBefore: now }), rules, 'Europe/Moscow', now);
    expect(slot).toMatchObject({ decision: 'defer', until: utc('2025-03-08T12:00:00Z') });
    if (slot.decision !== 'defer') throw new Error('expected defer');
    expect(slot.holds).toEqual([{ kind: 'cap', rule: WEEKLY, until: utc('2025-03-08T12:00:00Z') }]);
  });

  it('one millisecond before the oldest leaves is still deferred; at that instant it goes now', () => {
    const leaves = utc('2025-03-08T12:00:00Z');
    expect(nextAllowedSlot(history, cand(), rules, 'UTC', leaves - 1)).toMatchObject({
      decision: 'defer',
      until: leaves,
    });
    expect(nextAllowedSlot(history, cand(), rules, 'UTC', leaves)).toEqual({ decision: 'now', at: leaves });
  });

  it('within budget goes now', () => {
    const now = utc('2025-03-04T12:00:00Z');
    expect(nextAllowedSlot(history.slice(0, 1), cand(), rules, 'UTC', now)).toEqual({
      decision: 'now',
      at: now,
    });
  });

  it('a per-channel cap holds SMS but not e-mail', () => {
    const r: BudgetRules = { caps: [{ channel: 'sms', max: 1, perDays: 1 }], quietHours: null };
    const h = [sent('2025-03-10T10:00:00Z', 'sms')];
    const now = utc('2025-03-10T15:00:00Z');
    expect(nextAllowedSlot(h, cand({ channel: 'sms' }), r, 'UTC', now)).toMatchObject({
      decision: 'defer',
      until: utc('2025-03-11T10:00:00Z'),
    });
    expect(nextAllowedSlot(h, cand({ channel: 'email' }), r, 'UTC', now).decision).toBe('now');
  });

  it("transactional touches count only for a rule with purpose 'any'", () => {
    const h = [sent('2025-03-10T10:00:00Z', 'sms', 'transactional')];
    const now = utc('2025-03-10T15:00:00Z');
    const plain: BudgetRules = { caps: [{ channel: 'sms', max: 1, perDays: 1 }], quietHours: null };
    const any: BudgetRules = {
      caps: [{ channel: 'sms', max: 1, perDays: 1, purpose: 'any' }],
      quietHours: null,
    };
    expect(nextAllowedSlot(h, cand({ channel: 'sms' }), plain, 'UTC', now).decision).toBe('now');
    expect(nextAllowedSlot(h, cand({ channel: 'sms' }), any, 'UTC', now)).toMatchObject({
      decision: 'defer',
      until: utc('2025-03-11T10:00:00Z'),
    });
  });

  it('already scheduled messages in the future count too', () => {
    const r: BudgetRules = { caps: [{ max: 1, perDays: 7 }], quietHours: null };
    const h = [sent('2025-03-12T10:00:00Z', 'email')];
    const now = utc('2025-03-10T10:00:00Z');
    expect(nextAllowedSlot(h, cand(), r, 'UTC', now)).toMatchObject({
      decision: 'defer',
      until: utc('2025-03-19T10:00:00Z'),
    });
  });

  it('a cap that frees the budget inside quiet hours defers to the end of quiet hours', () => {
    // 1 March 22:00 MSK is 19:00Z; the window frees 8 March 22:00 MSK → 9 March 09:00 MSK.
    const h = [sent('2025-03-01T19:00:00Z'), sent('2025-03-03T12:00:00Z')];
    const now = utc('2025-03-04T12:00:00Z');
    const slot = nextAllowedSlot(h, cand(), { caps: [WEEKLY], quietHours: NIGHT }, 'Europe/Moscow', now);
    expect(slot).toMatchObject({ decision: 'defer', until: utc('2025-03-09T06:00:00Z') });
    if (slot.decision !== 'defer') throw new Error('expected defer');
    expect(slot.holds.map((x) => x.kind)).toEqual(['cap', 'quiet_hours']);
  });

  it('notBefore in the future defers to it', () => {
    const now = utc('2025-03-10T10:00:00Z');
    const slot = nextAllowedSlot(
      [],
      cand({ notBefore: now + H }),
      { caps: [], quietHours: null },
      'UTC',
      now,
    );
    expect(slot).toEqual({
      decision: 'defer',
      until: now + H,
      holds: [{ kind: 'not_before', until: now + H }],
    });
  });
});

describe('nextAllowedSlot: expiry, bypass, impossible rules', () => {
  const history = [sent('2025-03-01T12:00:00Z'), sent('2025-03-03T12:00:00Z')];
  const rules: BudgetRules = { caps: [WEEKLY], quietHours: NIGHT };
  const now = utc('2025-03-04T12:00:00Z');

  it('skips with reason expired when the earliest slot is after expiresAt', () => {
    const slot = nextAllowedSlot(
      history,
      cand({ expiresAt: utc('2025-03-06T00:00:00Z') }),
      rules,
      'UTC',
      now,
    );
    expect(slot).toMatchObject({
      decision: 'skip',
      reason: 'expired',
      wouldBeAt: utc('2025-03-08T12:00:00Z'),
    });
  });

  it('a slot exactly at expiresAt still goes (deferred, not dropped)', () => {
    const until = utc('2025-03-08T12:00:00Z');
    expect(nextAllowedSlot(history, cand({ expiresAt: until }), rules, 'UTC', now)).toMatchObject({
      decision: 'defer',
      until,
    });
  });

  it('already expired at now → skip', () => {
    expect(nextAllowedSlot([], cand({ expiresAt: now - 1 }), rules, 'UTC', now)).toMatchObject({
      decision: 'skip',
      reason: 'expired',
    });
  });

  it('transactional bypasses caps and quiet hours', () => {
    const night = utc('2025-03-04T20:00:00Z'); // 23:00 MSK
    const slot = nextAllowedSlot(
      history,
      cand({ purpose: 'transactional', channel: 'sms' }),
      rules,
      'Europe/Moscow',
      night,
    );
    expect(slot).toEqual({ decision: 'now', at: night });
  });

  it('transactional still honours notBefore and expiresAt', () => {
    const tx = cand({ purpose: 'transactional', notBefore: now + H });
    expect(nextAllowedSlot([], tx, rules, 'UTC', now)).toMatchObject({ decision: 'defer', until: now + H });
    expect(nextAllowedSlot([], { ...tx, expiresAt: now }, rules, 'UTC', now)).toMatchObject({
      decision: 'skip',
      reason: 'expired',
    });
  });

  it('a cap of 0 means never: skip with reason never_allowed', () => {
    const r: BudgetRules = { caps: [{ channel: 'sms', max: 0, perDays: 1 }], quietHours: null };
    expect(nextAllowedSlot([], cand({ channel: 'sms' }), r, 'UTC', now)).toMatchObject({
      decision: 'skip',
      reason: 'never_allowed',
    });
  });
});

describe('quiet hours in the customer time zone', () => {
  const rules: BudgetRules = { caps: [], quietHours: NIGHT };
  const at = utc('2025-03-10T11:30:00Z');

  it('Asia/Vladivostok (21:30 local) is deferred to 09:00 local; Europe/Moscow (14:30) goes now', () => {
    expect(nextAllowedSlot([], cand(), rules, 'Asia/Vladivostok', at)).toMatchObject({
      decision: 'defer',
      until: utc('2025-03-10T23:00:00Z'),
    });
    expect(nextAllowedSlot([], cand(), rules, 'Europe/Moscow', at)).toEqual({ decision: 'now', at });
  });

  const crossing: [string, string, string | null][] = [
    ['22:00 MSK, before midnight', '2025-03-10T19:00:00Z', '2025-03-11T06:00:00Z'],
    ['02:00 MSK, after midnight', '2025-03-10T23:00:00Z', '2025-03-11T06:00:00Z'],
    ['08:59:59 MSK', '2025-03-11T05:59:59Z', '2025-03-11T06:00:00Z'],
    ['09:00 MSK exactly', '2025-03-11T06:00:00Z', null],
    ['20:59:59 MSK', '2025-03-10T17:59:59Z', null],
    ['21:00 MSK exactly', '2025-03-10T18:00:00Z', '2025-03-11T06:00:00Z'],
  ];
  it.each(crossing)('a window crossing midnight: %s', (_name, atIso, endIso) => {
    expect(quietHoursEnd(utc(atIso), NIGHT, 'Europe/Moscow')).toBe(endIso === null ? null : utc(endIso));
  });

  it('a daytime window (13:00–15:00)', () => {
    const q = { from: '13:00', to: '15:00' };
    expect(quietHoursEnd(utc('2025-03-10T14:00:00Z'), q, 'UTC')).toBe(utc('2025-03-10T15:00:00Z'));
    expect(quietHoursEnd(utc('2025-03-10T12:59:00Z'), q, 'UTC')).toBeNull();
    expect(quietHoursEnd(utc('2025-03-10T15:00:00Z'), q, 'UTC')).toBeNull();
  });

  it('from = to means no quiet hours', () => {
    expect(quietHoursEnd(utc('2025-03-10T14:00:00Z'), { from: '09:00', to: '09:00' }, 'UTC')).toBeNull();
  });

  it('America/New_York spring forward: 09:00 EDT is 13:00Z (the night is an hour shorter)', () => {
    // 8 March 22:00 EST = 9 March 03:00Z; clocks jump 02:00 → 03:00 on 9 March.
    expect(quietHoursEnd(utc('2025-03-09T03:00:00Z'), NIGHT, 'America/New_York')).toBe(
      utc('2025-03-09T13:00:00Z'),
    );
  });

  it('America/New_York fall back: 09:00 EST is 14:00Z (the night is an hour longer)', () => {
    // 1 November 22:00 EDT = 2 November 02:00Z; clocks fall back 02:00 → 01:00 on 2 November.
    expect(quietHoursEnd(utc('2025-11-02T02:00:00Z'), NIGHT, 'America/New_York')).toBe(
      utc('2025-11-02T14:00:00Z'),
    );
    // 01:30 EST on the repeated hour (06:30Z) is still quiet.
    expect(quietHoursEnd(utc('2025-11-02T06:30:00Z'), NIGHT, 'America/New_York')).toBe(
      utc('2025-11-02T14:00:00Z'),
    );
  });

  it('a boundary inside the DST gap ends quiet hours when the clock jumps past it', () => {
    // Quiet 22:00–02:30; on 9 March 02:30 does not exist: quiet ends at 03:00 EDT = 07:00Z.
    const q = { from: '22:00', to: '02:30' };
    expect(quietHoursEnd(utc('2025-03-09T06:30:00Z'), q, 'America/New_York')).toBe(
      utc('2025-03-09T07:00:00Z'),
    );
  });

  it('the customer zone falls back to the workspace zone', () => {
    expect(customerTimeZone('Asia/Vladivostok', 'Europe/Moscow')).toBe('Asia/Vladivostok');
    expect(customerTimeZone(null, 'Europe/Moscow')).toBe('Europe/Moscow');
    expect(customerTimeZone('Mars/Olympus', 'Europe/Moscow')).toBe('Europe/Moscow');
  });

  it('rules validate with zod', () => {
    expect(budgetRulesSchema.safeParse(DEFAULT_BUDGET_RULES).success).toBe(true);
    expect(
      budgetRulesSchema.safeParse({ caps: [], quietHours: { from: '25:00', to: '09:00' } }).success,
    ).toBe(false);
  });
});

describe('planBatch', () => {
  const now = utc('2025-03-10T09:00:00Z'); // 12:00 MSK
  const daily: BudgetRules = { caps: [{ max: 1, perDays: 1 }], quietHours: NIGHT };
  function msg(id: string, over: Partial<BatchMessage> = {}): BatchMessage {
    return { id, customerId: 'c1', createdAt: 0, ...cand({ notBefore: now }), ...over };
  }

  it('higher priority first, then earlier created; results in input order with a preview', () => {
    const plan = planBatch(
      {
        customers: [{ customerId: 'c1', timeZone: 'Europe/Moscow', history: [] }],
        messages: [
          msg('promo', { priority: 1, createdAt: 1 }),
          msg('reminder', { priority: 5, createdAt: 3 }),
          msg('winback', { priority: 1, createdAt: 2, expiresAt: now + DAY + H }),
        ],
        workspaceTimeZone: 'Europe/Moscow',
      },
      daily,
      now,
    );
    expect(plan.messages.map((m) => m.id)).toEqual(['promo', 'reminder', 'winback']);
    expect(plan.messages[1]!.slot).toEqual({ decision: 'now', at: now });
    expect(plan.messages[0]!.sendAt).toBe(now + DAY);
    expect(plan.messages[2]!.slot).toMatchObject({
      decision: 'skip',
      reason: 'expired',
      wouldBeAt: now + 2 * DAY,
    });
    expect(plan.preview).toEqual({
      total: 3,
      now: 1,
      deferred: 1,
      skipped: 1,
      deferredBy: { not_before: 0, cap: 1, quiet_hours: 0 },
      skippedBy: { expired: 1, never_allowed: 0, no_slot: 0 },
    });
  });

  it('each customer has their own budget and zone; unknown customers use the workspace zone', () => {
    const plan = planBatch(
      {
        customers: [
          { customerId: 'vl', timeZone: 'Asia/Vladivostok', history: [] },
          { customerId: 'msk', timeZone: null, history: [sent('2025-03-10T08:00:00Z', 'email')] },
        ],
        messages: [
          msg('a', { customerId: 'vl' }),
          msg('b', { customerId: 'msk' }),
          msg('c', { customerId: 'x' }),
        ],
        workspaceTimeZone: 'Europe/Moscow',
      },
      daily,
      now,
    );
    // 09:00Z is 19:00 in Vladivostok: goes now.
    expect(plan.messages[0]!.slot.decision).toBe('now');
    // msk had an e-mail an hour ago: the next day at 08:00Z (11:00 MSK).
    expect(plan.messages[1]!.sendAt).toBe(utc('2025-03-11T08:00:00Z'));
    expect(plan.messages[2]!.slot.decision).toBe('now');
  });

  const zones = ['Europe/Moscow', 'Asia/Vladivostok', 'America/New_York', 'UTC'];
  const wallMinutes = (at: number, tz: string) => {
    const parts = new Intl.DateTimeFormat('en-GB', {
      timeZone: tz,
      hourCycle: 'h23',
      hour: '2-digit',
      minute: '2-digit',
    }).formatToParts(at);
    const get = (t: string) => Number(parts.find((p) => p.type === t)!.value);
    return get('hour') * 60 + get('minute');
  };
  const inQuiet = (at: number, q: QuietHours | null, tz: string) => {
    if (q === null) return false;
    const from = Number(q.from.slice(0, 2)) * 60 + Number(q.from.slice(3));
    const to = Number(q.to.slice(0, 2)) * 60 + Number(q.to.slice(3));
    const m = wallMinutes(at, tz);
    if (from === to) return false;
    return from < to ? m >= from && m < to : m >= from || m < to;
  };
  const hm = fc
    .tuple(fc.integer({ min: 0, max: 23 }), fc.constantFrom(0, 30))
    .map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);
  const arbRules: fc.Arbitrary<BudgetRules> = fc.record({
    caps: fc.array(
      fc.record({
        max: fc.integer({ min: 1, max: 3 }),
        perDays: fc.constantFrom(1, 2, 7),
        channel: fc.option(fc.constantFrom<MessageChannel>('sms', 'email'), { nil: undefined }),
      }),
      { minLength: 1, maxLength: 3 },
    ),
    quietHours: fc.option(fc.record({ from: hm, to: hm }), { nil: null }),
  });
  const start = utc('2025-01-01T00:00:00Z');
  const arbCase = fc.record({
    rules: arbRules,
    zone: fc.constantFrom(...zones),
    now: fc.integer({ min: start, max: start + 360 * DAY }),
    history: fc.array(
      fc.record({
        ago: fc.integer({ min: 0, max: 10 * DAY }),
        channel: fc.constantFrom<MessageChannel>('sms', 'email', 'telegram'),
        purpose: fc.constantFrom<MessagePurpose>('marketing', 'marketing', 'transactional'),
      }),
      { maxLength: 5 },
    ),
    messages: fc.array(
      fc.record({
        delay: fc.integer({ min: 0, max: 10 * DAY }),
        priority: fc.integer({ min: 0, max: 3 }),
        channel: fc.constantFrom<MessageChannel>('sms', 'email', 'telegram'),
        purpose: fc.constantFrom<MessagePurpose>('marketing', 'marketing', 'marketing', 'transactional'),
      }),
      { minLength: 1, maxLength: 8 },
    ),
  });

  it('property: never more than max in any window, never inside quiet hours, never dropped', () => {
    fc.assert(
      fc.property(arbCase, (c) => {
        const history: SentTouch[] = c.history.map((h) => ({
          at: c.now - h.ago,
          channel: h.channel,
          purpose: h.purpose,
        }));
        const messages: BatchMessage[] = c.messages.map((m, i) => ({
          id: `m${i}`,
          customerId: 'c',
          createdAt: i,
          priority: m.priority,
          channel: m.channel,
          purpose: m.purpose,
          notBefore: c.now + m.delay,
          expiresAt: null,
        }));
        const plan = planBatch(
          { customers: [{ customerId: 'c', timeZone: c.zone, history }], messages, workspaceTimeZone: 'UTC' },
          c.rules,
          c.now,
        );
        const planned = plan.messages.map((p, i) => ({ ...messages[i]!, at: p.sendAt }));
        for (const p of planned) {
          // Never dropped (no expiry), never before notBefore.
          expect(p.at).not.toBeNull();
          expect(p.at!).toBeGreaterThanOrEqual(p.notBefore);
          if (p.purpose === 'transactional') continue;
          expect(inQuiet(p.at!, c.rules.quietHours, c.zone)).toBe(false);
        }
        for (const rule of c.rules.caps) {
          const W = rule.perDays * DAY;
          const matches = (x: { channel: MessageChannel; purpose: MessagePurpose }) =>
            x.purpose === 'marketing' && (rule.channel === undefined || rule.channel === x.channel);
          const all = [
            ...history.filter(matches).map((h) => h.at),
            ...planned.filter(matches).map((p) => p.at!),
          ];
          for (const p of planned.filter(matches)) {
            for (const x of all) {
              if (x < p.at! || x >= p.at! + W) continue;
              const inWindow = all.filter((a) => a > x - W && a <= x).length;
              expect(inWindow).toBeLessThanOrEqual(rule.max);
            }
          }
        }
        expect(plan.preview.now + plan.preview.deferred).toBe(messages.length);
      }),
      { numRuns: 200 },
    );
  });
});
