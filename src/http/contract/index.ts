/** The API contract: every request and response schema. The web app imports only from here. */

export * from './audit.ts';
export * from './common.ts';
export * from './customers.ts';
export * from './imports.ts';
export * from './keys.ts';
export * from './notes.ts';
export * from './orders.ts';
export * from './predictions.ts';
export * from './reports.ts';
export * from './saved-segments.ts';
export * from './settings.ts';
export * from './users.ts';
export * from './webhooks.ts';
