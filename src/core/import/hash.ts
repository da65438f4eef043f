/**
 * A 64-bit content hash in pure JS: two 32-bit passes over the fields (FNV-1a, and a
 * Murmur3-style multiply/rotate with its own seed), each finished with the Murmur3
 * avalanche. Streaming over fields (no joined string is built). Not cryptographic.
 */

export interface Hash64 {
  /** 16 hex digits. */
  hex: string;
  /** The two 32-bit halves (unsigned). */
  hi: number;
  lo: number;
}

const FNV_PRIME = 0x01000193;
const C1 = 0xcc9e2d51 | 0;
const C2 = 0x1b873593;
const C3 = 0xe6546b64 | 0;

function murmurStep(h: number, c: number): number {
  let k = Math.imul(c, C1);
  k = (k << 15) | (k >>> 17);
  let x = h ^ Math.imul(k, C2);
  x = (x << 13) | (x >>> 19);
  return (Math.imul(x, 5) + C3) | 0;
}

/**
 * Hash of a list of string fields (null and '' differ; field boundaries count) followed
 * by a list of finite numbers (integers up to 2^53 exactly). State stays in locals: no
 * allocation but the result.
 */
export function hashFields(strings: readonly (string | null)[], numbers: readonly number[]): Hash64 {
  let h1 = 0x811c9dc5 | 0;
  let h2 = 0x9747b28c | 0;
  let n = 0;
  for (let f = 0; f < strings.length; f++) {
    const s = strings[f];
    if (s === null || s === undefined) {
      h1 = Math.imul(h1 ^ 0xfffe, FNV_PRIME);
      h2 = murmurStep(h2, 0xfffe);
    } else {
      for (let i = 0; i < s.length; i++) {
        const c = s.charCodeAt(i);
        h1 = Math.imul(h1 ^ c, FNV_PRIME);
        h2 = murmurStep(h2, c);
      }
      h1 = Math.imul(h1 ^ 0xffff, FNV_PRIME);
      h2 = murmurStep(h2, 0xffff);
      n += s.length;
    }
    n++;
  }
  for (let f = 0; f < numbers.length; f++) {
    const v = numbers[f]!;
    const hi = Math.floor(v / 4294967296);
    const lo = (v - hi * 4294967296) | 0;
    h1 = Math.imul(Math.imul(h1 ^ lo, FNV_PRIME) ^ (hi | 0), FNV_PRIME);
    h2 = murmurStep(murmurStep(h2, lo), hi | 0);
    n += 2;
  }
  const a = fmix(h1 ^ n);
  const b = fmix(h2 ^ n);
  return { hex: hex8(a) + hex8(b), hi: a, lo: b };
}

function fmix(h: number): number {
  let x = h;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

const BYTE_HEX: string[] = [];
for (let i = 0; i < 256; i++) BYTE_HEX.push((i < 16 ? '0' : '') + i.toString(16));
function hex8(x: number): string {
  return BYTE_HEX[x >>> 24]! + BYTE_HEX[(x >>> 16) & 255]! + BYTE_HEX[(x >>> 8) & 255]! + BYTE_HEX[x & 255]!;
}

/** The hash of one string. */
export function hash64(s: string): Hash64 {
  return hashFields([s], []);
}

/**
 * A set of 64-bit hashes in one typed array of (hi, lo) pairs (open addressing, linear
 * probing, at most half full): 8–16 bytes per entry, one cache line per lookup.
 */
export class HashSet64 {
  private slots = new Int32Array(2048);
  private count = 0;
  /** The all-zero hash cannot mark a free slot, so it is tracked apart. */
  private hasZero = false;

  get size(): number {
    return this.count + (this.hasZero ? 1 : 0);
  }

  /** Add; returns false when the hash was already there. */
  add(hi: number, lo: number): boolean {
    const h = hi | 0;
    const l = lo | 0;
    if (h === 0 && l === 0) {
      if (this.hasZero) return false;
      this.hasZero = true;
      return true;
    }
    if (this.count * 4 >= this.slots.length) this.grow();
    const slots = this.slots;
    const mask = (slots.length >>> 1) - 1;
    let i = (l ^ Math.imul(h, 0x9e3779b1 | 0)) & mask;
    for (;;) {
      const sh = slots[2 * i]!;
      const sl = slots[2 * i + 1]!;
      if (sh === 0 && sl === 0) break;
      if (sh === h && sl === l) return false;
      i = (i + 1) & mask;
    }
    slots[2 * i] = h;
    slots[2 * i + 1] = l;
    this.count++;
    return true;
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Int32Array(old.length * 2);
    this.count = 0;
    for (let i = 0; i < old.length; i += 2) {
      if (old[i] !== 0 || old[i + 1] !== 0) this.add(old[i]!, old[i + 1]!);
    }
  }
}
