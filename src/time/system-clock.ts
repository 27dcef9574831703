/**
 * The system clock: `performance.now()` scaled to nanoseconds.
 *
 * Why `performance.now()`: it is monotonic (CLOCK_MONOTONIC underneath), its origin is
 * process start so values stay small (exact integer-ns doubles for ~104 days), and it
 * is the cheapest built-in clock on Node 20 (~45 ns/call). `process.hrtime.bigint()`
 * allocates a BigInt (40 B) and `process.hrtime()` an array (32 B).
 *
 * Allocation contract: `nowNs()` allocates one 16-byte heap number per call on Node 20.
 * `performance.now()` is a non-inlined runtime call that returns a boxed double, and
 * V8 cannot remove that box. In a 1 kHz loop making ~4 reads per frame that is ~64 B per
 * frame, ~3.8 MB per minute: a scavenge every few seconds instead of never. A spinning
 * waiter reads the clock far more often (see `HybridWaiter`). A native clock (an N-API
 * addon writing `clock_gettime` into a Float64Array, read inline, 0 B) is planned; it
 * will implement the same {@link Clock} interface with kind `'native'`.
 *
 * Threading: stateless; safe on any thread. In a worker, the values share the main
 * thread's origin only approximately (each isolate has its own `timeOrigin`), so do not
 * compare raw values across threads.
 */
import type { Clock } from './clock.js';

/** Nanoseconds per millisecond (the unit of `performance.now()`). */
const NS_PER_MS = 1e6;

/** Monotonic clock in ns backed by `performance.now()` (kind `'performance.now'`). */
export class SystemClock implements Clock {
  /** Backend name reported in run and jitter reports. */
  readonly kind = 'performance.now';

  /** Current monotonic time in ns since this isolate's time origin. Allocates 16 B (see above). */
  nowNs(): number {
    return performance.now() * NS_PER_MS;
  }
}

/** The shared {@link SystemClock} instance; it is stateless, so one is enough. */
export const systemClock: SystemClock = new SystemClock();
