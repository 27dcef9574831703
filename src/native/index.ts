/**
 * The optional native accelerator: a zero-allocation CLOCK_MONOTONIC clock, an absolute
 * `clock_nanosleep` waiter, and per-thread real-time setup (mlockall, SCHED_FIFO, CPU
 * affinity). Everything here degrades to "unavailable" without the addon; nothing throws
 * because it is missing. `HARDTICK_NATIVE=0` forces the pure-JS backend.
 */
export type {
  LoadNativeOptions,
  NativeBinding,
  NativeStatus,
  SchedulerPolicy,
  ThreadScheduler,
} from './binding.js';
export { defaultNativePath, loadNative, nativeStatus } from './binding.js';
export type { NativeWaiterOptions, NativeWaiterStats } from './native-clock.js';
export {
  boundClockCell,
  DEFAULT_NATIVE_MARGIN_NS,
  NATIVE_NOW,
  NativeClock,
  NativeWaiter,
} from './native-clock.js';
export type {
  ThreadRealtimeOptions,
  ThreadRealtimeStep,
  ThreadRealtimeStepName,
} from './realtime.js';
export { applyThreadRealtime, describeErrno } from './realtime.js';
export type { ClockBackend, ClockSelection, SelectClockOptions } from './select.js';
export { selectClockAndWaiter } from './select.js';
