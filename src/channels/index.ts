/**
 * The channel layer: one Channel interface and an adapter per provider, built from a validated
 * config by createChannel. Imports only core (scripts/check-deps.mjs).
 *
 * @example
 * const email = createChannel({ provider: 'smtp', host: 'smtp.example.com', from: 'Salon <hi@salon.example>' });
 * const r = await email.send({ idempotencyKey: 'c42:welcome', to: 'anna@example.com', subject: 'Hi', text: 'Hello' });
 * if (!r.ok && r.retryable) scheduleRetry(r.retryAfterMs);
 */
import { z } from 'zod';
import { AppError } from '../core/errors.ts';
import { EmailChannel, emailConfigSchema } from './email.ts';
import { LogChannel, logConfigSchema } from './log.ts';
import { MaxChannel, maxConfigSchema } from './max.ts';
import { SmsRuChannel, smsRuConfigSchema } from './sms-ru.ts';
import { TelegramChannel, telegramConfigSchema } from './telegram.ts';
import { TwilioChannel, twilioConfigSchema } from './twilio.ts';
import type { Channel, ChannelDeps } from './types.ts';
import { VkChannel, vkConfigSchema } from './vk.ts';
import { WebhookChannel, webhookConfigSchema } from './webhook.ts';
import { WhatsAppChannel, whatsappConfigSchema } from './whatsapp.ts';

export const channelConfigSchema = z.discriminatedUnion('provider', [
  emailConfigSchema,
  smsRuConfigSchema,
  twilioConfigSchema,
  telegramConfigSchema,
  whatsappConfigSchema,
  vkConfigSchema,
  maxConfigSchema,
  webhookConfigSchema,
  logConfigSchema,
]);
/** A validated config, defaults filled in. */
export type ChannelConfig = z.infer<typeof channelConfigSchema>;
/** A config as written by a person or stored: defaults may be left out. */
export type ChannelConfigInput = z.input<typeof channelConfigSchema>;
export type ChannelProvider = ChannelConfig['provider'];

/**
 * Validate a config and build its adapter. Throws AppError('validation_failed') with the zod
 * issues as details when the config is wrong, so a bad config fails when it is saved or loaded,
 * not at the first send.
 */
export function createChannel(config: ChannelConfigInput, deps: ChannelDeps = {}): Channel {
  const parsed = channelConfigSchema.safeParse(config);
  if (!parsed.success)
    throw new AppError(
      'validation_failed',
      `invalid channel config: ${z.prettifyError(parsed.error)}`,
      parsed.error.issues,
    );
  const c = parsed.data;
  switch (c.provider) {
    case 'smtp':
      return new EmailChannel(c, deps);
    case 'sms-ru':
      return new SmsRuChannel(c, deps);
    case 'twilio':
      return new TwilioChannel(c, deps);
    case 'telegram':
      return new TelegramChannel(c, deps);
    case 'whatsapp':
      return new WhatsAppChannel(c, deps);
    case 'vk':
      return new VkChannel(c, deps);
    case 'max':
      return new MaxChannel(c, deps);
    case 'webhook':
      return new WebhookChannel(c, deps);
    case 'log':
      return new LogChannel(c, deps);
  }
}

export { EmailChannel, type EmailConfig, emailConfigSchema, emailMessageId, smtpFailure } from './email.ts';
export { CallbackError, type CallbackErrorReason } from './errors.ts';
export { callHttp, failure, retryAfterMs, statusFailure } from './http.ts';
export { LogChannel, type LogConfig, logConfigSchema } from './log.ts';
export { MaxChannel, type MaxConfig, maxConfigSchema } from './max.ts';
export { SmsRuChannel, type SmsRuConfig, smsRuConfigSchema } from './sms-ru.ts';
export { TelegramChannel, type TelegramConfig, telegramConfigSchema } from './telegram.ts';
export { TwilioChannel, type TwilioConfig, twilioConfigSchema, twilioSignature } from './twilio.ts';
export type {
  CallbackRequest,
  CallbackUpdates,
  Channel,
  ChannelDeps,
  ChannelKind,
  DeliveryUpdate,
  FailureCode,
  InboundMessage,
  OutboundMessage,
  SendFailure,
  SendResult,
} from './types.ts';
export { VkChannel, type VkConfig, vkCallbackAnswer, vkConfigSchema, vkRandomId } from './vk.ts';
export {
  SIGNATURE_HEADER,
  signWebhook,
  verifyWebhookSignature,
  WebhookChannel,
  type WebhookConfig,
  webhookConfigSchema,
} from './webhook.ts';
export {
  WhatsAppChannel,
  type WhatsAppConfig,
  whatsappConfigSchema,
  whatsappVerifyChallenge,
} from './whatsapp.ts';
