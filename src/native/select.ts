/**
 * Picks the clock and waiter for a run: the native pair when the addon is available and
 * wanted, else the pure-JS pair (`performance.now()` clock, hybrid waiter). Cold path.
 */
import type { Clock, Waiter } from '../time/clock.js';
import { HybridWaiter, type HybridWaiterOptions } from '../time/hybrid-waiter.js';
import { systemClock } from '../time/system-clock.js';
import type { NativeStatus } from './binding.js';
import { loadNative, nativeStatus } from './binding.js';
import { NativeClock, NativeWaiter, type NativeWaiterOptions } from './native-clock.js';

/** Options of {@link selectClockAndWaiter}. */
export interface SelectClockOptions {
  /** Use the native pair when available. `HARDTICK_NATIVE=0` overrides it. @default true */
  readonly preferNative?: boolean;
  /** Options of the native waiter. */
  readonly native?: NativeWaiterOptions;
  /** Options of the fallback hybrid waiter (its `clock` is always the system clock). */
  readonly hybrid?: Omit<HybridWaiterOptions, 'clock'>;
}

/** What was chosen, for run reports. */
export interface ClockBackend {
  /** `'native'` or `'js'`. */
  readonly backend: 'native' | 'js';
  /** The clock's kind, e.g. `native`, `performance.now`. */
  readonly clock: string;
  /** The waiter's kind, e.g. `native-abs`, `hybrid`. */
  readonly waiter: string;
  /** The waiter's spin margin in ns. */
  readonly marginNs: number;
  /** The addon's status (why it is not used, when it is not). */
  readonly native: NativeStatus;
  /** One line for humans, e.g. `native (clock_gettime + clock_nanosleep TIMER_ABSTIME, margin 100 µs)`. */
  readonly description: string;
}

/** A clock, a waiter on that clock, and what they are. */
export interface ClockSelection {
  readonly clock: Clock;
  readonly waiter: Waiter;
  readonly backend: ClockBackend;
}

/** Returns the best available clock/waiter pair (see the module note). Never throws on a missing addon. */
export function selectClockAndWaiter(options: SelectClockOptions = {}): ClockSelection {
  const preferNative = options.preferNative ?? true;
  const binding = preferNative ? loadNative() : null;
  const status: NativeStatus = preferNative
    ? nativeStatus()
    : { available: false, reason: 'not requested (preferNative: false)', path: null };
  if (binding !== null) {
    const clock = new NativeClock(binding);
    const waiter = new NativeWaiter(clock, options.native);
    return {
      clock,
      waiter,
      backend: {
        backend: 'native',
        clock: clock.kind,
        waiter: waiter.kind,
        marginNs: waiter.marginNs,
        native: status,
        description: `native (clock_gettime + clock_nanosleep TIMER_ABSTIME, margin ${waiter.marginNs / 1000} µs)`,
      },
    };
  }
  const waiter = new HybridWaiter({ ...options.hybrid, clock: systemClock });
  return {
    clock: systemClock,
    waiter,
    backend: {
      backend: 'js',
      clock: systemClock.kind,
      waiter: waiter.kind,
      marginNs: waiter.marginNs,
      native: status,
      description: `js (performance.now + Atomics.wait ${waiter.kind}, margin ${waiter.marginNs / 1000} µs; native: ${status.reason})`,
    },
  };
}
