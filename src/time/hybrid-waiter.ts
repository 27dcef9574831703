/**
 * The default waiter: sleep with `Atomics.wait` until a margin before the deadline, then
 * spin on the clock until the deadline.
 *
 * Allocation and threading contract: allocates in the constructor only (its private
 * SharedArrayBuffer and the shared timeout table, built once per process); `waitUntil`
 * allocates nothing once warmed up, apart from what the clock itself allocates per
 * `nowNs()` call (the system clock allocates 16 B/call on Node 20; see `SystemClock`).
 * The spin reads the clock back to back (~60 ns apart), so with the system clock a 200 µs
 * margin at 1 kHz makes ~2 000 reads per frame (~32 KB): ~25 scavenges (~0.1 ms each) per
 * second in bench/waiter.bench.ts; a native clock (0 B/read) removes them.
 * One instance belongs to one thread: it blocks the calling thread (allowed on the main
 * thread in Node, unlike in browsers), and `stats` is plain, unsynchronised state.
 *
 * Why hybrid (TIMING_FACTS.md): `Atomics.wait` alone wakes 100–130 µs late at p50 and
 * ~0.5 ms at p99 here (kernel wake-up, timer slack, vCPU scheduling); a pure spin is exact
 * but burns a whole core. Sleeping to `deadline − margin` and spinning the rest gives
 * sub-µs p50 for ~12–15 % of a core at a 200 µs margin on a 1 ms period. A larger margin
 * absorbs more wake-up lateness at more CPU; lowering the timer slack first
 * (`tryLowerTimerSlack`) makes wake-ups ~50 µs tighter, so a 100 µs margin often suffices.
 *
 * Why a timeout table: `Atomics.wait(i32, i, v, timeoutMs)` takes a JS number, and a
 * double computed in optimised code must be boxed into a fresh 16-byte HeapNumber to be
 * passed to the builtin. A small integer (Smi) or a HeapNumber that already exists is
 * passed as-is. So fractional timeouts come from {@link TIMEOUT_TABLE_MS}, a table of
 * boxed doubles built at load time and indexed with `Math.floor` (an int, no box); long
 * waits use whole milliseconds, which are Smis.
 */
import type { Clock, Waiter } from './clock.js';
import { systemClock } from './system-clock.js';

/** Step of the fractional timeout table, in ns (10 µs). */
export const TIMEOUT_STEP_NS = 10_000;
/** Largest timeout the table holds, in ns (20 ms); longer sleeps use whole milliseconds. */
export const TIMEOUT_TABLE_MAX_NS = 20_000_000;
/** Longest single `Atomics.wait` of a long sleep, in ms; the clock is re-read after each. */
const LONG_CHUNK_MS = 1000;
const NS_PER_MS = 1e6;

/**
 * `TIMEOUT_TABLE_MS[i]` = i·10 µs expressed in ms, as *boxed* numbers.
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
   * How long before the deadline to stop sleeping and start spinning, in ns. Larger
   * absorbs more wake-up lateness and costs more CPU. Ignored in `'sleep'` and `'spin'`
   * modes. @default 200_000 (200 µs)
   */
  readonly marginNs?: number;
  /**
   * `'hybrid'`: sleep until `deadline − marginNs`, then spin (the default).
   * `'sleep'`: `Atomics.wait` only (cheap, wakes 0.1–0.5 ms late; for comparisons).
   * `'spin'`: spin only (exact, 100 % of a core; never under SCHED_FIFO, where RT
   * throttling stalls a spinning thread ~50 ms every second). @default 'hybrid'
   */
  readonly mode?: WaitMode;
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
  /** Sleep/spin boundary before the deadline, in ns (0 in `'sleep'` mode). */
  readonly marginNs: number;
  /** Counters, mutated in place. */
  readonly stats: HybridWaiterStats = {
    waits: 0,
    pastDeadline: 0,
    sleeps: 0,
    spinIterations: 0,
    overslept: 0,
  };
  /** Private cell nobody notifies: `Atomics.wait` on it always ends by timeout. */
  private readonly cell = new Int32Array(new SharedArrayBuffer(4));
  private readonly sleepEnabled: boolean;
  /** 0 in hybrid mode (round sleeps down, then spin), 1 in sleep mode (round up, no spin). */
  private readonly roundUp: number;

  /** @throws RangeError when `marginNs` is negative or not finite. */
  constructor(options: HybridWaiterOptions = {}) {
    const mode = options.mode ?? 'hybrid';
    const marginNs = options.marginNs ?? 200_000;
    if (!(marginNs >= 0) || !Number.isFinite(marginNs)) {
      throw new RangeError(`HybridWaiter: marginNs must be a finite number >= 0, got ${marginNs}`);
    }
    if (mode !== 'hybrid' && mode !== 'sleep' && mode !== 'spin') {
      throw new RangeError(`HybridWaiter: mode must be 'hybrid', 'sleep' or 'spin', got ${String(mode)}`);
    }
    this.kind = mode;
    this.clock = options.clock ?? systemClock;
    this.marginNs = mode === 'sleep' ? 0 : marginNs;
    this.sleepEnabled = mode !== 'spin';
    this.roundUp = mode === 'sleep' ? 1 : 0;
  }

  /**
   * Blocks until `clock.nowNs() >= deadlineNs`. Returns at once when the deadline has
   * passed. Never allocates (beyond the clock's own reads); never throws.
   */
  waitUntil(deadlineNs: number): void {
    const clock = this.clock;
    const stats = this.stats;
    stats.waits++;
    let nowNs = clock.nowNs();
    if (nowNs >= deadlineNs) {
      stats.pastDeadline++;
      return;
    }
    if (this.sleepEnabled) {
      const wakeNs = deadlineNs - this.marginNs;
      // Hybrid rounds the sleep *down* to the table step so the wake-up lands before
      // `wakeNs` and the spin absorbs the rest; sleep mode rounds *up* so it never
      // returns early (and re-sleeps if the kernel woke it a hair before the deadline).
      let sleepNs = wakeNs - nowNs;
      while (sleepNs > 0) {
        if (sleepNs >= TIMEOUT_TABLE_MAX_NS) {
          // Whole milliseconds (a Smi after Math.floor: no box), at most LONG_CHUNK_MS so
          // a long wait re-reads the clock regularly; floor never overshoots `wakeNs`.
          const ms = Math.floor(sleepNs / NS_PER_MS);
          Atomics.wait(this.cell, 0, 0, Math.min(ms, LONG_CHUNK_MS));
        } else {
          const i = Math.floor(sleepNs / TIMEOUT_STEP_NS) + this.roundUp;
          if (i === 0) break; // less than one step left: the spin covers it
          Atomics.wait(this.cell, 0, 0, TIMEOUT_TABLE_MS[i]!);
        }
        stats.sleeps++;
        nowNs = clock.nowNs();
        sleepNs = wakeNs - nowNs;
      }
      if (nowNs > deadlineNs && this.roundUp === 0) stats.overslept++;
    }
    while (nowNs < deadlineNs) {
      nowNs = clock.nowNs();
      stats.spinIterations++;
    }
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
