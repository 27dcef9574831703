/**
 * Applies the config's `realtime` steps and reports each one: applied, refused by the
 * OS (with its reason), not requested, or unavailable here. Never throws; every step
 * that is refused or unavailable yields one warning line.
 *
 * Which thread does what. Priority (SCHED_FIFO), CPU affinity, nice and timer slack are
 * *per thread* on Linux, so they must be applied by the thread that runs the loop
 * (`sched_setscheduler`/`sched_setaffinity` through the addon act on `pthread_self()`;
 * `os.setPriority(0, n)` is `setpriority(PRIO_PROCESS, 0)`, which Linux applies to the
 * calling thread only; timer slack is written to `/proc/<tid>/timerslack_ns`).
 * `/dev/cpu_dma_latency` and `mlockall` are process-wide and are done on the main thread.
 *
 * - Loop on the main thread: `applyRealtime(request, { thread: 'main', loop })` does all
 *   six steps; `setup.release()` at the end closes the latency device and resets the
 *   thread's priority, affinity and nice (call it on the same thread).
 * - Loop in a worker: the main thread calls `applyRealtime(request, { thread: 'worker', loop })`
 *   before starting the worker (process-wide steps + the throttling check); the worker
 *   calls {@link applyRealtimeInThread} first thing, before its loop, and posts the
 *   returned steps back; the main thread joins both lists with {@link mergeRealtimeSteps}
 *   for the report, and calls `setup.release()` when the run ends.
 *
 * Without the native addon: priority and lockMemory are `unavailable` (Node has no API for
 * them); affinity falls back to `taskset -p -c <cpus> <tid>` on the loop thread's kernel
 * id (util-linux; `sched_setaffinity` on a tid moves that thread alone, so it is as
 * correct as the addon, and costs one ~2 ms child process at setup), else `unavailable`.
 *
 * Cold path: synchronous system calls and file I/O at setup.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, readlinkSync } from 'node:fs';
import os from 'node:os';
import { loadNative, type NativeBinding, nativeStatus } from '../native/binding.js';
import { applyThreadRealtime, type ThreadRealtimeOptions } from '../native/realtime.js';
import { type TimerSlackResult, tryLowerTimerSlack } from '../time/timer-slack.js';
import { type CpuDmaLatencyHold, describeError, tryHoldCpuDmaLatency } from './dma-latency.js';
import { checkRtThrottling, type RtThrottlingCheck } from './throttling.js';
import {
  REALTIME_STEPS,
  type RealtimeRequest,
  type RealtimeStepName,
  type RealtimeStepResult,
} from './types.js';

/** The loop's timing, for the RT-throttling check (see `throttling.ts`). */
export interface RealtimeLoopTiming {
  /** Minor frame, ns. */
  readonly frameNs: number;
  /** Most the waiter spins per frame, ns (its margin; the frame for a pure spin waiter). */
  readonly spinNsPerFrame: number;
  /** Planned work of the fullest frame, ns. @default 0 */
  readonly loadNsPerFrame?: number;
}

/** Options of the thread-scoped steps ({@link applyRealtimeInThread}). */
export interface ThreadStepOptions {
  /**
   * The addon. `undefined`: `loadNative()` on the calling thread; `null`: behave as if it
   * were missing (priority/lockMemory unavailable). @default loadNative()
   */
  readonly native?: NativeBinding | null;
  /** Why the addon is missing when `native: null` is passed. @default 'disabled by the caller' */
  readonly nativeUnavailableReason?: string;
  /** Fall back to `taskset` for affinity without the addon. @default true */
  readonly useTaskset?: boolean;
  /** Called once per warning line (they are also returned). @default none */
  readonly warn?: (line: string) => void;
  /** `os.setPriority` (tests inject failures). @default os.setPriority */
  readonly setPriority?: (pid: number, priority: number) => void;
  /** Timer slack setter (tests inject failures). @default tryLowerTimerSlack */
  readonly setTimerSlack?: (ns: number) => TimerSlackResult;
}

/** Options of {@link applyRealtime}. */
export interface ApplyRealtimeOptions extends ThreadStepOptions {
  /**
   * Where the loop runs. `'main'`: this (the calling) thread runs it, so every step is
   * applied here. `'worker'`: a worker will run it, so only the process-wide steps
   * (cpuDmaLatency, lockMemory) are applied here; the worker applies the rest with
   * {@link applyRealtimeInThread}.
   */
  readonly thread: 'main' | 'worker';
  /** Frame, spin and load of the loop, for the RT-throttling check (done when priority is requested). */
  readonly loop?: RealtimeLoopTiming;
  /** The latency device (tests inject other paths). @default '/dev/cpu_dma_latency' */
  readonly cpuDmaLatencyPath?: string;
  /** procfs files of the RT bandwidth (tests inject others). */
  readonly throttlingPaths?: { readonly runtime?: string; readonly period?: string };
}

/** What {@link applyRealtime} did, and how to undo it. */
export interface RealtimeSetup {
  readonly thread: 'main' | 'worker';
  /**
   * Results of the steps this call handled: all six for `'main'`; cpuDmaLatency and
   * lockMemory for `'worker'` (join them with the worker's via {@link mergeRealtimeSteps}).
   */
  readonly steps: readonly RealtimeStepResult[];
  /** The RT-throttling check, when priority was requested and `loop` given; else null. */
  readonly throttling: RtThrottlingCheck | null;
  /** One line per refused/unavailable step, plus the throttling warning. */
  readonly warnings: readonly string[];
  /** The held latency request, or null. */
  readonly cpuDmaLatency: CpuDmaLatencyHold | null;
  /**
   * Ends the setup: withdraws the latency request, unlocks memory (munlockall) if it was
   * locked and, for `'main'`, puts this thread back to SCHED_OTHER, its previous affinity
   * and nice. Call on the thread that applied it, after the loop stopped.
   * Idempotent; never throws.
   */
  release(): void;
}

/** Config key of each step (warnings name the key the user wrote). */
const CONFIG_KEY: Readonly<Record<RealtimeStepName, string>> = {
  priority: 'priority',
  affinity: 'cpu',
  lockMemory: 'lockMemory',
  cpuDmaLatency: 'cpuDmaLatency',
  timerSlack: 'timerSlackNs',
  nice: 'nice',
};

/**
 * Applies the process-wide steps, and the thread steps too when `thread` is `'main'`
 * (see the module note). Runs the RT-throttling check when priority is requested.
 * Never throws.
 */
export function applyRealtime(request: RealtimeRequest, options: ApplyRealtimeOptions): RealtimeSetup {
  const warnings: string[] = [];
  const steps: RealtimeStepResult[] = [];
  const say = (line: string): void => {
    warnings.push(line);
    options.warn?.(line);
  };

  let throttling: RtThrottlingCheck | null = null;
  if (request.priority !== null && options.loop !== undefined) {
    throttling = checkRtThrottling({
      frameNs: options.loop.frameNs,
      spinNsPerFrame: options.loop.spinNsPerFrame,
      ...(options.loop.loadNsPerFrame === undefined ? {} : { loadNsPerFrame: options.loop.loadNsPerFrame }),
      ...(options.throttlingPaths === undefined ? {} : { paths: options.throttlingPaths }),
    });
    if (throttling.warning !== null) say(`hardtick: realtime.priority: ${throttling.warning}`);
  }

  const native = resolveNative(
    options,
    request.lockMemory || (options.thread === 'main' && needsNative(request)),
  );

  // Process-wide: the latency device, then the memory lock.
  let hold: CpuDmaLatencyHold | null = null;
  if (request.cpuDmaLatencyUs === null) steps.push(notRequested('cpuDmaLatency'));
  else {
    const result = tryHoldCpuDmaLatency(
      request.cpuDmaLatencyUs,
      options.cpuDmaLatencyPath === undefined ? {} : { path: options.cpuDmaLatencyPath },
    );
    if (result.ok) {
      hold = result.hold;
      steps.push(done('cpuDmaLatency', request.cpuDmaLatencyUs, '/dev/cpu_dma_latency', 'process'));
    } else {
      steps.push(failed('cpuDmaLatency', request.cpuDmaLatencyUs, result.status, result.reason, 'process'));
    }
  }
  const lock = lockMemoryStep(request, native);
  steps.push(lock);
  const unlock = lock.status === 'applied' && native.binding !== null ? native.binding : null;

  let restore: (() => void) | null = null;
  if (options.thread === 'main') {
    const thread = applyThreadSteps(request, options, native, 'main');
    steps.push(...thread.steps);
    restore = thread.restore;
  }
  const ordered = orderSteps(steps);
  for (const step of ordered) {
    const line = realtimeWarning(step);
    if (line !== null) say(line);
  }
  let released = false;
  return {
    thread: options.thread,
    steps: ordered,
    throttling,
    warnings,
    cpuDmaLatency: hold,
    release() {
      if (released) return;
      released = true;
      hold?.release();
      try {
        restore?.();
        unlock?.munlockall();
      } catch {
        // best effort: the thread keeps its setting
      }
    },
  };
}

/**
 * The thread-scoped steps (timer slack, nice, affinity, priority, in that order: the
 * priority last, as cyclictest does), applied to the *calling* thread. A worker running
 * the loop calls this first thing, before its loop, and posts the result (plain
 * objects) to the main thread. Never throws; warnings go to `options.warn`.
 */
export function applyRealtimeInThread(
  request: RealtimeRequest,
  options: ThreadStepOptions = {},
): RealtimeStepResult[] {
  const native = resolveNative(options, needsNative(request));
  const steps = orderSteps(applyThreadSteps(request, options, native, 'worker').steps);
  for (const step of steps) {
    const line = realtimeWarning(step);
    if (line !== null) options.warn?.(line);
  }
  return steps;
}

/**
 * Joins step lists (the main thread's and the worker's) into the six steps in report
 * order. A step no list mentions is `not-requested` when the request leaves it null, or
 * `unavailable` ("not applied: the loop thread did not report it") when it was requested.
 */
export function mergeRealtimeSteps(
  request: RealtimeRequest,
  ...lists: ReadonlyArray<readonly RealtimeStepResult[]>
): RealtimeStepResult[] {
  const byStep = new Map<RealtimeStepName, RealtimeStepResult>();
  for (const list of lists) for (const step of list) if (!byStep.has(step.step)) byStep.set(step.step, step);
  return REALTIME_STEPS.map((name) => {
    const found = byStep.get(name);
    if (found !== undefined) return found;
    const requested = requestedValue(request, name);
    return requested === null
      ? notRequested(name)
      : failed(name, requested, 'unavailable', 'not applied: the loop thread did not report it', null);
  });
}

/**
 * The warning line of a refused or unavailable step, e.g.
 * `hardtick: realtime.priority = 80 unavailable: native addon unavailable: …`; null otherwise.
 */
export function realtimeWarning(step: RealtimeStepResult): string | null {
  if (step.status !== 'refused' && step.status !== 'unavailable') return null;
  const value = Array.isArray(step.requested) ? `[${step.requested.join(', ')}]` : String(step.requested);
  return `hardtick: realtime.${CONFIG_KEY[step.step]} = ${value} ${step.status === 'refused' ? 'refused' : 'unavailable'}: ${step.reason ?? 'no reason given'}`;
}

/** The value a step asks for, or null when the request leaves it alone. */
export function requestedValue(
  request: RealtimeRequest,
  step: RealtimeStepName,
): number | readonly number[] | boolean | null {
  switch (step) {
    case 'priority':
      return request.priority;
    case 'affinity':
      return request.cpus === null || request.cpus.length === 0 ? null : request.cpus;
    case 'lockMemory':
      return request.lockMemory ? true : null;
    case 'cpuDmaLatency':
      return request.cpuDmaLatencyUs;
    case 'timerSlack':
      return request.timerSlackNs;
    case 'nice':
      return request.nice;
  }
}

/** The calling thread's kernel id (from `/proc/thread-self`), or null off Linux. */
export function currentThreadId(): number | null {
  if (process.platform !== 'linux') return null;
  try {
    const link = readlinkSync('/proc/thread-self'); // "<tgid>/task/<tid>"
    const tid = Number(link.slice(link.lastIndexOf('/') + 1));
    return Number.isSafeInteger(tid) && tid > 0 ? tid : null;
  } catch {
    return null;
  }
}

/** The calling thread's allowed CPU list as text (`0-1`), from procfs; null when unreadable. */
function readAllowedCpus(): string | null {
  try {
    const status = readFileSync('/proc/thread-self/status', 'utf8');
    return /^Cpus_allowed_list:\s*(\S+)/m.exec(status)?.[1] ?? null;
  } catch {
    return null;
  }
}

interface NativeChoice {
  readonly binding: NativeBinding | null;
  /** Why it is null. */
  readonly reason: string;
}

function needsNative(request: RealtimeRequest): boolean {
  return request.priority !== null || request.cpus !== null || request.lockMemory;
}

/** Loads the addon only when a step needs it (loading is not free). */
function resolveNative(options: ThreadStepOptions, wanted: boolean): NativeChoice {
  if (options.native === null) {
    return {
      binding: null,
      reason: `native addon unavailable: ${options.nativeUnavailableReason ?? 'disabled by the caller'}`,
    };
  }
  if (options.native !== undefined) return { binding: options.native, reason: '' };
  if (!wanted) return { binding: null, reason: 'native addon not loaded' };
  const binding = loadNative();
  return { binding, reason: binding === null ? `native addon unavailable: ${nativeStatus().reason}` : '' };
}

function lockMemoryStep(request: RealtimeRequest, native: NativeChoice): RealtimeStepResult {
  if (!request.lockMemory) return notRequested('lockMemory');
  if (native.binding === null) return failed('lockMemory', true, 'unavailable', native.reason, 'process');
  return fromNative('lockMemory', true, { lockMemory: true, binding: native.binding }, 'process');
}

function applyThreadSteps(
  request: RealtimeRequest,
  options: ThreadStepOptions,
  native: NativeChoice,
  scope: 'main' | 'worker',
): { steps: RealtimeStepResult[]; restore: () => void } {
  const steps: RealtimeStepResult[] = [];
  const undo: (() => void)[] = [];
  const setPriority = options.setPriority ?? ((pid: number, value: number) => os.setPriority(pid, value));

  // Timer slack (procfs, own thread: no privilege needed).
  if (request.timerSlackNs === null) steps.push(notRequested('timerSlack'));
  else {
    const result = (options.setTimerSlack ?? tryLowerTimerSlack)(request.timerSlackNs);
    steps.push(
      result.applied
        ? done('timerSlack', request.timerSlackNs, 'procfs', scope)
        : failed(
            'timerSlack',
            request.timerSlackNs,
            result.path === null ? 'unavailable' : 'refused',
            result.reason ?? 'not applied',
            scope,
          ),
    );
  }

  // Nice: setpriority(PRIO_PROCESS, 0) is per thread on Linux.
  if (request.nice === null) steps.push(notRequested('nice'));
  else {
    const value = request.nice;
    let previous: number | null = null;
    try {
      previous = os.getPriority(0);
      setPriority(0, value);
      const now = os.getPriority(0);
      if (now !== value) {
        steps.push(failed('nice', value, 'refused', `nice reads ${now} after setting ${value}`, scope));
      } else {
        steps.push(done('nice', value, 'os.setPriority', scope));
        const before = previous;
        undo.push(() => setPriority(0, before));
      }
    } catch (error) {
      const reason = `os.setPriority(0, ${value}): ${describeError(error)}${value < (previous ?? 0) ? ' (lowering nice needs root or CAP_SYS_NICE)' : ''}`;
      steps.push(failed('nice', value, 'refused', reason, scope));
    }
  }

  // Affinity: the addon (this thread), else taskset on this thread's id.
  if (request.cpus === null || request.cpus.length === 0) steps.push(notRequested('affinity'));
  else if (native.binding !== null) {
    const binding = native.binding;
    let previous: number[] | null = null;
    try {
      previous = binding.getThreadAffinity();
    } catch {
      previous = null;
    }
    const step = fromNative('affinity', request.cpus, { cpus: request.cpus, binding }, scope);
    steps.push(step);
    if (step.status === 'applied' && previous !== null && previous.length > 0) {
      const before = previous;
      undo.push(() => binding.setThreadAffinity(before));
    }
  } else {
    const previous = readAllowedCpus();
    const step = tasksetAffinity(request.cpus, options.useTaskset ?? true, native.reason, scope);
    steps.push(step);
    if (step.status === 'applied' && previous !== null) {
      undo.push(() => tasksetAffinity(previous, true, native.reason, scope));
    }
  }

  // Priority last: from here on the thread preempts everything at SCHED_OTHER.
  if (request.priority === null) steps.push(notRequested('priority'));
  else if (native.binding === null) {
    steps.push(failed('priority', request.priority, 'unavailable', native.reason, scope));
  } else {
    const binding = native.binding;
    const step = fromNative('priority', request.priority, { priority: request.priority, binding }, scope);
    steps.push(step);
    if (step.status === 'applied') undo.push(() => binding.setThreadScheduler('other', 0));
  }

  return {
    steps,
    restore: () => {
      // Undo in reverse: drop the priority first.
      for (const fn of undo.reverse()) {
        try {
          fn();
        } catch {
          // best effort
        }
      }
      undo.length = 0;
    },
  };
}

function tasksetAffinity(
  cpus: readonly number[] | string,
  useTaskset: boolean,
  nativeReason: string,
  scope: 'main' | 'worker',
): RealtimeStepResult {
  const tid = currentThreadId();
  const list = typeof cpus === 'string' ? cpus : cpus.join(',');
  const requested = typeof cpus === 'string' ? [] : cpus;
  if (!useTaskset || tid === null) {
    return failed('affinity', requested, 'unavailable', nativeReason, scope);
  }
  try {
    execFileSync('taskset', ['-p', '-c', list, String(tid)], {
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 5000,
    });
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { stderr?: Buffer | string };
    if (e.code === 'ENOENT') {
      return failed('affinity', requested, 'unavailable', `${nativeReason}; taskset not found`, scope);
    }
    const stderr = String(e.stderr ?? '').trim();
    return failed(
      'affinity',
      requested,
      'refused',
      `taskset -p -c ${list} ${tid}: ${stderr === '' ? describeError(error) : stderr}`,
      scope,
    );
  }
  return {
    step: 'affinity',
    requested,
    status: 'applied',
    reason: `via taskset on thread ${tid} (${nativeReason})`,
    via: 'taskset',
    scope,
  };
}

/** Runs one step through `src/native/realtime.ts` and maps its outcome. */
function fromNative(
  step: 'priority' | 'affinity' | 'lockMemory',
  requested: number | readonly number[] | boolean,
  native: ThreadRealtimeOptions,
  scope: 'main' | 'worker' | 'process',
): RealtimeStepResult {
  const [result] = applyThreadRealtime(native);
  if (result === undefined) return failed(step, requested, 'refused', 'nothing was attempted', scope);
  if (result.status === 'applied') return done(step, requested, 'native', scope);
  return failed(step, requested, result.status, result.reason ?? 'no reason given', scope);
}

function done(
  step: RealtimeStepName,
  requested: number | readonly number[] | boolean,
  via: RealtimeStepResult['via'],
  scope: RealtimeStepResult['scope'],
): RealtimeStepResult {
  return { step, requested, status: 'applied', reason: null, via, scope };
}

function failed(
  step: RealtimeStepName,
  requested: number | readonly number[] | boolean,
  status: 'refused' | 'unavailable',
  reason: string,
  scope: RealtimeStepResult['scope'],
): RealtimeStepResult {
  return { step, requested, status, reason, via: null, scope };
}

function notRequested(step: RealtimeStepName): RealtimeStepResult {
  return { step, requested: null, status: 'not-requested', reason: null, via: null, scope: null };
}

function orderSteps(steps: readonly RealtimeStepResult[]): RealtimeStepResult[] {
  return [...steps].sort((a, b) => REALTIME_STEPS.indexOf(a.step) - REALTIME_STEPS.indexOf(b.step));
}
