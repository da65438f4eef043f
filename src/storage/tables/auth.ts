/**
 * Sign-in (better-auth, e-mail + password), workspace membership and the audit log.
 *
 * EXCEPTION to the workspace_id rule: `users`, `sessions`, `accounts`, `verifications` and
 * `instance_secrets` are instance-level. A person signs in once and may belong to several
 * workspaces, so their identity cannot live inside one; these tables are small and would be a
 * Citus reference table, not a distributed one. Everything a person may DO is decided by
 * `workspace_members`, which follows the rule (workspace_id leads its key).
 *
 * The four better-auth tables keep better-auth's field names (the Drizzle adapter maps by the
 * property names below) with numeric ids (`advanced.database.generateId: "serial"`).
 */
import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
} from 'drizzle-orm/pg-core';
import { createdAt, id, workspaceId } from '../columns.ts';

const ts = (name: string) => timestamp(name, { withTimezone: true });

export const users = pgTable('users', {
  id: id().primaryKey(),
  name: text('name').notNull(),
  /** Lower-cased by better-auth before it is stored. */
  email: text('email').notNull().unique(),
  emailVerified: boolean('email_verified').notNull().default(false),
  image: text('image'),
  createdAt: ts('created_at').notNull().defaultNow(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

/** One row per signed-in browser; the cookie carries `token` (signed). */
export const sessions = pgTable(
  'sessions',
  {
    id: id().primaryKey(),
    token: text('token').notNull().unique(),
    userId: bigint('user_id', { mode: 'number' })
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    expiresAt: ts('expires_at').notNull(),
    ipAddress: text('ip_address'),
    userAgent: text('user_agent'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [index('sessions_user_idx').on(t.userId)],
);

/** Credentials: for e-mail + password, provider_id = 'credential' and `password` is the scrypt hash. */
export const accounts = pgTable(
  'accounts',
  {
    id: id().primaryKey(),
    accountId: text('account_id').notNull(),
    providerId: text('provider_id').notNull(),
    userId: bigint('user_id', { mode: 'number' })
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    accessToken: text('access_token'),
    refreshToken: text('refresh_token'),
    idToken: text('id_token'),
    accessTokenExpiresAt: ts('access_token_expires_at'),
    refreshTokenExpiresAt: ts('refresh_token_expires_at'),
    scope: text('scope'),
    password: text('password'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [index('accounts_user_idx').on(t.userId)],
);

export const verifications = pgTable(
  'verifications',
  {
    id: id().primaryKey(),
    identifier: text('identifier').notNull(),
    value: text('value').notNull(),
    expiresAt: ts('expires_at').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [index('verifications_identifier_idx').on(t.identifier)],
);

/**
 * Random secrets the instance creates once and every process shares (e.g. the key that signs
 * session cookies), so PostgreSQL deployments with several processes agree without configuration.
 */
export const instanceSecrets = pgTable('instance_secrets', {
  name: text('name').primaryKey(),
  value: text('value').notNull(),
  createdAt: createdAt(),
});

/**
 * Who may work in a workspace and as what: owner | marketer | manager | viewer. A manager sees
 * only the customers of `staff_id` (customers.manager_id).
 */
export const workspaceMembers = pgTable(
  'workspace_members',
  {
    workspaceId: workspaceId(),
    userId: bigint('user_id', { mode: 'number' })
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    role: text('role').notNull(),
    staffId: bigint('staff_id', { mode: 'number' }),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.userId] }),
    // The one index not led by workspace_id: at sign-in we look up a user's workspaces.
    index('workspace_members_user_idx').on(t.userId, t.workspaceId),
  ],
);

/**
 * Who changed what: one row per successful change through the API and per sign-in/out.
 * `action` is the OpenAPI operation ("PATCH /api/customers/{id}") or an event name
 * ("auth.sign_in"); `changes` holds the request's fields with secrets redacted.
 */
export const auditLog = pgTable(
  'audit_log',
  {
    workspaceId: workspaceId(),
    id: id(),
    at: ts('at').notNull().defaultNow(),
    actorUserId: bigint('actor_user_id', { mode: 'number' }),
    actorKeyId: bigint('actor_key_id', { mode: 'number' }),
    /** The user's e-mail or the key's name, as it was at the time. */
    actorLabel: text('actor_label').notNull(),
    action: text('action').notNull(),
    entityId: text('entity_id'),
    /** The HTTP status of the change (2xx), or null for an event. */
    status: integer('status'),
    changes: jsonb('changes').notNull().default(sql`'{}'::jsonb`),
    ipAddress: text('ip_address'),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    index('audit_log_action_idx').on(t.workspaceId, t.action, t.id),
    index('audit_log_actor_idx').on(t.workspaceId, t.actorUserId, t.id),
  ],
);
