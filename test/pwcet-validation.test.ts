/**
 * pWCET estimator validated on synthetic samples whose quantiles are known
 * (src/pwcet/synthetic.ts; bench/pwcet-validation.ts prints the full tables). Fixed seeds,
 * so each figure is deterministic; the bounds are the errors measured for these seeds
 * (bench/README.md § pWCET) with some room, and they are the accuracy docs/pwcet.md states
 * for 100 000 samples.
 */
import { describe, expect, it } from 'vitest';
import { estimatePwcet, PWCET_PROBABILITIES, type PwcetResult } from '../src/pwcet/estimate.js';
import { evidenceFromSeries } from '../src/pwcet/evidence.js';
import { fitGev, fitGumbel, gevPerJobQuantile } from '../src/pwcet/gev.js';
import { fitGpdAt } from '../src/pwcet/gpd.js';
import {
  drawSamples,
  exponentialDistribution,
  normalDistribution,
  type SyntheticDistribution,
  seededUniform,
  uniformDistribution,
} from '../src/pwcet/synthetic.js';

const N = 100_000;

function relativeErrors(r: PwcetResult, dist: SyntheticDistribution): number[] {
  return PWCET_PROBABILITIES.map((p) => r.pwcetNs[p] / dist.quantileAbove(Number(p)) - 1);
}

describe('pWCET on synthetic samples with known quantiles (n = 100 000, block 100)', () => {
  const cases: Array<[string, SyntheticDistribution, number]> = [
    ['exponential tail', exponentialDistribution(50_000, 10_000), 0.05],
    ['normal', normalDistribution(100_000, 10_000), 0.05],
    ['uniform (bounded)', uniformDistribution(100_000, 200_000), 0.001],
  ];
  for (const [label, dist, bound] of cases) {
    for (const seed of [1, 2, 3]) {
      it(`${label}, seed ${seed}: |relative error| ≤ ${bound * 100} % at every p from 1e-3 to 1e-9`, () => {
        const r = estimatePwcet(evidenceFromSeries(drawSamples(dist, N, seed)));
        const errors = relativeErrors(r, dist);
        for (const e of errors)
          expect(Math.abs(e), `errors ${errors.map((x) => x.toFixed(4))}`).toBeLessThan(bound);
        // Non-increasing in p, and the figures the JSON promises.
        for (let i = 1; i < PWCET_PROBABILITIES.length; i++) {
          expect(r.pwcetNs[PWCET_PROBABILITIES[i]!]).toBeGreaterThanOrEqual(
            r.pwcetNs[PWCET_PROBABILITIES[i - 1]!],
          );
        }
        expect(r.samples).toBe(N);
        expect(r.diagnostics.sampleSize.blocks).toBe(1000);
      });
    }
  }

  it('uniform: a bounded tail is recognised (ξ near −1) and its upper endpoint reported within 0.1 %', () => {
    const dist = uniformDistribution(100_000, 200_000);
    const r = estimatePwcet(evidenceFromSeries(drawSamples(dist, N, 1)));
    expect(r.params.xi).toBeLessThan(-0.9);
    expect(r.upperEndpointNs).not.toBeNull();
    expect(Math.abs(r.upperEndpointNs! / 200_000 - 1)).toBeLessThan(0.001);
    expect(r.diagnostics.notes.join('\n')).toContain('bounded tail');
    // The Gumbel cannot describe a bounded tail: its goodness of fit is rejected.
    expect(r.fits.gumbel.gof.ok).toBe(false);
    expect(r.model).not.toBe('gumbel');
  });

  it('exponential: the Gumbel is kept (the likelihood-ratio test does not reject ξ = 0)', () => {
    const r = estimatePwcet(evidenceFromSeries(drawSamples(exponentialDistribution(50_000, 10_000), N, 1)));
    expect(r.diagnostics.likelihoodRatio.prefers).toBe('gumbel');
    expect(r.diagnostics.likelihoodRatio.pValue).toBeGreaterThan(0.05);
    expect(r.diagnostics.ok).toBe(true);
    expect(r.diagnostics.warnings).toEqual([]);
  });

  it('states the extrapolation range: p below 1/n', () => {
    const r = estimatePwcet(evidenceFromSeries(drawSamples(exponentialDistribution(50_000, 10_000), N, 2)));
    expect(r.diagnostics.sampleSize.observedP).toBe(1e-5);
    expect(r.diagnostics.sampleSize.extrapolated).toEqual(['1e-6', '1e-7', '1e-8', '1e-9']);
    expect(r.diagnostics.notes[0]).toContain('the pWCET at 1e-6, 1e-7, 1e-8, 1e-9 is extrapolated');
    // Empirical quantiles exist where the sample reaches them, p ≥ 1/n: 1e-3 … 1e-5 at n = 1e5.
    expect(Object.keys(r.empiricalNs)).toEqual(['1e-3', '1e-4', '1e-5']);
  });
});

describe('extreme-value fits recover known parameters', () => {
  /** GEV(μ, σ, ξ) samples by inversion: x = μ + σ((−ln u)^{−ξ} − 1)/ξ. */
  function gevSamples(mu: number, sigma: number, xi: number, n: number, seed: number): Float64Array {
    const u = seededUniform(seed);
    return Float64Array.from({ length: n }, () => mu + (sigma * ((-Math.log(u())) ** -xi - 1)) / xi);
  }

  it.each([
    [0.2, 7],
    [-0.3, 8],
  ])('GEV ξ = %s: μ, σ within 3 %, ξ within 0.05 (n = 5000)', (xi, seed) => {
    const fit = fitGev(gevSamples(1_000_000, 50_000, xi, 5_000, seed));
    expect(Math.abs(fit.muNs / 1_000_000 - 1)).toBeLessThan(0.03);
    expect(Math.abs(fit.sigmaNs / 50_000 - 1)).toBeLessThan(0.03);
    expect(Math.abs(fit.xi - xi)).toBeLessThan(0.05);
  });

  it('Gumbel fit of Gumbel samples: μ, σ within 2 % (n = 5000)', () => {
    const u = seededUniform(9);
    const x = Float64Array.from({ length: 5_000 }, () => 1_000_000 - 50_000 * Math.log(-Math.log(u())));
    const fit = fitGumbel(x);
    expect(Math.abs(fit.muNs / 1_000_000 - 1)).toBeLessThan(0.02);
    expect(Math.abs(fit.sigmaNs / 50_000 - 1)).toBeLessThan(0.02);
  });

  it('GPD fit of GPD exceedances (ξ = 0.1, σ = 20 µs): within 10 % / 0.05 (k = 4000)', () => {
    const u = seededUniform(11);
    const k = 4_000;
    // Values u0 + GPD draws, sorted descending, plus the threshold value itself at index k.
    const y = Array.from({ length: k }, () => (20_000 * (u() ** -0.1 - 1)) / 0.1);
    const desc = [...y.map((v) => 500_000 + v), 500_000].sort((a, b) => b - a);
    const fit = fitGpdAt(desc, k, 40_000)!;
    expect(fit.thresholdNs).toBe(500_000);
    expect(fit.exceedanceRate).toBe(0.1);
    expect(Math.abs(fit.sigmaNs / 20_000 - 1)).toBeLessThan(0.1);
    expect(Math.abs(fit.xi - 0.1)).toBeLessThan(0.05);
  });

  it('per-job quantile from block maxima: maxima of b Gumbel(0, 1) jobs are Gumbel(ln b, 1) and give the job quantile back', () => {
    // Per job F(x) = exp(−e^{−x}); the maximum of b jobs has F^b = Gumbel(ln b, 1) exactly,
    // and the per-job quantile at p is −ln(−ln(1 − p)) (≈ −ln p for small p).
    for (const b of [10, 100, 1000]) {
      for (const p of [1e-3, 1e-6, 1e-9]) {
        const x = gevPerJobQuantile(p, b, { muNs: Math.log(b), sigmaNs: 1, xi: 0 });
        expect(x).toBeCloseTo(-Math.log(-Math.log1p(-p)), 9);
      }
    }
  });
});
