/**
 * Draw customers from the BG/NBD generative story (for tests, benchmarks and demos):
 * λ ~ Gamma(r, rate α), p ~ Beta(a, b); purchases arrive at Poisson rate λ and after each
 * purchase the customer drops out with probability p. Time 0 is the first purchase.
 */
import type { BgNbdParams, FrequencyRecency } from './bgnbd.ts';
import type { Rng } from './random.ts';
import { randomBeta, randomExponential, randomGamma } from './random.ts';

/** One summary per age in `ages` (T), drawn with `rng`. */
export function simulateBgNbd(params: BgNbdParams, ages: readonly number[], rng: Rng): FrequencyRecency[] {
  const out: FrequencyRecency[] = [];
  for (const T of ages) {
    const lambda = randomGamma(params.r, rng) / params.alpha;
    const p = randomBeta(params.a, params.b, rng);
    let t = 0;
    let x = 0;
    let tx = 0;
    for (;;) {
      t += randomExponential(lambda, rng);
      if (t > T) break;
      x++;
      tx = t;
      if (rng() < p) break;
    }
    out.push({ x, tx, T });
  }
  return out;
}
