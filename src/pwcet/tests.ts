/**
 * The statistical tests behind the pWCET diagnostics: lag-1 autocorrelation, the
 * Wald–Wolfowitz runs test, the Mann–Kendall trend test, the two-sample and one-sample
 * Kolmogorov–Smirnov tests and the Anderson–Darling statistic. Each is O(n log n) at most
 * (Mann–Kendall counts concordant pairs with a Fenwick tree instead of comparing all
 * n²/2 pairs), so a million samples take well under a second. Cold path; allocates.
 */
import { kolmogorovTail, twoSidedNormalP } from './special.js';

/**
 * Lag-1 sample autocorrelation r₁ = Σ(x_t − x̄)(x_{t−1} − x̄) / Σ(x_t − x̄)²; 0 for a
 * constant or a one-value series. Under independence r₁ ≈ N(−1/n, 1/n).
 */
export function lag1Autocorrelation(x: ArrayLike<number>): number {
  const n = x.length;
  if (n < 2) return 0;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += x[i]!;
  mean /= n;
  let num = 0;
  let den = 0;
  let prev = x[0]! - mean;
  den += prev * prev;
  for (let i = 1; i < n; i++) {
    const d = x[i]! - mean;
    num += d * prev;
    den += d * d;
    prev = d;
  }
  return den > 0 ? num / den : 0;
}

/** Result of {@link runsTest}. */
export interface RunsTestResult {
  /** Values strictly above / below the median (ties with it are dropped). */
  readonly above: number;
  readonly below: number;
  /** Runs of consecutive above/below values. */
  readonly runs: number;
  /** Runs expected under independence. */
  readonly expected: number;
  /** Standardised statistic; negative: fewer runs than expected (clustering). */
  readonly z: number;
  readonly pValue: number;
}

/** Median of a sample (sorts a copy). */
export function median(x: ArrayLike<number>): number {
  const s = Float64Array.from(x as ArrayLike<number>).sort();
  const n = s.length;
  if (n === 0) return Number.NaN;
  return n % 2 === 1 ? s[(n - 1) / 2]! : 0.5 * (s[n / 2 - 1]! + s[n / 2]!);
}

/**
 * Wald–Wolfowitz runs test above/below `center` (default: the median): too few runs means
 * values cluster in time (dependence or drift), too many means alternation. Normal
 * approximation: E[R] = 2n₁n₂/N + 1, Var R = 2n₁n₂(2n₁n₂ − N)/(N²(N − 1)).
 */
export function runsTest(x: ArrayLike<number>, center: number = median(x)): RunsTestResult {
  let above = 0;
  let below = 0;
  let runs = 0;
  let last = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    const side = v > center ? 1 : v < center ? -1 : 0;
    if (side === 0) continue;
    if (side > 0) above++;
    else below++;
    if (side !== last) runs++;
    last = side;
  }
  const N = above + below;
  if (above === 0 || below === 0 || N < 3) return { above, below, runs, expected: runs, z: 0, pValue: 1 };
  const prod = 2 * above * below;
  const expected = prod / N + 1;
  const variance = (prod * (prod - N)) / (N * N * (N - 1));
  const z = variance > 0 ? (runs - expected) / Math.sqrt(variance) : 0;
  return { above, below, runs, expected, z, pValue: twoSidedNormalP(z) };
}

/** Result of {@link mannKendall}. */
export interface MannKendallResult {
  /** S = Σ_{i<j} sign(x_j − x_i): positive for an upward trend. */
  readonly s: number;
  /** Continuity-corrected standardised S (variance corrected for ties). */
  readonly z: number;
  readonly pValue: number;
  /** Kendall's τ_a = S / (n(n−1)/2). */
  readonly tau: number;
}

/**
 * Mann–Kendall trend test in O(n log n): S from a Fenwick tree over the value ranks
 * (for each j, the earlier values below minus those above x_j). Var S =
 * [n(n−1)(2n+5) − Σ t(t−1)(2t+5)]/18 over tie groups of size t.
 */
export function mannKendall(x: ArrayLike<number>): MannKendallResult {
  const n = x.length;
  if (n < 3) return { s: 0, z: 0, pValue: 1, tau: 0 };
  const sorted = Float64Array.from(x as ArrayLike<number>).sort();
  // Distinct values and tie-group sizes.
  const distinct: number[] = [];
  let tieTerm = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j < n && sorted[j] === sorted[i]) j++;
    const t = j - i;
    tieTerm += t * (t - 1) * (2 * t + 5);
    distinct.push(sorted[i]!);
    i = j;
  }
  const m = distinct.length;
  const rankOf = (v: number): number => {
    let lo = 0;
    let hi = m - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (distinct[mid]! < v) lo = mid + 1;
      else hi = mid;
    }
    return lo + 1; // 1-based for the tree
  };
  const tree = new Float64Array(m + 1);
  const prefix = (r: number): number => {
    let s = 0;
    for (let i = r; i > 0; i -= i & -i) s += tree[i]!;
    return s;
  };
  let s = 0;
  for (let j = 0; j < n; j++) {
    const r = rankOf(x[j]!);
    const lower = prefix(r - 1);
    const higher = j - prefix(r);
    s += lower - higher;
    for (let i = r; i <= m; i += i & -i) tree[i]!++;
  }
  const variance = (n * (n - 1) * (2 * n + 5) - tieTerm) / 18;
  const z = variance > 0 ? (s - Math.sign(s)) / Math.sqrt(variance) : 0;
  return { s, z, pValue: twoSidedNormalP(z), tau: s / ((n * (n - 1)) / 2) };
}

/** A Kolmogorov–Smirnov statistic and its asymptotic p-value. */
export interface KsResult {
  readonly d: number;
  readonly pValue: number;
}

/** Two-sample Kolmogorov–Smirnov test (Numerical Recipes `kstwo` p-value). */
export function ksTwoSample(a: ArrayLike<number>, b: ArrayLike<number>): KsResult {
  const x = Float64Array.from(a as ArrayLike<number>).sort();
  const y = Float64Array.from(b as ArrayLike<number>).sort();
  const n1 = x.length;
  const n2 = y.length;
  if (n1 === 0 || n2 === 0) return { d: 0, pValue: 1 };
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < n1 && j < n2) {
    const v = Math.min(x[i]!, y[j]!);
    while (i < n1 && x[i]! <= v) i++;
    while (j < n2 && y[j]! <= v) j++;
    d = Math.max(d, Math.abs(i / n1 - j / n2));
  }
  const ne = Math.sqrt((n1 * n2) / (n1 + n2));
  return { d, pValue: kolmogorovTail((ne + 0.12 + 0.11 / ne) * d) };
}

/** One-sample Kolmogorov–Smirnov test of `x` against the cdf `F` (parameters taken as known). */
export function ksOneSample(x: ArrayLike<number>, F: (v: number) => number): KsResult {
  const s = Float64Array.from(x as ArrayLike<number>).sort();
  const n = s.length;
  if (n === 0) return { d: 0, pValue: 1 };
  let d = 0;
  for (let i = 0; i < n; i++) {
    const f = F(s[i]!);
    d = Math.max(d, (i + 1) / n - f, f - i / n);
  }
  const sn = Math.sqrt(n);
  return { d, pValue: kolmogorovTail((sn + 0.12 + 0.11 / sn) * d) };
}

/**
 * Anderson–Darling statistic A² = −n − (1/n)Σ(2i−1)[ln F(x₍ᵢ₎) + ln(1 − F(x₍ₙ₊₁₋ᵢ₎))]
 * of `x` against `F` (weights the tails, where a pWCET fit matters). F is clamped to
 * [1e-300, 1 − 1e-16] so a value outside the fitted support adds a large finite term.
 */
export function andersonDarling(x: ArrayLike<number>, F: (v: number) => number): number {
  const s = Float64Array.from(x as ArrayLike<number>).sort();
  const n = s.length;
  if (n === 0) return 0;
  const f = new Float64Array(n);
  for (let i = 0; i < n; i++) f[i] = Math.min(1 - 1e-16, Math.max(1e-300, F(s[i]!)));
  let sum = 0;
  for (let i = 0; i < n; i++) sum += (2 * i + 1) * (Math.log(f[i]!) + Math.log1p(-f[n - 1 - i]!));
  return -n - sum / n;
}
