/**
 * The messaging API: channel settings (secrets sealed, never returned), test sends, campaigns
 * (create, preview, send, report), consent, and the public signed routes (provider callbacks,
 * click redirects, the open pixel, one-click unsubscribe), with e-mail through a local SMTP server.
 */
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChannelPool } from '../../src/app/messaging/channel-settings.ts';
import { deliverDue } from '../../src/app/messaging/deliver-message.ts';
import { libraryTemplate } from '../../src/app/messaging/template-library.ts';
import { MS_PER_DAY } from '../../src/core/messaging/channel.ts';
import { registerMessagingRoutes, registerPublicMessagingRoutes } from '../../src/http/routes/messaging.ts';
import { listEvents } from '../../src/storage/queries/events.ts';
import { listCustomerMessages, listMessageEvents } from '../../src/storage/queries/messages.ts';
import {
  addCustomer,
  Clock,
  configureChannels,
  KEY,
  type Providers,
  PUBLIC_URL,
  startProviders,
  TG_SECRET,
  TG_TOKEN,
  twilioCallback,
} from '../app/messaging-fixtures.ts';
import { openTestApi, type TestApi, type Workspace } from './support.ts';

let api: TestApi;
let providers: Providers;
let outer: Hono;
const clock = Clock.at('2025-03-03T09:00:00Z');
const pool = new ChannelPool(KEY, { ttlMs: 0, deps: { now: clock.now } });

beforeAll(async () => {
  [api, providers] = await Promise.all([openTestApi(), startProviders()]);
  const deps = { db: api.db.db, key: KEY, pool, publicUrl: PUBLIC_URL, now: clock.now };
  registerMessagingRoutes(api.app, deps);
  // As in the served app: public routes first, then the API with its auth middleware.
  outer = new Hono();
  registerPublicMessagingRoutes(outer, deps);
  outer.route('/', api.app);
});
afterAll(async () => {
  await pool.close();
  await providers?.close();
  await api?.close();
});

const path = (url: string) => url.slice(PUBLIC_URL.length);

describe('channel settings', () => {
  it('stores secrets sealed and never returns them', async () => {
    const w = await api.workspace();
    const put = await w.owner.put('/api/channels/telegram', {
      provider: 'telegram',
      config: { botToken: TG_TOKEN, webhookSecret: TG_SECRET, baseUrl: providers.telegram.url },
    });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({
      channel: 'telegram',
      provider: 'telegram',
      enabled: true,
      config: { baseUrl: providers.telegram.url },
      secretsSet: ['botToken', 'webhookSecret'],
      callbackUrl: `${PUBLIC_URL}/api/callbacks/telegram/${w.id}`,
    });
    const list = await w.owner.get('/api/channels');
    expect(list.body.items).toHaveLength(1);
    for (const body of [put.body, list.body]) {
      expect(JSON.stringify(body)).not.toContain(TG_TOKEN.split(':')[1]);
      expect(JSON.stringify(body)).not.toContain(TG_SECRET);
    }
    const [row] = await api.db.db.query<{ config: unknown; secrets: string }>(
      'SELECT config, secrets FROM channel_configs WHERE workspace_id = $1',
      [w.id],
    );
    expect(row!.secrets).toMatch(/^v1:/);
    expect(`${JSON.stringify(row!.config)}${row!.secrets}`).not.toContain(TG_TOKEN.split(':')[1]);

    // Saving without the secrets keeps them; a wrong config is refused before anything is stored.
    const again = await w.owner.put('/api/channels/telegram', {
      provider: 'telegram',
      enabled: false,
      config: { baseUrl: providers.telegram.url },
    });
    expect(again.body).toMatchObject({ enabled: false, secretsSet: ['botToken', 'webhookSecret'] });
    const bad = await w.owner.put('/api/channels/telegram', {
      provider: 'telegram',
      config: { botToken: 'not a token' },
    });
    expect(bad.status).toBe(422);
    expect((await w.owner.put('/api/channels/sms', { provider: 'smtp', config: {} })).status).toBe(422);

    const viewer = await w.as({ role: 'viewer' });
    expect((await viewer.get('/api/channels')).status).toBe(200);
    expect((await viewer.put('/api/channels/telegram', { provider: 'telegram', config: {} })).status).toBe(
      403,
    );
    expect((await w.owner.del('/api/channels/telegram')).status).toBe(204);
    expect((await w.owner.get('/api/channels/telegram')).status).toBe(404);
  });

  it('sends a test message through the stored settings', async () => {
    const w = await api.workspace();
    await configureChannels(api.db.db, w.id, providers, ['telegram']);
    const r = await w.owner.post('/api/channels/telegram/test', { to: '5101', text: 'Проверка связи' });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ ok: true, providerMessageId: expect.stringMatching(/^5101:\d+$/) });
    expect(JSON.parse(providers.telegram.requests.at(-1)!.body)).toEqual({
      chat_id: 5101,
      text: 'Проверка связи',
    });
  });

  it('reads and changes the cascade and the contact budget', async () => {
    const w = await api.workspace();
    expect((await w.owner.get('/api/messaging/settings')).body).toMatchObject({
      cascade: ['telegram', 'whatsapp', 'vk', 'max', 'sms', 'email', 'webhook'],
      budget: { quietHours: { from: '21:00', to: '09:00' } },
    });
    const r = await w.owner.patch('/api/messaging/settings', {
      cascade: ['email', 'sms'],
      budget: { caps: [{ purpose: 'marketing', max: 1, perDays: 7 }], quietHours: null },
    });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ cascade: ['email', 'sms'], budget: { quietHours: null } });
    expect((await w.owner.patch('/api/messaging/settings', { cascade: ['fax'] })).status).toBe(422);
  });
});

describe('campaigns over e-mail: tracking and unsubscribe', () => {
  let w: Workspace;
  let customer: number;
  let campaignId: number;

  it('creates, previews, sends and reports a campaign', async () => {
    w = await api.workspace();
    await configureChannels(api.db.db, w.id, providers, ['email']);
    customer = await addCustomer(api.db.db, w.id, { name: 'Анна Смирнова', email: 'anna@example.com' });
    await addCustomer(api.db.db, w.id, { name: 'Без согласия', email: 'nobody-consented@example.com' });
    const consent = await w.owner.post(`/api/customers/${customer}/consents`, {
      channel: 'email',
      purpose: 'marketing',
      action: 'granted',
      at: new Date(clock.ms - MS_PER_DAY).toISOString(),
      source: 'form',
      wordingVersion: 'v3',
    });
    expect(consent.status).toBe(201);
    expect(consent.body.state.email).toEqual({ transactional: true, marketing: true });

    const t = libraryTemplate('win_back', 'ru');
    const created = await w.owner.post('/api/campaigns', {
      name: 'Возвращаем спящих',
      audience: { status: ['lead'] },
      purpose: 'marketing',
      templates: { email: { key: t.key, language: 'ru', subject: t.subject, text: t.text, mjml: t.mjml } },
      context: { business: { name: 'Студия Лотос', booking_url: 'https://lotos.example/book' } },
    });
    expect(created.status).toBe(201);
    campaignId = created.body.id;
    const preview = await w.owner.post(`/api/campaigns/${campaignId}/preview`);
    expect(preview.body).toMatchObject({ audience: 2, now: 1, excluded: 1, excludedBy: { no_consent: 1 } });
    expect(await listCustomerMessages(api.db.db, w.id, customer)).toEqual([]);
    const sent = await w.owner.post(`/api/campaigns/${campaignId}/send`);
    expect(sent.body).toMatchObject({ now: 1, written: 2 });
    expect(
      await deliverDue(api.db.db, {
        key: KEY,
        publicUrl: PUBLIC_URL,
        pool,
        now: clock.now,
        workspaceIds: [w.id],
      }),
    ).toMatchObject({ sent: 1 });
    const report = await w.owner.get(`/api/campaigns/${campaignId}/report`);
    expect(report.body).toMatchObject({
      byStatus: { sent: 1, skipped: 1 },
      byChannel: { email: { sent: 1 } },
    });
    expect((await w.owner.get('/api/campaigns')).body.items.map((c: { id: number }) => c.id)).toContain(
      campaignId,
    );
    expect((await (await w.as({ role: 'viewer' })).post(`/api/campaigns/${campaignId}/send`)).status).toBe(
      403,
    );
  });

  it('sends marketing e-mail with one-click unsubscribe headers, tracked links and an open pixel', async () => {
    const mail = providers.smtp.messages.find(
      (m) => m.to && JSON.stringify(m.to).includes('anna@example.com'),
    )!;
    expect(mail.subject).toBe('Анна, мы соскучились');
    const header = (name: string) =>
      (mail.headerLines.find((h) => h.key === name)?.line ?? '').replace(/\r?\n\s+/g, ' ');
    expect(header('list-unsubscribe')).toMatch(/^List-Unsubscribe: <http:\/\/crm\.test\/u\/[\w-]+\.[\w-]+>$/);
    expect(header('list-unsubscribe-post')).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    const html = String(mail.html);
    const clicks = [...html.matchAll(/href="(http:\/\/crm\.test\/t\/c\/[^"]+)"/g)].map((m) => m[1]!);
    expect(clicks).toHaveLength(1); // the booking button; the unsubscribe link stays direct
    expect(html).toContain(header('list-unsubscribe').slice('List-Unsubscribe: <'.length, -1));
    const pixel = /src="(http:\/\/crm\.test\/t\/o\/[^"]+\.gif)"/.exec(html)![1]!;

    const open = await outer.request(path(pixel));
    expect(open.status).toBe(200);
    expect(open.headers.get('content-type')).toBe('image/gif');
    const click = await outer.request(path(clicks[0]!));
    expect(click.status).toBe(302);
    expect(click.headers.get('location')).toBe('https://lotos.example/book');
    await outer.request(path(pixel)); // a second open changes nothing
    const [m] = await listCustomerMessages(api.db.db, w.id, customer);
    expect(m?.status).toBe('clicked');
    expect((await listMessageEvents(api.db.db, w.id, m!.id)).map((e) => e.status)).toEqual([
      'queued',
      'sending',
      'sent',
      'opened',
      'clicked',
    ]);
    const timeline = (await listEvents(api.db.db, w.id, customer)).map((e) => e.type);
    expect(timeline).toEqual(expect.arrayContaining(['message_sent', 'message_opened', 'message_clicked']));
    expect((await outer.request('/t/c/forged.token')).status).toBe(404);
    expect((await outer.request(`${path(clicks[0]!)}x`)).status).toBe(404);
    const report = await w.owner.get(`/api/campaigns/${campaignId}/report`);
    expect(report.body.funnel).toEqual({
      planned: 1,
      sent: 1,
      delivered: 1,
      opened: 1,
      clicked: 1,
      replied: 0,
    });
  });

  it('unsubscribes with the link: a confirmation page on GET, the withdrawal on POST', async () => {
    const mail = providers.smtp.messages.find((m) => JSON.stringify(m.to).includes('anna@example.com'))!;
    const link = /<(http:\/\/crm\.test\/u\/[^>]+)>/.exec(
      mail.headerLines.find((h) => h.key === 'list-unsubscribe')!.line,
    )![1]!;
    const page = await outer.request(path(link), { headers: { 'accept-language': 'ru-RU,ru;q=0.9' } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<button type="submit">Отписаться</button>');
    const en = await outer.request(`${path(link)}?lang=en`);
    expect(await en.text()).toContain('Stop receiving marketing messages');
    // What a mail client sends for RFC 8058 one-click.
    const post = await outer.request(path(link), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(post.status).toBe(200);
    expect(await post.text()).toContain('вы отписаны');
    const ledger = await w.owner.get(`/api/customers/${customer}/consents`);
    expect(ledger.body.state.email).toEqual({ transactional: true, marketing: false });
    expect(ledger.body.items.at(-1)).toMatchObject({
      action: 'withdrawn',
      source: 'unsubscribe_link',
      actor: 'customer',
    });
    expect(await (await outer.request(path(link))).text()).toContain('уже отписаны');
    expect((await outer.request('/u/nonsense')).status).toBe(404);
    const again = await w.owner.post(
      `/api/campaigns/${
        (
          await w.owner.post('/api/campaigns', {
            name: 'Ещё одна',
            audience: { customerIds: [customer] },
            purpose: 'marketing',
            templates: { default: { text: 'Скидка!' } },
          })
        ).body.id
      }/preview`,
    );
    expect(again.body).toMatchObject({ excludedBy: { no_consent: 1 } });
  });
});

describe('public routes', () => {
  it('takes provider callbacks without an API key but with a valid signature', async () => {
    const w = await api.workspace();
    await configureChannels(api.db.db, w.id, providers, ['sms', 'telegram']);
    const { headers, body } = twilioCallback(w.id, { MessageSid: 'SMunknown', MessageStatus: 'delivered' });
    const ok = await outer.request(`/api/callbacks/twilio/${w.id}`, { method: 'POST', headers, body });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('ok');
    const forged = await outer.request(`/api/callbacks/twilio/${w.id}`, {
      method: 'POST',
      headers: { ...headers, 'x-twilio-signature': 'AAAA' },
      body,
    });
    expect(forged.status).toBe(403);
    expect((await outer.request(`/api/callbacks/vk/${w.id}`, { method: 'POST', body: '{}' })).status).toBe(
      404,
    );

    // A Telegram reply lands on the timeline of the customer with that chat id.
    const customer = await addCustomer(api.db.db, w.id, { name: 'Олег', telegram: 5201 });
    const update = {
      update_id: 1,
      message: { message_id: 7, date: 1_740_000_000, chat: { id: 5201 }, text: 'Спасибо!' },
    };
    const tg = await outer.request(`/api/callbacks/telegram/${w.id}`, {
      method: 'POST',
      headers: { 'x-telegram-bot-api-secret-token': TG_SECRET, 'content-type': 'application/json' },
      body: JSON.stringify(update),
    });
    expect(tg.status).toBe(200);
    const replied = (await listEvents(api.db.db, w.id, customer)).find((e) => e.type === 'message_replied');
    expect(replied?.data).toMatchObject({
      channel: 'telegram',
      text: 'Спасибо!',
      providerMessageId: '5201:7',
    });
  });

  it('keeps every other messaging route behind the API key', async () => {
    for (const p of ['/api/channels', '/api/campaigns', '/api/messaging/settings']) {
      expect((await outer.request(p)).status).toBe(401);
    }
  });
});
