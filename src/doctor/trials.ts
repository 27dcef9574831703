/**
 * `hardtick doctor` probes by trying: SCHED_FIFO, CPU affinity and timer slack on a
 * short-lived worker thread (so the caller's thread is never changed), `mlockall` then
 * `munlockall`, opening `/dev/cpu_dma_latency`, and a steal sample over a window. Also
 * maps the steps a run applied onto the same outcomes, for the preflight. Cold path.
 */
import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { NativeBinding } from '../native/binding.js';
import { describeErrno } from '../native/realtime.js';
import { tryHoldCpuDmaLatency } from '../realtime/dma-latency.js';
import type { RealtimeStepResult } from '../realtime/types.js';
import { readStealNs } from '../report/steal.js';

/** What one attempt (or one applied run step) came to. */
export interface Attempt {
  /**
   * `granted`: the OS said yes; `refused`: it said no; `unavailable`: the mechanism is
   * missing (no addon, no device); `not-tried`: nothing was attempted (a run that did not
   * ask for the step).
   */
  readonly outcome: 'granted' | 'refused' | 'unavailable' | 'not-tried';
  /** What the OS answered or what was seen, e.g. `EPERM (Operation not permitted)`. */
  readonly detail: string;
}

/** Outcomes of the steps that belong to a thread. */
export interface ThreadAttempts {
  /** SCHED_FIFO at the priority asked. */
  readonly priority: Attempt;
  /** CPU affinity to the CPUs asked (`not-tried` when none were asked). */
  readonly affinity: Attempt;
  /** Lowering the thread's timer slack. */
  readonly timerSlack: Attempt;
}

/** What {@link tryThreadSteps} tries. */
export interface ThreadTrialRequest {
  /** SCHED_FIFO priority to try. */
  readonly priority: number;
  /** CPUs to pin to, or null to leave affinity alone. */
  readonly cpus: readonly number[] | null;
  /** Timer slack to set, ns. */
  readonly timerSlackNs: number;
  /** The addon's `.node` path, or null when it is not available (`unavailableReason` says why). */
  readonly nativePath: string | null;
  /** Why the addon is not available. */
  readonly unavailableReason: string;
}

/** How long the trial worker may take before it counts as no answer. */
const TRIAL_TIMEOUT_MS = 10_000;

/**
 * The worker's code (CommonJS, evaluated: the same text works from `src/` and `dist/`).
 * Order as in a run: timer slack, affinity, priority; each restored before the next.
 */
const TRIAL_WORKER = `
const { parentPort, workerData: d } = require('node:worker_threads');
const fs = require('node:fs');
const out = { slack: null, affinity: null, priority: null };
try {
  const link = fs.readlinkSync('/proc/thread-self');
  const file = '/proc/' + link.slice(link.lastIndexOf('/') + 1) + '/timerslack_ns';
  const before = Number.parseInt(fs.readFileSync(file, 'utf8'), 10);
  fs.writeFileSync(file, String(d.timerSlackNs));
  const now = Number.parseInt(fs.readFileSync(file, 'utf8'), 10);
  fs.writeFileSync(file, String(before));
  out.slack = { before, now, error: null };
} catch (e) {
  out.slack = { before: null, now: null, error: e.code || e.message };
}
if (d.nativePath !== null) {
  const b = require(d.nativePath);
  if (d.cpus !== null) {
    const allowed = b.getThreadAffinity();
    const errno = b.setThreadAffinity(d.cpus);
    if (errno === 0) b.setThreadAffinity(allowed);
    out.affinity = { errno, message: errno === 0 ? null : b.strerror(errno) };
  }
  const before = b.getThreadScheduler();
  const errno = b.setThreadScheduler('fifo', d.priority);
  const during = errno === 0 ? b.getThreadScheduler() : null;
  if (errno === 0) {
    const rt = before.policy === 'fifo' || before.policy === 'rr';
    const known = rt || before.policy === 'batch' || before.policy === 'idle';
    b.setThreadScheduler(known ? before.policy : 'other', rt ? before.priority : 0);
  }
  out.priority = { errno, message: errno === 0 ? null : b.strerror(errno), during };
}
parentPort.postMessage(out);
`;

interface TrialMessage {
  slack: { before: number | null; now: number | null; error: string | null } | null;
  affinity: { errno: number; message: string | null } | null;
  priority: {
    errno: number;
    message: string | null;
    during: { policy: string; priority: number } | null;
  } | null;
}

/**
 * Tries the thread steps on a new worker thread, which then exits: the calling thread
 * is never changed. Never throws (a worker that fails or does not answer makes every
 * step `unavailable`).
 */
export async function tryThreadSteps(request: ThreadTrialRequest): Promise<ThreadAttempts> {
  let message: TrialMessage;
  try {
    message = await runTrialWorker(request);
  } catch (error) {
    const detail = `the trial thread failed: ${error instanceof Error ? error.message : String(error)}`;
    const none: Attempt = { outcome: 'unavailable', detail };
    return { priority: none, affinity: none, timerSlack: none };
  }
  const noAddon: Attempt = { outcome: 'unavailable', detail: request.unavailableReason };
  const slack = message.slack;
  const timerSlack: Attempt =
    slack === null || slack.error !== null
      ? { outcome: 'refused', detail: `cannot set timerslack_ns: ${slack?.error ?? 'no answer'}` }
      : slack.now !== null && slack.now <= request.timerSlackNs
        ? { outcome: 'granted', detail: `${slack.before} ns by default; ${slack.now} ns once lowered` }
        : { outcome: 'refused', detail: `reads ${slack.now} ns after writing ${request.timerSlackNs}` };
  const affinity: Attempt =
    request.cpus === null
      ? { outcome: 'not-tried', detail: 'no CPU asked' }
      : message.affinity === null
        ? noAddon
        : message.affinity.errno === 0
          ? { outcome: 'granted', detail: `CPU ${request.cpus.join(', ')} accepted` }
          : { outcome: 'refused', detail: errnoText(message.affinity.errno, message.affinity.message) };
  const p = message.priority;
  const priority: Attempt =
    p === null
      ? noAddon
      : p.errno === 0
        ? {
            outcome: 'granted',
            detail: `SCHED_${(p.during?.policy ?? 'fifo').toUpperCase()} ${p.during?.priority ?? request.priority} granted`,
          }
        : { outcome: 'refused', detail: errnoText(p.errno, p.message) };
  return { priority, affinity, timerSlack };
}

/** Runs the trial worker and resolves once it has exited (its teardown must not overlap `mlockall`). */
function runTrialWorker(request: ThreadTrialRequest): Promise<TrialMessage> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(TRIAL_WORKER, {
      eval: true,
      workerData: {
        priority: request.priority,
        cpus: request.cpus === null ? null : [...request.cpus],
        timerSlackNs: request.timerSlackNs,
        nativePath: request.nativePath,
      },
    });
    let answer: TrialMessage | null = null;
    let failure: Error | null = null;
    const timer = setTimeout(() => {
      failure = new Error(`no answer within ${TRIAL_TIMEOUT_MS} ms`);
      void worker.terminate();
    }, TRIAL_TIMEOUT_MS);
    worker.once('message', (m: TrialMessage) => {
      answer = m;
    });
    worker.once('error', (error) => {
      failure ??= error;
    });
    worker.once('exit', (code) => {
      clearTimeout(timer);
      if (answer !== null && failure === null) resolve(answer);
      else reject(failure ?? new Error(`exited with code ${code} before answering`));
    });
  });
}

/**
 * `mlockall(MCL_CURRENT | MCL_FUTURE)` then `munlockall()` on this process. Not tried when
 * memory is already locked (`lockedKb > 0`): `munlockall` would undo the owner's lock.
 */
export function tryMemoryLock(
  binding: NativeBinding | null,
  unavailableReason: string,
  lockedKb: number | null,
): Attempt {
  if (lockedKb !== null && lockedKb > 0)
    return { outcome: 'granted', detail: `memory already locked (VmLck ${lockedKb} kB); not tried again` };
  if (binding === null) return { outcome: 'unavailable', detail: unavailableReason };
  const startMs = performance.now();
  const errno = binding.mlockall();
  if (errno !== 0)
    return { outcome: 'refused', detail: `mlockall: ${errnoText(errno, binding.strerror(errno))}` };
  const tookMs = performance.now() - startMs;
  const locked = /^VmLck:\s*(\d+)/m.exec(safeRead('/proc/self/status'))?.[1];
  binding.munlockall();
  return {
    outcome: 'granted',
    detail: `mlockall granted in ${Math.round(tookMs)} ms (VmLck ${locked === undefined ? 'unknown' : `${Math.round(Number(locked) / 1024)} MB`}), then munlockall`,
  };
}

/**
 * Opens `/dev/cpu_dma_latency` for writing and writes "no constraint" (which changes
 * nothing), then closes it.
 */
export function tryCpuDmaLatency(path?: string): Attempt {
  const result = tryHoldCpuDmaLatency(2_000_000_000, path === undefined ? {} : { path });
  if (!result.ok) return { outcome: result.status, detail: result.reason };
  result.hold.release();
  return { outcome: 'granted', detail: `${result.hold.path} writable` };
}

/** A running steal sample: call {@link StealWindow.end} after the window. */
export interface StealWindow {
  /** Steal over the window as a share of all CPU time, or null when unreadable. */
  end(): { readonly share: number | null; readonly windowMs: number };
}

/** Starts a steal sample (cumulative steal of `/proc/stat`, across `cpuCount` CPUs). */
export function startStealWindow(cpuCount: number): StealWindow {
  const fromNs = readStealNs();
  const fromMs = performance.now();
  return {
    end() {
      const toNs = readStealNs();
      const windowMs = performance.now() - fromMs;
      const share =
        fromNs === null || toNs === null || windowMs <= 0 || cpuCount <= 0
          ? null
          : (toNs - fromNs) / (windowMs * 1e6 * cpuCount);
      return { share, windowMs };
    },
  };
}

/** The outcome of a run's applied step, as an {@link Attempt}. */
export function attemptFromStep(step: RealtimeStepResult | undefined): Attempt {
  if (step === undefined || step.status === 'not-requested')
    return { outcome: 'not-tried', detail: 'not requested by the config' };
  if (step.status === 'applied')
    return { outcome: 'granted', detail: `applied${step.via === null ? '' : ` via ${step.via}`}` };
  return { outcome: step.status, detail: step.reason ?? step.status };
}

/** `EPERM: Operation not permitted` for an errno and the C library's message. */
export function errnoText(errno: number, message: string | null): string {
  const name = describeErrno(null, errno);
  return message === null ? name : `${name}: ${message}`;
}

function safeRead(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}
