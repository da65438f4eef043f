/**
 * The delivery worker as a process of its own, for the kill -9 test (not a test itself):
 *   node --import tsx test/jobs/delivery-worker.ts <data dir | postgres URL> <workspace id> <lease ms>
 * Delivers the workspace's messages and exits 0 once none is unfinished. The secret key comes
 * from secret.key in the data dir (PGlite) or COMEBACK_SECRET_KEY (PostgreSQL), as in production.
 */
import { outboxBacklog } from '../../src/app/messaging/deliver-message.ts';
import { loadSecretKey } from '../../src/app/messaging/secrets.ts';
import { readEnv } from '../../src/config.ts';
import { startDelivery } from '../../src/jobs/delivery.ts';
import { connect } from '../../src/storage/connect.ts';

const [target = '', wsArg = '', leaseArg = '1000'] = process.argv.slice(2);
const pg = target.startsWith('postgres');
const workspaceId = Number(wsArg);
const db = await connect(pg ? { databaseUrl: target } : { dataDir: target });
const key = loadSecretKey(pg ? { keyBase64: readEnv().COMEBACK_SECRET_KEY } : { dataDir: target });
const delivery = await startDelivery(db, {
  key,
  publicUrl: 'http://crm.test',
  leaseMs: Number(leaseArg),
  pollMs: 100,
  workspaceIds: [workspaceId],
  queue: `messages.deliver.kill-${workspaceId}`,
  ...(pg ? { databaseUrl: target } : {}),
  onError: (e) => process.stderr.write(`delivery error: ${String(e)}\n`),
});
process.stdout.write('ready\n');
for (;;) {
  const backlog = await outboxBacklog(db, { workspaceIds: [workspaceId] });
  if (backlog.pending === 0) break;
  await new Promise((r) => setTimeout(r, 100));
}
await delivery.stop();
await db.close();
process.stdout.write(`done ${JSON.stringify(delivery.counts)}\n`);
process.exit(0);
