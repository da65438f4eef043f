/**
 * Webhook endpoints of a workspace (owner only: `webhooks:manage`): create with a signing
 * secret shown once, list, change, rotate the secret, resume a failing one, delete; read
 * the deliveries with every attempt; send a test event now.
 */
import { randomUUID } from 'node:crypto';
import { AppError } from '../../core/errors.ts';
import type { Database } from '../../storage/connect.ts';
import {
  claimDueDeliveries,
  type DeliveryRecord,
  enqueueEvents,
  findSubscription,
  insertSubscription,
  latestDeliveryId,
  listDeliveries,
  listSubscriptions,
  type SubscriptionRecord,
  setSubscriptionSecret,
  softDeleteSubscription,
  updateSubscription,
} from '../../storage/queries/webhooks.ts';
import { decodeCursor, encodeCursor, queryFingerprint } from '../api/cursor.ts';
import { type Principal, requirePermission } from '../api/principal.ts';
import { attemptDelivery, DEFAULT_FAILING_AFTER, DEFAULT_TIMEOUT_MS } from './deliver-webhooks.ts';
import { TEST_EVENT, WEBHOOK_EVENTS, type WebhookEventType } from './events.ts';
import { sealWebhookSecret } from './secret-box.ts';
import { newWebhookSecret } from './signature.ts';

export type { DeliveryRecord };

export type Webhook = Omit<SubscriptionRecord, 'secretSealed'> & { state: 'active' | 'disabled' | 'failing' };

function present(s: SubscriptionRecord): Webhook {
  const { secretSealed: _sealed, ...rest } = s;
  return { ...rest, state: !s.enabled ? 'disabled' : s.failingSince ? 'failing' : 'active' };
}

/** An absolute http(s) URL; anything else is a 422 on `url`. */
function checkUrl(raw: string): string {
  let u: URL;
  try {
    u = new URL(raw.trim());
  } catch {
    throw new AppError('validation_failed', 'url: not an absolute URL', [
      { path: 'url', message: 'not an absolute URL' },
    ]);
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:')
    throw new AppError('validation_failed', 'url: must be http or https', [
      { path: 'url', message: 'must be http or https' },
    ]);
  return u.toString();
}

function checkEvents(events: readonly string[]): WebhookEventType[] {
  const unique = [...new Set(events)];
  const bad = unique.findIndex((e) => !(WEBHOOK_EVENTS as readonly string[]).includes(e));
  if (bad >= 0)
    throw new AppError('validation_failed', `events: unknown event ${unique[bad]}`, [
      { path: `events.${bad}`, message: `one of ${WEBHOOK_EVENTS.join(', ')}` },
    ]);
  if (unique.length === 0)
    throw new AppError('validation_failed', 'events: choose at least one', [
      { path: 'events', message: 'choose at least one event' },
    ]);
  return unique as WebhookEventType[];
}

async function owned(db: Database, principal: Principal, id: number): Promise<SubscriptionRecord> {
  requirePermission(principal, 'webhooks:manage');
  const s = await findSubscription(db, principal.workspaceId, id);
  if (!s) throw new AppError('not_found', `no webhook ${id}`);
  return s;
}

export interface WebhookInput {
  url: string;
  description?: string | null;
  events: string[];
  enabled?: boolean;
  /** The owner's own secret; one is generated when absent. */
  secret?: string;
}

/** Creates an endpoint; the secret comes back this once and is stored sealed. */
export async function createWebhook(
  db: Database,
  principal: Principal,
  input: WebhookInput,
): Promise<{ webhook: Webhook; secret: string }> {
  requirePermission(principal, 'webhooks:manage');
  const ws = principal.workspaceId;
  const url = checkUrl(input.url);
  const events = checkEvents(input.events);
  const secret = input.secret ?? newWebhookSecret();
  const id = await db.transaction(async (tx) => {
    const id = await insertSubscription(tx, ws, {
      url,
      description: input.description?.trim() || null,
      events,
      secretSealed: '',
      enabled: input.enabled ?? true,
    });
    await setSubscriptionSecret(tx, ws, id, await sealWebhookSecret(tx, ws, id, secret));
    return id;
  });
  return { webhook: present((await findSubscription(db, ws, id))!), secret };
}

export async function listWebhooks(db: Database, principal: Principal): Promise<Webhook[]> {
  requirePermission(principal, 'webhooks:manage');
  return (await listSubscriptions(db, principal.workspaceId)).map(present);
}

export async function getWebhook(db: Database, principal: Principal, id: number): Promise<Webhook> {
  return present(await owned(db, principal, id));
}

export interface WebhookPatch {
  url?: string;
  description?: string | null;
  events?: string[];
  /** true also resumes a failing endpoint: its held deliveries are sent on the next run. */
  enabled?: boolean;
  secret?: string;
  rotateSecret?: boolean;
}

export async function updateWebhook(
  db: Database,
  principal: Principal,
  id: number,
  patch: WebhookPatch,
): Promise<{ webhook: Webhook; secret: string | null }> {
  const s = await owned(db, principal, id);
  const ws = principal.workspaceId;
  const secret = patch.secret ?? (patch.rotateSecret ? newWebhookSecret() : null);
  await db.transaction(async (tx) => {
    await updateSubscription(tx, ws, id, {
      url: patch.url !== undefined ? checkUrl(patch.url) : s.url,
      description: patch.description !== undefined ? patch.description?.trim() || null : s.description,
      events: patch.events !== undefined ? checkEvents(patch.events) : s.events,
      enabled: patch.enabled ?? s.enabled,
      resume: patch.enabled === true && s.failingSince !== null,
    });
    if (secret !== null) await setSubscriptionSecret(tx, ws, id, await sealWebhookSecret(tx, ws, id, secret));
  });
  return { webhook: present((await findSubscription(db, ws, id))!), secret };
}

export async function deleteWebhook(db: Database, principal: Principal, id: number): Promise<void> {
  await owned(db, principal, id);
  await db.transaction((tx) => softDeleteSubscription(tx, principal.workspaceId, id));
}

export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed', 'cancelled'] as const;

export async function listWebhookDeliveries(
  db: Database,
  principal: Principal,
  id: number,
  q: { cursor?: string; limit: number; status?: (typeof DELIVERY_STATUSES)[number] },
): Promise<{ items: DeliveryRecord[]; nextCursor: string | null }> {
  await owned(db, principal, id);
  const fingerprint = queryFingerprint({ webhook: id, status: q.status ?? null });
  const beforeId = q.cursor ? decodeCursor(q.cursor, fingerprint).id : null;
  const rows = await listDeliveries(db, principal.workspaceId, id, {
    beforeId,
    limit: q.limit + 1,
    status: q.status ?? null,
  });
  const items = rows.slice(0, q.limit);
  const last = items.at(-1);
  return {
    items,
    nextCursor:
      rows.length > q.limit && last ? encodeCursor({ value: null, id: last.id }, fingerprint) : null,
  };
}

/**
 * Sends a `webhook.test` event to this endpoint now, whatever its state, and returns the
 * delivery with its one attempt. Recorded like any delivery (one try, no retries); a success
 * clears a failing state, so it doubles as "is the receiver fixed?".
 */
export async function sendTestDelivery(
  db: Database,
  principal: Principal,
  id: number,
  opts: { timeoutMs?: number; now?: Date } = {},
): Promise<DeliveryRecord> {
  const s = await owned(db, principal, id);
  const ws = principal.workspaceId;
  const now = opts.now ?? new Date();
  await enqueueEvents(
    db,
    ws,
    [
      {
        eventKey: randomUUID(),
        type: TEST_EVENT,
        data: { message: 'A test event from Comeback', webhook_id: s.id },
      },
    ],
    1,
    s.id,
  );
  const deliveryId = await latestDeliveryId(db, ws, s.id, TEST_EVENT);
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const [claimed] = await db.transaction((tx) =>
    claimDueDeliveries(tx, {
      now,
      leaseUntil: new Date(now.getTime() + timeoutMs * 2 + 60_000),
      limit: 1,
      workspaceId: ws,
      deliveryId: deliveryId!,
    }),
  );
  if (claimed) {
    const o = await attemptDelivery(db, claimed, { now, timeoutMs, failingAfter: DEFAULT_FAILING_AFTER });
    // A receiver that answers again ends the failing state (the held deliveries go out next run).
    if (o.ok && s.failingSince !== null)
      await updateSubscription(db, ws, s.id, { ...s, enabled: s.enabled, resume: true });
  }
  const [record] = await listDeliveries(db, ws, s.id, { beforeId: deliveryId! + 1, limit: 1, status: null });
  return record!;
}
