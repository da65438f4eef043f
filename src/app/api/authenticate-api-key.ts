import { timingSafeEqual } from 'node:crypto';
import type { Database } from '../../storage/connect.ts';
import { KeptPerHandle } from '../../storage/kept.ts';
import { findApiKeyForUse } from '../../storage/queries/api-keys.ts';
import { AccessError } from './access-error.ts';
import { hashSecret, TOKEN_PREFIX } from './create-api-key.ts';
import type { Permission, Principal, Role } from './principal.ts';

const TOKEN_RE = new RegExp(`^${TOKEN_PREFIX}_(\\d{1,15})_(\\d{1,15})_([A-Za-z0-9_-]{16,128})$`);

/**
 * An integration sends its key with every request, hundreds a second; the key's row is read at
 * most once per KEY_TTL_MS per database handle (which also marks it used, at most once a minute).
 * A key revoked through this process stops at once (forgetApiKey); revoked by another process
 * sharing the database, within the TTL. Only keys that passed the check are kept.
 */
export const KEY_TTL_MS = 2000;
const kept = new KeptPerHandle<string, Principal>(KEY_TTL_MS);

/** The principal a bearer token stands for; `unauthorized` when unknown, malformed or revoked. */
export async function authenticateApiKey(db: Database, token: string): Promise<Principal> {
  const m = TOKEN_RE.exec(token.trim());
  if (!m) throw new AccessError('unauthorized', 'malformed API key');
  const workspaceId = Number(m[1]);
  const id = Number(m[2]);
  const hash = hashSecret(m[3]!);
  // Keyed by the secret's hash too: a wrong secret for a kept key id is never a hit.
  const cacheKey = `${workspaceId}:${id}:${hash}`;
  const hit = kept.get(db, cacheKey);
  if (hit) return hit;
  const key = await findApiKeyForUse(db, workspaceId, id, hash);
  const given = Buffer.from(hash, 'hex');
  const stored = Buffer.from(key?.secretHash ?? '00'.repeat(32), 'hex');
  const same = given.length === stored.length && timingSafeEqual(given, stored);
  if (!key || !same) throw new AccessError('unauthorized', 'unknown API key');
  if (key.revokedAt !== null) throw new AccessError('unauthorized', 'this API key was revoked');
  // Shared by every request of the key while kept: frozen, so none can change it for the others.
  const principal: Principal = Object.freeze({
    workspaceId,
    userId: key.userId,
    role: key.role as Role,
    managerStaffId: key.managerStaffId,
    keyId: key.id,
    scopes: key.scopes && (Object.freeze([...key.scopes]) as Permission[]),
  });
  kept.set(db, cacheKey, principal);
  return principal;
}

/** Forgets a key this process may have kept (after revoking it), so it stops working at once. */
export function forgetApiKey(db: Database, workspaceId: number, id: number): void {
  kept.forget(db, (k) => k.startsWith(`${workspaceId}:${id}:`));
}
