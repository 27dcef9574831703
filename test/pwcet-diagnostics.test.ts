/**
 * The pWCET diagnostics say plainly when the data do not support the fit: a trending
 * series and an autocorrelated series are flagged, independent samples are not; the
 * statistical tests behind them agree with their textbook definitions.
 */
import { describe, expect, it } from 'vitest';
import { estimatePwcet, formatP } from '../src/pwcet/estimate.js';
import { evidenceFromSeries } from '../src/pwcet/evidence.js';
import { drawSamples, normalDistribution, seededUniform } from '../src/pwcet/synthetic.js';
import {
  andersonDarling,
  ksTwoSample,
  lag1Autocorrelation,
  mannKendall,
  runsTest,
} from '../src/pwcet/tests.js';

const N = 100_000;
const normal = normalDistribution(100_000, 10_000);

describe('pWCET diagnostics', () => {
  it('independent, stationary samples: ok, no warnings', () => {
    const r = estimatePwcet(evidenceFromSeries(drawSamples(normal, N, 1)));
    expect(r.diagnostics.independence.ok).toBe(true);
    expect(r.diagnostics.stationarity.ok).toBe(true);
    expect(r.diagnostics.ok).toBe(true);
    expect(r.diagnostics.warnings).toEqual([]);
  });

  it('a trending series (the mean drifts by 2 sd over the run) is flagged as non-stationary', () => {
    const x = drawSamples(normal, N, 2);
    for (let i = 0; i < N; i++) x[i] = x[i]! + (20_000 * i) / N;
    const r = estimatePwcet(evidenceFromSeries(x));
    const st = r.diagnostics.stationarity;
    expect(st.mannKendall.ok).toBe(false);
    expect(st.mannKendall.z).toBeGreaterThan(5);
    expect(st.halves.ok).toBe(false);
    expect(r.diagnostics.ok).toBe(false);
    expect(r.diagnostics.warnings).toContain(
      `stationarity: the block maxima trend upward (Mann–Kendall z = ${st.mannKendall.z.toFixed(2)}, p = ${formatP(st.mannKendall.pValue)})`,
    );
    expect(r.diagnostics.warnings.at(-1)).toBe(
      'the data do not support the fit: the pWCET above rests on assumptions a test rejected (see the warnings)',
    );
  });

  it('a Pareto tail (ξ = 1: interference-like outliers) is flagged as heavy, not trusted', () => {
    const u = seededUniform(4);
    const x = new Float64Array(N);
    for (let i = 0; i < N; i++) x[i] = 100_000 / u(); // Pareto, α = 1: P(X > x) = 1e5 / x
    const r = estimatePwcet(evidenceFromSeries(x));
    const heavy = r.diagnostics.warnings.find((w) => w.startsWith('heavy tail: ξ = '));
    expect(heavy).toBeDefined();
    expect(heavy).toContain('× the largest observed');
    expect(r.diagnostics.ok).toBe(false);
  });

  it('light tails are not flagged as heavy', () => {
    const r = estimatePwcet(evidenceFromSeries(drawSamples(normal, N, 5)));
    expect(r.diagnostics.warnings.some((w) => w.startsWith('heavy tail'))).toBe(false);
  });

  it('an autocorrelated series (AR(1), φ = 0.7) is flagged as dependent', () => {
    const u = seededUniform(3);
    const x = new Float64Array(N);
    let e = 0;
    for (let i = 0; i < N; i++) {
      const z = Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
      e = 0.7 * e + z * 7_000;
      x[i] = 100_000 + e;
    }
    const r = estimatePwcet(evidenceFromSeries(x));
    const ind = r.diagnostics.independence;
    expect(ind.lag1.r).toBeGreaterThan(0.68);
    expect(ind.lag1.r).toBeLessThan(0.72);
    expect(ind.lag1.ok).toBe(false);
    expect(ind.runs.ok).toBe(false);
    expect(ind.runs.z).toBeLessThan(-50); // far fewer runs than independence gives
    expect(ind.ok).toBe(false);
    expect(r.diagnostics.ok).toBe(false);
    expect(r.diagnostics.warnings[0]).toBe(
      `independence: lag-1 autocorrelation of the samples is ${ind.lag1.r.toFixed(3)}, outside ±0.008 (consecutive execution times are correlated)`,
    );
  });

  it('few blocks: a warning on the sample size', () => {
    const r = estimatePwcet(evidenceFromSeries(drawSamples(normal, 3_000, 4), { blockSize: 100 }));
    expect(r.diagnostics.sampleSize.blocks).toBe(30);
    expect(r.diagnostics.sampleSize.ok).toBe(false);
    expect(r.diagnostics.warnings).toContain('sample size: only 30 block maxima (at least 50 advised)');
  });
});

describe('statistical tests', () => {
  function naiveMannKendallS(x: readonly number[]): number {
    let s = 0;
    for (let i = 0; i < x.length; i++) for (let j = i + 1; j < x.length; j++) s += Math.sign(x[j]! - x[i]!);
    return s;
  }

  it('Mann–Kendall S (Fenwick tree, O(n log n)) equals the O(n²) definition, ties included', () => {
    const u = seededUniform(5);
    for (let trial = 0; trial < 20; trial++) {
      const n = 5 + Math.floor(u() * 300);
      const x = Array.from({ length: n }, (_, i) => Math.floor(u() * 20) + (trial % 2 === 0 ? i * 0.05 : 0));
      expect(mannKendall(x).s).toBe(naiveMannKendallS(x));
    }
  });

  it('Mann–Kendall on a strictly increasing series: S = n(n−1)/2, τ = 1', () => {
    const r = mannKendall(Array.from({ length: 50 }, (_, i) => i));
    expect(r.s).toBe(1225);
    expect(r.tau).toBe(1);
    // Var S = 50·49·105/18 = 14291.67, z = (1225 − 1)/√Var.
    expect(r.z).toBeCloseTo(1224 / Math.sqrt((50 * 49 * 105) / 18), 10);
  });

  it('runs test: a strict alternation has the most runs, two halves the fewest', () => {
    const alt = Array.from({ length: 100 }, (_, i) => (i % 2 === 0 ? 1 : 3));
    const a = runsTest(alt, 2);
    expect(a.runs).toBe(100);
    expect(a.expected).toBe(51);
    expect(a.z).toBeGreaterThan(9);
    const halves = Array.from({ length: 100 }, (_, i) => (i < 50 ? 1 : 3));
    const h = runsTest(halves, 2);
    expect(h.runs).toBe(2);
    expect(h.z).toBeLessThan(-9);
  });

  it('lag-1 autocorrelation: +1-like for a ramp, −1-like for an alternation', () => {
    expect(lag1Autocorrelation(Array.from({ length: 1000 }, (_, i) => i))).toBeGreaterThan(0.99);
    expect(lag1Autocorrelation(Array.from({ length: 1000 }, (_, i) => (i % 2 ? 1 : -1)))).toBeLessThan(-0.99);
  });

  it('two-sample KS: D = 0 for identical samples, 1 for disjoint ones', () => {
    const a = Array.from({ length: 200 }, (_, i) => i);
    expect(ksTwoSample(a, a).d).toBe(0);
    expect(ksTwoSample(a, a).pValue).toBe(1);
    const b = a.map((v) => v + 1000);
    expect(ksTwoSample(a, b).d).toBe(1);
    expect(ksTwoSample(a, b).pValue).toBeLessThan(1e-50);
  });

  it('Anderson–Darling: small for the true distribution, large for a wrong one', () => {
    const u = seededUniform(6);
    const x = Array.from({ length: 1000 }, () => u());
    expect(andersonDarling(x, (v) => v)).toBeLessThan(2.5); // U(0,1) against itself (5 % point 2.49)
    expect(andersonDarling(x, (v) => v * v)).toBeGreaterThan(20);
  });
});
