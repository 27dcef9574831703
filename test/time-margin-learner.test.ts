/**
 * The learning rule of the adaptive spin margin, with exact values: oversleeps are fed in
 * (no clock), and the margins that come out are the documented quantile, bounds, spin-share
 * cap, warm-up floor and window.
 */
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_MARGIN_HALF_WINDOW,
  DEFAULT_MARGIN_QUANTILE,
  DEFAULT_MAX_MARGIN_NS,
  DEFAULT_MAX_SPIN_SHARE,
  DEFAULT_MIN_MARGIN_NS,
  IO_MARGIN_NS,
  IO_WAIT_NS,
  MARGIN_CLASS_COUNT,
  MarginLearner,
  MS_LAST_MARGIN_NS,
  MS_MARGIN_NS,
  MS_QUANTILE_NS,
  MS_SAMPLES,
  MS_SIZE,
  MS_WAIT_FROM_NS,
  marginInternals,
} from '../src/time/margin-learner.js';

const { classOf, bucketOf, bucketLowNs, bucketUpperNs, BUCKETS } = marginInternals;

/** A 1 ms-ish wait: class [512, 1024) µs. */
const WAIT_1MS = 900_000;
/** A 10 ms-ish wait: class [8192, 16384) µs. */
const WAIT_10MS = 9_500_000;

function feed(learner: MarginLearner, waitNs: number, oversleepNs: number, n: number): void {
  for (let i = 0; i < n; i++) learner.record(waitNs, oversleepNs);
}

describe('margin learner layout', () => {
  it('classes are octaves of the wait in µs', () => {
    expect(classOf(0)).toBe(0);
    expect(classOf(1999)).toBe(0);
    expect(classOf(2000)).toBe(1);
    expect(classOf(WAIT_1MS)).toBe(9);
    expect(classOf(1_024_000)).toBe(10);
    expect(classOf(WAIT_10MS)).toBe(13);
    expect(classOf(100_000_000)).toBe(16);
    expect(classOf(3600e9)).toBe(MARGIN_CLASS_COUNT - 1);
    expect(classOf(Number.NaN)).toBe(0);
    expect(classOf(-5)).toBe(0);
  });

  it('buckets are whole µs below 16 µs, then 8 per power of two; the upper bound covers the bucket', () => {
    expect(BUCKETS).toBe(144);
    expect([0, -3, Number.NaN, 1, 999, 1000, 1001, 15_000].map(bucketOf)).toEqual([0, 0, 0, 1, 1, 1, 2, 15]);
    expect(bucketUpperNs(15)).toBe(15_000);
    // 16 and 17 µs share a bucket; 100 µs lies in [96, 103] µs; 400 µs in [384, 415] µs
    expect(bucketOf(16_000)).toBe(bucketOf(17_000));
    expect(bucketUpperNs(bucketOf(16_000))).toBe(17_000);
    expect(bucketUpperNs(bucketOf(100_000))).toBe(103_000);
    expect(bucketUpperNs(bucketOf(400_000))).toBe(415_000);
    expect([0, 1, 15, bucketOf(16_000), bucketOf(100_000)].map(bucketLowNs)).toEqual([
      0, 0, 14_000, 15_000, 95_000,
    ]);
    expect(bucketUpperNs(bucketOf(10e9))).toBe(1_048_575_000); // clamped to the last bucket
    expect(bucketOf(10e9)).toBe(BUCKETS - 1);
    // every µs value up to 2^20 lies at or below its bucket's upper bound, within 12.5 %
    for (let us = 0; us < 1 << 20; us += 37) {
      const upper = bucketUpperNs(bucketOf(us * 1000));
      expect(upper).toBeGreaterThanOrEqual(us * 1000);
      expect(upper).toBeLessThanOrEqual(Math.max(us * 1000 * 1.125, us * 1000 + 1000));
    }
  });
});

describe('margin learner rule', () => {
  it('has the documented defaults; a class without samples gets the initial margin, at most 0.5 % of the wait', () => {
    const l = new MarginLearner();
    expect([
      l.quantile,
      l.minMarginNs,
      l.maxMarginNs,
      l.maxSpinShare,
      l.initialMarginNs,
      l.halfWindow,
    ]).toEqual([
      DEFAULT_MARGIN_QUANTILE,
      DEFAULT_MIN_MARGIN_NS,
      DEFAULT_MAX_MARGIN_NS,
      DEFAULT_MAX_SPIN_SHARE,
      100_000,
      DEFAULT_MARGIN_HALF_WINDOW,
    ]);
    expect([
      DEFAULT_MARGIN_QUANTILE,
      DEFAULT_MIN_MARGIN_NS,
      DEFAULT_MAX_MARGIN_NS,
      DEFAULT_MAX_SPIN_SHARE,
    ]).toEqual([0.99, 10_000, 1_000_000, 0.005]);
    expect(l.marginNsFor(WAIT_10MS)).toBe(47_500); // 0.5 % of 9.5 ms, below the initial 100 µs
    expect(l.marginNsFor(100_000_000)).toBe(100_000); // the initial margin
    expect(l.marginNsFor(WAIT_1MS)).toBe(10_000); // 0.5 % of 0.9 ms is 4.5 µs: the 10 µs minimum
    expect(l.lastMarginNs).toBe(0);
  });

  it('covers the nearest-rank p99 of the oversleep (bucket upper bound)', () => {
    const l = new MarginLearner({ maxSpinShare: 1 });
    feed(l, WAIT_1MS, 20_000, 98);
    feed(l, WAIT_1MS, 400_000, 2);
    expect(l.marginNsFor(WAIT_1MS)).toBe(415_000); // rank 99 of 100 is a 400 µs sample
    const m = new MarginLearner({ maxSpinShare: 1 });
    feed(m, WAIT_1MS, 20_000, 99);
    feed(m, WAIT_1MS, 400_000, 1);
    expect(m.marginNsFor(WAIT_1MS)).toBe(21_000); // rank 99 is a 20 µs sample: one wake in 100 stays late
  });

  it('follows the quantile from the first sample', () => {
    const l = new MarginLearner({ maxSpinShare: 1, initialMarginNs: 150_000 });
    expect(l.marginNsFor(WAIT_1MS)).toBe(150_000);
    l.record(WAIT_1MS, 5_000);
    expect(l.marginNsFor(WAIT_1MS)).toBe(10_000); // 5 µs, raised to the 10 µs minimum
    const m = new MarginLearner({ maxSpinShare: 1 });
    m.record(WAIT_1MS, 300_000);
    expect(m.marginNsFor(WAIT_1MS)).toBe(319_000); // 300 µs lies in [288, 319] µs
  });

  it('lowers the margin below the quantile when its mean spin would exceed maxSpinShare of the wait', () => {
    // half the wake-ups on time, half 100 µs late: p99 is 103 µs, but a 1 % budget of a
    // 0.9 ms wait (9 µs of spin per wait on average) allows 17 µs: 17 µs spun on half the waits
    const l = new MarginLearner({ maxSpinShare: 0.01 });
    feed(l, WAIT_1MS, 0, 50);
    feed(l, WAIT_1MS, 100_000, 50);
    expect(l.marginNsFor(WAIT_1MS)).toBe(17_000);
    const wide = new MarginLearner({ maxSpinShare: 1 });
    feed(wide, WAIT_1MS, 0, 50);
    feed(wide, WAIT_1MS, 100_000, 50);
    expect(wide.marginNsFor(WAIT_1MS)).toBe(103_000);
    // oversleeps all close to the quantile cost little spin: the p99 is covered
    const close = new MarginLearner();
    feed(close, WAIT_1MS, 30_000, 100);
    expect(close.marginNsFor(WAIT_1MS)).toBe(31_000);
  });

  it('learns each wait-length class on its own', () => {
    const l = new MarginLearner();
    feed(l, WAIT_1MS, 30_000, 200);
    feed(l, WAIT_10MS, 250_000, 200);
    expect(l.marginNsFor(WAIT_1MS)).toBe(31_000); // 30 µs lies in [30, 31] µs
    expect(l.marginNsFor(WAIT_10MS)).toBe(255_000); // 250 µs lies in [240, 255] µs
    expect(l.marginNsFor(WAIT_1MS * 4)).toBe(18_000); // an unseen class: the initial margin, at most 0.5 % of the wait
  });

  it('bounds the margin by maxMarginNs and minMarginNs', () => {
    const l = new MarginLearner({ minMarginNs: 20_000, maxMarginNs: 500_000 });
    feed(l, WAIT_10MS, 5_000_000, 100);
    expect(l.marginNsFor(WAIT_10MS)).toBe(500_000); // the spin budget allows 4.6 ms: maxMarginNs
    feed(l, WAIT_1MS, 1_000, 100);
    expect(l.marginNsFor(WAIT_1MS)).toBe(20_000); // 1 µs, raised to minMarginNs
    const tiny = new MarginLearner({ minMarginNs: 20_000 });
    expect(tiny.marginNsFor(50_000)).toBe(20_000); // 0.5 % of 50 µs is 0.25 µs: never below minMarginNs
  });

  it('forgets: the quantile is over the last halfWindow to 2·halfWindow samples', () => {
    const l = new MarginLearner({ halfWindow: 100, maxSpinShare: 1 });
    feed(l, WAIT_1MS, 300_000, 100); // bank A full of 300 µs
    feed(l, WAIT_1MS, 10_000, 100); // bank B full of 10 µs
    expect(l.marginNsFor(WAIT_1MS)).toBe(319_000); // 200 samples, rank 198: a 300 µs one
    l.record(WAIT_1MS, 10_000); // bank A cleared and receiving: the 300 µs samples are gone
    expect(l.marginNsFor(WAIT_1MS)).toBe(10_000);
    feed(l, WAIT_1MS, 600_000, 2); // 2 of 103: rank 102 is a 600 µs one, in [576, 639] µs
    expect(l.marginNsFor(WAIT_1MS)).toBe(450_000); // but never more than half the wait: every wait still sleeps
    expect(l.marginNsFor(1_000_000)).toBe(500_000);
  });

  it('another quantile: p50 of the window', () => {
    const l = new MarginLearner({ quantile: 0.5, maxSpinShare: 1 });
    feed(l, WAIT_1MS, 40_000, 60);
    feed(l, WAIT_1MS, 200_000, 40);
    expect(l.marginNsFor(WAIT_1MS)).toBe(43_000); // 40 µs lies in [40, 43] µs
  });

  it('staged entry points: the margin of the planned wait is remembered, per class and overall', () => {
    const l = new MarginLearner();
    feed(l, WAIT_10MS, 120_000, 100);
    l.io[IO_WAIT_NS] = WAIT_10MS;
    l.planStaged();
    expect(l.io[IO_MARGIN_NS]).toBe(127_000);
    expect(l.lastMarginNs).toBe(127_000);
    l.io[IO_WAIT_NS] = WAIT_1MS;
    l.planStaged();
    expect(l.io[IO_MARGIN_NS]).toBe(10_000);
    const cell = new Float64Array(2);
    l.lastMarginInto(cell, 1);
    expect(cell[1]).toBe(10_000);
    const out = new Float64Array(MARGIN_CLASS_COUNT * MS_SIZE + 3).fill(-1);
    l.marginStatsInto(out, 3);
    const row = (c: number) => Array.from(out.subarray(3 + c * MS_SIZE, 3 + (c + 1) * MS_SIZE));
    const r13: number[] = [];
    r13[MS_WAIT_FROM_NS] = 8_192_000;
    r13[MS_SAMPLES] = 100;
    r13[MS_QUANTILE_NS] = 127_000;
    r13[MS_MARGIN_NS] = 127_000;
    r13[MS_LAST_MARGIN_NS] = 127_000;
    expect(row(13)).toEqual(r13);
    const r9: number[] = [];
    r9[MS_WAIT_FROM_NS] = 512_000;
    r9[MS_SAMPLES] = 0;
    r9[MS_QUANTILE_NS] = 0;
    r9[MS_MARGIN_NS] = 10_000; // no sample: the initial margin, at most 0.5 % of the class's shortest wait
    r9[MS_LAST_MARGIN_NS] = 10_000;
    expect(row(9)).toEqual(r9);
    expect(out[0]).toBe(-1);
    expect(() => l.marginStatsInto(new Float64Array(10))).toThrow(
      'MarginLearner.marginStatsInto: needs 100 doubles at offset 0, the array has 10',
    );
  });

  it('summary lists the classes with samples', () => {
    const l = new MarginLearner();
    feed(l, WAIT_10MS, 100_000, 90);
    feed(l, WAIT_10MS, 700_000, 10);
    l.io[IO_WAIT_NS] = WAIT_10MS;
    l.planStaged();
    expect(l.summary()).toEqual({
      mode: 'auto',
      fixedMarginNs: null,
      quantile: 0.99,
      minMarginNs: 10_000,
      maxMarginNs: 1_000_000,
      maxSpinShare: 0.005,
      initialMarginNs: 100_000,
      lastMarginNs: 143_000,
      classes: [
        {
          waitFromNs: 8_192_000,
          waitToNs: 16_384_000,
          samples: 100,
          windowSamples: 100,
          oversleepNs: { p50: 103_000, quantile: 703_000, max: 703_000 },
          marginNs: 143_000, // the 0.5 % spin budget: 90 wake-ups 95–103 µs late spin ≤ 48 µs each
          lastMarginNs: 143_000,
        },
      ],
    });
    l.reset();
    expect(l.summary().classes).toEqual([]);
    expect(l.marginNsFor(WAIT_10MS)).toBe(47_500);
  });

  it('with a fixed margin, gives it to every wait and only observes', () => {
    const l = new MarginLearner({ fixedMarginNs: 250_000 });
    feed(l, WAIT_10MS, 30_000, 100);
    expect(l.marginNsFor(WAIT_10MS)).toBe(250_000);
    expect(l.marginNsFor(50_000)).toBe(250_000);
    l.io[IO_WAIT_NS] = WAIT_1MS;
    l.planStaged();
    expect(l.io[IO_MARGIN_NS]).toBe(250_000);
    expect(l.summary()).toMatchObject({
      mode: 'fixed',
      fixedMarginNs: 250_000,
      lastMarginNs: 250_000,
      classes: [{ samples: 100, oversleepNs: { quantile: 31_000 }, marginNs: 31_000 }],
    });
  });

  it('rejects options out of range, naming the option and the value', () => {
    expect(() => new MarginLearner({ quantile: 1 })).toThrow(
      'MarginLearner: quantile must be in (0, 1), got 1',
    );
    expect(() => new MarginLearner({ quantile: 0 })).toThrow(
      'MarginLearner: quantile must be in (0, 1), got 0',
    );
    expect(() => new MarginLearner({ minMarginNs: -1 })).toThrow(
      'MarginLearner: minMarginNs must be an integer from 0 to 1000000000 ns, got -1',
    );
    expect(() => new MarginLearner({ maxMarginNs: 2e9 })).toThrow(
      'MarginLearner: maxMarginNs must be an integer from 0 to 1000000000 ns, got 2000000000',
    );
    expect(() => new MarginLearner({ initialMarginNs: 1.5 })).toThrow(
      'MarginLearner: initialMarginNs must be an integer from 0 to 1000000000 ns, got 1.5',
    );
    expect(() => new MarginLearner({ minMarginNs: 50_000, maxMarginNs: 40_000 })).toThrow(
      'MarginLearner: minMarginNs (50000) must not exceed maxMarginNs (40000)',
    );
    expect(() => new MarginLearner({ maxSpinShare: 0 })).toThrow(
      'MarginLearner: maxSpinShare must be in (0, 1], got 0',
    );
    expect(() => new MarginLearner({ fixedMarginNs: -5 })).toThrow(
      'MarginLearner: fixedMarginNs must be an integer from 0 to 1000000000 ns, got -5',
    );
    expect(() => new MarginLearner({ halfWindow: 99 })).toThrow(
      'MarginLearner: halfWindow must be an integer >= 100, got 99',
    );
  });
});
