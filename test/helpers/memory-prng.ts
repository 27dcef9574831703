/**
 * Seeded PRNG for memory tests (mulberry32: 32-bit state, full period 2^32, good enough for
 * shuffling operation sequences; identical output on every platform).
 */

/** A seeded generator of floats in [0, 1). */
export interface Prng {
  /** Next float in [0, 1). */
  next(): number;
  /** Next integer in [0, n). */
  int(n: number): number;
}

/** mulberry32 seeded with `seed` (any integer). */
export function mulberry32(seed: number): Prng {
  let a = seed | 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n) => Math.floor(next() * n) };
}
