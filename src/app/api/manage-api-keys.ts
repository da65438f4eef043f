import { AppError } from '../../core/errors.ts';
import type { Database } from '../../storage/connect.ts';
import {
  type ApiKeyRow,
  listApiKeys as listKeys,
  revokeApiKey as revoke,
} from '../../storage/queries/api-keys.ts';
import { forgetApiKey } from './authenticate-api-key.ts';
import { type Principal, requirePermission } from './principal.ts';

export async function listApiKeys(db: Database, principal: Principal): Promise<ApiKeyRow[]> {
  requirePermission(principal, 'keys:manage');
  return listKeys(db, principal.workspaceId);
}

export async function revokeApiKey(db: Database, principal: Principal, id: number): Promise<ApiKeyRow> {
  requirePermission(principal, 'keys:manage');
  const row = await revoke(db, principal.workspaceId, id);
  forgetApiKey(db, principal.workspaceId, id);
  if (!row) throw new AppError('not_found', `no API key ${id}`);
  return row;
}

export type { ApiKeyRow };
