import { timingSafeEqual } from 'node:crypto';
import type { Database } from '../../storage/connect.ts';
import { findApiKeyForUse } from '../../storage/queries/api-keys.ts';
import { AccessError } from './access-error.ts';
import { hashSecret, TOKEN_PREFIX } from './create-api-key.ts';
import type { Permission, Principal, Role } from './principal.ts';

const TOKEN_RE = new RegExp(`^${TOKEN_PREFIX}_(\\d{1,15})_(\\d{1,15})_([A-Za-z0-9_-]{16,128})$`);

/** The principal a bearer token stands for; `unauthorized` when unknown, malformed or revoked. */
export async function authenticateApiKey(db: Database, token: string): Promise<Principal> {
  const m = TOKEN_RE.exec(token.trim());
  if (!m) throw new AccessError('unauthorized', 'malformed API key');
  const workspaceId = Number(m[1]);
  const id = Number(m[2]);
  const hash = hashSecret(m[3]!);
  const key = await findApiKeyForUse(db, workspaceId, id, hash);
  const given = Buffer.from(hash, 'hex');
  const stored = Buffer.from(key?.secretHash ?? '00'.repeat(32), 'hex');
  const same = given.length === stored.length && timingSafeEqual(given, stored);
  if (!key || !same) throw new AccessError('unauthorized', 'unknown API key');
  if (key.revokedAt !== null) throw new AccessError('unauthorized', 'this API key was revoked');
  return {
    workspaceId,
    userId: key.userId,
    role: key.role as Role,
    managerStaffId: key.managerStaffId,
    keyId: key.id,
    scopes: key.scopes as Permission[] | null,
  };
}
