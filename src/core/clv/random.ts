/**
 * Seeded pseudo-random numbers for simulations and bootstraps (the core never calls
 * Math.random: the seed is always passed in, so every run is reproducible).
 */

/** A uniform generator on [0, 1). */
export type Rng = () => number;

/** mulberry32: a tiny 32-bit-state generator, good enough for simulation and resampling. */
export function mulberry32(seed: number): Rng {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Uniform on (0, 1): never exactly 0, so logs are safe. */
export function uniformOpen(rng: Rng): number {
  let u = rng();
  while (u === 0) u = rng();
  return u;
}

/** Standard normal (Box–Muller, one of the pair). */
export function randomNormal(rng: Rng): number {
  const u = uniformOpen(rng);
  const v = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Exponential with the given rate. */
export function randomExponential(rate: number, rng: Rng): number {
  return -Math.log(uniformOpen(rng)) / rate;
}

/** Gamma(shape, scale = 1) by Marsaglia & Tsang (2000); shape < 1 via the U^{1/shape} boost. */
export function randomGamma(shape: number, rng: Rng): number {
  if (!(shape > 0)) throw new RangeError('randomGamma: shape must be > 0');
  if (shape < 1) return randomGamma(shape + 1, rng) * uniformOpen(rng) ** (1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = randomNormal(rng);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = uniformOpen(rng);
    if (u < 1 - 0.0331 * x * x * x * x) return d * v;
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** Beta(a, b) as G₁ / (G₁ + G₂). */
export function randomBeta(a: number, b: number, rng: Rng): number {
  const x = randomGamma(a, rng);
  const y = randomGamma(b, rng);
  return x / (x + y);
}
