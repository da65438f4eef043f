/**
 * Which instance key the serving process uses, and whether it may seal channel secrets.
 *
 * - `COMEBACK_SECRET_KEY` set: that key, secrets allowed (any database).
 * - PGlite: `secret.key` in the data folder (created on first start), secrets allowed.
 * - PostgreSQL without the variable: channels without credentials (`log`, an unsigned
 *   webhook) still work, but storing a secret is refused with `secret_key_required`: a key
 *   file on one machine would strand secrets written by another process sharing the database.
 *   Tracking and unsubscribe links still need a stable HMAC key, so one is derived from the
 *   database URL (it holds the database credentials, so whoever can forge it can read the data
 *   anyway); rotating the password changes it and old links stop working, hence the warning.
 */
import { createHash, hkdfSync, randomBytes } from 'node:crypto';
import { deriveKey, loadSecretKey } from './secrets.ts';

export interface InstanceKeySource {
  databaseKind: 'pglite' | 'postgres';
  /** COMEBACK_SECRET_KEY (base64). */
  secretKey?: string | undefined;
  /** The PGlite data folder. */
  dataDir?: string | undefined;
  /** The PostgreSQL URL, when connected by one. */
  databaseUrl?: string | undefined;
}

export interface InstanceKey {
  key: Buffer;
  /** False when channel secrets must not be stored (PostgreSQL without COMEBACK_SECRET_KEY). */
  secretsAllowed: boolean;
  /** What to tell the operator at start, when something is missing. */
  warning: string | null;
}

export const SECRET_KEY_HINT = 'set COMEBACK_SECRET_KEY (32 bytes, base64: `openssl rand -base64 32`)';

export function resolveInstanceKey(source: InstanceKeySource): InstanceKey {
  if (source.secretKey)
    return { key: loadSecretKey({ keyBase64: source.secretKey }), secretsAllowed: true, warning: null };
  if (source.databaseKind === 'pglite' && source.dataDir)
    return { key: loadSecretKey({ dataDir: source.dataDir }), secretsAllowed: true, warning: null };
  const seed = source.databaseUrl
    ? Buffer.from(
        hkdfSync(
          'sha256',
          createHash('sha256').update(source.databaseUrl).digest(),
          '',
          'comeback:url-key',
          32,
        ),
      )
    : randomBytes(32);
  return {
    key: deriveKey(seed, 'instance-fallback'),
    secretsAllowed: false,
    warning: `COMEBACK_SECRET_KEY is not set: channels that need credentials (SMTP, SMS, Telegram, WhatsApp, VK, MAX, signed webhooks) cannot be configured, and tracking links are signed with a key derived from ${source.databaseUrl ? 'the database URL (they stop working if it changes)' : 'a per-process key (they stop working after a restart)'}; ${SECRET_KEY_HINT}`,
  };
}
