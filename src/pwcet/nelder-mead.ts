/**
 * Nelder–Mead simplex minimiser (the standard reflection / expansion / contraction /
 * shrink coefficients 1, 2, ½, ½). Used for the maximum-likelihood fits (GEV, GPD) on
 * standardised data, where every parameter is of order 1. Cold path; allocates.
 */

/** Options of {@link nelderMead}. */
export interface NelderMeadOptions {
  /** Initial step per coordinate. @default 0.1 for every coordinate */
  readonly steps?: readonly number[];
  /** Function evaluations at most. @default 4000 */
  readonly maxEvaluations?: number;
  /** Stop when the spread of f over the simplex is below this. @default 1e-10 */
  readonly fTolerance?: number;
  /** … and the simplex's largest coordinate spread is below this. @default 1e-9 */
  readonly xTolerance?: number;
}

/** The minimum found. */
export interface NelderMeadResult {
  readonly x: number[];
  readonly f: number;
  readonly evaluations: number;
  /** True when the tolerances were met before `maxEvaluations`. */
  readonly converged: boolean;
}

/**
 * Minimises `f` from `x0`. `f` may return `+Infinity` (or NaN, treated as +∞) outside its
 * domain; the start point must be inside it.
 */
export function nelderMead(
  f: (x: readonly number[]) => number,
  x0: readonly number[],
  options: NelderMeadOptions = {},
): NelderMeadResult {
  const n = x0.length;
  const maxEval = options.maxEvaluations ?? 4000;
  const fTol = options.fTolerance ?? 1e-10;
  const xTol = options.xTolerance ?? 1e-9;
  let evaluations = 0;
  const evaluate = (x: readonly number[]): number => {
    evaluations++;
    const v = f(x);
    return Number.isNaN(v) ? Number.POSITIVE_INFINITY : v;
  };
  const simplex: number[][] = [x0.slice()];
  for (let i = 0; i < n; i++) {
    const p = x0.slice();
    p[i] = p[i]! + (options.steps?.[i] ?? 0.1);
    simplex.push(p);
  }
  const values = simplex.map(evaluate);
  const order = simplex.map((_, i) => i);
  let converged = false;
  while (evaluations < maxEval) {
    order.sort((a, b) => values[a]! - values[b]!);
    const best = order[0]!;
    const worst = order[n]!;
    const second = order[n - 1]!;
    const fBest = values[best]!;
    const fWorst = values[worst]!;
    let spread = 0;
    for (let j = 0; j < n; j++) {
      let lo = Number.POSITIVE_INFINITY;
      let hi = Number.NEGATIVE_INFINITY;
      for (const p of simplex) {
        lo = Math.min(lo, p[j]!);
        hi = Math.max(hi, p[j]!);
      }
      spread = Math.max(spread, hi - lo);
    }
    if (Math.abs(fWorst - fBest) <= fTol * (1 + Math.abs(fBest)) && spread <= xTol) {
      converged = true;
      break;
    }
    const centroid = new Array<number>(n).fill(0);
    for (const i of order.slice(0, n)) for (let j = 0; j < n; j++) centroid[j]! += simplex[i]![j]! / n;
    const along = (t: number): number[] => centroid.map((c, j) => c + t * (simplex[worst]![j]! - c));
    const reflected = along(-1);
    const fr = evaluate(reflected);
    if (fr < fBest) {
      const expanded = along(-2);
      const fe = evaluate(expanded);
      if (fe < fr) {
        simplex[worst] = expanded;
        values[worst] = fe;
      } else {
        simplex[worst] = reflected;
        values[worst] = fr;
      }
      continue;
    }
    if (fr < values[second]!) {
      simplex[worst] = reflected;
      values[worst] = fr;
      continue;
    }
    const outside = fr < fWorst;
    const contracted = along(outside ? -0.5 : 0.5);
    const fc = evaluate(contracted);
    if (fc < (outside ? fr : fWorst)) {
      simplex[worst] = contracted;
      values[worst] = fc;
      continue;
    }
    const xb = simplex[best]!;
    for (let i = 0; i <= n; i++) {
      if (i === best) continue;
      simplex[i] = simplex[i]!.map((v, j) => xb[j]! + 0.5 * (v - xb[j]!));
      values[i] = evaluate(simplex[i]!);
    }
  }
  let bi = 0;
  for (let i = 1; i <= n; i++) if (values[i]! < values[bi]!) bi = i;
  return { x: simplex[bi]!.slice(), f: values[bi]!, evaluations, converged };
}
