/**
 * One counter per workspace, bumped by triggers (migration 0008_search.sql: drizzle-kit does
 * not express triggers, keep them there) in the same transaction as every change to what the
 * reports read: orders, order lines, categories, targets, customers' managers. The API caches a
 * computed report under the version it saw (src/app/api/report-cache.ts).
 */
import { bigint, pgTable } from 'drizzle-orm/pg-core';

export const reportVersions = pgTable('report_versions', {
  workspaceId: bigint('workspace_id', { mode: 'number' }).primaryKey(),
  version: bigint('version', { mode: 'number' }).notNull().default(0),
});
