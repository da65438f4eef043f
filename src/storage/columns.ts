/** Column shapes every table file shares (see the invariants in schema.ts). */
import { bigint, numeric, timestamp } from 'drizzle-orm/pg-core';

export const money = (name: string) => numeric(name, { precision: 18, scale: 2 });
export const id = () => bigint('id', { mode: 'number' }).generatedByDefaultAsIdentity();
export const workspaceId = () => bigint('workspace_id', { mode: 'number' }).notNull();
export const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();
