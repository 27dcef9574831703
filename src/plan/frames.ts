/**
 * Frame-size candidates (Baker & Shaw; J. Liu, Real-Time Systems §5.3).
 *
 * A frame size f is a candidate when
 * 1. f divides H,
 * 2. f ≥ max eᵢ (dropped when slicing: a job may then span several frames),
 * 3. every job's window [release, deadline] contains at least one whole frame:
 *    2f − xᵢ ≤ Dᵢ for every task i, where xᵢ is the smallest positive offset of a release
 *    into a frame. With phase 0 that offset is gcd(pᵢ, f), which is the textbook condition
 *    2f − gcd(pᵢ, f) ≤ Dᵢ. With a phase φᵢ the releases sit at offsets (φᵢ mod g) + m·g
 *    (g = gcd(pᵢ, f)), so xᵢ = φᵢ mod g when that is non-zero, else g. This is the exact
 *    "every job has a whole frame" condition (the release offsets take every such value
 *    within a hyperperiod because lcm(pᵢ, f) divides H); it reduces to Baker & Shaw at φ = 0.
 */
import type { ResolvedTask } from '../config/types.js';
import { formatNs } from './format.js';
import { gcdNs } from './hyperperiod.js';
import type { Diagnostic } from './types.js';

/** Prime factorization as [prime, exponent] pairs, ascending. Trial division (n ≤ 2^53). */
export function primeFactors(n: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let rest = n;
  for (const p of [2, 3, 5]) {
    let e = 0;
    while (rest % p === 0) {
      rest /= p;
      e++;
    }
    if (e > 0) out.push([p, e]);
  }
  // Wheel over 6k ± 1.
  for (let d = 7; d * d <= rest; d += 6) {
    for (const p of [d, d + 4]) {
      let e = 0;
      while (rest % p === 0) {
        rest /= p;
        e++;
      }
      if (e > 0) out.push([p, e]);
    }
  }
  if (rest > 1) out.push([rest, 1]);
  out.sort((a, b) => a[0] - b[0]);
  return out;
}

/**
 * Factorization of H = lcm(periods), built from the factorizations of the (distinct)
 * periods, so no trial division ever runs on H itself.
 */
export function hyperperiodFactors(periodsNs: readonly number[]): Array<[number, number]> {
  const maxExp = new Map<number, number>();
  for (const p of new Set(periodsNs)) {
    for (const [prime, e] of primeFactors(p)) maxExp.set(prime, Math.max(maxExp.get(prime) ?? 0, e));
  }
  return [...maxExp.entries()].sort((a, b) => a[0] - b[0]);
}

/** All divisors of the number with the given factorization that lie in [loNs, hiNs], descending. */
export function divisorsInRange(
  factors: readonly (readonly [number, number])[],
  loNs: number,
  hiNs: number,
): number[] {
  const out: number[] = [];
  const walk = (i: number, value: number): void => {
    if (value > hiNs) return;
    if (i === factors.length) {
      if (value >= loNs) out.push(value);
      return;
    }
    const [prime, exp] = factors[i]!;
    let v = value;
    for (let e = 0; e <= exp && v <= hiNs; e++) {
      walk(i + 1, v);
      v *= prime;
    }
  };
  walk(0, 1);
  return out.sort((a, b) => b - a);
}

/**
 * Smallest positive offset of a release of `task` into a frame of size `frameNs`
 * (see the module comment): `phase mod g` when non-zero, else `g = gcd(period, f)`.
 */
export function minReleaseOffsetNs(
  task: Pick<ResolvedTask, 'periodNs' | 'phaseNs'>,
  frameNs: number,
): number {
  const g = gcdNs(task.periodNs, frameNs);
  const delta = task.phaseNs % g;
  return delta === 0 ? g : delta;
}

/**
 * Why `frameNs` is not a valid frame size for `tasks`, one diagnostic per failed
 * constraint and task (empty = valid). `hyperperiodNs` is H.
 */
export function frameFailures(
  tasks: readonly ResolvedTask[],
  hyperperiodNs: number,
  frameNs: number,
  slicing: boolean,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  const f = formatNs(frameNs);
  if (!Number.isInteger(frameNs) || frameNs <= 0 || hyperperiodNs % frameNs !== 0) {
    out.push({
      code: 'frame_not_divisor',
      message: `f=${f} does not divide the hyperperiod H=${formatNs(hyperperiodNs)}`,
    });
    return out;
  }
  for (const task of tasks) {
    if (!slicing && task.budgetNs > frameNs) {
      out.push({
        code: 'frame_too_small',
        message: `f=${f} < budget of ${task.name} (${formatNs(task.budgetNs)}); set "slicing": "auto" or a larger frame`,
        task: task.name,
      });
    }
  }
  for (const task of tasks) {
    const x = minReleaseOffsetNs(task, frameNs);
    const need = 2 * frameNs - x;
    if (need > task.deadlineNs) {
      const g = gcdNs(task.periodNs, frameNs);
      const term = x === g ? 'gcd(p, f)' : '(phase mod gcd(p, f))';
      out.push({
        code: 'frame_constraint',
        message: `f=${f}: 2f − ${term} = ${formatNs(2 * frameNs)} − ${formatNs(x)} = ${formatNs(need)} > deadline ${formatNs(task.deadlineNs)} of ${task.name} (some job of it gets no whole frame inside its window)`,
        task: task.name,
      });
    }
  }
  return out;
}

/** Result of {@link frameCandidates}. */
export interface FrameCandidates {
  /** Frame sizes passing every constraint, largest first. */
  readonly candidatesNs: number[];
  /** Divisors of H that were examined in [loNs, hiNs] and rejected, with their reasons (largest first). */
  readonly rejected: Array<{ readonly frameNs: number; readonly failures: Diagnostic[] }>;
  /** Search range used. */
  readonly loNs: number;
  readonly hiNs: number;
  /** True when `expired` said the time was up before every divisor was examined. */
  readonly timedOut: boolean;
}

/**
 * Enumerates frame sizes for `frame: 'auto'`: divisors of H (from the prime factorization
 * of the periods) in [loNs, min Dᵢ] (the constraint implies f ≤ Dᵢ), filtered by
 * {@link frameFailures}. `loNs` is max eᵢ without slicing, or the caller's minimum with it.
 * `expired` is polled between divisors (each costs a pass over the tasks).
 */
export function frameCandidates(
  tasks: readonly ResolvedTask[],
  hyperperiodNs: number,
  loNs: number,
  slicing: boolean,
  expired: () => boolean = () => false,
): FrameCandidates {
  let hiNs = hyperperiodNs;
  for (const task of tasks) hiNs = Math.min(hiNs, task.deadlineNs);
  const divisors = divisorsInRange(hyperperiodFactors(tasks.map((t) => t.periodNs)), loNs, hiNs);
  const candidatesNs: number[] = [];
  const rejected: Array<{ frameNs: number; failures: Diagnostic[] }> = [];
  for (const f of divisors) {
    if (expired()) return { candidatesNs, rejected, loNs, hiNs, timedOut: true };
    const failures = frameFailures(tasks, hyperperiodNs, f, slicing);
    if (failures.length === 0) candidatesNs.push(f);
    else rejected.push({ frameNs: f, failures });
  }
  return { candidatesNs, rejected, loNs, hiNs, timedOut: false };
}
