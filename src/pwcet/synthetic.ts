/**
 * Seeded synthetic execution-time samples with known quantiles, for validating the pWCET
 * estimator (bench/pwcet-validation.ts and the tests): a shifted exponential (an
 * exponential tail: Gumbel domain, ξ = 0), a normal (Gumbel domain, light tail, slow
 * convergence of its maxima) and a uniform (bounded: ξ = −1, upper endpoint). Identical
 * output on every platform (mulberry32). Cold; allocates.
 */
import { normalQuantile } from './special.js';

/** A seeded uniform generator on (0, 1) (mulberry32; never returns 0). */
export function seededUniform(seed: number): () => number {
  let a = seed | 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296;
  };
}

/** A distribution with a sampler and its exact per-value exceedance quantile. */
export interface SyntheticDistribution {
  /** Name for tables, e.g. `exponential(50µs + 10µs)`. */
  readonly name: string;
  /** Draws one value (ns) from a uniform source. */
  draw(u: () => number): number;
  /** The x with P(X > x) = p, ns. */
  quantileAbove(p: number): number;
  /** Upper endpoint, ns, or null (unbounded). */
  readonly upperEndpointNs: number | null;
}

/** Shifted exponential: shiftNs + Exp(mean meanNs); P(X > x) = e^{−(x−shift)/mean}. */
export function exponentialDistribution(shiftNs: number, meanNs: number): SyntheticDistribution {
  return {
    name: `exponential(shift ${shiftNs / 1000}µs, mean ${meanNs / 1000}µs)`,
    draw: (u) => shiftNs - meanNs * Math.log(u()),
    quantileAbove: (p) => shiftNs - meanNs * Math.log(p),
    upperEndpointNs: null,
  };
}

/** Normal(mean, sd) by Box–Muller (one value per pair of uniforms, the cosine branch). */
export function normalDistribution(meanNs: number, sdNs: number): SyntheticDistribution {
  return {
    name: `normal(mean ${meanNs / 1000}µs, sd ${sdNs / 1000}µs)`,
    draw: (u) => meanNs + sdNs * Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u()),
    quantileAbove: (p) => meanNs + sdNs * -normalQuantile(p),
    upperEndpointNs: null,
  };
}

/** Uniform on [lowNs, highNs]: bounded, P(X > x) = (high − x)/(high − low). */
export function uniformDistribution(lowNs: number, highNs: number): SyntheticDistribution {
  return {
    name: `uniform(${lowNs / 1000}µs, ${highNs / 1000}µs)`,
    draw: (u) => lowNs + (highNs - lowNs) * u(),
    quantileAbove: (p) => highNs - p * (highNs - lowNs),
    upperEndpointNs: highNs,
  };
}

/** n independent values of `dist` from `seed`. */
export function drawSamples(dist: SyntheticDistribution, n: number, seed: number): Float64Array {
  const u = seededUniform(seed);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = dist.draw(u);
  return out;
}
