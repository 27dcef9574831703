/**
 * The native clock and the native absolute-sleep waiter.
 *
 * Allocation and threading contract: allocates in the constructor only (the thread's
 * shared clock cell, once per thread, and a waiter's deadline cell). `nowNs()` and
 * `waitUntil()` allocate nothing themselves: the addon writes `clock_gettime` into a
 * Float64Array and returns undefined, and typed-array loads/stores of doubles never box.
 * One caveat, on the caller's side: `nowNs()` *returns* a double, and a call the JIT does
 * not inline returns it boxed (16 B) when the value is not a small integer (ns since boot
 * never is). Hot-path code that cannot rely on inlining reads the cell itself:
 *
 * ```ts
 * const { binding, buf } = clock;   // once, at setup
 * binding.readClock();              // in the loop: 0 B
 * const nowNs = buf[NATIVE_NOW]!;   // a typed-array load: no box
 * ```
 *
 * Both classes belong to the thread that created them (the addon keeps one bound cell per
 * thread; a worker makes its own). Values are CLOCK_MONOTONIC ns since boot: the same
 * origin as `process.hrtime.bigint()`, *not* `performance.now()`'s; never mix deadlines
 * from {@link SystemClock} with a {@link NativeWaiter}.
 */
import type { Clock, Waiter } from '../time/clock.js';
import {
  IO_MARGIN_NS,
  IO_OVERSLEEP_NS,
  IO_WAIT_NS,
  MAX_MARGIN_LIMIT_NS,
  MarginLearner,
  type MarginLearnerOptions,
  type MarginSummary,
} from '../time/margin-learner.js';
import type { NativeBinding } from './binding.js';

/** Offset in {@link NativeClock.buf}: the last clock read, ns. */
export const NATIVE_NOW = 0;
/** Length of the bound cell. */
const NATIVE_CELL_SIZE = 1;
/** Offsets in `NativeWaiter.deadlineCell` (`DC_*`); the addon's `sleepUntil` reads slot 0. */
const DC_WAKE = 0;
const DC_TARGET = 1;

/** The thread's bound clock cell per binding (one binding per thread in practice). */
const boundCells = new WeakMap<NativeBinding, Float64Array>();

/**
 * The Float64Array the addon's `readClock()` writes into, for this thread: created and
 * bound on first use. Over a SharedArrayBuffer, which cannot be detached, so the pointer
 * the addon keeps stays valid.
 */
export function boundClockCell(binding: NativeBinding): Float64Array {
  let cell = boundCells.get(binding);
  if (cell === undefined) {
    cell = new Float64Array(new SharedArrayBuffer(NATIVE_CELL_SIZE * Float64Array.BYTES_PER_ELEMENT));
    binding.bindClock(cell);
    boundCells.set(binding, cell);
  }
  return cell;
}

/**
 * CLOCK_MONOTONIC in ns through the addon (kind `'native'`): ~50 ns per read here,
 * 0 B allocated (bench/README.md "Native backend"). Exact integer ns while uptime is
 * below 2^53 ns (~104 days); beyond that, doubles round to 2, 4, … ns.
 */
export class NativeClock implements Clock {
  /** Backend name for reports. */
  readonly kind = 'native';
  /** The addon. Hot path: `binding.readClock()` then read `buf[NATIVE_NOW]`. */
  readonly binding: NativeBinding;
  /** The thread's bound clock cell; `buf[NATIVE_NOW]` is the last read (shared by all NativeClocks of the thread). */
  readonly buf: Float64Array;

  /** A clock over `binding` (from `loadNative()`), bound to the calling thread's cell. */
  constructor(binding: NativeBinding) {
    this.binding = binding;
    this.buf = boundClockCell(binding);
  }

  /** Current CLOCK_MONOTONIC time in ns. 0 B itself; see the module note on boxing the result. */
  nowNs(): number {
    this.binding.readClock();
    return this.buf[NATIVE_NOW]!;
  }
}

/** Options of {@link NativeWaiter}. */
export interface NativeWaiterOptions {
  /**
   * Spin margin: sleep with `clock_nanosleep(TIMER_ABSTIME)` until `deadline − margin`,
   * then spin on the native clock until the deadline. `'auto'` learns it per wait length
   * (see {@link NativeWaiterOptions.autoMargin}); a number fixes it in ns. 0: sleep to the
   * deadline itself (no spin, least CPU; lateness = the kernel's wake-up latency). The
   * spin per wait is at most the margin, which keeps a SCHED_FIFO thread far from RT
   * throttling. @default 'auto'
   */
  readonly marginNs?: number | 'auto';
  /**
   * Bounds and quantile of the learned margin (`marginNs: 'auto'`); the learner also
   * observes under a fixed margin. @default quantile 0.99, 10 µs–1 ms, mean spin ≤ 0.5 % of
   * a wait, 100 µs before the first sample
   */
  readonly autoMargin?: MarginLearnerOptions;
}

/** Margin of the native waiter before it has learned one (and the old fixed default), ns. */
export const DEFAULT_NATIVE_MARGIN_NS = 100_000;

/** Counters of a {@link NativeWaiter}, updated in place (never reallocated). */
export interface NativeWaiterStats {
  /** Calls to `waitUntil`. */
  waits: number;
  /** Calls whose deadline had already passed on entry. */
  pastDeadline: number;
  /** `clock_nanosleep` calls made. */
  sleeps: number;
  /** Clock reads made while spinning. */
  spinReads: number;
  /** Waits whose sleep woke after the deadline although it aimed `marginNs` before it. */
  overslept: number;
}

/**
 * Waits until an absolute CLOCK_MONOTONIC deadline (kind `'native-abs'`): an absolute
 * `clock_nanosleep` (no drift, no timeout arithmetic, no boxed argument: the deadline goes
 * through a Float64Array), then an optional short spin on the native clock. Returns at or
 * after the deadline. Blocks the calling thread (that is its job: run it on the RT thread).
 */
export class NativeWaiter implements Waiter {
  /** Backend name for reports. */
  readonly kind = 'native-abs';
  /** The clock deadlines are expressed on. */
  readonly clock: NativeClock;
  /** Sleep/spin boundary before the deadline, ns: the fixed margin, or the one used until a wait class has learned its own. */
  readonly marginNs: number;
  /** True when the margin is learned (`marginNs: 'auto'`). */
  readonly adaptive: boolean;
  /** The oversleep learner: drives the margin when {@link NativeWaiter.adaptive}, else only observes. */
  readonly learner: MarginLearner;
  /** Counters, mutated in place. */
  readonly stats: NativeWaiterStats = { waits: 0, pastDeadline: 0, sleeps: 0, spinReads: 0, overslept: 0 };
  private readonly binding: NativeBinding;
  private readonly now: Float64Array;
  /** `deadlineCell[DC_WAKE]`: the absolute wake time handed to `sleepUntil`, ns; `[DC_TARGET]`: the deadline `waitUntil` was given. */
  private readonly deadlineCell = new Float64Array(2);

  /** @throws RangeError when `marginNs` is negative or not finite, or `autoMargin` is out of range. */
  constructor(clock: NativeClock, options: NativeWaiterOptions = {}) {
    const margin = options.marginNs ?? 'auto';
    const adaptive = margin === 'auto';
    const marginNs = adaptive ? (options.autoMargin?.initialMarginNs ?? DEFAULT_NATIVE_MARGIN_NS) : margin;
    if (!(marginNs >= 0) || !Number.isFinite(marginNs)) {
      throw new RangeError(`NativeWaiter: marginNs must be a finite number >= 0 or 'auto', got ${marginNs}`);
    }
    this.clock = clock;
    this.marginNs = marginNs;
    this.adaptive = adaptive;
    const limitedNs = Math.min(Math.round(marginNs), MAX_MARGIN_LIMIT_NS);
    this.learner = new MarginLearner({
      ...options.autoMargin,
      initialMarginNs: limitedNs,
      ...(adaptive ? {} : { fixedMarginNs: limitedNs }),
    });
    this.binding = clock.binding;
    this.now = clock.buf;
  }

  /** Blocks until CLOCK_MONOTONIC ≥ `deadlineNs`. Never allocates, never throws. */
  waitUntil(deadlineNs: number): void {
    this.deadlineCell[DC_TARGET] = deadlineNs;
    this.waitUntilAt(this.deadlineCell, DC_TARGET);
  }

  /** {@link NativeWaiter.waitUntil} with the deadline in `times[at]` (no double crosses the call). */
  waitUntilAt(times: Float64Array, at: number): void {
    const deadlineNs = times[at]!;
    const binding = this.binding;
    const now = this.now;
    const stats = this.stats;
    stats.waits++;
    binding.readClock();
    let nowNs = now[NATIVE_NOW]!;
    if (nowNs >= deadlineNs) {
      stats.pastDeadline++;
      return;
    }
    const learner = this.learner;
    const io = learner.io;
    io[IO_WAIT_NS] = deadlineNs - nowNs;
    // Fixed or learned, the margin comes from the learner, through `io` (see planStaged).
    learner.planStaged();
    const marginNs = io[IO_MARGIN_NS]!;
    const wakeNs = deadlineNs - marginNs;
    if (wakeNs > nowNs) {
      // The kernel returns only once the clock has reached the (ceil'ed) wake time, so
      // with margin 0 the read below is already ≥ the deadline and the spin is skipped.
      this.deadlineCell[DC_WAKE] = wakeNs;
      binding.sleepUntil(this.deadlineCell);
      stats.sleeps++;
      binding.readClock();
      nowNs = now[NATIVE_NOW]!;
      io[IO_OVERSLEEP_NS] = nowNs - wakeNs;
      learner.recordStaged();
      if (nowNs > deadlineNs && marginNs > 0) stats.overslept++;
    }
    while (nowNs < deadlineNs) {
      binding.readClock();
      nowNs = now[NATIVE_NOW]!;
      stats.spinReads++;
    }
  }

  /** The margin a wait of `waitNs` would get now, ns: learned or fixed. Allocation-free. */
  marginNsFor(waitNs: number): number {
    return this.learner.marginNsFor(waitNs);
  }

  /** The learner's view (cold; allocates). */
  marginSummary(): MarginSummary {
    return this.learner.summary();
  }

  /** Sets every counter in {@link NativeWaiter.stats} to 0. */
  resetStats(): void {
    const s = this.stats;
    s.waits = 0;
    s.pastDeadline = 0;
    s.sleeps = 0;
    s.spinReads = 0;
    s.overslept = 0;
  }
}
