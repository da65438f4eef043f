import { z } from 'zod';

/**
 * The vocabulary of touches (PRODUCT.md C7): the channels a message can go out on and the
 * two purposes that are kept apart everywhere (consent, budget, routing, reports).
 */
export const MESSAGE_CHANNELS = ['email', 'sms', 'telegram', 'whatsapp', 'vk', 'max', 'webhook'] as const;
export type MessageChannel = (typeof MESSAGE_CHANNELS)[number];

export const MESSAGE_PURPOSES = ['transactional', 'marketing'] as const;
/**
 * `transactional`: a message the customer needs because of something they did (booking
 * confirmation, receipt, feedback request after a visit). `marketing`: everything that
 * promotes (offers, reminders with free slots, win-back, birthday bonus).
 */
export type MessagePurpose = (typeof MESSAGE_PURPOSES)[number];

export const messageChannelSchema = z.enum(MESSAGE_CHANNELS);
export const messagePurposeSchema = z.enum(MESSAGE_PURPOSES);

export function isMessageChannel(s: string): s is MessageChannel {
  return (MESSAGE_CHANNELS as readonly string[]).includes(s);
}

export const MS_PER_MINUTE = 60_000;
export const MS_PER_HOUR = 3_600_000;
export const MS_PER_DAY = 86_400_000;
