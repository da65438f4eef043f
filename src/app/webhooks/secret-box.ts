/**
 * Webhook signing secrets at rest. We must sign with them, so they are encrypted (AES-256-GCM,
 * app/messaging/secrets.ts), not hashed, with a key derived from the instance secret key.
 *
 * The serving process hands the instance key in at start (`setWebhookInstanceKey`, from
 * app/messaging/instance-key.ts `resolveInstanceKey`). Without one (an embedded test, a
 * process not yet wired), a random key kept in `instance_secrets` seals them instead, so
 * webhooks work everywhere; that protects less (the key sits in the same database), which is
 * why the instance key wins for every new secret once present. Each sealed value names the
 * key it was sealed with (`ik:` / `db:`), so both kinds keep opening after the switch.
 */
import { randomBytes } from 'node:crypto';
import { AppError } from '../../core/errors.ts';
import type { Sql } from '../../storage/connect.ts';
import { ensureInstanceSecret } from '../../storage/queries/instance-secrets.ts';
import { decryptSecret, deriveKey, encryptSecret } from '../messaging/secrets.ts';

let instanceKey: Buffer | null = null;

/** Called once by the composition root with the instance secret key (null forgets it). */
export function setWebhookInstanceKey(key: Buffer | null): void {
  instanceKey = key === null ? null : deriveKey(key, 'webhook-secrets');
}

async function databaseKey(sql: Sql): Promise<Buffer> {
  const stored = await ensureInstanceSecret(sql, 'webhooks.sealing-key', randomBytes(32).toString('base64'));
  return Buffer.from(stored, 'base64');
}

/** The context authenticated with the ciphertext: a sealed secret moved to another row fails to open. */
const contextOf = (workspaceId: number, subscriptionId: number) => `${workspaceId}:webhook:${subscriptionId}`;

export async function sealWebhookSecret(
  sql: Sql,
  workspaceId: number,
  subscriptionId: number,
  secret: string,
): Promise<string> {
  const context = contextOf(workspaceId, subscriptionId);
  if (instanceKey) return `ik:${encryptSecret(instanceKey, secret, context)}`;
  return `db:${encryptSecret(await databaseKey(sql), secret, context)}`;
}

export async function openWebhookSecret(
  sql: Sql,
  workspaceId: number,
  subscriptionId: number,
  sealed: string,
): Promise<string> {
  const context = contextOf(workspaceId, subscriptionId);
  if (sealed.startsWith('ik:')) {
    if (!instanceKey)
      throw new AppError(
        'validation_failed',
        'this webhook secret was sealed with the instance secret key, which this process does not have (COMEBACK_SECRET_KEY)',
      );
    return decryptSecret(instanceKey, sealed.slice(3), context);
  }
  if (sealed.startsWith('db:')) return decryptSecret(await databaseKey(sql), sealed.slice(3), context);
  throw new AppError('validation_failed', 'unknown webhook secret format');
}
