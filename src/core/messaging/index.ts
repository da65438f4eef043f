/** Messaging decisions of PRODUCT.md C7: consent, contact budget, routing, SMS length. */
export * from './budget.ts';
export * from './channel.ts';
export * from './consent.ts';
export * from './routing.ts';
export * from './sms.ts';
