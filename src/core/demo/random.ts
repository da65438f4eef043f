/**
 * A small seeded pseudo-random generator for the demo data. `Math.random` is never used:
 * every choice is derived from a seed, so the same seed gives byte-identical output on
 * every machine (only 32-bit integer arithmetic and exact double divisions).
 */

/** Mixes a 32-bit integer (splitmix32 finaliser); used to derive independent sub-seeds. */
export function hash32(x: number): number {
  let z = (x + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** A seed for stream `stream` of the master seed `seed` (e.g. one stream per customer). */
export function subSeed(seed: number, stream: number): number {
  return hash32(hash32(seed) ^ Math.imul(stream + 1, 0x27d4eb2d));
}

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [min, max] (both inclusive). */
  int(min: number, max: number): number;
  /** True with probability p. */
  chance(p: number): boolean;
  /** A uniformly chosen element of a non-empty array. */
  pick<T>(items: readonly T[]): T;
  /** An element chosen with the given non-negative weights (same length, positive sum). */
  weighted<T>(items: readonly T[], weights: readonly number[]): T;
  /** Approximately standard normal (Irwin–Hall: sum of 12 uniforms − 6, exact arithmetic, |z| ≤ 6). */
  normal(): number;
  /** exp(N(0, sigma²)): a multiplicative noise factor with median 1. */
  logNormal(sigma: number): number;
}

/** mulberry32: tiny, fast, good enough statistical quality for synthetic data. */
export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const rng: Rng = {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (p) => next() < p,
    pick: (items) => items[Math.floor(next() * items.length)]!,
    weighted: (items, weights) => {
      let total = 0;
      for (const w of weights) total += w;
      let r = next() * total;
      for (let i = 0; i < items.length; i++) {
        r -= weights[i]!;
        if (r < 0) return items[i]!;
      }
      return items[items.length - 1]!;
    },
    normal: () => {
      let sum = 0;
      for (let i = 0; i < 12; i++) sum += next();
      return sum - 6;
    },
    logNormal: (sigma) => Math.exp(sigma * rng.normal()),
  };
  return rng;
}
