/**
 * Campaign → outbox → delivery against the local fake providers (Telegram, Twilio, SMTP), with
 * an injected clock: consent, the contact budget, quiet hours, the cascade, retries, callbacks,
 * STOP replies and the campaign report.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ChannelPool } from '../../src/app/messaging/channel-settings.ts';
import { claimDue, deliverClaimed, deliverDue } from '../../src/app/messaging/deliver-message.ts';
import { handleCallback } from '../../src/app/messaging/handle-callback.ts';
import {
  type CampaignInput,
  campaignReport,
  createCampaign,
  previewCampaign,
  sendCampaign,
} from '../../src/app/messaging/send-campaign.ts';
import { MS_PER_DAY, MS_PER_HOUR } from '../../src/core/messaging/channel.ts';
import { loadConsents } from '../../src/storage/queries/consents.ts';
import { listEvents } from '../../src/storage/queries/events.ts';
import { listCustomerMessages, listMessageEvents } from '../../src/storage/queries/messages.ts';
import { json } from '../channels/servers/http.ts';
import { TG_BLOCKED_CHAT, telegramTooMany } from '../channels/servers/telegram.ts';
import { openTestDatabase, type TestDatabase } from '../support/db.ts';
import {
  addCustomer,
  Clock,
  configureChannels,
  deliveryDeps,
  grant,
  KEY,
  owner,
  type Providers,
  startProviders,
  textTemplates,
  twilioCallback,
} from './messaging-fixtures.ts';

let tdb: TestDatabase;
let providers: Providers;
const pools: ChannelPool[] = [];

beforeAll(async () => {
  [tdb, providers] = await Promise.all([openTestDatabase(), startProviders()]);
});
afterEach(() => {
  for (const p of [providers.telegram, providers.twilio]) {
    expect(p.violations).toEqual([]);
    p.script.length = 0;
  }
});
afterAll(async () => {
  await Promise.all(pools.map((p) => p.close()));
  await providers?.close();
  await tdb?.close();
});

/** A workspace with telegram, sms (Twilio) and email configured, and a clock at Monday 12:00 Moscow. */
async function setup(start = '2025-03-03T09:00:00Z') {
  const ws = await tdb.workspace('msg');
  await configureChannels(tdb.db, ws, providers);
  const clock = Clock.at(start);
  const pool = new ChannelPool(KEY, { ttlMs: 0 });
  pools.push(pool);
  const deps = deliveryDeps(clock, pool, ws);
  const p = owner(ws);
  const campaign = async (over: Partial<CampaignInput> = {}) =>
    (
      await createCampaign(tdb.db, p, {
        name: 'Мы скучаем',
        audience: {},
        purpose: 'marketing',
        templates: textTemplates(),
        ...over,
      })
    ).id;
  return { ws, p, clock, deps, campaign };
}

const messagesOf = (ws: number, customerId: number) => listCustomerMessages(tdb.db, ws, customerId);
const telegramTexts = () =>
  providers.telegram.requests.map((r) => JSON.parse(r.body) as { chat_id: number; text: string });

describe('consent', () => {
  it('skips marketing without a grant (with the reason) and sends transactional', async () => {
    const { ws, p, clock, deps, campaign } = await setup();
    const anna = await addCustomer(tdb.db, ws, { name: 'Анна', telegram: 5001, phone: '+79161230001' });
    const promo = await campaign({ audience: { customerIds: [anna] } });
    const sent = await sendCampaign(tdb.db, p, promo, clock.ms);
    expect(sent).toMatchObject({ audience: 1, now: 0, excluded: 1, excludedBy: { no_consent: 1 } });
    const [skipped] = await messagesOf(ws, anna);
    expect(skipped).toMatchObject({ status: 'skipped', reason: 'no_consent', channel: null });
    const events = await listMessageEvents(tdb.db, ws, skipped!.id);
    expect(events[0]?.data.route).toEqual(
      expect.arrayContaining([expect.objectContaining({ channel: 'telegram', skipped: ['no_consent'] })]),
    );

    const receipt = await campaign({
      audience: { customerIds: [anna] },
      purpose: 'transactional',
      templates: textTemplates('Анна, ваша запись подтверждена'),
    });
    expect(await sendCampaign(tdb.db, p, receipt, clock.ms)).toMatchObject({ now: 1, excluded: 0 });
    const before = providers.telegram.requests.length;
    expect(await deliverDue(tdb.db, deps)).toMatchObject({ sent: 1 });
    expect(telegramTexts().slice(before)).toEqual([
      { chat_id: 5001, text: 'Анна, ваша запись подтверждена' },
    ]);
    const [m] = await messagesOf(ws, anna);
    expect(m).toMatchObject({
      status: 'sent',
      channel: 'telegram',
      providerMessageId: expect.stringMatching(/^5001:/),
    });
    expect((await listEvents(tdb.db, ws, anna)).map((e) => e.type)).toContain('message_sent');
  });

  it('checks consent again at send time: a withdrawal after planning wins, transactional too', async () => {
    const { ws, p, clock, deps, campaign } = await setup();
    const boris = await addCustomer(tdb.db, ws, { name: 'Борис', telegram: 5002 });
    await grant(tdb.db, ws, boris, ['telegram'], clock.ms - MS_PER_DAY);
    await sendCampaign(tdb.db, p, await campaign({ audience: { customerIds: [boris] } }), clock.ms);
    clock.advance(60_000);
    await grant(tdb.db, ws, boris, ['telegram'], clock.ms, 'marketing', 'withdrawn');
    clock.advance(60_000);
    expect(await deliverDue(tdb.db, deps)).toMatchObject({ sent: 0, skipped: 1 });
    expect((await messagesOf(ws, boris))[0]).toMatchObject({
      status: 'skipped',
      reason: 'no_consent:withdrawn',
    });

    // Transactional messages bypass the budget but not a withdrawal of transactional consent.
    await grant(tdb.db, ws, boris, ['telegram'], clock.ms, 'transactional', 'withdrawn');
    const receipt = await campaign({ audience: { customerIds: [boris] }, purpose: 'transactional' });
    expect(await sendCampaign(tdb.db, p, receipt, clock.ms)).toMatchObject({ excludedBy: { no_consent: 1 } });
  });
});

describe('contact budget', () => {
  it('defers the third marketing message in 7 days and sends it when due', async () => {
    const { ws, p, clock, deps, campaign } = await setup();
    const vera = await addCustomer(tdb.db, ws, { name: 'Вера', telegram: 5003 });
    await grant(tdb.db, ws, vera, ['telegram'], clock.ms - MS_PER_DAY);
    const first = clock.ms;
    for (let day = 0; day < 2; day++) {
      expect(
        await sendCampaign(tdb.db, p, await campaign({ audience: { customerIds: [vera] } }), clock.ms),
      ).toMatchObject({ now: 1 });
      expect(await deliverDue(tdb.db, deps)).toMatchObject({ sent: 1 });
      clock.advance(MS_PER_DAY);
    }
    const third = await campaign({ audience: { customerIds: [vera] } });
    expect(await previewCampaign(tdb.db, p, third, clock.ms)).toMatchObject({
      now: 0,
      deferred: 1,
      deferredBy: { cap: 1 },
    });
    await sendCampaign(tdb.db, p, third, clock.ms);
    const deferred = (await messagesOf(ws, vera))[0]!;
    // The first message leaves the 7-day window at exactly first + 7 days (12:00 Moscow: not quiet).
    expect(deferred).toMatchObject({
      status: 'deferred',
      campaignId: third,
      sendAfter: first + 7 * MS_PER_DAY,
    });
    expect(await deliverDue(tdb.db, deps)).toMatchObject({ picked: 0 });
    clock.set(new Date(first + 7 * MS_PER_DAY - 1).toISOString());
    expect(await deliverDue(tdb.db, deps)).toMatchObject({ picked: 0 });
    clock.advance(1);
    expect(await deliverDue(tdb.db, deps)).toMatchObject({ sent: 1 });
    expect((await messagesOf(ws, vera))[0]).toMatchObject({ status: 'sent', sentAt: first + 7 * MS_PER_DAY });
    // The window is full again; a transactional message is not held by it.
    const receipt = await campaign({ audience: { customerIds: [vera] }, purpose: 'transactional' });
    expect(await sendCampaign(tdb.db, p, receipt, clock.ms)).toMatchObject({ now: 1, deferred: 0 });
    const marketing = await campaign({ audience: { customerIds: [vera] } });
    expect(await previewCampaign(tdb.db, p, marketing, clock.ms)).toMatchObject({ now: 0, deferred: 1 });
  });

  it("holds a message during quiet hours in the customer's own time zone", async () => {
    // 12:00 UTC = 15:00 in Moscow, 22:00 in Vladivostok (quiet 21:00–09:00).
    const { ws, p, clock, deps, campaign } = await setup('2025-03-03T12:00:00Z');
    const moscow = await addCustomer(tdb.db, ws, { name: 'Галина', telegram: 5004 });
    const vlad = await addCustomer(tdb.db, ws, {
      name: 'Дарья',
      telegram: 5005,
      timezone: 'Asia/Vladivostok',
    });
    await grant(tdb.db, ws, moscow, ['telegram'], clock.ms - MS_PER_DAY);
    await grant(tdb.db, ws, vlad, ['telegram'], clock.ms - MS_PER_DAY);
    const id = await campaign({ audience: { customerIds: [moscow, vlad] } });
    expect(await sendCampaign(tdb.db, p, id, clock.ms)).toMatchObject({
      now: 1,
      deferred: 1,
      deferredBy: { quiet_hours: 1 },
    });
    expect((await messagesOf(ws, vlad))[0]).toMatchObject({
      status: 'deferred',
      sendAfter: Date.parse('2025-03-03T23:00:00Z'), // 09:00 on 4 March in Vladivostok
    });
    expect(await deliverDue(tdb.db, deps)).toMatchObject({ sent: 1 });
    clock.set('2025-03-03T23:00:00Z');
    expect(await deliverDue(tdb.db, deps)).toMatchObject({ sent: 1 });
    expect((await messagesOf(ws, vlad))[0]?.status).toBe('sent');
  });

  it('skips a deferred message that is past its expiry at send time', async () => {
    const { ws, p, clock, deps, campaign } = await setup('2025-03-03T18:30:00Z'); // 21:30 Moscow: quiet
    const gleb = await addCustomer(tdb.db, ws, { name: 'Глеб', telegram: 5006 });
    await grant(tdb.db, ws, gleb, ['telegram'], clock.ms - MS_PER_DAY);
    // The first allowed slot is 09:00 Moscow, 8.5 hours away: after an 8-hour expiry.
    const id = await campaign({ audience: { customerIds: [gleb] }, expiresAfterHours: 8 });
    expect(await sendCampaign(tdb.db, p, id, clock.ms)).toMatchObject({ excludedBy: { expired: 1 } });
    // A message that was due, but the worker only got to it after it expired.
    const later = await campaign({
      audience: { customerIds: [gleb] },
      expiresAfterHours: 1,
      purpose: 'transactional',
    });
    await sendCampaign(tdb.db, p, later, clock.ms);
    clock.advance(2 * MS_PER_HOUR);
    expect(await deliverDue(tdb.db, deps)).toMatchObject({ skipped: 1, sent: 0 });
    const rows = await messagesOf(ws, gleb);
    expect(rows.find((m) => m.campaignId === later)).toMatchObject({ status: 'skipped', reason: 'expired' });
  });
});

describe('cascade and retries', () => {
  it('cascades telegram → sms when the bot is blocked, as a new message linked to the first', async () => {
    const { ws, p, clock, deps, campaign } = await setup();
    const eva = await addCustomer(tdb.db, ws, {
      name: 'Ева',
      telegram: TG_BLOCKED_CHAT,
      phone: '+79161230007',
      preferred: 'telegram',
    });
    await grant(tdb.db, ws, eva, ['telegram', 'sms'], clock.ms - MS_PER_DAY);
    const id = await campaign({ audience: { customerIds: [eva] } });
    expect(await sendCampaign(tdb.db, p, id, clock.ms)).toMatchObject({
      byChannel: { telegram: { now: 1 } },
    });
    expect(await deliverDue(tdb.db, deps)).toMatchObject({ failed: 1, cascaded: 1 });
    const [sms, tg] = await messagesOf(ws, eva);
    expect(tg).toMatchObject({
      channel: 'telegram',
      status: 'failed',
      reason: expect.stringMatching(/^blocked_by_user/),
    });
    expect(sms).toMatchObject({
      channel: 'sms',
      status: 'queued',
      parentId: tg!.id,
      idempotencyKey: `${tg!.idempotencyKey}>sms`,
      address: '+79161230007',
    });
    const tokens = providers.twilio.tokens.length;
    expect(await deliverDue(tdb.db, deps)).toMatchObject({ sent: 1 });
    expect(providers.twilio.tokens.slice(tokens)).toEqual([sms!.idempotencyKey]);
    expect((await messagesOf(ws, eva))[0]).toMatchObject({ status: 'sent', costMinor: 500 });
  });

  it("backs off a rate-limited send, respecting the provider's retry hint", async () => {
    const { ws, p, clock, deps, campaign } = await setup();
    const zoya = await addCustomer(tdb.db, ws, { name: 'Зоя', telegram: 5008 });
    await grant(tdb.db, ws, zoya, ['telegram'], clock.ms - MS_PER_DAY);
    await sendCampaign(tdb.db, p, await campaign({ audience: { customerIds: [zoya] } }), clock.ms);
    providers.telegram.script.push(telegramTooMany(90));
    expect(await deliverDue(tdb.db, deps)).toMatchObject({ retried: 1 });
    const [m] = await messagesOf(ws, zoya);
    expect(m).toMatchObject({
      status: 'deferred',
      sendAfter: clock.ms + 90_000,
      reason: expect.stringMatching(/^retry:rate_limited/),
    });
    clock.advance(89_000);
    expect(await deliverDue(tdb.db, deps)).toMatchObject({ picked: 0 });
    providers.telegram.script.push(json(502, 'Bad Gateway'));
    clock.advance(1_000);
    expect(await deliverDue(tdb.db, deps)).toMatchObject({ retried: 1 });
    // Second attempt: the backoff (60 s) is longer than no hint at all.
    expect((await messagesOf(ws, zoya))[0]).toMatchObject({
      status: 'deferred',
      sendAfter: clock.ms + 60_000,
    });
    clock.advance(60_000);
    expect(await deliverDue(tdb.db, deps)).toMatchObject({ sent: 1 });
    expect((await messagesOf(ws, zoya))[0]).toMatchObject({ status: 'sent', attempts: 3 });
  });

  it('sends a claimed attempt once even when the queue hands it out twice', async () => {
    const { ws, p, clock, deps, campaign } = await setup();
    const ilya = await addCustomer(tdb.db, ws, { name: 'Илья', telegram: 5009 });
    await grant(tdb.db, ws, ilya, ['telegram'], clock.ms - MS_PER_DAY);
    await sendCampaign(tdb.db, p, await campaign({ audience: { customerIds: [ilya] } }), clock.ms);
    const refs = await claimDue(tdb.db, deps, 10);
    const before = providers.telegram.requests.length;
    const [a, b] = await Promise.all([
      deliverClaimed(tdb.db, deps, refs),
      deliverClaimed(tdb.db, deps, refs),
    ]);
    expect(a.sent + b.sent).toBe(1);
    expect(providers.telegram.requests.length - before).toBe(1);
    // A stale claim (the lease ran out and the message was claimed again) sends nothing either.
    expect(await deliverClaimed(tdb.db, deps, refs)).toMatchObject({ picked: 0 });
  });
});

describe('callbacks', () => {
  async function smsCustomer() {
    const s = await setup();
    const customer = await addCustomer(tdb.db, s.ws, { name: 'Кира', phone: '+79161230010' });
    await grant(tdb.db, s.ws, customer, ['sms'], s.clock.ms - MS_PER_DAY);
    await sendCampaign(tdb.db, s.p, await s.campaign({ audience: { customerIds: [customer] } }), s.clock.ms);
    await deliverDue(tdb.db, s.deps);
    const [m] = await messagesOf(s.ws, customer);
    expect(m).toMatchObject({
      status: 'sent',
      channel: 'sms',
      providerMessageId: expect.stringMatching(/^SM/),
    });
    return { ...s, customer, message: m! };
  }
  const callback = (ws: number, clock: Clock, params: Record<string, string>) =>
    handleCallback(
      tdb.db,
      { key: KEY, pool: new ChannelPool(KEY, { ttlMs: 0, deps: { now: clock.now } }), now: clock.now },
      { provider: 'twilio', workspaceId: ws, method: 'POST', query: {}, ...twilioCallback(ws, params) },
    );

  it('marks a message delivered from a signed delivery receipt and puts it on the timeline', async () => {
    const { ws, clock, customer, message } = await smsCustomer();
    const receipt = { MessageSid: message.providerMessageId!, MessageStatus: 'delivered', AccountSid: 'AC1' };
    expect(await callback(ws, clock, receipt)).toMatchObject({ status: 200, deliveries: 1 });
    // Providers repeat callbacks: the second changes nothing.
    expect(await callback(ws, clock, receipt)).toMatchObject({ deliveries: 0 });
    expect((await messagesOf(ws, customer))[0]?.status).toBe('delivered');
    const timeline = (await listEvents(tdb.db, ws, customer)).map((e) => e.type);
    expect(timeline.filter((t) => t === 'message_delivered')).toHaveLength(1);
    await expect(
      handleCallback(
        tdb.db,
        { key: KEY, pool: new ChannelPool(KEY), now: clock.now },
        {
          provider: 'twilio',
          workspaceId: ws,
          method: 'POST',
          query: {},
          headers: { 'x-twilio-signature': 'forged' },
          body: new URLSearchParams(receipt).toString(),
        },
      ),
    ).rejects.toMatchObject({ reason: 'bad_signature' });
  });

  it('turns a STOP reply into a marketing withdrawal, and the next marketing message is skipped', async () => {
    const { ws, p, clock, deps, campaign, customer } = await smsCustomer();
    clock.advance(MS_PER_HOUR);
    const stop = {
      MessageSid: 'SMinbound1',
      SmsStatus: 'received',
      From: '+79161230010',
      Body: 'СТОП',
      To: '+15005550006',
    };
    expect(await callback(ws, clock, stop)).toMatchObject({ inbound: 1 });
    expect(await callback(ws, clock, stop)).toMatchObject({ inbound: 0 });
    const ledger = (await loadConsents(tdb.db, ws, [customer])).get(customer)!;
    expect(ledger.at(-1)).toMatchObject({
      channel: 'sms',
      purpose: 'marketing',
      action: 'withdrawn',
      source: 'reply_stop',
    });
    const timeline = await listEvents(tdb.db, ws, customer);
    expect(timeline.find((e) => e.type === 'message_replied')?.data).toMatchObject({
      channel: 'sms',
      text: 'СТОП',
    });
    expect((await messagesOf(ws, customer))[0]?.status).toBe('replied');

    clock.advance(2 * MS_PER_DAY);
    const next = await campaign({ audience: { customerIds: [customer] } });
    expect(await sendCampaign(tdb.db, p, next, clock.ms)).toMatchObject({
      now: 0,
      excludedBy: { no_consent: 1 },
    });
    expect(await deliverDue(tdb.db, deps)).toMatchObject({ picked: 0 });
  });

  it('cascades when a sent SMS is reported undelivered', async () => {
    const { ws, clock, customer, message } = await smsCustomer();
    await addEmail(ws, customer);
    const r = await callback(ws, clock, {
      MessageSid: message.providerMessageId!,
      MessageStatus: 'undelivered',
      ErrorCode: '30006',
    });
    expect(r.deliveries).toBe(1);
    const [email, sms] = await messagesOf(ws, customer);
    expect(sms).toMatchObject({ status: 'failed', reason: expect.stringMatching(/^undelivered/) });
    expect(email).toMatchObject({ channel: 'email', status: 'queued', parentId: sms!.id });
  });
});

async function addEmail(ws: number, customerId: number) {
  await tdb.db.query(
    `INSERT INTO customer_identifiers (workspace_id, kind, value, customer_id) VALUES ($1, 'email', $2, $3)`,
    [ws, `c${customerId}@example.com`, customerId],
  );
  await grant(tdb.db, ws, customerId, ['email'], Date.parse('2025-01-01T00:00:00Z'));
}

describe('campaign report', () => {
  it('counts messages by status and per channel, with skip reasons and cost', async () => {
    const { ws, p, clock, deps, campaign } = await setup('2025-03-03T12:00:00Z');
    const ok = await addCustomer(tdb.db, ws, { name: 'Лев', phone: '+79161230011' });
    const late = await addCustomer(tdb.db, ws, {
      name: 'Мила',
      telegram: 5012,
      timezone: 'Asia/Vladivostok',
    });
    const none = await addCustomer(tdb.db, ws, { name: 'Нина', telegram: 5013 });
    await grant(tdb.db, ws, ok, ['sms'], clock.ms - MS_PER_DAY);
    await grant(tdb.db, ws, late, ['telegram'], clock.ms - MS_PER_DAY);
    const id = await campaign({ audience: { customerIds: [ok, late, none] } });
    await sendCampaign(tdb.db, p, id, clock.ms);
    expect(await sendCampaign(tdb.db, p, id, clock.ms)).toMatchObject({ alreadyPlanned: 3, written: 0 });
    await deliverDue(tdb.db, deps);
    expect(await campaignReport(tdb.db, p, id)).toEqual({
      campaignId: id,
      byStatus: { sent: 1, deferred: 1, skipped: 1 },
      byChannel: { sms: { sent: 1 }, telegram: { deferred: 1 }, none: { skipped: 1 } },
      funnel: { planned: 2, sent: 1, delivered: 0, opened: 0, clicked: 0, replied: 0 },
      skippedBy: { no_consent: 1 },
      failedBy: {},
      costMinor: 500,
    });
  });
});
