/**
 * The pure-JS waiter: sleep with `Atomics.wait` until a margin before the deadline, then
 * spin on the clock to it. The margin is learned per wait length by default
 * (margin-learner.ts); docs/waiting.md explains the trade-offs and what each knob costs.
 *
 * Allocation and threading contract: allocates in the constructor only (its private
 * SharedArrayBuffer, its learner, and the shared timeout table built once per process);
 * `waitUntil`/`waitUntilAt` allocate nothing once warmed up beyond the clock's own reads.
 * One instance belongs to one thread: it blocks it, and `stats` is unsynchronised state.
 */
import type { Clock, Waiter } from './clock.js';
import {
  IO_MARGIN_NS,
  IO_OVERSLEEP_NS,
  IO_WAIT_NS,
  MAX_MARGIN_LIMIT_NS,
  MarginLearner,
  type MarginLearnerOptions,
  type MarginSummary,
} from './margin-learner.js';
import { systemClock } from './system-clock.js';

/** Step of the fractional timeout table, in ns (10 µs). */
export const TIMEOUT_STEP_NS = 10_000;
/** Largest timeout the table holds, in ns (20 ms); longer sleeps use whole milliseconds. */
export const TIMEOUT_TABLE_MAX_NS = 20_000_000;
/** Longest single `Atomics.wait` of a long sleep, in ms; the clock is re-read after each. */
const LONG_CHUNK_MS = 1000;
const NS_PER_MS = 1e6;
/** Default of {@link HybridWaiterOptions.spinReadIntervalNs}. */
export const DEFAULT_SPIN_READ_INTERVAL_NS = 1000;
/** Margin of the hybrid waiter before it has learned one (and the old fixed default), ns. */
export const DEFAULT_HYBRID_MARGIN_NS = 200_000;

/** Offsets in `HybridWaiter.cal` (`CAL_*`): spin calibration, and the deadline cell. */
/** Estimated ns per busy iteration, read cost included (EWMA of each spin phase's fastest stride). */
const CAL_NS_PER_ITER = 0;
/** Busy iterations between two clock reads (integer ≥ 1). */
const CAL_STRIDE = 1;
/** The deadline `waitUntil` was given, ns (handed to `waitUntilAt` through this cell). */
const CAL_TARGET = 2;
const CAL_SIZE = 3;
/**
 * Starting estimate, ns per busy iteration: pessimistic (unoptimised code), so that the
 * first spins read often (stride ≈ 16 at 1 µs) and the estimate adapts downwards.
 */
const CAL_INITIAL_NS_PER_ITER = 64;
/** Weight of a new spin phase's measurement in the estimate (EWMA). */
const CAL_ALPHA = 0.25;
/** A spin phase shorter than this (ns) is too short to calibrate from. */
const CAL_MIN_SPIN_NS = 20_000;
/** Largest stride, so a clock that barely moves cannot stall the spin indefinitely. */
const MAX_STRIDE = 1 << 20;

/**
 * `TIMEOUT_TABLE_MS[i]` = i·10 µs expressed in ms, as *boxed* numbers.
 *
 * Why a table: `Atomics.wait(i32, i, v, timeoutMs)` takes a JS number, and a double
 * computed in optimised code is boxed into a fresh 16-byte HeapNumber to be passed to the
 * builtin; a small integer or a HeapNumber that already exists is passed as-is. So
 * fractional timeouts come from this table, indexed with `Math.floor` (an int, no box);
 * long waits use whole milliseconds, which are small integers.
 *
 * Invariant: the array has generic (tagged) elements, not unboxed doubles. A
 * `number[]` filled by `push(0.01)` would get V8's PACKED_DOUBLE_ELEMENTS kind, whose
 * loads re-box the double (16 B) on every read; seeding the array with `null` first
 * fixes its elements kind as generic, and elements kinds never go back, so each entry
 * stays a HeapNumber created here, once.
 */
const TIMEOUT_TABLE_MS: readonly number[] = buildTimeoutTable();

function buildTimeoutTable(): number[] {
  const n = TIMEOUT_TABLE_MAX_NS / TIMEOUT_STEP_NS + 1;
  const table: unknown[] = Array.from({ length: n }, () => null);
  for (let i = 0; i < n; i++) table[i] = (i * TIMEOUT_STEP_NS) / NS_PER_MS;
  return table as number[];
}

/** How a {@link HybridWaiter} waits. */
export type WaitMode = 'hybrid' | 'sleep' | 'spin';

/** Options of {@link HybridWaiter}. */
export interface HybridWaiterOptions {
  /** Clock the deadlines are expressed on. @default systemClock */
  readonly clock?: Clock;
  /**
   * How long before the deadline to stop sleeping and start spinning: `'auto'` learns it
   * (see {@link HybridWaiterOptions.autoMargin}), a number fixes it in ns. Larger absorbs
   * more wake-up lateness and costs more CPU. Ignored in `'sleep'` and `'spin'` modes.
   * @default 'auto'
   */
  readonly marginNs?: number | 'auto';
  /**
   * Bounds and quantile of the learned margin (`marginNs: 'auto'`); the learner also
   * observes under a fixed margin. @default quantile 0.99, 10 µs–1 ms, mean spin ≤ 0.5 % of
   * a wait, 200 µs before the first sample
   */
  readonly autoMargin?: MarginLearnerOptions;
  /**
   * `'hybrid'`: sleep until `deadline − marginNs`, then spin (the default).
   * `'sleep'`: `Atomics.wait` only (cheap, wakes 0.1–0.5 ms late; for comparisons).
   * `'spin'`: spin only (exact, 100 % of a core; never under SCHED_FIFO, where RT
   * throttling stalls a spinning thread ~50 ms every second). @default 'hybrid'
   */
  readonly mode?: WaitMode;
  /**
   * Target time between two clock reads while spinning, in ns. The waiter runs a
   * calibrated number of busy iterations between reads (re-calibrated after every spin
   * phase). Larger: fewer reads (with the system clock each allocates 16 B, so fewer
   * scavenges) and less memory traffic, at the risk of up to one interval of extra
   * lateness when the stride prediction is off. 0: read back to back (stride 1, the
   * behaviour before this option). Ignored in `'sleep'` mode. @default 1000 (1 µs)
   */
  readonly spinReadIntervalNs?: number;
}

/**
 * Counters of a {@link HybridWaiter}, updated in place (never reallocated).
 * Read them on the non-RT side or between frames; reset with {@link HybridWaiter.resetStats}.
 */
export interface HybridWaiterStats {
  /** Calls to `waitUntil`. */
  waits: number;
  /** Calls whose deadline had already passed on entry (returned at once). */
  pastDeadline: number;
  /** `Atomics.wait` calls made. */
  sleeps: number;
  /** Clock reads made while spinning. */
  spinIterations: number;
  /**
   * Waits whose sleep phase overshot the deadline: the thread woke after the deadline
   * although it aimed at `deadline − margin` (a margin too small for this machine, or a
   * preemption). Always 0 in `'spin'` and `'sleep'` modes.
   */
  overslept: number;
}

/**
 * Waits until an absolute deadline: `Atomics.wait` on a private cell until `marginNs`
 * before it, then a spin on the clock. Returns at or after the deadline (on `clock`).
 */
export class HybridWaiter implements Waiter {
  /** Backend name: `'hybrid'`, `'sleep'` or `'spin'` (the mode). */
  readonly kind: WaitMode;
  /** The clock deadlines are read against. */
  readonly clock: Clock;
  /**
   * Sleep/spin boundary before the deadline, in ns: the fixed margin, or with a learned
   * margin the one used until a wait class has learned its own (0 in `'sleep'` mode).
   */
  readonly marginNs: number;
  /** True when the margin is learned (`marginNs: 'auto'`, hybrid mode). */
  readonly adaptive: boolean;
  /** The oversleep learner (hybrid mode only, else null): drives the margin when {@link HybridWaiter.adaptive}. */
  readonly learner: MarginLearner | null;
  /** Counters, mutated in place. */
  readonly stats: HybridWaiterStats = {
    waits: 0,
    pastDeadline: 0,
    sleeps: 0,
    spinIterations: 0,
    overslept: 0,
  };
  /** Target ns between clock reads while spinning (0: back to back). */
  readonly spinReadIntervalNs: number;
  /** Private cell nobody notifies: `Atomics.wait` on it always ends by timeout. */
  private readonly cell = new Int32Array(new SharedArrayBuffer(4));
  /** Spin calibration (`CAL_*`), in a typed array so updates never box a double. */
  private readonly cal = new Float64Array(CAL_SIZE);
  private readonly sleepEnabled: boolean;
  /** 0 in hybrid mode (round sleeps down, then spin), 1 in sleep mode (round up, no spin). */
  private readonly roundUp: number;

  /** @throws RangeError when `marginNs` is negative or not finite, or `autoMargin` is out of range. */
  constructor(options: HybridWaiterOptions = {}) {
    const mode = options.mode ?? 'hybrid';
    const margin = options.marginNs ?? 'auto';
    const adaptive = margin === 'auto';
    const marginNs = adaptive ? (options.autoMargin?.initialMarginNs ?? DEFAULT_HYBRID_MARGIN_NS) : margin;
    if (!(marginNs >= 0) || !Number.isFinite(marginNs)) {
      throw new RangeError(`HybridWaiter: marginNs must be a finite number >= 0 or 'auto', got ${marginNs}`);
    }
    if (mode !== 'hybrid' && mode !== 'sleep' && mode !== 'spin') {
      throw new RangeError(`HybridWaiter: mode must be 'hybrid', 'sleep' or 'spin', got ${String(mode)}`);
    }
    const spinReadIntervalNs = options.spinReadIntervalNs ?? DEFAULT_SPIN_READ_INTERVAL_NS;
    if (!(spinReadIntervalNs >= 0) || !Number.isFinite(spinReadIntervalNs)) {
      throw new RangeError(
        `HybridWaiter: spinReadIntervalNs must be a finite number >= 0, got ${spinReadIntervalNs}`,
      );
    }
    this.kind = mode;
    this.spinReadIntervalNs = spinReadIntervalNs;
    this.cal[CAL_NS_PER_ITER] = CAL_INITIAL_NS_PER_ITER;
    this.cal[CAL_STRIDE] = strideFor(spinReadIntervalNs, CAL_INITIAL_NS_PER_ITER);
    this.clock = options.clock ?? systemClock;
    this.marginNs = mode === 'sleep' ? 0 : marginNs;
    this.sleepEnabled = mode !== 'spin';
    this.roundUp = mode === 'sleep' ? 1 : 0;
    this.learner =
      mode === 'hybrid'
        ? new MarginLearner({
            ...options.autoMargin,
            initialMarginNs: Math.min(Math.round(marginNs), MAX_MARGIN_LIMIT_NS),
            ...(adaptive ? {} : { fixedMarginNs: Math.min(Math.round(marginNs), MAX_MARGIN_LIMIT_NS) }),
          })
        : null;
    this.adaptive = adaptive && this.learner !== null;
  }

  /**
   * Blocks until `clock.nowNs() >= deadlineNs`. Returns at once when the deadline has
   * passed. Never allocates (beyond the clock's own reads); never throws.
   */
  waitUntil(deadlineNs: number): void {
    this.cal[CAL_TARGET] = deadlineNs;
    this.waitUntilAt(this.cal, CAL_TARGET);
  }

  /** {@link HybridWaiter.waitUntil} with the deadline in `times[at]` (no double crosses the call). */
  waitUntilAt(times: Float64Array, at: number): void {
    const deadlineNs = times[at]!;
    const clock = this.clock;
    const stats = this.stats;
    stats.waits++;
    let nowNs = clock.nowNs();
    if (nowNs >= deadlineNs) {
      stats.pastDeadline++;
      return;
    }
    if (this.sleepEnabled) {
      // The margin comes from the learner, fixed or learned, through its `io` cells (no double
      // crosses a call); sleep mode has no learner and no margin.
      const learner = this.learner;
      let marginNs = 0;
      if (learner !== null) {
        const io = learner.io;
        io[IO_WAIT_NS] = deadlineNs - nowNs;
        learner.planStaged();
        marginNs = io[IO_MARGIN_NS]!;
      }
      const wakeNs = deadlineNs - marginNs;
      // Hybrid rounds the sleep *down* to the table step so the wake-up lands before
      // `wakeNs` and the spin absorbs the rest; sleep mode rounds *up* so it never
      // returns early (and re-sleeps if the kernel woke it a hair before the deadline).
      let sleepNs = wakeNs - nowNs;
      // End of the last sleep's timeout (what the kernel was asked for), once one ran.
      let targetNs = 0;
      let slept = false;
      while (sleepNs > 0) {
        if (sleepNs >= TIMEOUT_TABLE_MAX_NS) {
          // Whole milliseconds (a Smi after Math.floor: no box), at most LONG_CHUNK_MS so
          // a long wait re-reads the clock regularly; floor never overshoots `wakeNs`.
          const ms = Math.min(Math.floor(sleepNs / NS_PER_MS), LONG_CHUNK_MS);
          Atomics.wait(this.cell, 0, 0, ms);
          targetNs = nowNs + ms * NS_PER_MS;
          slept = true;
        } else {
          const i = Math.floor(sleepNs / TIMEOUT_STEP_NS) + this.roundUp;
          if (i === 0) break; // less than one step left: the spin covers it
          Atomics.wait(this.cell, 0, 0, TIMEOUT_TABLE_MS[i]!);
          targetNs = nowNs + i * TIMEOUT_STEP_NS;
          slept = true;
        }
        stats.sleeps++;
        nowNs = clock.nowNs();
        sleepNs = wakeNs - nowNs;
      }
      if (learner !== null && slept) {
        learner.io[IO_OVERSLEEP_NS] = nowNs - targetNs;
        learner.recordStaged();
      }
      if (nowNs > deadlineNs && this.roundUp === 0) stats.overslept++;
    }
    if (nowNs >= deadlineNs) return;
    if (this.spinReadIntervalNs === 0) {
      while (nowNs < deadlineNs) {
        nowNs = clock.nowNs();
        stats.spinIterations++;
      }
      return;
    }
    // Strided spin: `stride` busy iterations between reads (`Atomics.load` on the private
    // cell, which the JIT cannot remove), calibrated so that a read happens about every
    // `spinReadIntervalNs`: with a clock that allocates per read, far fewer reads and
    // scavenges than back to back. The last stride before the deadline is cut to the
    // predicted remaining iterations (at least 1), so the return stays within about one
    // read of the deadline; a wrong prediction costs at most one interval.
    const cal = this.cal;
    const cell = this.cell;
    const stride = cal[CAL_STRIDE]!;
    const itersPerNs = 1 / cal[CAL_NS_PER_ITER]!;
    const spinStartNs = nowNs;
    // Fastest stride of this phase, ns per busy iteration (its read included): the
    // minimum ignores strides stretched by a preemption or an interrupt.
    let fastestNs = Number.POSITIVE_INFINITY;
    while (nowNs < deadlineNs) {
      let k = Math.ceil((deadlineNs - nowNs) * itersPerNs);
      if (k > stride) k = stride;
      for (let i = 0; i < k; i++) Atomics.load(cell, 0);
      const prevNs = nowNs;
      nowNs = clock.nowNs();
      stats.spinIterations++;
      const perIterationNs = (nowNs - prevNs) / k;
      if (perIterationNs < fastestNs) fastestNs = perIterationNs;
    }
    // Re-calibrate from this phase into an EWMA (a phase shorter than CAL_MIN_SPIN_NS has
    // too few strides). Inline on purpose: a double passed to a call the JIT does not
    // inline is boxed (16 B).
    if (nowNs - spinStartNs >= CAL_MIN_SPIN_NS && fastestNs > 0) {
      const est = cal[CAL_NS_PER_ITER]! + CAL_ALPHA * (fastestNs - cal[CAL_NS_PER_ITER]!);
      cal[CAL_NS_PER_ITER] = est;
      const k = Math.floor(this.spinReadIntervalNs / est);
      cal[CAL_STRIDE] = Math.max(1, Math.min(MAX_STRIDE, k));
    }
  }

  /**
   * The margin a wait of `waitNs` would get now, ns: learned (see {@link HybridWaiter.adaptive})
   * or fixed. Allocation-free.
   */
  marginNsFor(waitNs: number): number {
    return this.learner === null ? this.marginNs : this.learner.marginNsFor(waitNs);
  }

  /** The learner's view (cold; allocates), or null outside hybrid mode. */
  marginSummary(): MarginSummary | null {
    return this.learner === null ? null : this.learner.summary();
  }

  /** Busy iterations currently run between two clock reads while spinning (1: back to back). */
  get spinStride(): number {
    return this.spinReadIntervalNs === 0 ? 1 : this.cal[CAL_STRIDE]!;
  }

  /** Sets every counter in {@link HybridWaiter.stats} to 0. */
  resetStats(): void {
    const s = this.stats;
    s.waits = 0;
    s.pastDeadline = 0;
    s.sleeps = 0;
    s.spinIterations = 0;
    s.overslept = 0;
  }
}

/** Busy iterations that take about `intervalNs` at `nsPerIteration` (1 ≤ result ≤ MAX_STRIDE). */
function strideFor(intervalNs: number, nsPerIteration: number): number {
  const k = Math.floor(intervalNs / nsPerIteration);
  return Math.max(1, Math.min(MAX_STRIDE, k));
}
