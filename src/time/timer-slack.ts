/**
 * Timer slack: how much later than asked the Linux kernel may fire a thread's timers, so
 * it can batch wake-ups. Non-realtime threads default to 50 µs, which shows up directly
 * as `Atomics.wait` lateness (lowering it cuts the median lateness by more than half).
 * SCHED_FIFO/RR threads have no slack, so this matters for SCHED_OTHER runs.
 *
 * Which thread: the value is per *thread*. `/proc/self` names the thread-group leader
 * (the main thread) even when read from a worker, and `timerslack_ns` exists only at
 * `/proc/<pid>/`, not under `/proc/thread-self/` or `task/<tid>/`. So this module reads
 * the calling thread's id from the `/proc/thread-self` link (`<tgid>/task/<tid>`) and
 * writes `/proc/<tid>/timerslack_ns`: the *calling* thread's slack, main thread or
 * worker alike. A thread may set its own slack without privileges; another thread's
 * needs CAP_SYS_NICE. Threads created afterwards inherit the creating thread's value, so
 * calling this on the main thread before starting a worker covers the worker too. It
 * falls back to `/proc/self/timerslack_ns` (correct only on the main thread) when
 * `/proc/thread-self` is missing (kernels before 3.17).
 *
 * Cold path: synchronous file I/O on the calling thread; call it at setup.
 */
import { readFileSync, readlinkSync, writeFileSync } from 'node:fs';

/** Result of {@link tryLowerTimerSlack}. */
export interface TimerSlackResult {
  /** True when the new value was written and read back. */
  readonly applied: boolean;
  /** The thread's slack before the call, in ns; null when it could not be read. */
  readonly previousNs: number | null;
  /** Why it was not applied (null when applied). */
  readonly reason: string | null;
  /** The file written (or tried), e.g. `/proc/1234/timerslack_ns`; null off Linux. */
  readonly path: string | null;
}

/** The calling thread's `timerslack_ns` file, or null off Linux. */
function slackPath(): string | null {
  if (process.platform !== 'linux') return null;
  try {
    const link = readlinkSync('/proc/thread-self'); // "<tgid>/task/<tid>"
    const tid = link.slice(link.lastIndexOf('/') + 1);
    if (/^\d+$/.test(tid)) return `/proc/${tid}/timerslack_ns`;
  } catch {
    // fall through to /proc/self
  }
  return '/proc/self/timerslack_ns';
}

/**
 * Sets the calling thread's timer slack to `ns` through procfs (Linux). Never throws: on
 * any failure (not Linux, no procfs, permission) it returns `applied: false` and the reason.
 *
 * @param ns the new slack in ns, an integer ≥ 1 (0 would mean "reset to default"). @default 1
 */
export function tryLowerTimerSlack(ns = 1): TimerSlackResult {
  const path = slackPath();
  if (path === null) {
    return {
      applied: false,
      previousNs: null,
      reason: `timer slack is Linux-only (platform ${process.platform})`,
      path,
    };
  }
  if (!Number.isSafeInteger(ns) || ns < 1) {
    return { applied: false, previousNs: null, reason: `expected an integer ns >= 1, got ${ns}`, path };
  }
  let previousNs: number | null = null;
  try {
    previousNs = Number.parseInt(readFileSync(path, 'utf8'), 10);
    if (!Number.isFinite(previousNs)) previousNs = null;
  } catch (error) {
    return { applied: false, previousNs: null, reason: `cannot read ${path}: ${describe(error)}`, path };
  }
  try {
    writeFileSync(path, String(ns));
    const now = Number.parseInt(readFileSync(path, 'utf8'), 10);
    // A realtime (SCHED_FIFO/RR) thread reads back 0 on recent kernels: it has no slack
    // at all, which is at least as good as asked.
    if (!(now <= ns)) {
      return { applied: false, previousNs, reason: `${path} reads ${now} after writing ${ns}`, path };
    }
  } catch (error) {
    return { applied: false, previousNs, reason: `cannot write ${path}: ${describe(error)}`, path };
  }
  return { applied: true, previousNs, reason: null, path };
}

function describe(error: unknown): string {
  if (error instanceof Error) return (error as NodeJS.ErrnoException).code ?? error.message;
  return String(error);
}
