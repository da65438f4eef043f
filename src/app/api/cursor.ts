/**
 * Opaque page cursors: base64url JSON of the last row's keyset plus a fingerprint of the
 * query, so a cursor replayed with another sort or filter is refused instead of paging wrong.
 */
import { createHash } from 'node:crypto';
import { AppError } from '../../core/errors.ts';

export interface CursorState {
  value: string | number | null;
  id: number;
}

export function queryFingerprint(query: unknown): string {
  return createHash('sha256').update(JSON.stringify(query)).digest('base64url').slice(0, 12);
}

export function encodeCursor(state: CursorState, fingerprint: string): string {
  return Buffer.from(JSON.stringify({ v: state.value, i: state.id, q: fingerprint })).toString('base64url');
}

export function decodeCursor(cursor: string, fingerprint: string): CursorState {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new AppError('bad_usage', 'the cursor is not one this API issued');
  }
  const c = parsed as { v?: unknown; i?: unknown; q?: unknown };
  if (
    typeof c !== 'object' ||
    c === null ||
    typeof c.i !== 'number' ||
    !(c.v === null || typeof c.v === 'string' || typeof c.v === 'number')
  ) {
    throw new AppError('bad_usage', 'the cursor is not one this API issued');
  }
  if (c.q !== fingerprint) {
    throw new AppError('bad_usage', 'the cursor belongs to a different query (sort or filters changed)');
  }
  return { value: c.v, id: c.i };
}
