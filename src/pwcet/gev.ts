/**
 * Block-maxima models: Gumbel (GEV with ξ = 0) and the generalised extreme-value
 * distribution, fitted by maximum likelihood.
 *
 * GEV(μ, σ, ξ): G(x) = exp(−(1 + ξ(x−μ)/σ)^(−1/ξ)) on 1 + ξ(x−μ)/σ > 0; ξ → 0 gives the
 * Gumbel G(x) = exp(−e^{−(x−μ)/σ}). ξ > 0: heavy (Fréchet) tail; ξ < 0: bounded (Weibull)
 * tail with upper endpoint μ − σ/ξ.
 *
 * Fits work on standardised data ((x − mean)/sd) so every parameter is of order 1:
 * - Gumbel: the profile-likelihood equation σ = x̄ − Σx·e^{−x/σ}/Σe^{−x/σ} solved by
 *   bisection (exact to rounding), then μ = −σ·ln(mean e^{−x/σ}).
 * - GEV: Nelder–Mead on (μ, ln σ, ξ) from two starts, the L-moment estimate (Hosking 1985)
 *   and the Gumbel fit; ξ is kept in [−1, 2] (below −1 the likelihood is unbounded).
 *
 * Per-job quantile: when a block of b jobs has maximum ~ G, P(one job > x) = 1 − G(x)^{1/b},
 * so the per-job pWCET at exceedance probability p is G⁻¹((1 − p)^b). With
 * y = −ln G = −b·ln(1 − p) (computed with log1p, exact for p = 1e-9):
 * Gumbel x = μ − σ·ln y; GEV x = μ + σ·(y^{−ξ} − 1)/ξ (with expm1 near ξ = 0).
 *
 * Cold path; allocates.
 */
import { nelderMead } from './nelder-mead.js';
import { gamma } from './special.js';

/** |ξ| below this is treated as ξ = 0 (Gumbel) in the formulas. */
export const XI_ZERO = 1e-7;
/** ξ is kept at or above this (the GEV/GPD likelihood is unbounded below −1). */
export const XI_MIN = -1;
/** ξ is kept at or below this. */
export const XI_MAX = 2;

/** Location–scale–shape parameters in ns (ξ dimensionless). */
export interface GevParams {
  readonly muNs: number;
  readonly sigmaNs: number;
  readonly xi: number;
}

/** A maximum-likelihood fit of a block-maxima model. */
export interface GevFit extends GevParams {
  /** Log-likelihood at the fit (in ns units). */
  readonly logLik: number;
  /** Akaike's information criterion: 2·(parameters) − 2·logLik. */
  readonly aic: number;
  /** Block maxima fitted. */
  readonly n: number;
}

/** Sample mean and (population) standard deviation. */
export function meanSd(x: ArrayLike<number>): { mean: number; sd: number } {
  const n = x.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += x[i]!;
  mean /= n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (x[i]! - mean) ** 2;
  return { mean, sd: Math.sqrt(ss / n) };
}

function standardise(x: ArrayLike<number>): { z: Float64Array; mean: number; sd: number } {
  const { mean, sd } = meanSd(x);
  const z = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) z[i] = (x[i]! - mean) / sd;
  return { z, mean, sd };
}

/** Negative log-likelihood of GEV(μ, σ, ξ) on `z` (any units), +∞ outside the support. */
export function gevNll(z: ArrayLike<number>, mu: number, sigma: number, xi: number): number {
  if (!(sigma > 0) || xi < XI_MIN || xi > XI_MAX) return Number.POSITIVE_INFINITY;
  const n = z.length;
  let sum = n * Math.log(sigma);
  if (Math.abs(xi) < XI_ZERO) {
    for (let i = 0; i < n; i++) {
      const w = (z[i]! - mu) / sigma;
      sum += w + Math.exp(-w);
    }
    return sum;
  }
  const a = 1 + 1 / xi;
  for (let i = 0; i < n; i++) {
    const t = (xi * (z[i]! - mu)) / sigma;
    if (!(t > -1)) return Number.POSITIVE_INFINITY;
    const l = Math.log1p(t);
    sum += a * l + Math.exp(-l / xi);
  }
  return sum;
}

/** GEV cdf G(x). */
export function gevCdf(x: number, p: GevParams): number {
  const w = (x - p.muNs) / p.sigmaNs;
  if (Math.abs(p.xi) < XI_ZERO) return Math.exp(-Math.exp(-w));
  const t = 1 + p.xi * w;
  if (t <= 0) return p.xi > 0 ? 0 : 1;
  return Math.exp(-Math.exp(-Math.log(t) / p.xi));
}

/** G⁻¹ at −ln G = y (y > 0): the value whose block-maximum cdf is e^{−y}. */
export function gevQuantileAtLogCdf(y: number, p: GevParams): number {
  const ly = Math.log(y);
  if (Math.abs(p.xi) < XI_ZERO) return p.muNs - p.sigmaNs * ly;
  return p.muNs + (p.sigmaNs * Math.expm1(-p.xi * ly)) / p.xi;
}

/** Per-job pWCET: the value one job exceeds with probability p, from block maxima of size b. */
export function gevPerJobQuantile(p: number, blockSize: number, params: GevParams): number {
  return gevQuantileAtLogCdf(-blockSize * Math.log1p(-p), params);
}

/** Upper endpoint μ − σ/ξ for ξ < 0, else null (unbounded). */
export function gevUpperEndpoint(p: GevParams): number | null {
  return p.xi < -XI_ZERO ? p.muNs - p.sigmaNs / p.xi : null;
}

/**
 * Gumbel maximum-likelihood fit. Requires at least two distinct values (the caller checks).
 */
export function fitGumbel(x: ArrayLike<number>): GevFit {
  const { z, mean, sd } = standardise(x);
  const n = z.length;
  let zmin = Number.POSITIVE_INFINITY;
  let zbar = 0;
  for (let i = 0; i < n; i++) {
    zmin = Math.min(zmin, z[i]!);
    zbar += z[i]!;
  }
  zbar /= n;
  // h(σ) = z̄ − σ − Σ z e^{−(z−zmin)/σ} / Σ e^{−(z−zmin)/σ}: positive as σ → 0 (the weighted
  // mean tends to zmin < z̄), negative for large σ; its root is the ML scale.
  const h = (s: number): number => {
    let sw = 0;
    let szw = 0;
    for (let i = 0; i < n; i++) {
      const w = Math.exp(-(z[i]! - zmin) / s);
      sw += w;
      szw += z[i]! * w;
    }
    return zbar - s - szw / sw;
  };
  let lo = 1e-6;
  let hi = 4;
  while (h(hi) > 0 && hi < 1e6) hi *= 2;
  for (let it = 0; it < 200 && hi - lo > 1e-13 * hi; it++) {
    const mid = 0.5 * (lo + hi);
    if (h(mid) > 0) lo = mid;
    else hi = mid;
  }
  const s = 0.5 * (lo + hi);
  let sw = 0;
  for (let i = 0; i < n; i++) sw += Math.exp(-(z[i]! - zmin) / s);
  const mu = zmin - s * Math.log(sw / n);
  const nll = gevNll(z, mu, s, 0) + n * Math.log(sd);
  return {
    muNs: mean + sd * mu,
    sigmaNs: sd * s,
    xi: 0,
    logLik: -nll,
    aic: 2 * 2 + 2 * nll,
    n,
  };
}

/** Hosking's (1985) L-moment estimate of GEV parameters (standardised units), ξ clamped for a start. */
function lMomentStart(z: Float64Array): [number, number, number] {
  const s = Float64Array.from(z).sort();
  const n = s.length;
  let b0 = 0;
  let b1 = 0;
  let b2 = 0;
  for (let i = 0; i < n; i++) {
    const v = s[i]!;
    b0 += v;
    b1 += (i / (n - 1)) * v;
    b2 += ((i * (i - 1)) / ((n - 1) * (n - 2))) * v;
  }
  b0 /= n;
  b1 /= n;
  b2 /= n;
  const l1 = b0;
  const l2 = 2 * b1 - b0;
  const l3 = 6 * b2 - 6 * b1 + b0;
  const t3 = l3 / l2;
  const c = 2 / (3 + t3) - Math.LN2 / Math.log(3);
  let k = 7.859 * c + 2.9554 * c * c; // k = −ξ
  k = Math.min(0.95, Math.max(-1, k));
  if (Math.abs(k) < 1e-4) {
    const sigma = l2 / Math.LN2;
    return [l1 - 0.5772156649 * sigma, Math.log(sigma), 0];
  }
  const g = gamma(1 + k);
  const sigma = (l2 * k) / ((1 - 2 ** -k) * g);
  const mu = l1 - (sigma * (1 - g)) / k;
  return [mu, Math.log(Math.max(sigma, 1e-6)), -k];
}

/** GEV maximum-likelihood fit. Requires at least three distinct values (the caller checks). */
export function fitGev(x: ArrayLike<number>, gumbel: GevFit = fitGumbel(x)): GevFit {
  const { z, mean, sd } = standardise(x);
  const n = z.length;
  const nll = (v: readonly number[]): number => gevNll(z, v[0]!, Math.exp(v[1]!), v[2]!);
  const starts: number[][] = [
    lMomentStart(z),
    [(gumbel.muNs - mean) / sd, Math.log(gumbel.sigmaNs / sd), 0.01],
    [(gumbel.muNs - mean) / sd, Math.log(gumbel.sigmaNs / sd), -0.01],
  ];
  let best: { x: number[]; f: number } | null = null;
  for (const start of starts) {
    if (!Number.isFinite(nll(start))) continue;
    let r = nelderMead(nll, start, { steps: [0.1, 0.1, 0.05] });
    // A restart from the optimum: Nelder–Mead can stall on a ridge (ξ against σ).
    r = nelderMead(nll, r.x, { steps: [0.02, 0.02, 0.02] });
    if (best === null || r.f < best.f) best = r;
  }
  if (best === null) {
    // No start inside the support (cannot happen for a finite sample: ξ ≈ 0 always is).
    return { ...gumbel, aic: gumbel.aic + 2 };
  }
  const [mu, logSigma, xi] = best.x as [number, number, number];
  const nllNs = best.f + n * Math.log(sd);
  // A GEV never fits worse than its Gumbel special case: if the search ended above it, keep ξ = 0.
  if (-nllNs < gumbel.logLik) return { ...gumbel, aic: gumbel.aic + 2 };
  return {
    muNs: mean + sd * mu,
    sigmaNs: sd * Math.exp(logSigma),
    xi,
    logLik: -nllNs,
    aic: 2 * 3 + 2 * nllNs,
    n,
  };
}
