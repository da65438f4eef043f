/**
 * Password hashing with better-auth's own hasher (scrypt), so a password set here verifies at
 * better-auth's sign-in, and the length rules both apply.
 */
import { randomInt } from 'node:crypto';
import { hashPassword, verifyPassword } from 'better-auth/crypto';
import type { FieldProblem } from '../api/context.ts';

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;

export function passwordProblem(password: string, path = 'password'): FieldProblem | null {
  if (password.length < PASSWORD_MIN) return { path, message: `at least ${PASSWORD_MIN} characters` };
  if (password.length > PASSWORD_MAX) return { path, message: `at most ${PASSWORD_MAX} characters` };
  return null;
}

export function hash(password: string): Promise<string> {
  return hashPassword(password);
}

export function matches(hashed: string, password: string): Promise<boolean> {
  return verifyPassword({ hash: hashed, password });
}

/** A password for a first-run login: 16 characters that survive copy and paste (no look-alikes). */
export function generatePassword(): string {
  const alphabet = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  let out = '';
  for (let i = 0; i < 16; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}
