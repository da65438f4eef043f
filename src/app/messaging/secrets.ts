/**
 * The instance secret key and what it protects: channel secrets encrypted at rest
 * (AES-256-GCM) and the HMAC key of tracking and unsubscribe links.
 *
 * Where the key comes from: `COMEBACK_SECRET_KEY` (32 bytes, base64; read by src/config.ts and
 * passed in here), else `secret.key` in the PGlite data folder, created on first use with mode
 * 0600. With PostgreSQL the variable is required: several processes share one database, and a
 * key file on one machine would strand the secrets written by another.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../../core/errors.ts';

export const SECRET_KEY_FILE = 'secret.key';
const KEY_BYTES = 32;

export interface SecretKeySource {
  /** COMEBACK_SECRET_KEY as read by config.ts (base64). Wins over the file. */
  keyBase64?: string | undefined;
  /** The PGlite data folder; `secret.key` is read or created there. */
  dataDir?: string | undefined;
}

/**
 * The 32-byte key. Creates `<dataDir>/secret.key` (mode 0600, exclusive create, so two
 * processes racing on a first start agree on one key) when there is neither a variable nor a file.
 */
export function loadSecretKey(source: SecretKeySource): Buffer {
  if (source.keyBase64) {
    const key = Buffer.from(source.keyBase64, 'base64');
    if (key.length !== KEY_BYTES)
      throw new AppError('validation_failed', 'COMEBACK_SECRET_KEY must be 32 bytes');
    return key;
  }
  if (!source.dataDir)
    throw new AppError(
      'validation_failed',
      'set COMEBACK_SECRET_KEY (32 bytes, base64: `openssl rand -base64 32`) to store channel secrets in PostgreSQL',
    );
  const path = join(source.dataDir, SECRET_KEY_FILE);
  try {
    writeFileSync(path, randomBytes(KEY_BYTES), { flag: 'wx', mode: 0o600 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  const key = readFileSync(path);
  if (key.length !== KEY_BYTES) throw new AppError('validation_failed', `${path} must hold exactly 32 bytes`);
  // A key copied in by hand keeps whatever mode it had; tighten it.
  chmodSync(path, 0o600);
  return key;
}

const VERSION = 'v1';

/**
 * `v1:` + base64(iv ‖ tag ‖ ciphertext). `context` (e.g. "7:sms") is authenticated with the
 * data, so a ciphertext copied to another workspace or channel fails to decrypt.
 */
export function encryptSecret(key: Buffer, plaintext: string, context: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return `${VERSION}:${Buffer.concat([iv, cipher.getAuthTag(), data]).toString('base64')}`;
}

export function decryptSecret(key: Buffer, sealed: string, context: string): string {
  const [version, body] = sealed.split(':', 2);
  if (version !== VERSION || body === undefined)
    throw new AppError('validation_failed', 'unknown secret format');
  const raw = Buffer.from(body, 'base64');
  const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
  decipher.setAAD(Buffer.from(context, 'utf8'));
  decipher.setAuthTag(raw.subarray(12, 28));
  try {
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
  } catch {
    throw new AppError(
      'validation_failed',
      'a stored channel secret does not decrypt with this secret key (was COMEBACK_SECRET_KEY or secret.key changed?)',
    );
  }
}

/** A key for one purpose derived from the instance key (HKDF-SHA256), so purposes never share a key. */
export function deriveKey(key: Buffer, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), `comeback:${purpose}`, 32));
}
