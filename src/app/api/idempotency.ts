/**
 * Idempotency keys for write requests: the first request with a key runs and its response is
 * stored; the same key with the same request replays that response; the same key with a
 * different request, or while the first is still running, is a `conflict`. A request that
 * fails releases its key, so the client may retry it.
 */
import { createHash } from 'node:crypto';
import { AppError } from '../../core/errors.ts';
import type { Database } from '../../storage/connect.ts';
import {
  claimIdempotencyKey,
  completeIdempotencyKey,
  findIdempotencyKey,
  releaseIdempotencyKey,
} from '../../storage/queries/idempotency.ts';

export interface StoredResponse {
  status: number;
  body: unknown;
}

export function requestFingerprint(operation: string, body: unknown): string {
  return createHash('sha256').update(operation).update('\n').update(JSON.stringify(body)).digest('hex');
}

export async function withIdempotency(
  db: Database,
  workspaceId: number,
  request: { key: string | null; operation: string; body: unknown },
  run: () => Promise<StoredResponse>,
): Promise<StoredResponse & { replayed: boolean }> {
  if (request.key === null) return { ...(await run()), replayed: false };
  const key = request.key;
  if (key.length === 0 || key.length > 255) {
    throw new AppError('validation_failed', 'Idempotency-Key must be 1–255 characters', [
      { path: 'Idempotency-Key', message: 'must be 1–255 characters' },
    ]);
  }
  const fingerprint = requestFingerprint(request.operation, request.body);
  if (!(await claimIdempotencyKey(db, workspaceId, key, request.operation, fingerprint))) {
    const found = await findIdempotencyKey(db, workspaceId, key);
    if (found && (found.operation !== request.operation || found.fingerprint !== fingerprint)) {
      throw new AppError('conflict', 'this Idempotency-Key was used with a different request', {
        idempotency_key: key,
      });
    }
    if (!found || found.statusCode === null) {
      throw new AppError('conflict', 'a request with this Idempotency-Key is still in progress', {
        idempotency_key: key,
      });
    }
    return { status: found.statusCode, body: found.response, replayed: true };
  }
  let response: StoredResponse;
  try {
    response = await run();
  } catch (e) {
    await releaseIdempotencyKey(db, workspaceId, key);
    throw e;
  }
  await completeIdempotencyKey(db, workspaceId, key, response.status, response.body);
  return { ...response, replayed: false };
}
