/**
 * ExecSamples (src/stats/exec-samples.ts): the per-task pWCET buffers hold exactly what
 * they promise, compared with a naive computation over the whole recorded series.
 */
import { describe, expect, it } from 'vitest';
import { seededUniform } from '../src/pwcet/synthetic.js';
import { lag1Autocorrelation } from '../src/pwcet/tests.js';
import { ExecSamples } from '../src/stats/exec-samples.js';

function series(n: number, seed: number): number[] {
  const u = seededUniform(seed);
  return Array.from({ length: n }, () => Math.round(10_000 + 5_000 * -Math.log(u())));
}

function naiveBlockMaxima(values: readonly number[], blockSize: number): number[] {
  const out: number[] = [];
  for (let b = 0; (b + 1) * blockSize <= values.length; b++) {
    out.push(Math.max(...values.slice(b * blockSize, (b + 1) * blockSize)));
  }
  return out;
}

describe('ExecSamples', () => {
  it('keeps the maximum of every complete block of blockSize values, in order (partial block left out)', () => {
    const values = series(1_050, 1);
    const s = new ExecSamples({ blockSize: 100 });
    for (const v of values) s.record(v);
    const snap = s.snapshot();
    expect(snap.count).toBe(1_050);
    expect(snap.blockSize).toBe(100);
    expect(snap.blockMaxima).toEqual(naiveBlockMaxima(values, 100));
  });

  it('merges neighbouring maxima and doubles the block size when the buffer fills', () => {
    const values = series(10_000, 2);
    const s = new ExecSamples({ blockSize: 10, blockCapacity: 16 });
    for (const v of values) s.record(v);
    const snap = s.snapshot();
    // Merges after 160, 320, 640, …, 5120 values: block size 10 → 20 → … → 640, and the
    // buffer then holds floor(10 000 / 640) = 15 maxima of 640.
    expect(snap.blockSize).toBe(640);
    expect(snap.blockMaxima).toEqual(naiveBlockMaxima(values, 640));
    expect(snap.blockMaxima).toHaveLength(15);
  });

  it('keeps the K largest values exactly, descending', () => {
    const values = series(20_000, 3);
    const s = new ExecSamples({ tailSize: 300 });
    for (const v of values) s.record(v);
    const top = [...values].sort((a, b) => b - a).slice(0, 300);
    expect(s.snapshot().tail).toEqual(top);
  });

  it('keeps the most recent values in time order', () => {
    const values = series(5_003, 4);
    const s = new ExecSamples({ windowSize: 64 });
    for (const v of values) s.record(v);
    expect(s.snapshot().recent).toEqual(values.slice(-64));
    const few = new ExecSamples({ windowSize: 64 });
    for (const v of values.slice(0, 10)) few.record(v);
    expect(few.snapshot().recent).toEqual(values.slice(0, 10));
  });

  it('computes the lag-1 autocorrelation of every value online (matches the direct formula)', () => {
    const u = seededUniform(5);
    const values: number[] = [];
    let prev = 0;
    for (let i = 0; i < 50_000; i++) {
      prev = 0.6 * prev + (u() - 0.5) * 1000; // AR(1), φ = 0.6
      values.push(Math.round(1_000_000 + prev));
    }
    const s = new ExecSamples();
    for (const v of values) s.record(v);
    const direct = lag1Autocorrelation(values);
    expect(s.snapshot().lag1).toBeCloseTo(direct, 9);
    expect(direct).toBeGreaterThan(0.55);
    expect(direct).toBeLessThan(0.65);
  });

  it('draws a uniform reservoir (Algorithm L): values from the whole run, seeded and reproducible', () => {
    const n = 200_000;
    const s = new ExecSamples({ reservoirSize: 2_000, seed: 42 });
    for (let i = 0; i < n; i++) s.record(i); // value = position in the run
    const res = s.snapshot().reservoir;
    expect(res).toHaveLength(2_000);
    expect(new Set(res).size).toBe(2_000);
    // Positions uniform over the run: 10 equal bins of 200 each; for a uniform draw each bin
    // count is ~Binomial(2000, 0.1): sd ≈ 13.4, so ±60 is > 4 sd.
    const bins = new Array(10).fill(0);
    for (const v of res) bins[Math.floor((v * 10) / n)]++;
    for (const c of bins) expect(Math.abs(c - 200)).toBeLessThan(60);
    const again = new ExecSamples({ reservoirSize: 2_000, seed: 42 });
    for (let i = 0; i < n; i++) again.record(i);
    expect(again.snapshot().reservoir).toEqual(res);
  });

  it('holds every value while fewer than the reservoir size were recorded', () => {
    const s = new ExecSamples({ reservoirSize: 100 });
    for (let i = 0; i < 40; i++) s.record(i * 3);
    expect(s.snapshot().reservoir).toEqual(Array.from({ length: 40 }, (_, i) => i * 3));
  });

  it('reset forgets everything and starts again at the initial block size', () => {
    const s = new ExecSamples({ blockSize: 5, blockCapacity: 4 });
    for (let i = 0; i < 1000; i++) s.record(i);
    expect(s.blockSize).toBeGreaterThan(5);
    s.reset();
    expect(s.count).toBe(0);
    expect(s.blockSize).toBe(5);
    expect(s.snapshot()).toEqual({
      count: 0,
      blockSize: 5,
      blockMaxima: [],
      reservoir: [],
      tail: [],
      recent: [],
      lag1: 0,
    });
  });

  it('rejects invalid sizes with a RangeError naming the option', () => {
    expect(() => new ExecSamples({ blockSize: 0 })).toThrow(
      'ExecSamples: blockSize must be an integer in 1..16777216, got 0',
    );
    expect(() => new ExecSamples({ blockCapacity: 7 })).toThrow(
      'ExecSamples: blockCapacity must be even, got 7',
    );
    expect(() => new ExecSamples({ tailSize: 1.5 })).toThrow(
      'ExecSamples: tailSize must be an integer in 1..16777216, got 1.5',
    );
  });
});
