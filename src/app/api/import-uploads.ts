/**
 * Uploaded import files: stored under `<dir>/<workspace>/<uploadId>/<file name>` until run,
 * so an upload is found again after a restart and never seen from another workspace.
 */
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppError } from '../../core/errors.ts';
import { TableError } from '../import/read-error.ts';

const UPLOAD_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface StoredUpload {
  uploadId: string;
  path: string;
  fileName: string;
  bytes: number;
}

function safeName(name: string): string {
  const base = basename(name.replaceAll('\\', '/'))
    .replace(/[^\p{L}\p{N}._ -]/gu, '_')
    .slice(-120);
  return base.replace(/^\.+/, '') || 'upload.csv';
}

export async function saveUpload(
  dir: string,
  workspaceId: number,
  fileName: string,
  data: ReadableStream<Uint8Array>,
): Promise<StoredUpload> {
  const uploadId = randomUUID();
  const folder = join(dir, String(workspaceId), uploadId);
  await mkdir(folder, { recursive: true });
  const name = safeName(fileName);
  const path = join(folder, name);
  await pipeline(
    Readable.fromWeb(data as import('node:stream/web').ReadableStream<Uint8Array>),
    createWriteStream(path),
  );
  return { uploadId, path, fileName: name, bytes: (await stat(path)).size };
}

export async function findUpload(dir: string, workspaceId: number, uploadId: string): Promise<StoredUpload> {
  if (!UPLOAD_ID.test(uploadId)) throw new AppError('not_found', `no upload ${uploadId}`);
  const folder = join(dir, String(workspaceId), uploadId);
  let names: string[];
  try {
    names = await readdir(folder);
  } catch {
    throw new AppError('not_found', `no upload ${uploadId}`);
  }
  const name = names[0];
  if (!name) throw new AppError('not_found', `no upload ${uploadId}`);
  const path = join(folder, name);
  return { uploadId, path, fileName: name, bytes: (await stat(path)).size };
}

/** File-level read problems as the API's error codes. */
export function tableProblem(e: unknown): unknown {
  if (!(e instanceof TableError)) return e;
  const code =
    e.code === 'not_a_file' ? 'file_not_found' : e.code === 'malformed_xlsx' ? 'unsupported_format' : e.code;
  return new AppError(code, e.message, e.line === null ? undefined : { line: e.line });
}
