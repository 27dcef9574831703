/**
 * Hyperperiod arithmetic. Exact: lcm/gcd run on BigInt so an overflowing hyperperiod is
 * detected (and explained) instead of silently losing precision in a double.
 */
import type { PlanLimits } from '../config/types.js';
import { HardtickError } from '../errors.js';
import { formatNs } from './format.js';
import type { Diagnostic } from './types.js';

/** The task fields the hyperperiod depends on. */
export interface PeriodicTask {
  readonly name: string;
  readonly periodNs: number;
}

/** Greatest common divisor of two non-negative integers (numbers, exact below 2^53). */
export function gcdNs(a: number, b: number): number {
  let x = Math.abs(a);
  let y = Math.abs(b);
  while (y !== 0) {
    const t = x % y;
    x = y;
    y = t;
  }
  return x;
}

/** Greatest common divisor on BigInt. */
export function gcdBig(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) {
    const t = x % y;
    x = y;
    y = t;
  }
  return x;
}

/** Least common multiple on BigInt (0 when either is 0). */
export function lcmBig(a: bigint, b: bigint): bigint {
  if (a === 0n || b === 0n) return 0n;
  return (a / gcdBig(a, b)) * b;
}

/** Exact hyperperiod H = lcm of all periods, in ns, as a BigInt (never overflows). */
export function hyperperiodBigNs(tasks: readonly Pick<PeriodicTask, 'periodNs'>[]): bigint {
  let h = 1n;
  for (const task of tasks) h = lcmBig(h, BigInt(task.periodNs));
  return h;
}

/**
 * Hyperperiod H = lcm of all periods, in ns.
 * @throws HardtickError `plan_limit` when H exceeds `Number.MAX_SAFE_INTEGER` ns (≈ 104 days).
 */
export function hyperperiodNs(tasks: readonly Pick<PeriodicTask, 'periodNs'>[]): number {
  const h = hyperperiodBigNs(tasks);
  if (h > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new HardtickError('plan_limit', `hyperperiod ${h}ns exceeds ${Number.MAX_SAFE_INTEGER}ns`);
  }
  return Number(h);
}

/** Outcome of {@link checkHyperperiod}: the sizes, or the diagnostics explaining the limit hit. */
export type HyperperiodCheck =
  | { readonly ok: true; readonly hyperperiodNs: number; readonly jobCount: number }
  | { readonly ok: false; readonly hyperperiodNs: number; readonly diagnostics: readonly Diagnostic[] };

/**
 * Computes H and the number of jobs per hyperperiod and checks them against `limits`.
 * When a limit is hit, the diagnostics name the pair of periods with the largest lcm
 * blow-up and suggest a harmonic replacement. `hyperperiodNs` is 0 in the result when H
 * does not even fit a double exactly.
 */
export function checkHyperperiod(tasks: readonly PeriodicTask[], limits: PlanLimits): HyperperiodCheck {
  const maxH = Math.min(limits.maxHyperperiodNs, Number.MAX_SAFE_INTEGER);
  const maxBig = BigInt(maxH);
  // Stop at the first period that takes the lcm past the limit: the lcm of thousands of
  // co-prime periods has tens of thousands of digits, and only the fact that it is too
  // large matters (the partial lcm is at most maxH × the largest period).
  let h = 1n;
  let used = 0;
  while (used < tasks.length && h <= maxBig) h = lcmBig(h, BigInt(tasks[used++]!.periodNs));
  const hNum = h <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(h) : 0;
  if (h > maxBig) {
    const value =
      used === tasks.length
        ? `= ${describeBig(h)} exceeds the limit ${formatNs(maxH)}`
        : `exceeds the limit ${formatNs(maxH)} (the lcm of the first ${used} of the ${tasks.length} periods is already ${describeBig(h)})`;
    const message = `hyperperiod H = lcm of all periods ${value}${blowUpHint(tasks.slice(0, used))}`;
    return {
      ok: false,
      hyperperiodNs: used === tasks.length ? hNum : 0,
      diagnostics: [{ code: 'hyperperiod_limit', message }],
    };
  }
  let jobCount = 0;
  let worst: PeriodicTask | undefined;
  for (const task of tasks) {
    jobCount += hNum / task.periodNs;
    if (worst === undefined || task.periodNs < worst.periodNs) worst = task;
  }
  if (jobCount > limits.maxJobs) {
    const worstJobs = worst === undefined ? 0 : hNum / worst.periodNs;
    const message =
      `the hyperperiod H = ${formatNs(hNum)} holds ${jobCount} jobs, above the limit ${limits.maxJobs}` +
      (worst === undefined
        ? ''
        : `; task ${worst.name} (period ${formatNs(worst.periodNs)}) alone releases ${worstJobs}`) +
      blowUpHint(tasks);
    return { ok: false, hyperperiodNs: hNum, diagnostics: [{ code: 'job_limit', message }] };
  }
  return { ok: true, hyperperiodNs: hNum, jobCount };
}

function describeBig(ns: bigint): string {
  if (ns <= BigInt(Number.MAX_SAFE_INTEGER)) return formatNs(Number(ns));
  return `${ns}ns`;
}

/** Distinct periods compared pairwise by {@link blowUpHint} (the comparison is quadratic). */
export const MAX_HINT_PERIODS = 64;

/**
 * Names the two periods whose lcm grows most over the larger of them (the non-harmonic
 * pair that inflates H) and suggests making the longer one a multiple of the shorter.
 * Only the first {@link MAX_HINT_PERIODS} distinct periods are compared, and the last of
 * them is always among those: it is the one that took H past the limit.
 */
function blowUpHint(tasks: readonly PeriodicTask[]): string {
  let best: { a: PeriodicTask; b: PeriodicTask; ratio: bigint } | undefined;
  const seen = new Set<number>();
  const distinct: PeriodicTask[] = [];
  for (const task of tasks) {
    if (seen.has(task.periodNs)) continue;
    seen.add(task.periodNs);
    distinct.push(task);
  }
  if (distinct.length > MAX_HINT_PERIODS) {
    distinct.splice(MAX_HINT_PERIODS - 1, distinct.length - MAX_HINT_PERIODS);
  }
  for (let i = 0; i < distinct.length; i++) {
    for (let j = i + 1; j < distinct.length; j++) {
      const x = distinct[i]!;
      const y = distinct[j]!;
      const [a, b] = x.periodNs <= y.periodNs ? [x, y] : [y, x];
      const ratio = lcmBig(BigInt(a.periodNs), BigInt(b.periodNs)) / BigInt(b.periodNs);
      if (best === undefined || ratio > best.ratio) best = { a, b, ratio };
    }
  }
  if (best === undefined || best.ratio === 1n) {
    return '; use harmonic periods (each period divides the next) to keep H small';
  }
  const { a, b } = best;
  const lcm = lcmBig(BigInt(a.periodNs), BigInt(b.periodNs));
  const harmonic = Math.floor(b.periodNs / a.periodNs) * a.periodNs;
  return (
    `; the largest blow-up comes from ${a.name} (period ${formatNs(a.periodNs)}) and ${b.name} ` +
    `(period ${formatNs(b.periodNs)}): lcm = ${describeBig(lcm)}. Use harmonic periods (each divides ` +
    `the next), e.g. give ${b.name} period ${formatNs(harmonic)}, a multiple of ${formatNs(a.periodNs)}`
  );
}
