/** Moved to core/recommend (next-service recommendations are not a CLV model); kept for old imports. */
export * from '../recommend/co-occurrence.ts';
