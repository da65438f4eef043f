import { describe, expect, it } from 'vitest';
import { surnameFor, transliterate } from '../../../src/core/demo/names.ts';
import { createRng, subSeed } from '../../../src/core/demo/random.ts';

describe('createRng', () => {
  it('repeats the same sequence for the same seed and differs for another', () => {
    const a = createRng(42);
    const b = createRng(42);
    const c = createRng(43);
    const xs = Array.from({ length: 50 }, () => a.next());
    expect(Array.from({ length: 50 }, () => b.next())).toEqual(xs);
    expect(Array.from({ length: 50 }, () => c.next())).not.toEqual(xs);
    for (const x of xs) expect(x >= 0 && x < 1).toBe(true);
  });

  it('draws integers within bounds, roughly uniformly', () => {
    const rng = createRng(1);
    const counts = [0, 0, 0, 0, 0, 0];
    for (let i = 0; i < 6000; i++) {
      const k = rng.int(0, 5);
      expect(k >= 0 && k <= 5).toBe(true);
      counts[k]!++;
    }
    for (const n of counts) expect(Math.abs(n - 1000)).toBeLessThan(150);
  });

  it('honours weights and gives a normal deviate with mean ≈ 0 and sd ≈ 1', () => {
    const rng = createRng(9);
    let heavy = 0;
    for (let i = 0; i < 4000; i++) if (rng.weighted(['a', 'b'], [3, 1]) === 'a') heavy++;
    expect(heavy / 4000).toBeGreaterThan(0.7);
    expect(heavy / 4000).toBeLessThan(0.8);
    let sum = 0;
    let squares = 0;
    for (let i = 0; i < 4000; i++) {
      const z = rng.normal();
      sum += z;
      squares += z * z;
    }
    expect(Math.abs(sum / 4000)).toBeLessThan(0.06);
    expect(Math.abs(Math.sqrt(squares / 4000) - 1)).toBeLessThan(0.06);
  });

  it('derives distinct sub-seeds', () => {
    const seeds = new Set(Array.from({ length: 1000 }, (_, i) => subSeed(5, i)));
    expect(seeds.size).toBe(1000);
  });
});

describe('names', () => {
  it('makes gender-consistent surnames and Latin transliterations', () => {
    expect(surnameFor('Иванов', 'female')).toBe('Иванова');
    expect(surnameFor('Островский', 'female')).toBe('Островская');
    expect(surnameFor('Толстой', 'female')).toBe('Толстая');
    expect(surnameFor('Шевченко', 'female')).toBe('Шевченко');
    expect(surnameFor('Соловьёв', 'male')).toBe('Соловьёв');
    expect(transliterate('Алёна Соловьёва')).toBe('alena soloveva'); // ICAO (passport) rules
    expect(transliterate('Щербаков Юрий')).toBe('shcherbakov yuriy');
  });
});
