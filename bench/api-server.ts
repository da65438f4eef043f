/**
 * The real API server in a process of its own, for bench/api.ts (autocannon must not share
 * the server's event loop):
 *   node --import tsx bench/api-server.ts <postgres url>
 * Prints the port it listens on (127.0.0.1, a free port); exits when stdin closes.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '../src/http/server.ts';
import { connect } from '../src/storage/connect.ts';

async function main(url: string): Promise<void> {
  const db = await connect({ databaseUrl: url, migrate: false });
  const server = await startServer({ db, port: 0, hostname: '127.0.0.1' });
  process.stdout.write(`${server.port}\n`);
  process.stdin.on('end', () => {
    void server
      .close()
      .then(() => db.close())
      .finally(() => process.exit(0));
  });
  process.stdin.resume();
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv[2] ?? '').catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  });
}
