/**
 * Saved segments: a named rule set (core/segments/rules.ts) over the workspace's customers.
 * Membership is never stored: it is computed from the rules when read, so a segment is
 * always current and a manager reading it sees only their own customers.
 */
import { bigint, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { createdAt, id, workspaceId } from '../columns.ts';

export const savedSegments = pgTable(
  'saved_segments',
  {
    workspaceId: workspaceId(),
    id: id(),
    name: text('name').notNull(),
    description: text('description'),
    /** core/segments/rules.ts RuleSet: { match: 'all' | 'any', conditions: [...] } */
    rules: jsonb('rules').notNull(),
    /** The user who created it (null: an integration key). */
    createdBy: bigint('created_by', { mode: 'number' }),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    uniqueIndex('saved_segments_name_idx').on(t.workspaceId, t.name),
  ],
);
