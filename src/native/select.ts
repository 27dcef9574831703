/**
 * Picks the clock and waiter for a run: the native pair when the addon is available and
 * wanted, else the pure-JS pair (`performance.now()` clock, hybrid waiter). Cold path.
 */
import type { Clock, Waiter } from '../time/clock.js';
import { HybridWaiter, type HybridWaiterOptions } from '../time/hybrid-waiter.js';
import type { MarginLearner, MarginLearnerOptions } from '../time/margin-learner.js';
import { systemClock } from '../time/system-clock.js';
import type { NativeStatus } from './binding.js';
import { loadNative, nativeStatus } from './binding.js';
import { NativeClock, NativeWaiter, type NativeWaiterOptions } from './native-clock.js';

/**
 * The spin margin of either waiter (config `waiter`, resolved): learned or fixed, and the
 * learner's bounds. Each field overrides the chosen waiter's default.
 */
export interface WaiterMarginOptions extends MarginLearnerOptions {
  /** `'auto'` (learned) or a fixed margin in ns. @default 'auto' */
  readonly marginNs?: number | 'auto';
}

/** Options of {@link selectClockAndWaiter}. */
export interface SelectClockOptions {
  /** Use the native pair when available. `HARDTICK_NATIVE=0` overrides it. @default true */
  readonly preferNative?: boolean;
  /**
   * The margin for whichever waiter is chosen; `native` / `hybrid` options given too win
   * over it. @default learned (`'auto'`), each waiter's own defaults
   */
  readonly margin?: WaiterMarginOptions;
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
  /** The waiter's spin margin in ns: the fixed one, or with a learned margin the one a wait length gets before its first sample. */
  readonly marginNs: number;
  /** `'auto'`: the margin is learned per wait length (see {@link ClockSelection.learner}); `'fixed'`. */
  readonly marginMode: 'auto' | 'fixed';
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
  /**
   * The waiter's oversleep learner (null for a waiter without one: the hybrid waiter in
   * `sleep`/`spin` mode). Its `lastMarginNs`, `marginNsFor`, `marginStatsInto` are
   * allocation-free (status lines); `summary` is the report's view.
   */
  readonly learner: MarginLearner | null;
}

/** Splits {@link WaiterMarginOptions} into a waiter's `marginNs` and `autoMargin`. */
function waiterMargin(margin: WaiterMarginOptions | undefined): {
  marginNs?: number | 'auto';
  autoMargin?: MarginLearnerOptions;
} {
  if (margin === undefined) return {};
  const { marginNs, ...autoMargin } = margin;
  return { ...(marginNs === undefined ? {} : { marginNs }), autoMargin };
}

function describeMargin(mode: 'auto' | 'fixed', marginNs: number, learner: MarginLearner | null): string {
  if (mode === 'fixed' || learner === null) return `margin ${marginNs / 1000} µs`;
  return `margin auto: p${learner.quantile * 100} of the oversleep, ${learner.minMarginNs / 1000}–${learner.maxMarginNs / 1000} µs, mean spin ≤ ${learner.maxSpinShare * 100} % of a wait`;
}

/** Returns the best available clock/waiter pair (see the module note). Never throws on a missing addon. */
export function selectClockAndWaiter(options: SelectClockOptions = {}): ClockSelection {
  const preferNative = options.preferNative ?? true;
  const binding = preferNative ? loadNative() : null;
  const status: NativeStatus = preferNative
    ? nativeStatus()
    : { available: false, reason: 'not requested (preferNative: false)', path: null };
  const common = waiterMargin(options.margin);
  if (binding !== null) {
    const clock = new NativeClock(binding);
    const waiter = new NativeWaiter(clock, { ...common, ...options.native });
    const marginMode = waiter.adaptive ? 'auto' : 'fixed';
    return {
      clock,
      waiter,
      learner: waiter.learner,
      backend: {
        backend: 'native',
        clock: clock.kind,
        waiter: waiter.kind,
        marginNs: waiter.marginNs,
        marginMode,
        native: status,
        description: `native (clock_gettime + clock_nanosleep TIMER_ABSTIME, ${describeMargin(marginMode, waiter.marginNs, waiter.learner)})`,
      },
    };
  }
  const waiter = new HybridWaiter({ ...common, ...options.hybrid, clock: systemClock });
  const marginMode = waiter.adaptive ? 'auto' : 'fixed';
  return {
    clock: systemClock,
    waiter,
    learner: waiter.learner,
    backend: {
      backend: 'js',
      clock: systemClock.kind,
      waiter: waiter.kind,
      marginNs: waiter.marginNs,
      marginMode,
      native: status,
      description: `js (performance.now + Atomics.wait ${waiter.kind}, ${describeMargin(marginMode, waiter.marginNs, waiter.learner)}; native: ${status.reason})`,
    },
  };
}
