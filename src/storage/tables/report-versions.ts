/**
 * One counter per workspace, bumped by triggers (migration 0008_search.sql: drizzle-kit does
 * not express triggers, keep them there) in the same transaction as every change to what the
 * reports read: orders, order lines, categories, targets, customers' managers. The API caches a
 * computed report under the version it saw (src/app/api/report-cache.ts).
 */
import { bigint, integer, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

export const reportVersions = pgTable('report_versions', {
  workspaceId: bigint('workspace_id', { mode: 'number' }).primaryKey(),
  version: bigint('version', { mode: 'number' }).notNull().default(0),
});

/**
 * Computed reports kept across restarts (src/app/api/report-cache.ts keeps them in memory
 * too): at 1M customers a dashboard report costs seconds, and without this the first visit
 * after every start or deploy would pay it. `key_hash` is the SHA-256 of the report's full
 * key (period, as-of day, settings, scope); `body` is its JSON, valid while `version` equals
 * the workspace's report version.
 */
export const reportCache = pgTable(
  'report_cache',
  {
    workspaceId: bigint('workspace_id', { mode: 'number' }).notNull(),
    keyHash: text('key_hash').notNull(),
    version: bigint('version', { mode: 'number' }).notNull(),
    body: text('body').notNull(),
    costMs: integer('cost_ms').notNull(),
    computedAt: timestamp('computed_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.keyHash] })],
);

/**
 * One counter per workspace moved by every committed write to its customers (migration
 * 0010_customer_versions.sql): the segment counts read the customers' stored aggregates and are
 * kept under it like a report. Apart from report_versions, and bumped by a deferred trigger at
 * commit, because a transaction that writes orders holds report_versions from its first order
 * on and customer rows after it, while a profile edit holds its customer row first: sharing that
 * row in the middle of both would deadlock them. At commit the bump is the last lock taken.
 */
export const customerVersions = pgTable('customer_versions', {
  workspaceId: bigint('workspace_id', { mode: 'number' }).primaryKey(),
  version: bigint('version', { mode: 'number' }).notNull().default(0),
});
