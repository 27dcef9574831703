/**
 * Probabilistic WCET (measurement-based, MBPTA-style): from execution-time evidence, fit
 * extreme-value models to the tail and report the pWCET, the execution time one job
 * exceeds with probability at most p, for p = 1e-3 … 1e-9.
 *
 * Models (see gev.ts, gpd.ts):
 * - block maxima: Gumbel and GEV by maximum likelihood; GEV is preferred only when the
 *   likelihood-ratio test rejects ξ = 0 at the 5 % level (a free ξ fitted to noise can as
 *   easily be optimistic as pessimistic, and MBPTA practice defaults to Gumbel);
 * - peaks over threshold: GPD with the threshold chosen by ξ stability.
 * Model choice (`auto`): of the block-maxima model and the GPD, those whose goodness of fit
 * (Anderson–Darling) is not rejected; of those, the one with the larger pWCET at the
 * target p — when two models both describe the data, the conservative one is taken. When
 * neither passes, the largest of all three fits, and the diagnostics say the data do not
 * support it.
 *
 * Diagnostics (all tests at α = 0.01, so four tests on good data raise a false alarm in
 * about 4 % of runs): independence (lag-1 autocorrelation of the samples and of the block
 * maxima against ±2.576/√n, Wald–Wolfowitz runs test), stationarity (Mann–Kendall on the
 * block maxima, Kolmogorov–Smirnov between their first and second halves), goodness of
 * fit, threshold stability, and the sample size: below p ≈ 1/n nothing was observed and
 * the figure is extrapolation, which is stated in `notes`.
 *
 * Cold path; allocates.
 */
import { HardtickError } from '../errors.js';
import type { PwcetEvidence } from './evidence.js';
import {
  fitGev,
  fitGumbel,
  type GevFit,
  type GevParams,
  gevCdf,
  gevPerJobQuantile,
  gevUpperEndpoint,
} from './gev.js';
import {
  type GpdFit,
  gpdCdf,
  gpdPerJobQuantile,
  gpdUpperEndpoint,
  selectGpd,
  type ThresholdCandidate,
} from './gpd.js';
import { chiSquare1Tail } from './special.js';
import {
  andersonDarling,
  ksOneSample,
  ksTwoSample,
  lag1Autocorrelation,
  mannKendall,
  median,
  runsTest,
} from './tests.js';

/** The exceedance probabilities reported, as they appear in JSON keys. */
export const PWCET_PROBABILITIES = ['1e-3', '1e-4', '1e-5', '1e-6', '1e-7', '1e-8', '1e-9'] as const;
/** One of {@link PWCET_PROBABILITIES}. */
export type PwcetProbability = (typeof PWCET_PROBABILITIES)[number];
/** pWCET per exceedance probability, ns. */
export type PwcetNs = Record<PwcetProbability, number>;
/** Model names. */
export type PwcetModel = 'gumbel' | 'gev' | 'gpd';
/** `auto` or a forced model. */
export type PwcetModelChoice = 'auto' | PwcetModel;

/** Significance level of every diagnostic test. */
export const DIAGNOSTIC_ALPHA = 0.01;
/** Two-sided normal critical value at {@link DIAGNOSTIC_ALPHA}. */
const Z_CRIT = 2.5758;
/** Significance level of the Gumbel-vs-GEV likelihood-ratio test. */
export const LR_ALPHA = 0.05;
/**
 * Anderson–Darling rejection level for the modified statistic A²·(1 + 0.2/√n): about the
 * 1–2.5 % critical value for extreme-value fits with estimated parameters (Stephens 1977
 * gives 1.038 at 1 % for the Gumbel; GEV and GPD tables lie near it for moderate ξ).
 */
export const AD_CRITICAL = 1.0;
/** Shape ξ at or above which a fitted tail is flagged as heavy (infinite variance from ξ ≥ 0.5). */
export const HEAVY_TAIL_XI = 0.5;
/** pWCET at the target p over the largest observed value above which the tail is flagged. */
export const HEAVY_TAIL_RATIO = 100;
/** Fewest block maxima for a fit that the diagnostics call adequate. */
export const ADVISED_BLOCKS = 50;

/** Block-maxima parameters as reported. */
export interface BlockMaximaParams {
  /** Jobs per block the maxima were taken over. */
  readonly blockSize: number;
  readonly muNs: number;
  readonly sigmaNs: number;
  /** Shape (0 for the Gumbel). */
  readonly xi: number;
}

/** Peaks-over-threshold parameters as reported. */
export interface PotParams {
  readonly thresholdNs: number;
  readonly sigmaNs: number;
  readonly xi: number;
  /** Fraction of all samples above the threshold (ζ_u). */
  readonly exceedanceRate: number;
  /** Exceedances fitted. */
  readonly exceedances: number;
}

/** Goodness of fit of one model. */
export interface GoodnessOfFit {
  /** Anderson–Darling A² (modified: × (1 + 0.2/√n)). */
  readonly andersonDarling: number;
  /** Kolmogorov–Smirnov D and its p-value (as if the parameters were known: lenient). */
  readonly ksD: number;
  readonly ksPValue: number;
  /** Points tested (block maxima, or exceedances). */
  readonly n: number;
  /** A² below {@link AD_CRITICAL}. */
  readonly ok: boolean;
}

/** One fitted model, whether chosen or not. */
export interface PwcetFitReport {
  readonly params: BlockMaximaParams | PotParams;
  readonly logLik: number;
  readonly aic: number;
  readonly pwcetNs: PwcetNs;
  /** Upper end of a bounded (ξ < 0) tail, ns; null when unbounded. */
  readonly upperEndpointNs: number | null;
  readonly gof: GoodnessOfFit;
}

/** Diagnostics of the method's assumptions. */
export interface PwcetDiagnostics {
  /** True when no test rejects independence, stationarity or the chosen fit, and the sample is adequate. */
  readonly ok: boolean;
  /** Each failed assumption, in plain words. */
  readonly warnings: string[];
  /** What the reader should know even when all is well (extrapolation range, choices made). */
  readonly notes: string[];
  readonly independence: {
    readonly ok: boolean;
    /** Lag-1 autocorrelation of all samples and its ±z/√n band. */
    readonly lag1: { readonly r: number; readonly band: number; readonly n: number; readonly ok: boolean };
    /** Lag-1 autocorrelation of the block maxima (what the block-maxima fit assumes independent). */
    readonly lag1BlockMaxima: {
      readonly r: number;
      readonly band: number;
      readonly n: number;
      readonly ok: boolean;
    };
    /** Runs above/below the median; `n` values tested (`window`: the most recent ones only). */
    readonly runs: {
      readonly runs: number;
      readonly expected: number;
      readonly z: number;
      readonly pValue: number;
      readonly n: number;
      readonly window: boolean;
      readonly ok: boolean;
    };
  };
  readonly stationarity: {
    readonly ok: boolean;
    /** Mann–Kendall trend test on the block maxima. */
    readonly mannKendall: {
      readonly s: number;
      readonly z: number;
      readonly tau: number;
      readonly pValue: number;
      readonly n: number;
      readonly ok: boolean;
    };
    /** Two-sample KS between the first and second half of the block maxima. */
    readonly halves: { readonly d: number; readonly pValue: number; readonly ok: boolean };
  };
  readonly goodnessOfFit: { readonly model: PwcetModel; readonly ok: boolean } & GoodnessOfFit;
  /** Gumbel vs GEV likelihood-ratio test. */
  readonly likelihoodRatio: {
    readonly statistic: number;
    readonly pValue: number;
    readonly prefers: 'gumbel' | 'gev';
  };
  /** The GPD threshold ladder; null when there were too few exceedances for a GPD. */
  readonly threshold: { readonly stable: boolean; readonly candidates: readonly ThresholdCandidate[] } | null;
  readonly sampleSize: {
    readonly ok: boolean;
    readonly samples: number;
    readonly blocks: number;
    readonly blockSize: number;
    /** 1/n: below it the pWCET is extrapolated beyond every observation. */
    readonly observedP: number;
    /** Probabilities whose pWCET is extrapolation (p < 1/n). */
    readonly extrapolated: PwcetProbability[];
  };
}

/** A pWCET estimate. */
export interface PwcetResult {
  /** Execution times the estimate rests on. */
  readonly samples: number;
  /** The chosen model. */
  readonly model: PwcetModel;
  /** The chosen model's parameters. */
  readonly params: BlockMaximaParams | PotParams;
  /** pWCET per exceedance probability per job execution, ns (non-increasing in p). */
  readonly pwcetNs: PwcetNs;
  /** Probability `fitsBudget` is judged at. */
  readonly targetP: PwcetProbability;
  /** The budget compared against, ns; null when none was given. */
  readonly budgetNs: number | null;
  /** pwcetNs[targetP] ≤ budgetNs; null without a budget. */
  readonly fitsBudget: boolean | null;
  /** Upper end of the chosen model's tail (ξ < 0), ns; null when unbounded. */
  readonly upperEndpointNs: number | null;
  /** Largest value observed, ns. */
  readonly maxObservedNs: number;
  /** Empirical quantiles where the sample reaches them (p ≥ 1/n: a value lies beyond), ns (for comparison). */
  readonly empiricalNs: Partial<PwcetNs>;
  /** Why this model was chosen. */
  readonly choice: string;
  /** Every model fitted. */
  readonly fits: {
    readonly gumbel: PwcetFitReport;
    readonly gev: PwcetFitReport;
    readonly gpd: PwcetFitReport | null;
  };
  readonly diagnostics: PwcetDiagnostics;
}

/** Options of {@link estimatePwcet}. */
export interface PwcetOptions {
  /** Budget to compare against, ns. @default null */
  readonly budgetNs?: number | null;
  /** Exceedance probability the budget check and the conservative choice use. @default '1e-9' */
  readonly targetP?: PwcetProbability;
  /** @default 'auto' */
  readonly model?: PwcetModelChoice;
}

/** The numeric value of a probability key. */
export function probabilityValue(p: PwcetProbability): number {
  return Number(p);
}

/**
 * Fits the models and reports the pWCET (see the module note). Throws
 * `HardtickError('samples_invalid')` when the block maxima have fewer than three distinct
 * values (nothing to fit: e.g. a constant execution time).
 */
export function estimatePwcet(evidence: PwcetEvidence, options: PwcetOptions = {}): PwcetResult {
  const targetP = options.targetP ?? '1e-9';
  const budgetNs = options.budgetNs ?? null;
  const choice = options.model ?? 'auto';
  const bm = evidence.blockMaxima;
  const b = evidence.blockSize;
  const n = evidence.count;
  const distinct = new Set<number>();
  for (let i = 0; i < bm.length && distinct.size < 3; i++) distinct.add(bm[i]!);
  if (distinct.size < 3) {
    throw new HardtickError(
      'samples_invalid',
      `the ${bm.length} block maxima take fewer than 3 distinct values: no extreme-value fit is possible (is the execution time constant or coarsely quantised?)`,
    );
  }
  const maxObservedNs = evidence.tailDesc.length > 0 ? evidence.tailDesc[0]! : Math.max(...Array.from(bm));

  // The empirical (1 − p)-quantile: the value with ⌊p·n⌋ values above it. The sample
  // supports it when p ≥ 1/n (at least one value beyond it); below 1/n it would be a guess
  // beyond the largest value, which is what the fitted tail is for.
  const empirical = (p: number): number | null => {
    const beyond = p * n; // values above the quantile
    if (beyond < 1) return null;
    const r = Math.floor(beyond);
    if (r < evidence.tailDesc.length) return evidence.tailDesc[r]!;
    const res = evidence.reservoir;
    if (res === null || res.length === 0 || p * res.length < 1) return null;
    return res[Math.min(res.length - 1, Math.floor((1 - p) * res.length))]!;
  };

  // Block maxima.
  const gumbel = fitGumbel(bm);
  const gev = fitGev(bm, gumbel);
  const bmPwcet = (f: GevParams): PwcetNs => perP((p) => gevPerJobQuantile(p, b, f));
  const bmReport = (f: GevFit): PwcetFitReport => ({
    params: { blockSize: b, muNs: f.muNs, sigmaNs: f.sigmaNs, xi: f.xi },
    logLik: f.logLik,
    aic: f.aic,
    pwcetNs: bmPwcet(f),
    upperEndpointNs: gevUpperEndpoint(f),
    gof: goodnessOfFit(bm, (x) => gevCdf(x, f)),
  });
  const gumbelReport = bmReport(gumbel);
  const gevReport = bmReport(gev);
  const lrStat = Math.max(0, 2 * (gev.logLik - gumbel.logLik));
  const lrP = chiSquare1Tail(lrStat);
  const bmPrefers: 'gumbel' | 'gev' = lrP < LR_ALPHA ? 'gev' : 'gumbel';

  // Peaks over threshold.
  const selection = selectGpd(evidence.tailDesc, n);
  let gpdReport: PwcetFitReport | null = null;
  let gpdUsedEmpirical = false;
  if (selection !== null) {
    const f: GpdFit = selection.fit;
    const exceedances = new Float64Array(f.k);
    for (let i = 0; i < f.k; i++) exceedances[i] = evidence.tailDesc[i]! - f.thresholdNs;
    gpdReport = {
      params: {
        thresholdNs: f.thresholdNs,
        sigmaNs: f.sigmaNs,
        xi: f.xi,
        exceedanceRate: f.exceedanceRate,
        exceedances: f.k,
      },
      logLik: f.logLik,
      aic: f.aic,
      pwcetNs: perP((p) => {
        const q = gpdPerJobQuantile(p, f);
        if (q !== null) return q;
        gpdUsedEmpirical = true;
        return empirical(p) ?? f.thresholdNs;
      }),
      upperEndpointNs: gpdUpperEndpoint(f),
      gof: goodnessOfFit(exceedances, (y) => gpdCdf(y, f.sigmaNs, f.xi)),
    };
  }

  // Choice.
  const reports: Record<PwcetModel, PwcetFitReport | null> = {
    gumbel: gumbelReport,
    gev: gevReport,
    gpd: gpdReport,
  };
  let model: PwcetModel;
  let why: string;
  const lrText = `likelihood ratio Gumbel vs GEV: ${lrStat.toFixed(2)}, p = ${formatP(lrP)}`;
  if (choice !== 'auto') {
    if (reports[choice] === null) {
      throw new HardtickError(
        'samples_invalid',
        `model gpd: too few values above any threshold (${evidence.tailDesc.length - 1} largest kept of ${n}; a GPD needs 50 exceedances)`,
      );
    }
    model = choice;
    why = `${choice}: asked for (${lrText})`;
  } else {
    const candidates: PwcetModel[] = gpdReport === null ? [bmPrefers] : [bmPrefers, 'gpd'];
    const passing = candidates.filter((m) => reports[m]!.gof.ok);
    // Nothing fits: the most pessimistic of every fit (Gumbel included) rather than a guess.
    const everyFit: PwcetModel[] = gpdReport === null ? ['gumbel', 'gev'] : ['gumbel', 'gev', 'gpd'];
    const pool = passing.length > 0 ? passing : everyFit;
    model = pool.reduce((a, m) => (reports[m]!.pwcetNs[targetP] > reports[a]!.pwcetNs[targetP] ? m : a));
    const bmWhy =
      bmPrefers === 'gev'
        ? `GEV over Gumbel for the block maxima (${lrText} < ${LR_ALPHA})`
        : `Gumbel over GEV for the block maxima (${lrText} ≥ ${LR_ALPHA}: ξ = 0 not rejected)`;
    const poolWhy =
      candidates.length === 1
        ? 'no GPD (too few exceedances)'
        : passing.length === 2
          ? `both ${bmPrefers} and gpd pass the goodness-of-fit check: the larger pWCET at p = ${targetP} is taken (conservative)`
          : passing.length === 1
            ? `only ${passing[0]} passes the goodness-of-fit check`
            : `no model passes the goodness-of-fit check: the largest pWCET at p = ${targetP} of all fits is taken`;
    why = `${model}: ${bmWhy}; ${poolWhy}`;
  }
  const chosen = reports[model]!;
  // Non-increasing in p (a mix of model and empirical values could otherwise wiggle).
  const pwcetNs = { ...chosen.pwcetNs };
  let running = Number.NEGATIVE_INFINITY;
  for (const p of PWCET_PROBABILITIES) {
    running = Math.max(running, pwcetNs[p]);
    pwcetNs[p] = running;
  }

  // Diagnostics.
  const warnings: string[] = [];
  const notes: string[] = [];
  const band = (m: number): number => Z_CRIT / Math.sqrt(Math.max(1, m));
  const lag1Band = band(n);
  const lag1Ok = Math.abs(evidence.lag1) <= lag1Band;
  if (!lag1Ok) {
    warnings.push(
      `independence: lag-1 autocorrelation of the samples is ${evidence.lag1.toFixed(3)}, outside ±${lag1Band.toFixed(3)} (consecutive execution times are correlated)`,
    );
  }
  const bmLag1 = lag1Autocorrelation(bm);
  const bmBand = band(bm.length);
  const bmLag1Ok = Math.abs(bmLag1) <= bmBand;
  if (!bmLag1Ok) {
    warnings.push(
      `independence: lag-1 autocorrelation of the block maxima is ${bmLag1.toFixed(3)}, outside ±${bmBand.toFixed(3)} (try a larger block size)`,
    );
  }
  const seq = evidence.sequence;
  const runs = runsTest(seq, median(seq));
  const runsOk = runs.pValue >= DIAGNOSTIC_ALPHA;
  const seqWindow = seq.length < n;
  if (!runsOk) {
    warnings.push(
      `independence: runs test above/below the median${seqWindow ? ` (last ${seq.length} samples)` : ''}: ${runs.runs} runs, ${runs.expected.toFixed(0)} expected (z = ${runs.z.toFixed(2)}, p = ${formatP(runs.pValue)})`,
    );
  }
  const mk = mannKendall(bm);
  const mkOk = mk.pValue >= DIAGNOSTIC_ALPHA;
  if (!mkOk) {
    warnings.push(
      `stationarity: the block maxima trend ${mk.s > 0 ? 'upward' : 'downward'} (Mann–Kendall z = ${mk.z.toFixed(2)}, p = ${formatP(mk.pValue)})`,
    );
  }
  const half = Math.floor(bm.length / 2);
  const bmArr = Float64Array.from(bm as ArrayLike<number>);
  const halves = ksTwoSample(bmArr.subarray(0, half), bmArr.subarray(half));
  const halvesOk = halves.pValue >= DIAGNOSTIC_ALPHA;
  if (!halvesOk) {
    warnings.push(
      `stationarity: the first and second half of the block maxima differ (KS D = ${halves.d.toFixed(3)}, p = ${formatP(halves.pValue)})`,
    );
  }
  if (!chosen.gof.ok) {
    warnings.push(
      `fit: the ${model} model does not fit its data (Anderson–Darling A² = ${chosen.gof.andersonDarling.toFixed(2)} > ${AD_CRITICAL})`,
    );
  }
  if (selection !== null && !selection.stable && model === 'gpd') {
    warnings.push('fit: no GPD threshold below the highest gave a stable shape ξ: the highest was used');
  }
  const sampleOk = bm.length >= ADVISED_BLOCKS;
  if (!sampleOk) {
    warnings.push(`sample size: only ${bm.length} block maxima (at least ${ADVISED_BLOCKS} advised)`);
  }
  const extrapolated = PWCET_PROBABILITIES.filter((p) => probabilityValue(p) * n < 1);
  if (extrapolated.length > 0) {
    notes.push(
      `p < 1/n = ${formatP(1 / n)}: the pWCET at ${extrapolated.join(', ')} is extrapolated by the fitted tail beyond anything observed (largest observed ${Math.round(maxObservedNs)} ns); it holds only as far as the assumptions do`,
    );
  }
  const endpoint = chosen.upperEndpointNs;
  if (endpoint !== null) {
    notes.push(
      `bounded tail (ξ = ${chosen.params.xi.toFixed(3)} < 0): the ${model} model puts an upper endpoint at ${Math.round(endpoint)} ns`,
    );
  }
  if (model === 'gpd' && gpdUsedEmpirical) {
    notes.push('where p is above the GPD threshold rate, the pWCET is the empirical quantile');
  }
  if (seqWindow) {
    notes.push(
      `run buffers: ${bm.length} block maxima of ${b} jobs, the ${evidence.tailDesc.length} largest values, runs test on the last ${seq.length}`,
    );
  }
  // A fitted tail this heavy says the slowest executions are interference (preemption,
  // host stalls, pauses), not the task's code: the extrapolation is arithmetic, not evidence.
  const xi = chosen.params.xi;
  const blowUp = pwcetNs[targetP] / Math.max(1, maxObservedNs);
  const tailOk = xi < HEAVY_TAIL_XI && blowUp <= HEAVY_TAIL_RATIO;
  if (!tailOk) {
    warnings.push(
      `heavy tail: ξ = ${xi.toFixed(3)}, the pWCET at ${targetP} is ${blowUp.toFixed(1)}× the largest observed (${Math.round(maxObservedNs)} ns); slow outliers this spread-out are usually interference (preemption, steal, pauses) rather than the task's code — measure on a quieter or isolated CPU before trusting the estimate`,
    );
  }
  const independenceOk = lag1Ok && bmLag1Ok && runsOk;
  const stationarityOk = mkOk && halvesOk;
  const ok = independenceOk && stationarityOk && chosen.gof.ok && sampleOk && tailOk;
  if (!ok) {
    warnings.push(
      'the data do not support the fit: the pWCET above rests on assumptions a test rejected (see the warnings)',
    );
  }

  const empiricalNs: Partial<PwcetNs> = {};
  for (const p of PWCET_PROBABILITIES) {
    const e = empirical(probabilityValue(p));
    if (e !== null) empiricalNs[p] = e;
  }
  const target = pwcetNs[targetP];
  return {
    samples: n,
    model,
    params: chosen.params,
    pwcetNs,
    targetP,
    budgetNs,
    fitsBudget: budgetNs === null ? null : target <= budgetNs,
    upperEndpointNs: endpoint,
    maxObservedNs,
    empiricalNs,
    choice: why,
    fits: { gumbel: gumbelReport, gev: gevReport, gpd: gpdReport },
    diagnostics: {
      ok,
      warnings,
      notes,
      independence: {
        ok: independenceOk,
        lag1: { r: evidence.lag1, band: lag1Band, n, ok: lag1Ok },
        lag1BlockMaxima: { r: bmLag1, band: bmBand, n: bm.length, ok: bmLag1Ok },
        runs: {
          runs: runs.runs,
          expected: runs.expected,
          z: runs.z,
          pValue: runs.pValue,
          n: runs.above + runs.below,
          window: seqWindow,
          ok: runsOk,
        },
      },
      stationarity: {
        ok: stationarityOk,
        mannKendall: { s: mk.s, z: mk.z, tau: mk.tau, pValue: mk.pValue, n: bm.length, ok: mkOk },
        halves: { d: halves.d, pValue: halves.pValue, ok: halvesOk },
      },
      goodnessOfFit: { model, ...chosen.gof },
      likelihoodRatio: { statistic: lrStat, pValue: lrP, prefers: bmPrefers },
      threshold: selection === null ? null : { stable: selection.stable, candidates: selection.candidates },
      sampleSize: {
        ok: sampleOk,
        samples: n,
        blocks: bm.length,
        blockSize: b,
        observedP: 1 / n,
        extrapolated,
      },
    },
  };
}

function perP(q: (p: number) => number): PwcetNs {
  const out = {} as PwcetNs;
  for (const p of PWCET_PROBABILITIES) out[p] = q(probabilityValue(p));
  return out;
}

function goodnessOfFit(x: ArrayLike<number>, F: (v: number) => number): GoodnessOfFit {
  const n = x.length;
  const spread = spreadTies(x);
  const a2 = andersonDarling(spread, F) * (1 + 0.2 / Math.sqrt(n));
  const ks = ksOneSample(spread, F);
  return { andersonDarling: a2, ksD: ks.d, ksPValue: ks.pValue, n, ok: a2 <= AD_CRITICAL };
}

/**
 * Sorted copy of `x` with each group of t tied values spread evenly over its quantisation
 * cell (v − q/2, v + q/2), q = the smallest gap between distinct values. Execution times are
 * whole ns (or coarser, with a coarse clock), so the far tail that the fits look at holds
 * few distinct values; the tests assume a continuous distribution and reject tied data
 * for the ties alone. Untied values are unchanged.
 */
export function spreadTies(x: ArrayLike<number>): Float64Array {
  const s = Float64Array.from(x as ArrayLike<number>).sort();
  const n = s.length;
  let q = Number.POSITIVE_INFINITY;
  for (let i = 1; i < n; i++) {
    const d = s[i]! - s[i - 1]!;
    if (d > 0 && d < q) q = d;
  }
  if (!Number.isFinite(q)) return s;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j < n && s[j] === s[i]) j++;
    const t = j - i;
    if (t > 1) {
      const v = s[i]!;
      for (let k = 0; k < t; k++) s[i + k] = v - q / 2 + ((k + 0.5) * q) / t;
    }
    i = j;
  }
  return s;
}

/** A probability for messages: `0.003`, `1.2e-5`. */
export function formatP(p: number): string {
  if (p === 0) return '0';
  if (p >= 0.001) return p.toPrecision(2).replace(/\.?0+$/, '');
  return p.toExponential(1);
}
