/** Analytics of PRODUCT.md "Definitions": one import for the app. */
export * from './calendar.ts';
export * from './category-cycle.ts';
export * from './churn.ts';
export * from './cohorts.ts';
export * from './cvm.ts';
export * from './cycle.ts';
export * from './kpis.ts';
export * from './lifecycle.ts';
export * from './ltv.ts';
export * from './purchases.ts';
export * from './recompute.ts';
export * from './rfm.ts';
export * from './targets.ts';
