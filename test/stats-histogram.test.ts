import { describe, expect, it } from 'vitest';
import { LogHistogram } from '../src/stats/histogram.js';

/** mulberry32: small seeded PRNG, uniform in [0, 1). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Exact nearest-rank quantile of sorted data (rank computed in integers). */
function exactQuantile(sorted: Float64Array, q: number, qNumerator: number, qDenominator: number): number {
  if (q <= 0) return sorted[0]!;
  if (q >= 1) return sorted[sorted.length - 1]!;
  const rank = Math.max(1, Math.ceil((qNumerator * sorted.length) / qDenominator));
  return sorted[rank - 1]!;
}

const QUANTILES: Array<[number, number, number]> = [
  [0, 0, 1],
  [0.01, 1, 100],
  [0.1, 1, 10],
  [0.25, 1, 4],
  [0.5, 1, 2],
  [0.75, 3, 4],
  [0.9, 9, 10],
  [0.99, 99, 100],
  [0.999, 999, 1000],
  [0.9999, 9999, 10000],
  [1, 1, 1],
];

const LOW_NS = 100;
const HIGH_NS = 1e10;

/** Distributions over [100 ns, 10 s], each a function of a uniform draw. */
const DISTRIBUTIONS: Record<string, (u: () => number) => number> = {
  'log-uniform 100ns..10s': (u) => LOW_NS * (HIGH_NS / LOW_NS) ** u(),
  'uniform 100ns..10s': (u) => LOW_NS + u() * (HIGH_NS - LOW_NS),
  'exponential, mean 50us': (u) => Math.min(HIGH_NS, LOW_NS - 50_000 * Math.log(1 - u())),
  'integer ns 100..5000': (u) => LOW_NS + Math.floor(u() * 4900),
  'bimodal 1us / 2ms (lateness-like)': (u) => (u() < 0.97 ? 1000 + u() * 500 : 2_000_000 + u() * 3_000_000),
  'pareto heavy tail': (u) => Math.min(HIGH_NS, LOW_NS / (1 - u()) ** 1.5),
};

describe('LogHistogram accuracy', () => {
  for (const [name, draw] of Object.entries(DISTRIBUTIONS)) {
    it(`≤ 1 % relative error at every quantile: ${name}`, () => {
      const u = prng(0xc0ffee + name.length);
      const n = 50_000;
      const values = new Float64Array(n);
      const h = new LogHistogram();
      let sum = 0;
      for (let i = 0; i < n; i++) {
        const v = draw(u);
        values[i] = v;
        sum += v;
        h.record(v);
      }
      const sorted = values.slice().sort();
      for (const [q, num, den] of QUANTILES) {
        const exact = exactQuantile(sorted, q, num, den);
        const got = h.valueAtQuantile(q);
        const relativeError = Math.abs(got - exact) / exact;
        expect(relativeError, `q=${q}: got ${got}, exact ${exact}`).toBeLessThanOrEqual(0.01);
      }
      expect(h.count).toBe(n);
      expect(h.minNs).toBe(sorted[0]);
      expect(h.maxNs).toBe(sorted[n - 1]);
      expect(h.meanNs).toBeCloseTo(sum / n, 6);
      expect(h.saturated).toBe(0);
    });
  }

  it('≤ 1 % at single values across the whole range 100 ns .. 10 s', () => {
    for (let v = LOW_NS; v <= HIGH_NS; v *= 1.0137) {
      const h = new LogHistogram();
      // min/max clamp would hide the bucket error for a lone value: add a wider pair
      h.record(0);
      h.record(v);
      h.record(v);
      h.record(HIGH_NS * 2);
      const got = h.valueAtQuantile(0.5);
      expect(Math.abs(got - v) / v, `value ${v}: got ${got}`).toBeLessThanOrEqual(0.01);
    }
  });

  it('buckets continuously across 2^32 ns (integer fast path → float path)', () => {
    const h = new LogHistogram();
    for (const v of [2 ** 32 - 2 ** 25, 2 ** 32 - 1, 2 ** 32, 2 ** 32 + 2 ** 25]) h.record(v);
    const b = h.buckets();
    expect(b.map((x) => x[2])).toEqual([1, 1, 1, 1]);
    expect(b[1]![1]).toBe(2 ** 32); // the last integer-path bucket ends where the next begins
    expect(b[2]![0]).toBe(2 ** 32);
    for (const [low, high] of b) expect(high - low).toBe(low < 2 ** 32 ? 2 ** 24 : 2 ** 25);
  });

  it('is exact for integers below 256 ns', () => {
    const h = new LogHistogram();
    for (let v = 0; v < 256; v++) h.record(v);
    for (let v = 1; v <= 256; v++) expect(h.valueAtQuantile(v / 256)).toBe(v - 1);
  });

  it('uses the nearest rank even where q·n rounds up in binary (0.07 × 100)', () => {
    const h = new LogHistogram();
    for (let v = 1; v <= 100; v++) h.record(v);
    expect(0.07 * 100).toBeGreaterThan(7); // the binary-rounding trap
    expect(h.valueAtQuantile(0.07)).toBe(7);
    expect(h.valueAtQuantile(0.5)).toBe(50);
    expect(h.valueAtQuantile(0.99)).toBe(99);
    expect(h.valueAtQuantile(0.001)).toBe(1);
  });
});

describe('LogHistogram bookkeeping', () => {
  it('is all zeros when empty', () => {
    const h = new LogHistogram();
    expect([h.count, h.minNs, h.maxNs, h.meanNs, h.saturated, h.valueAtQuantile(0.5)]).toEqual([
      0, 0, 0, 0, 0, 0,
    ]);
    expect(h.buckets()).toEqual([]);
  });

  it('keeps min, max and mean exact for fractional values', () => {
    const h = new LogHistogram();
    for (const v of [123.25, 5e6 + 0.5, 999.75]) h.record(v);
    expect(h.minNs).toBe(123.25);
    expect(h.maxNs).toBe(5e6 + 0.5);
    expect(h.meanNs).toBe((123.25 + 5e6 + 0.5 + 999.75) / 3);
  });

  it('counts negative values as 0', () => {
    const h = new LogHistogram();
    h.record(-5);
    h.record(10);
    expect(h.minNs).toBe(0);
    expect(h.meanNs).toBe(5);
    expect(h.valueAtQuantile(0.5)).toBe(0);
  });

  it('saturates above highestNs, keeping the exact max', () => {
    const h = new LogHistogram({ highestNs: 1e6 });
    h.record(500);
    h.record(5e6);
    h.record(7e9);
    expect(h.saturated).toBe(2);
    expect(h.count).toBe(3);
    expect(h.maxNs).toBe(7e9);
    const top = h.buckets().at(-1)!;
    expect(top[0]).toBeLessThanOrEqual(1e6);
    expect(top[1]).toBeGreaterThan(1e6);
    expect(top[2]).toBe(2);
    // quantiles in the saturated bucket report ~highestNs, never more than the max
    expect(h.valueAtQuantile(0.9)).toBeGreaterThan(0.99e6);
    expect(h.valueAtQuantile(0.9)).toBeLessThanOrEqual(1.01e6);
    expect(h.valueAtQuantile(1)).toBe(7e9);
  });

  it('puts every value into the bucket that contains it, across the 2^32 and 2^53 boundaries', () => {
    // 2^32 ns (~4.3 s) switches indexOf from 32-bit integer ops to a split into halves,
    // 2^53 to Math.log2; bucket edges must stay exact on both sides of each switch.
    const h = new LogHistogram({ highestNs: 2 ** 60 });
    const values: number[] = [];
    for (const k of [31, 32, 33, 40, 52, 53, 54, 59]) {
      const p = 2 ** k;
      values.push(p - 2 ** Math.max(0, k - 53), p, p + 2 ** Math.max(0, k - 52), p * 1.5, p * 1.999);
    }
    for (const v of values) {
      h.reset();
      h.record(v);
      const [[low, high, count]] = h.buckets() as [[number, number, number]];
      expect(count).toBe(1);
      expect(low).toBeLessThanOrEqual(v);
      expect(high).toBeGreaterThan(v);
      expect((high - low) / low).toBeLessThanOrEqual(1 / 128);
    }
  });

  it('rejects a highestNs below 256 or not finite', () => {
    expect(() => new LogHistogram({ highestNs: 100 })).toThrow(
      /highestNs must be a finite number >= 256, got 100/,
    );
    expect(() => new LogHistogram({ highestNs: Number.POSITIVE_INFINITY })).toThrow(RangeError);
  });

  it('add() merges counts, extremes, sums and saturation', () => {
    const a = new LogHistogram({ highestNs: 1e6 });
    const b = new LogHistogram({ highestNs: 1e6 });
    const all = new LogHistogram({ highestNs: 1e6 });
    const u = prng(7);
    for (let i = 0; i < 1000; i++) {
      const v = u() * 2e6;
      (i % 3 === 0 ? a : b).record(v);
      all.record(v);
    }
    a.add(b);
    expect(a.count).toBe(all.count);
    expect(a.minNs).toBe(all.minNs);
    expect(a.maxNs).toBe(all.maxNs);
    expect(a.meanNs).toBeCloseTo(all.meanNs, 6);
    expect(a.saturated).toBe(all.saturated);
    expect(a.buckets()).toEqual(all.buckets());
    for (const q of [0.1, 0.5, 0.99]) expect(a.valueAtQuantile(q)).toBe(all.valueAtQuantile(q));
  });

  it('add() of an empty histogram changes nothing; into an empty one copies', () => {
    const a = new LogHistogram();
    a.record(42);
    a.add(new LogHistogram());
    expect([a.count, a.minNs, a.maxNs]).toEqual([1, 42, 42]);
    const empty = new LogHistogram();
    empty.add(a);
    expect([empty.count, empty.minNs, empty.maxNs, empty.meanNs]).toEqual([1, 42, 42, 42]);
  });

  it('add() refuses a different layout', () => {
    expect(() => new LogHistogram().add(new LogHistogram({ highestNs: 1e6 }))).toThrow(
      'LogHistogram.add: different layouts',
    );
  });

  it('reset() forgets everything', () => {
    const h = new LogHistogram({ highestNs: 1e6 });
    h.record(5);
    h.record(5e7);
    h.reset();
    expect([h.count, h.minNs, h.maxNs, h.meanNs, h.saturated]).toEqual([0, 0, 0, 0, 0]);
    expect(h.buckets()).toEqual([]);
    h.record(300);
    expect([h.count, h.minNs, h.maxNs]).toEqual([1, 300, 300]);
  });

  it('buckets() tile the range without gaps', () => {
    const h = new LogHistogram({ highestNs: 1e5 });
    for (let v = 0; v <= 1e5; v += 7) h.record(v);
    const b = h.buckets();
    for (let i = 1; i < b.length; i++) {
      expect(b[i]![0]).toBeGreaterThanOrEqual(b[i - 1]![1]);
      expect(b[i]![1] - b[i]![0]).toBeLessThanOrEqual(b[i]![0] / 128 + 1);
    }
    expect(b.reduce((s, x) => s + x[2], 0)).toBe(h.count);
  });
});
