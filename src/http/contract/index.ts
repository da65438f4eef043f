/** The API contract: every request and response schema. The web app imports only from here. */
export * from './common.ts';
export * from './customers.ts';
export * from './imports.ts';
export * from './keys.ts';
export * from './orders.ts';
export * from './reports.ts';
export * from './settings.ts';
