/**
 * Real-time setup of the *calling thread* through the native addon: memory locking,
 * SCHED_FIFO/RR priority and CPU affinity. Call it on the thread that runs the loop (in
 * RT worker mode: inside the worker), before the loop starts. Cold path; never throws.
 *
 * Scope: priority and affinity apply to the calling thread only (pthread_self()), so a
 * worker can run at SCHED_FIFO while the main thread (I/O, metrics, logs) stays
 * SCHED_OTHER. `mlockall` is per *process* by nature (it locks the address space).
 *
 * Caution: RT throttling stalls a SCHED_FIFO thread that uses
 * more than 95 % of a second for ~50 ms. Never spin continuously at FIFO: keep the
 * waiter's spin margin a small fraction of the period.
 */
import { constants as osConstants } from 'node:os';
import type { NativeBinding, SchedulerPolicy } from './binding.js';
import { loadNative, nativeStatus } from './binding.js';

/** What {@link applyThreadRealtime} is asked to do; omitted fields are not done. */
export interface ThreadRealtimeOptions {
  /** Static RT priority, 1..99 (cyclictest uses 80). Omitted: the policy is left alone. */
  readonly priority?: number;
  /** RT policy for `priority`. @default 'fifo' */
  readonly policy?: 'fifo' | 'rr';
  /** CPUs the thread may run on (e.g. `[1]`). Omitted or empty: affinity is left alone. */
  readonly cpus?: readonly number[];
  /** `mlockall(MCL_CURRENT | MCL_FUTURE)` (whole process). @default false */
  readonly lockMemory?: boolean;
  /** The addon to use. @default loadNative() */
  readonly binding?: NativeBinding | null;
}

/** Step names, in the order they are applied. */
export type ThreadRealtimeStepName = 'lockMemory' | 'cpus' | 'priority';

/** Outcome of one requested step. */
export interface ThreadRealtimeStep {
  /** Which step. */
  readonly step: ThreadRealtimeStepName;
  /**
   * `'applied'`: done; `'refused'`: the OS (or argument validation) said no;
   * `'unavailable'`: no native addon (or not Linux), so it was not attempted.
   */
  readonly status: 'applied' | 'refused' | 'unavailable';
  /** Why it was refused or unavailable, e.g. `EPERM: Operation not permitted`; null when applied. */
  readonly reason: string | null;
  /** The errno when refused by the OS, else null. */
  readonly errno: number | null;
}

/**
 * Applies the requested steps to the calling thread: memory lock first, then CPU affinity,
 * then the RT priority (cyclictest's order). Returns one entry per *requested* step; never
 * throws. Steps not requested are absent (report them as "not requested").
 */
export function applyThreadRealtime(options: ThreadRealtimeOptions): ThreadRealtimeStep[] {
  const requested: ThreadRealtimeStepName[] = [];
  if (options.lockMemory === true) requested.push('lockMemory');
  if (options.cpus !== undefined && options.cpus.length > 0) requested.push('cpus');
  if (options.priority !== undefined) requested.push('priority');
  if (requested.length === 0) return [];

  let binding: NativeBinding | null;
  let unavailableReason = 'native addon not loaded';
  if (options.binding !== undefined) {
    binding = options.binding;
  } else {
    binding = loadNative();
    if (binding === null) unavailableReason = `native addon unavailable: ${nativeStatus().reason}`;
  }
  if (binding === null) {
    return requested.map((step) => ({ step, status: 'unavailable', reason: unavailableReason, errno: null }));
  }
  const b = binding;
  return requested.map((step) => {
    try {
      if (step === 'lockMemory') return outcome(b, step, b.mlockall());
      if (step === 'cpus') {
        const cpus = options.cpus!;
        const bad = cpus.find((c) => !Number.isInteger(c) || c < 0);
        if (bad !== undefined) return invalid(step, `cpus: expected CPU numbers >= 0, got ${bad}`);
        return outcome(b, step, b.setThreadAffinity(cpus));
      }
      const priority = options.priority!;
      const policy: SchedulerPolicy = options.policy ?? 'fifo';
      if (!Number.isInteger(priority) || priority < 1 || priority > 99) {
        return invalid(step, `priority: expected an integer 1..99, got ${priority}`);
      }
      return outcome(b, step, b.setThreadScheduler(policy, priority));
    } catch (error) {
      return invalid(step, error instanceof Error ? error.message : String(error));
    }
  });
}

function outcome(binding: NativeBinding, step: ThreadRealtimeStepName, errno: number): ThreadRealtimeStep {
  if (errno === 0) return { step, status: 'applied', reason: null, errno: null };
  return { step, status: 'refused', reason: describeErrno(binding, errno), errno };
}

function invalid(step: ThreadRealtimeStepName, reason: string): ThreadRealtimeStep {
  return { step, status: 'refused', reason, errno: null };
}

/** `EPERM: Operation not permitted` style text for an errno. */
export function describeErrno(binding: NativeBinding | null, errno: number): string {
  const name =
    Object.entries(osConstants.errno).find(([, value]) => value === errno)?.[0] ?? `errno ${errno}`;
  const message = binding === null ? null : binding.strerror(errno);
  return message === null ? name : `${name}: ${message}`;
}
