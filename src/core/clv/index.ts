/** Predictive customer analytics (C14): BG/NBD, Gamma-Gamma, CLV, cross-sell. */
export * from './bgnbd.ts';
export * from './clv.ts';
export * from './gammagamma.ts';
export * from './random.ts';
export * from './recommend.ts';
export * from './simulate.ts';
export * from './special.ts';
export * from './summary.ts';
