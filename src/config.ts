/**
 * The only reader of process.env. Validated once; everything else receives values.
 */
import { z } from 'zod';

const EnvSchema = z.object({
  DATABASE_URL: z.string().min(1).optional(),
  COMEBACK_DATA_DIR: z.string().min(1).optional(),
  COMEBACK_WORKSPACE: z.string().min(1).optional(),
  PORT: z.coerce.number().int().positive().max(65535).optional(),
  NO_COLOR: z.string().optional(),
  CI: z.string().optional(),
  COMEBACK_DEBUG: z.string().optional(),
  /** 32 bytes, base64: encrypts channel secrets at rest (required with DATABASE_URL; PGlite keeps secret.key in the data dir). */
  COMEBACK_SECRET_KEY: z
    .string()
    .refine((v) => Buffer.from(v, 'base64').length === 32, 'must be 32 bytes, base64-encoded')
    .optional(),
  /** The address customers and providers reach this server at (links in messages, callbacks). Default http://localhost:PORT */
  COMEBACK_PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
});

export type Env = z.infer<typeof EnvSchema>;

export function readEnv(env: NodeJS.ProcessEnv = process.env): Env {
  // An empty variable (`DATABASE_URL=`) means unset, as shells and .env files use it.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = EnvSchema.safeParse(present);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`bad environment variable ${String(issue?.path[0])}: ${issue?.message}`);
  }
  return parsed.data;
}
