/**
 * Time sources. The runtime never reads a global clock: it is handed a `Clock`
 * and a `Waiter`. All values are monotonic nanoseconds as doubles (exact integers
 * up to 2^53 ns ≈ 104 days of uptime; sub-ns fractions may appear from
 * `performance.now()`).
 */

/** A monotonic clock in nanoseconds. */
export interface Clock {
  /** Current monotonic time in ns. */
  nowNs(): number;
  /** Backend name for reports, e.g. `performance.now`, `manual`, `native`. */
  readonly kind: string;
}

/** Blocks the calling thread until an absolute time on its clock. */
export interface Waiter {
  /** Returns at or after `deadlineNs` (on the waiter's clock). Never allocates. */
  waitUntil(deadlineNs: number): void;
  /**
   * As {@link Waiter.waitUntil}, with the deadline read from `times[at]`. Optional; the
   * executive uses it when present: a deadline in ns since boot is beyond the small-integer
   * range, so passing it as a number to a call the JIT does not inline boxes it (16 B a
   * frame), whereas a typed array carries it unboxed whatever the JIT decides.
   */
  waitUntilAt?(times: Float64Array, at: number): void;
  /** Backend name for reports, e.g. `hybrid`, `manual`. */
  readonly kind: string;
}

/**
 * A clock that only moves when told to: for tests and simulation.
 * Allocates nothing after construction.
 */
export class ManualClock implements Clock {
  readonly kind = 'manual';
  // Initialised (not just declared) so V8 gives the field a number representation and
  // stores update it in place: a declared-only ES2022 field starts as undefined and
  // every later store boxes a fresh HeapNumber (16 B).
  private timeNs = 0;

  /** @param startNs initial time. @default 0 */
  constructor(startNs = 0) {
    this.timeNs = startNs;
  }

  nowNs(): number {
    return this.timeNs;
  }

  /** Moves time forward by `ns` (must be ≥ 0). */
  advance(ns: number): void {
    if (!(ns >= 0)) throw new RangeError(`ManualClock.advance: expected ns >= 0, got ${ns}`);
    this.timeNs += ns;
  }

  /** Sets the time; must not go backwards. */
  set(ns: number): void {
    if (!(ns >= this.timeNs))
      throw new RangeError(`ManualClock.set: time cannot go backwards (${this.timeNs} -> ${ns})`);
    this.timeNs = ns;
  }
}

/** The waiter for {@link ManualClock}: "sleeping" advances the clock to the deadline. */
export class ManualWaiter implements Waiter {
  readonly kind = 'manual';
  /** A waiter that advances `clock` to each deadline instead of waiting. */
  constructor(private readonly clock: ManualClock) {}

  waitUntil(deadlineNs: number): void {
    if (this.clock.nowNs() < deadlineNs) this.clock.set(deadlineNs);
  }

  /** {@link ManualWaiter.waitUntil} with the deadline in `times[at]`. */
  waitUntilAt(times: Float64Array, at: number): void {
    this.waitUntil(times[at]!);
  }
}
