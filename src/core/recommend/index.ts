/** Next-service recommendations: item/category co-occurrence with lift, and their offline evaluation. */
export * from './co-occurrence.ts';
