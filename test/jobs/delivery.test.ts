/**
 * The delivery worker on pg-boss: through the adapter on PGlite, with pg-boss's own pool on
 * PostgreSQL. A campaign goes out through the queue; a deferred message waits for its time
 * (an injected clock) and then goes too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChannelPool } from '../../src/app/messaging/channel-settings.ts';
import { createCampaign, sendCampaign } from '../../src/app/messaging/send-campaign.ts';
import { MS_PER_DAY } from '../../src/core/messaging/channel.ts';
import { startDelivery } from '../../src/jobs/delivery.ts';
import { listCustomerMessages } from '../../src/storage/queries/messages.ts';
import {
  addCustomer,
  Clock,
  configureChannels,
  grant,
  KEY,
  owner,
  type Providers,
  PUBLIC_URL,
  startProviders,
  textTemplates,
} from '../app/messaging-fixtures.ts';
import { openTestDatabase, TEST_DATABASE_URL, type TestDatabase } from '../support/db.ts';

let tdb: TestDatabase;
let providers: Providers;

beforeAll(async () => {
  [tdb, providers] = await Promise.all([openTestDatabase(), startProviders()]);
});
afterAll(async () => {
  await providers?.close();
  await tdb?.close();
});

describe('delivery worker (pg-boss)', () => {
  it('sends a campaign through the queue and a deferred message when its time comes', async () => {
    const ws = await tdb.workspace('boss');
    await configureChannels(tdb.db, ws, providers, ['telegram', 'vk', 'webhook']);
    const clock = Clock.at('2025-03-03T09:00:00Z');
    const ids: number[] = [];
    for (let i = 0; i < 30; i++) {
      const channel = i % 3 === 0 ? 'telegram' : i % 3 === 1 ? 'vk' : 'webhook';
      const id = await addCustomer(tdb.db, ws, {
        name: `Клиент ${i}`,
        ...(channel === 'telegram' ? { telegram: 7000 + i } : channel === 'vk' ? { vk: 8000 + i } : {}),
      });
      await grant(tdb.db, ws, id, [channel], clock.ms - MS_PER_DAY);
      ids.push(id);
    }
    const late = await addCustomer(tdb.db, ws, {
      name: 'Поздний',
      telegram: 7999,
      timezone: 'Asia/Vladivostok',
    });
    await grant(tdb.db, ws, late, ['telegram'], clock.ms - MS_PER_DAY);

    const pool = new ChannelPool(KEY, { ttlMs: 0 });
    const delivery = await startDelivery(tdb.db, {
      key: KEY,
      publicUrl: PUBLIC_URL,
      now: clock.now,
      pool,
      pollMs: 50,
      workspaceIds: [ws],
      queue: `messages.deliver.test-${ws}`,
      ...(TEST_DATABASE_URL ? { databaseUrl: TEST_DATABASE_URL } : {}),
    });
    try {
      expect(delivery.mode).toBe(TEST_DATABASE_URL ? 'direct' : 'adapter');
      const p = owner(ws);
      const campaign = await createCampaign(tdb.db, p, {
        name: 'Весна',
        audience: {},
        purpose: 'marketing',
        templates: textTemplates(),
      });
      // 15:00 in Moscow, 22:00 in Vladivostok (quiet hours 21–09): one message waits till morning.
      clock.set('2025-03-03T12:00:00Z');
      expect(await sendCampaign(tdb.db, p, campaign.id, clock.ms)).toMatchObject({ now: 30, deferred: 1 });
      await delivery.drain(30_000);
      expect(delivery.counts).toMatchObject({ sent: 30, failed: 0 });
      for (const id of ids) expect((await listCustomerMessages(tdb.db, ws, id))[0]?.status).toBe('sent');
      expect((await listCustomerMessages(tdb.db, ws, late))[0]?.status).toBe('deferred');

      clock.set('2025-03-03T23:00:00Z'); // 09:00 in Vladivostok
      await delivery.drain(30_000);
      expect((await listCustomerMessages(tdb.db, ws, late))[0]?.status).toBe('sent');
      expect(delivery.counts.sent).toBe(31);
      const [jobs] = await tdb.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pgboss.job WHERE name = $1 AND state = 'completed'`,
        [`messages.deliver.test-${ws}`],
      );
      expect(jobs!.n).toBe(31);
    } finally {
      await delivery.stop();
      await pool.close();
    }
  });
});
