/**
 * Provider callbacks (PRODUCT.md C7): delivery receipts and inbound replies.
 *
 * `POST /api/callbacks/{provider}/{workspace}` hands the raw request here; the workspace's
 * adapter for that provider checks the signature and parses it (src/channels). Then:
 * - a receipt moves the message forward (delivered, read → opened) and onto the customer's
 *   timeline; `failed` after it was sent (undelivered) marks it failed and cascades to the next
 *   channel, as a failure at send time would;
 * - an inbound reply goes on the timeline of the customer who owns the sender's address, marks
 *   the last message sent to them on that channel `replied`, and a STOP reply appends a
 *   marketing withdrawal for that channel to the consent ledger.
 * Callbacks are retried by providers, so each is idempotent (receipts only move a status
 * forward; a reply with a provider id already on the timeline is not added again).
 */
import { type InboundMessage, vkCallbackAnswer, whatsappVerifyChallenge } from '../../channels/index.ts';
import { AppError } from '../../core/errors.ts';
import { normalizePhone } from '../../core/import/values.ts';
import type { MessageChannel } from '../../core/messaging/channel.ts';
import { consentFromReply } from '../../core/messaging/consent.ts';
import { resolveSettings } from '../../core/settings.ts';
import type { IdentifierKind } from '../../core/types.ts';
import type { Database, Sql } from '../../storage/connect.ts';
import { listChannelConfigs } from '../../storage/queries/channel-configs.ts';
import { insertConsents } from '../../storage/queries/consents.ts';
import { insertEvents } from '../../storage/queries/events.ts';
import { lookupIdentifiers } from '../../storage/queries/identifiers.ts';
import {
  advanceMessage,
  findMessagesByProviderIds,
  hasInboundReply,
  insertMessageEvents,
  insertMessages,
  latestSentMessage,
} from '../../storage/queries/messages.ts';
import { loadSettings } from '../../storage/queries/settings.ts';
import { type ChannelPool, configOfRow, isProvider, PROVIDER_CHANNEL } from './channel-settings.ts';
import { planCascade, REPLY_WINDOW_MS } from './deliver-message.ts';
import { recordEngagement } from './tracking.ts';

export interface CallbackDeps {
  key: Buffer;
  pool: ChannelPool;
  now?: () => number;
}

export interface CallbackRequestInput {
  provider: string;
  workspaceId: number;
  method: 'GET' | 'POST';
  headers: Record<string, string | undefined>;
  /** The raw body, exactly as received. */
  body: string;
  query: Record<string, string>;
}

export interface CallbackAnswer {
  status: number;
  /** What the provider expects back (SMS.ru "100", VK "ok" or the confirmation code, …). */
  body: string;
  deliveries: number;
  inbound: number;
}

async function configFor(db: Database, key: Buffer, workspaceId: number, provider: string) {
  const row = (await listChannelConfigs(db, workspaceId)).find((r) => r.provider === provider);
  if (!row) throw new AppError('not_found', `no ${provider} channel in workspace ${workspaceId}`);
  return { config: configOfRow(row, key, workspaceId) as Record<string, unknown> };
}

/** The identifier an inbound sender is known by. */
function senderKey(
  channel: MessageChannel,
  from: string,
  country: string,
): { kind: IdentifierKind; value: string } | null {
  const f = from.trim();
  if (f === '') return null;
  switch (channel) {
    case 'sms':
    case 'whatsapp': {
      const p = normalizePhone(/^\d+$/.test(f) ? `+${f}` : f, country);
      return p.ok ? { kind: 'phone', value: p.value } : null;
    }
    case 'telegram':
      return { kind: 'telegram', value: f.toLowerCase() };
    case 'vk':
      return { kind: 'vk', value: f };
    case 'max':
      return { kind: 'max', value: f };
    case 'email':
      return { kind: 'email', value: f.toLowerCase() };
    case 'webhook':
      return { kind: 'external', value: f };
  }
}

async function recordInbound(
  tx: Sql,
  workspaceId: number,
  channel: MessageChannel,
  m: InboundMessage,
  country: string,
  now: number,
): Promise<boolean> {
  const key = senderKey(channel, m.from, country);
  if (!key) return false;
  let customerId = (await lookupIdentifiers(tx, workspaceId, [key])).get(`${key.kind}:${key.value}`);
  if (customerId === undefined && channel === 'whatsapp') {
    customerId = (await lookupIdentifiers(tx, workspaceId, [{ kind: 'whatsapp', value: m.from }])).get(
      `whatsapp:${m.from}`,
    );
  }
  if (customerId === undefined) return false;
  if (m.providerMessageId && (await hasInboundReply(tx, workspaceId, customerId, m.providerMessageId)))
    return false;
  const at = m.at > 0 ? m.at : now;
  const answered = await latestSentMessage(
    tx,
    workspaceId,
    customerId,
    channel,
    new Date(at - REPLY_WINDOW_MS),
  );
  await insertEvents(tx, workspaceId, [
    {
      customerId,
      type: 'message_replied',
      occurredAt: new Date(at),
      data: {
        channel,
        text: m.text,
        ...(m.providerMessageId ? { providerMessageId: m.providerMessageId } : {}),
        ...(answered ? { messageId: answered.id, campaignId: answered.campaignId } : {}),
      },
    },
  ]);
  if (answered) await recordEngagement(tx, answered, 'replied', at, { text: m.text.slice(0, 500) });
  const stop = consentFromReply({ channel, text: m.text, at });
  if (stop) {
    await insertConsents(tx, workspaceId, [{ customerId, entry: stop }]);
    await insertEvents(tx, workspaceId, [
      {
        customerId,
        type: 'consent_withdrawn',
        occurredAt: new Date(at),
        data: { channel, purpose: 'marketing', source: 'reply_stop', text: m.text.slice(0, 200) },
      },
    ]);
  }
  return true;
}

/**
 * Verifies and applies one provider callback; returns what to answer. Throws CallbackError
 * (bad_signature / bad_payload) for a request that is not provably from the provider.
 */
export async function handleCallback(
  db: Database,
  deps: CallbackDeps,
  input: CallbackRequestInput,
): Promise<CallbackAnswer> {
  if (!isProvider(input.provider) || input.provider === 'log' || input.provider === 'smtp')
    throw new AppError('not_found', `no callbacks for provider ${input.provider}`);
  const channel = PROVIDER_CHANNEL[input.provider] as MessageChannel;
  const now = (deps.now ?? Date.now)();
  const { config } = await configFor(db, deps.key, input.workspaceId, input.provider);

  if (input.method === 'GET') {
    // The WhatsApp subscription handshake; other providers only POST.
    const token = typeof config.verifyToken === 'string' ? config.verifyToken : undefined;
    const challenge =
      input.provider === 'whatsapp' && token ? whatsappVerifyChallenge(input.query, token) : undefined;
    return challenge === undefined
      ? { status: 403, body: 'forbidden', deliveries: 0, inbound: 0 }
      : { status: 200, body: challenge, deliveries: 0, inbound: 0 };
  }

  const adapter = (await deps.pool.workspace(db, input.workspaceId)).get(channel)?.adapter;
  const parse = adapter?.parseCallback?.bind(adapter);
  if (!parse)
    throw new AppError('not_found', `the ${channel} channel does not take callbacks from ${input.provider}`);
  const updates = parse({ headers: input.headers, body: input.body, query: input.query });

  const country = resolveSettings(await loadSettings(db, input.workspaceId)).country;

  const messages = await findMessagesByProviderIds(
    db,
    input.workspaceId,
    updates.deliveries.map((d) => d.providerMessageId),
  );
  const byProviderId = new Map(messages.map((m) => [m.providerMessageId!, m]));
  let deliveries = 0;
  let inbound = 0;
  await db.transaction(async (tx) => {
    for (const d of updates.deliveries) {
      const message = byProviderId.get(d.providerMessageId);
      if (!message) continue;
      const at = d.at > 0 ? d.at : now;
      if (d.status === 'delivered' || d.status === 'read') {
        if (await recordEngagement(tx, message, d.status === 'read' ? 'opened' : 'delivered', at))
          deliveries++;
      } else if (d.status === 'failed') {
        const reason = `undelivered: ${d.reason ?? 'failed'}`;
        if (
          !(await advanceMessage(tx, input.workspaceId, message.id, 'failed', ['sent', 'delivered'], reason))
        )
          continue;
        deliveries++;
        await insertMessageEvents(tx, [
          {
            workspaceId: input.workspaceId,
            messageId: message.id,
            status: 'failed',
            at: new Date(at),
            reason,
            data: {},
          },
        ]);
        const next = await planCascade(tx, message, 'undelivered', now);
        if (next) await insertMessages(tx, input.workspaceId, [next], new Date(now));
      }
    }
    for (const m of updates.inbound) {
      if (await recordInbound(tx, input.workspaceId, channel, m, country, now)) inbound++;
    }
  });

  let body = 'ok';
  if (input.provider === 'sms-ru') body = '100';
  if (input.provider === 'vk') body = vkCallbackAnswer(input.body, String(config.confirmationCode ?? ''));
  return { status: 200, body, deliveries, inbound };
}
