/**
 * Instance-wide random values (the session cookie's signing secret, the fallback webhook
 * sealing key), stored once in `instance_secrets` and created on first use; processes racing to
 * create one agree on whichever insert won.
 */
import type { Sql } from '../connect.ts';

export async function ensureInstanceSecret(sql: Sql, name: string, fresh: string): Promise<string> {
  await sql.query(
    'INSERT INTO instance_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING',
    [name, fresh],
  );
  const rows = await sql.query<{ value: string }>('SELECT value FROM instance_secrets WHERE name = $1', [
    name,
  ]);
  return rows[0]!.value;
}
