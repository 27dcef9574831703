/**
 * Peaks over threshold: the generalised Pareto distribution fitted to the exceedances
 * y = x − u of the values above a threshold u, by maximum likelihood.
 *
 * GPD(σ, ξ): H(y) = 1 − (1 + ξy/σ)^(−1/ξ) for y ≥ 0 (ξ → 0: 1 − e^{−y/σ}); ξ < 0 bounds the
 * tail at u − σ/ξ. With ζ_u = k/n the fraction of values above u, the per-job exceedance
 * probability of x > u is ζ_u·(1 − H(x − u)), so the pWCET at p < ζ_u is
 * u + σ·((p/ζ_u)^{−ξ} − 1)/ξ (ξ = 0: u − σ·ln(p/ζ_u)).
 *
 * Fit: Nelder–Mead on (ln σ, ξ) with exceedances scaled by their mean, started from the
 * method of moments (ξ = ½(1 − ȳ²/s²), σ = ½ȳ(1 + ȳ²/s²)); ξ kept in [−1, 2].
 *
 * Threshold choice (stability check): fits at a geometric ladder of exceedance counts;
 * the lowest threshold whose ξ agrees with the ξ of every higher threshold within two
 * standard errors (se(ξ) ≈ (1 + ξ)/√k, the ML asymptotics; floored at 0.2/√k near ξ = −1)
 * is chosen: above a valid threshold ξ stays constant, so a lower one that still agrees
 * uses more data without bias that the data can show.
 *
 * Cold path; allocates.
 */
import { XI_MAX, XI_MIN, XI_ZERO } from './gev.js';
import { nelderMead } from './nelder-mead.js';

/** GPD parameters for the exceedances over `thresholdNs`. */
export interface GpdParams {
  readonly thresholdNs: number;
  readonly sigmaNs: number;
  readonly xi: number;
  /** ζ_u: fraction of all samples above the threshold. */
  readonly exceedanceRate: number;
}

/** A maximum-likelihood GPD fit at one threshold. */
export interface GpdFit extends GpdParams {
  /** Exceedances fitted (k). */
  readonly k: number;
  readonly logLik: number;
  readonly aic: number;
}

/** Negative log-likelihood of GPD(σ, ξ) for exceedances `y` (≥ 0), +∞ outside the support. */
export function gpdNll(y: ArrayLike<number>, sigma: number, xi: number): number {
  if (!(sigma > 0) || xi < XI_MIN || xi > XI_MAX) return Number.POSITIVE_INFINITY;
  const k = y.length;
  let sum = k * Math.log(sigma);
  if (Math.abs(xi) < XI_ZERO) {
    for (let i = 0; i < k; i++) sum += y[i]! / sigma;
    return sum;
  }
  const a = 1 + 1 / xi;
  for (let i = 0; i < k; i++) {
    const t = (xi * y[i]!) / sigma;
    if (!(t > -1)) return Number.POSITIVE_INFINITY;
    sum += a * Math.log1p(t);
  }
  return sum;
}

/** GPD cdf H(y) of an exceedance y = x − u. */
export function gpdCdf(y: number, sigma: number, xi: number): number {
  if (y <= 0) return 0;
  if (Math.abs(xi) < XI_ZERO) return -Math.expm1(-y / sigma);
  const t = 1 + (xi * y) / sigma;
  if (t <= 0) return 1;
  return -Math.expm1(-Math.log(t) / xi);
}

/**
 * Per-job pWCET from a GPD tail: the x with ζ_u·(1 − H(x − u)) = p. Only meaningful for
 * p < ζ_u (returns null otherwise: the quantile lies below the threshold).
 */
export function gpdPerJobQuantile(p: number, params: GpdParams): number | null {
  if (!(p < params.exceedanceRate)) return null;
  const lr = Math.log(p / params.exceedanceRate); // < 0
  if (Math.abs(params.xi) < XI_ZERO) return params.thresholdNs - params.sigmaNs * lr;
  return params.thresholdNs + (params.sigmaNs * Math.expm1(-params.xi * lr)) / params.xi;
}

/** Upper endpoint u − σ/ξ for ξ < 0, else null. */
export function gpdUpperEndpoint(p: GpdParams): number | null {
  return p.xi < -XI_ZERO ? p.thresholdNs - p.sigmaNs / p.xi : null;
}

/**
 * Fits a GPD to the values above the (k+1)-th largest of `n` values, `desc[kAsked]` (the
 * threshold). `desc` holds at least kAsked + 1 of the largest values, sorted descending.
 * Values tied with the threshold are not exceedances, so the fit may use fewer than
 * kAsked; null when fewer than 10 remain or they do not vary.
 */
export function fitGpdAt(desc: ArrayLike<number>, kAsked: number, n: number): GpdFit | null {
  const u = desc[kAsked]!;
  // Only values strictly above u exceed it: values tied with the threshold (whole-ns data)
  // would enter as zero exceedances, which a continuous GPD does not produce.
  let k = kAsked;
  while (k > 0 && desc[k - 1] === u) k--;
  if (k < 10) return null;
  const y = new Float64Array(k);
  let mean = 0;
  for (let i = 0; i < k; i++) {
    y[i] = desc[i]! - u;
    mean += y[i]!;
  }
  mean /= k;
  if (!(mean > 0)) return null;
  let ymax = 0;
  let ss = 0;
  for (let i = 0; i < k; i++) {
    y[i] = y[i]! / mean;
    ymax = Math.max(ymax, y[i]!);
    ss += (y[i]! - 1) ** 2;
  }
  const variance = ss / Math.max(1, k - 1);
  // Method of moments (scaled units: ȳ = 1).
  let xi0 = variance > 0 ? 0.5 * (1 - 1 / variance) : 0;
  xi0 = Math.min(0.9, Math.max(-0.9, xi0));
  let sigma0 = variance > 0 ? 0.5 * (1 + 1 / variance) : 1;
  if (xi0 < 0) sigma0 = Math.max(sigma0, -xi0 * ymax * 1.01);
  const nll = (v: readonly number[]): number => gpdNll(y, Math.exp(v[0]!), v[1]!);
  const starts = [
    [Math.log(sigma0), xi0],
    [0, 0.01],
  ];
  let best: { x: number[]; f: number } | null = null;
  for (const start of starts) {
    if (!Number.isFinite(nll(start))) continue;
    let r = nelderMead(nll, start, { steps: [0.1, 0.05] });
    r = nelderMead(nll, r.x, { steps: [0.02, 0.02] });
    if (best === null || r.f < best.f) best = r;
  }
  if (best === null) return null;
  const nllNs = best.f + k * Math.log(mean);
  return {
    thresholdNs: u,
    sigmaNs: Math.exp(best.x[0]!) * mean,
    xi: best.x[1]!,
    exceedanceRate: k / n,
    k,
    logLik: -nllNs,
    aic: 2 * 2 + 2 * nllNs,
  };
}

/** One rung of the threshold-stability ladder. */
export interface ThresholdCandidate {
  readonly thresholdNs: number;
  /** Exceedances above it. */
  readonly k: number;
  /** Quantile of the threshold among all samples, 1 − k/n. */
  readonly quantile: number;
  readonly xi: number;
  readonly sigmaNs: number;
}

/** The chosen GPD fit and the ladder it was chosen from. */
export interface GpdSelection {
  readonly fit: GpdFit;
  readonly candidates: readonly ThresholdCandidate[];
  /** False when no threshold below the highest agreed with every higher one. */
  readonly stable: boolean;
}

/** Exceedances below this are not fitted. */
export const MIN_EXCEEDANCES = 50;
/**
 * Exceedances fitted at most: above ~10 000 the fit's variance no longer shrinks much, while
 * its cost grows with k (a million samples would otherwise fit 100 000 per rung).
 */
export const MAX_EXCEEDANCES = 10_000;

/**
 * Threshold selection by the stability of ξ (see the module note). `desc`: the largest
 * values sorted descending (at least `kMax + 1` of them); `n`: all samples. The ladder
 * runs from kMax = min(10 % of n, 10 000, desc.length − 1) down to max(50, min(2 % of n, kMax/4)),
 * i.e. thresholds at the 0.90–0.98 quantiles when the whole sample is at hand (higher ones
 * beyond 100 000 samples). Returns
 * null when fewer than 50 exceedances are available.
 */
export function selectGpd(desc: ArrayLike<number>, n: number, rungs = 8): GpdSelection | null {
  const kMax = Math.min(Math.floor(0.1 * n), MAX_EXCEEDANCES, desc.length - 1);
  if (kMax < MIN_EXCEEDANCES) return null;
  const kMin = Math.max(MIN_EXCEEDANCES, Math.min(Math.floor(0.02 * n), Math.floor(kMax / 4)));
  const ks: number[] = [];
  for (let j = 0; j < rungs; j++) {
    const k = Math.round(kMax * (kMin / kMax) ** (rungs === 1 ? 0 : j / (rungs - 1)));
    if (ks.at(-1) !== k) ks.push(k);
  }
  const fits: GpdFit[] = [];
  for (const k of ks) {
    const f = fitGpdAt(desc, k, n);
    if (f !== null) fits.push(f);
  }
  if (fits.length === 0) return null;
  const se = (f: GpdFit): number => Math.max(1 + f.xi, 0.2) / Math.sqrt(f.k);
  let chosen = fits.length - 1;
  for (let j = 0; j < fits.length - 1; j++) {
    let agrees = true;
    for (let i = j + 1; i < fits.length; i++) {
      if (Math.abs(fits[i]!.xi - fits[j]!.xi) > 2 * se(fits[i]!)) {
        agrees = false;
        break;
      }
    }
    if (agrees) {
      chosen = j;
      break;
    }
  }
  return {
    fit: fits[chosen]!,
    candidates: fits.map((f) => ({
      thresholdNs: f.thresholdNs,
      k: f.k,
      quantile: 1 - f.k / n,
      xi: f.xi,
      sigmaNs: f.sigmaNs,
    })),
    stable: chosen < fits.length - 1 || fits.length === 1,
  };
}
