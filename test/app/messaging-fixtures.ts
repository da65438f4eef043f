/**
 * Shared setup of the messaging tests: the local fake providers of test/channels/servers, a
 * workspace with channels configured against them, customers, consent, a clock tests move.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { createCustomer } from '../../src/app/api/create-customer.ts';
import type { Principal } from '../../src/app/api/principal.ts';
import { type ChannelPool, saveChannelSettings } from '../../src/app/messaging/channel-settings.ts';
import type { DeliveryDeps } from '../../src/app/messaging/deliver-message.ts';
import type { MessageChannel, MessagePurpose } from '../../src/core/messaging/channel.ts';
import type { Database } from '../../src/storage/connect.ts';
import { insertConsents } from '../../src/storage/queries/consents.ts';
import type { FakeProvider } from '../channels/servers/http.ts';
import { type FakeSmtp, startSmtp } from '../channels/servers/smtp.ts';
import { startTelegram } from '../channels/servers/telegram.ts';
import { startTwilio } from '../channels/servers/twilio.ts';
import { startVk } from '../channels/servers/vk.ts';
import { startWebhookReceiver } from '../channels/servers/webhook-receiver.ts';

export const KEY = randomBytes(32);
export const PUBLIC_URL = 'http://crm.test';
export const TG_TOKEN = '7012345678:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';
export const TG_SECRET = 'tg_webhook-secret_1';
export const TWILIO_SID = `AC${'a1'.repeat(16)}`;
export const TWILIO_TOKEN = 'twilio-auth-token-1';
export const TWILIO_FROM = '+15005550006';
export const SMTP_USER = 'salon';
export const SMTP_PASS = 'smtp-pass-1';
export const VK_TOKEN = 'vk-community-token';
export const WEBHOOK_SECRET = 'webhook-secret-0123456789';

export function owner(workspaceId: number): Principal {
  return { workspaceId, userId: null, role: 'owner', managerStaffId: null, keyId: null, scopes: null };
}

/** A clock the test moves: epoch ms. */
export class Clock {
  constructor(public ms: number) {}
  static at(iso: string): Clock {
    return new Clock(Date.parse(iso));
  }
  readonly now = () => this.ms;
  advance(ms: number): void {
    this.ms += ms;
  }
  set(iso: string): void {
    this.ms = Date.parse(iso);
  }
}

export interface Providers {
  telegram: FakeProvider;
  twilio: FakeProvider & { tokens: string[] };
  smtp: FakeSmtp;
  vk: FakeProvider & { randomIds: string[] };
  webhook: FakeProvider & { keys: string[] };
  close(): Promise<void>;
}

export async function startProviders(): Promise<Providers> {
  const [telegram, twilio, smtp, vk, webhook] = await Promise.all([
    startTelegram(TG_TOKEN),
    startTwilio(TWILIO_SID, TWILIO_TOKEN),
    startSmtp(SMTP_USER, SMTP_PASS),
    startVk(VK_TOKEN),
    startWebhookReceiver(WEBHOOK_SECRET),
  ]);
  return {
    telegram,
    twilio,
    smtp,
    vk,
    webhook,
    async close() {
      await Promise.all([telegram.close(), twilio.close(), smtp.close(), vk.close(), webhook.close()]);
    },
  };
}

export const twilioCallbackUrl = (ws: number) => `${PUBLIC_URL}/api/callbacks/twilio/${ws}`;

/** Configures channels against the fake providers (through the app, so secrets get sealed). */
export async function configureChannels(
  db: Database,
  ws: number,
  providers: Providers,
  channels: MessageChannel[] = ['telegram', 'sms', 'email'],
  urls: Partial<Record<'telegram' | 'twilio' | 'vk' | 'webhook', string>> = {},
): Promise<void> {
  const p = owner(ws);
  for (const channel of channels) {
    if (channel === 'telegram')
      await saveChannelSettings(db, p, KEY, 'telegram', {
        provider: 'telegram',
        config: {
          botToken: TG_TOKEN,
          baseUrl: urls.telegram ?? providers.telegram.url,
          webhookSecret: TG_SECRET,
        },
      });
    if (channel === 'sms')
      await saveChannelSettings(db, p, KEY, 'sms', {
        provider: 'twilio',
        costMinor: 500,
        config: {
          accountSid: TWILIO_SID,
          authToken: TWILIO_TOKEN,
          from: TWILIO_FROM,
          baseUrl: urls.twilio ?? providers.twilio.url,
          callbackUrl: twilioCallbackUrl(ws),
        },
      });
    if (channel === 'email')
      await saveChannelSettings(db, p, KEY, 'email', {
        provider: 'smtp',
        config: {
          host: '127.0.0.1',
          port: providers.smtp.port,
          user: SMTP_USER,
          pass: SMTP_PASS,
          from: 'Студия Лотос <hello@lotos.example>',
          timeoutMs: 5000,
        },
      });
    if (channel === 'vk')
      await saveChannelSettings(db, p, KEY, 'vk', {
        provider: 'vk',
        config: { accessToken: VK_TOKEN, baseUrl: urls.vk ?? providers.vk.url, callbackSecret: 'vk-secret' },
      });
    if (channel === 'webhook')
      await saveChannelSettings(db, p, KEY, 'webhook', {
        provider: 'webhook',
        config: { url: urls.webhook ?? providers.webhook.url, secret: WEBHOOK_SECRET },
      });
  }
}

/** Delivery of one workspace's messages (test files share a PostgreSQL database). */
export function deliveryDeps(clock: Clock, pool: ChannelPool, workspaceId: number): DeliveryDeps {
  return {
    key: KEY,
    publicUrl: PUBLIC_URL,
    pool,
    now: clock.now,
    leaseMs: 60_000,
    workspaceIds: [workspaceId],
  };
}

export interface CustomerSpec {
  name?: string;
  phone?: string;
  email?: string;
  telegram?: string | number;
  vk?: string | number;
  preferred?: MessageChannel;
  timezone?: string;
}

export async function addCustomer(db: Database, ws: number, spec: CustomerSpec): Promise<number> {
  const identifiers: { kind: 'telegram' | 'vk'; value: string }[] = [];
  if (spec.telegram !== undefined) identifiers.push({ kind: 'telegram', value: String(spec.telegram) });
  if (spec.vk !== undefined) identifiers.push({ kind: 'vk', value: String(spec.vk) });
  return createCustomer(db, owner(ws), {
    name: spec.name ?? 'Анна Смирнова',
    ...(spec.phone ? { phone: spec.phone } : {}),
    ...(spec.email ? { email: spec.email } : {}),
    identifiers,
    ...(spec.preferred ? { preferredChannel: spec.preferred } : {}),
    ...(spec.timezone ? { custom: { timezone: spec.timezone } } : {}),
  });
}

/** Consent granted by the customer at `at`, straight into the ledger. */
export async function grant(
  db: Database,
  ws: number,
  customerId: number,
  channels: MessageChannel[],
  at: number,
  purpose: MessagePurpose = 'marketing',
  action: 'granted' | 'withdrawn' = 'granted',
): Promise<void> {
  await insertConsents(
    db,
    ws,
    channels.map((channel) => ({
      customerId,
      entry: { channel, purpose, action, at, source: 'form', wordingVersion: 'v1', actor: 'customer' },
    })),
  );
}

/** A text template for every channel. */
export function textTemplates(text = '{{ customer.first_name }}, ждём вас снова! Отписка: СТОП') {
  return { default: { key: 'test', language: 'ru' as const, text } };
}

/** Twilio's X-Twilio-Signature, computed independently of src/channels. */
export function twilioSign(url: string, params: Record<string, string>): string {
  const data =
    url +
    Object.keys(params)
      .sort()
      .map((k) => k + params[k])
      .join('');
  return createHmac('sha1', TWILIO_TOKEN).update(data).digest('base64');
}

export function twilioCallback(ws: number, params: Record<string, string>) {
  const body = new URLSearchParams(params).toString();
  return {
    headers: {
      'x-twilio-signature': twilioSign(twilioCallbackUrl(ws), params),
      'content-type': 'application/x-www-form-urlencoded',
    },
    body,
  };
}
