/**
 * Fills a workspace with the deterministic demo salon (core/demo), through the same
 * chunk writer as imports: identity resolution, catalog, orders, aggregates. Orders are
 * keyed by their demo ids, so loading the demo twice adds nothing.
 */
import type { Day } from '../../core/day.ts';
import { generateSalonDemo } from '../../core/demo/salon.ts';
import { zonedWallTimeToUtc } from '../../core/import/values.ts';
import { resolveSettings } from '../../core/settings.ts';
import type { Database } from '../../storage/connect.ts';
import { loadSettings, saveSetting } from '../../storage/queries/settings.ts';
import { type WorkspaceCounts, workspaceCounts } from '../../storage/queries/summary.ts';
import { recomputeWorkspace } from '../analytics/customer-aggregates.ts';
import { ChunkWriter } from '../import/chunk-writer.ts';
import type { PersonInput } from '../import/resolve-customers.ts';
import { prepareDemoMessaging } from '../messaging/demo-messaging.ts';
import { assembledOrder } from '../orders/assembled-order.ts';
import { prepareDemoSegments } from '../segments/demo-segments.ts';

/** The demo business lives in Moscow: its wall-clock times are Moscow times. */
const DEMO_TIME_ZONE = 'Europe/Moscow';
const CHUNK = 5000;

export interface DemoResult extends WorkspaceCounts {
  name: string;
  asOf: Day;
  seed: number | null;
  customersCreated: number;
  ordersCreated: number;
}

export async function loadDemo(
  db: Database,
  workspaceId: number,
  opts: { asOf: Day; seed?: number; customers?: number },
): Promise<DemoResult> {
  const demo = generateSalonDemo({
    asOf: opts.asOf,
    ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
    ...(opts.customers !== undefined ? { customers: opts.customers } : {}),
  });
  const stored = await loadSettings(db, workspaceId);
  // A fresh workspace gets the demo's own zone, so its days are the salon's days.
  if (!('timezone' in stored)) await saveSetting(db, workspaceId, 'timezone', DEMO_TIME_ZONE);
  if (!('business_name' in stored)) await saveSetting(db, workspaceId, 'business_name', demo.name);
  const settings = resolveSettings(await loadSettings(db, workspaceId));
  const counters = {
    rows: 0,
    imported: 0,
    skipped: 0,
    rejectedCount: 0,
    customersCreated: 0,
    customersMatched: 0,
  };
  const writer = new ChunkWriter(
    db,
    db,
    'per-chunk',
    workspaceId,
    null,
    counters,
    settings,
    opts.asOf,
    'deferred',
  );

  for (let i = 0; i < demo.customers.length; i += CHUNK) {
    const people: (PersonInput & { managerName: string | null })[] = demo.customers
      .slice(i, i + CHUNK)
      .map((c, j) => ({
        line: i + j + 2,
        keys: { external: c.externalId, phone: c.phone, email: c.email, telegram: c.telegram },
        profile: {
          name: c.name,
          birthday: c.birthday,
          gender: c.gender,
          source: c.source,
          preferredChannel: c.preferredChannel,
          tags: c.tags,
        },
        managerName: c.manager,
      }));
    await writer.writeCustomers(people, [], i + CHUNK, people.length);
  }
  for (let i = 0; i < demo.orders.length; i += CHUNK) {
    const orders = demo.orders.slice(i, i + CHUNK).map((o, j) => {
      const [y, mo, d, h, mi] = o.localDateTime.split(/[- :]/).map(Number) as [
        number,
        number,
        number,
        number,
        number,
      ];
      return assembledOrder({
        externalId: o.externalId,
        customer: { externalId: o.customerExternalId },
        at: zonedWallTimeToUtc(y, mo, d, h, mi, 0, DEMO_TIME_ZONE),
        day: o.day,
        status: o.status,
        totalCents: o.amountCents,
        lines: o.lines.map((l) => ({
          item: l.service,
          category: l.category,
          quantity: l.quantity,
          amountCents: l.amountCents,
        })),
        staff: o.staff,
        branch: o.branch,
        position: i + j + 2,
      });
    });
    await writer.writeOrders(orders, [], i + CHUNK, orders.length);
  }
  await recomputeWorkspace(db, workspaceId, opts.asOf, settings);
  // Channels (the `log` provider) and a consent ledger, so a campaign can be sent at once.
  await prepareDemoMessaging(db, workspaceId, opts.asOf);
  // Saved segments as examples for the Segments page and campaign audiences.
  await prepareDemoSegments(db, workspaceId);
  const counts = await workspaceCounts(db, workspaceId);
  return {
    name: demo.name,
    asOf: opts.asOf,
    seed: opts.seed ?? null,
    customersCreated: counters.customersCreated,
    ordersCreated: writer.ordersCreated,
    ...counts,
  };
}
