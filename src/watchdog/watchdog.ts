/**
 * The watchdog: an independent worker thread that watches an RT loop's {@link Heartbeat}
 * and acts while the RT thread is stuck. Cold path (setup and teardown); the worker itself
 * is src/watchdog/watchdog-worker.ts.
 *
 * When the slot the heartbeat says is running is still running `graceNs` past its
 * deadline, the worker raises `stuck` (once per slot), naming frame, slot and task:
 * 1. posts it to this thread (`stuckEvents`, `onStuck`);
 * 2. runs the declared fail-safe function in the watchdog thread (for instance, driving
 *    outputs to a safe state through shared memory), with a {@link FailSafeContext};
 * 3. when `exitCode` is a number, writes one line naming the task to stderr and ends the
 *    process with that code (see watchdog-worker.ts for how: a worker cannot end the
 *    process with a code itself; if this thread is the stuck one, `interruptMain` makes it
 *    run `beforeExit` and `process.exit(code)` where it is stuck; SIGKILL after
 *    `killAfterNs` when even that fails).
 * If the slot ends after all, the worker posts `recovered` (`recoveredEvents`,
 * `onRecovered`); a later stuck slot is a new event, and the fail-safe runs again: once
 * per stuck event, never twice for one.
 *
 * Detection latency = grace + the watchdog thread's wake-up latency + one heartbeat read
 * (it sleeps exactly until deadline + grace while a slot runs); test/watchdog-stuck-task.test.ts
 * prints the measured figure.
 *
 * Worker entry: from `dist/` the compiled `watchdog-worker.js` next to this module; from
 * sources (vitest, tsx: this module's URL ends in `.ts`) a one-line eval worker that
 * registers tsx's ESM loader through `tsx/esm/api` (a dev dependency) and imports
 * `watchdog-worker.ts`, because Node 20 ignores `--import tsx` for a worker's entry module.
 */
import { closeSync, existsSync, writeSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { threadId, type Worker } from 'node:worker_threads';
import { formatJsonPath, jsonValueProblem } from '../config/json-value.js';
import { HardtickError } from '../errors.js';
import { exitProcess } from '../tasks/process-guard.js';
import { startWorker } from '../tasks/worker-start.js';
import { Heartbeat } from './heartbeat.js';
import {
  CTL_MAIN_ENDING,
  CTL_STOP,
  CTL_WORDS,
  MAIN_ENDING_DONE,
  MAIN_ENDING_STARTED,
  MAIN_HANDLER_PREFIX,
  type RecoveredEvent,
  type StuckEvent,
  type WatchdogControlMessage,
  type WatchdogMessage,
  type WatchdogWorkerData,
} from './protocol.js';

export type { FallbackReportSpec, RecoveredEvent, StuckEvent } from './protocol.js';

/** What a fail-safe function receives, in the watchdog thread. */
export interface FailSafeContext {
  /** The stuck slot. */
  readonly stuck: StuckEvent;
  /** The shared buffers given as `failSafeData` (same memory the RT side sees). */
  readonly data: Readonly<Record<string, SharedArrayBuffer>>;
  /**
   * The JSON value given as `failSafeParams` (config: `watchdog.failSafeParams`), a copy
   * made for the watchdog thread; null when none was given.
   */
  readonly params: unknown;
  /** The heartbeat, attached in the watchdog thread. */
  readonly heartbeat: Heartbeat;
}

/** A fail-safe: runs in the watchdog thread while the RT thread is stuck. May be async. */
export type FailSafeFunction = (context: FailSafeContext) => void | Promise<void>;

/** Where the fail-safe function lives. */
export interface FailSafeSpec {
  /** Module file (path, relative to the working directory, or `file:` URL). */
  readonly file: string;
  /**
   * Name of the exported function.
   * @default 'failSafe'
   */
  readonly exportName?: string;
}

/** Result of one fail-safe run. */
export interface FailSafeResult {
  /** True when it returned (or its promise resolved) without throwing. */
  readonly ok: boolean;
  /** Its error message, or null. */
  readonly error: string | null;
  /** Time it took, ns. */
  readonly durationNs: number;
  /** {@link StuckEvent.ordinal} of the stuck event it ran for. */
  readonly ordinal: number;
}

/** Options of {@link startWatchdog}. */
export interface WatchdogOptions {
  /**
   * The heartbeat buffer the RT thread writes (`Heartbeat.create(...).buffer`). null: the
   * watchdog thread starts now (and loads its fail-safe) and watches once
   * {@link WatchdogHandle.watch} hands it the buffer, e.g. when the RT thread that creates
   * it is itself still starting.
   */
  readonly heartbeat: SharedArrayBuffer | null;
  /** How long a slot may run past its deadline before it is stuck, ns (> 0). */
  readonly graceNs: number;
  /**
   * Longest sleep between two heartbeat reads while no slot is close to overdue, ns. While a
   * slot runs the watchdog sleeps exactly until its deadline + grace instead, so a poll
   * shorter than the grace detects a stuck slot at its deadline + grace whatever its length.
   * @default {@link defaultWatchdogPollNs}(graceNs): a quarter of the grace, within 10–100 ms
   */
  readonly pollNs?: number;
  /** The fail-safe to run in the watchdog thread on `stuck`. @default none */
  readonly failSafe?: FailSafeSpec;
  /** Shared buffers handed to the fail-safe as `context.data`. @default {} */
  readonly failSafeData?: Readonly<Record<string, SharedArrayBuffer>>;
  /** A JSON value handed to the fail-safe as `context.params`. @default null */
  readonly failSafeParams?: unknown;
  /**
   * Exit code to end the process with after `stuck` (and the fail-safe), or null to keep
   * running. {@link WATCHDOG_EXIT_CODE} (75) is the conventional choice.
   * @default null
   */
  readonly exitCode?: number | null;
  /**
   * With `exitCode`: how long the watchdog waits for the main thread to exit with that code
   * before it sends SIGKILL to the process (the main thread may be the stuck one), ns.
   * @default 200_000_000 (200 ms)
   */
  readonly killAfterNs?: number;
  /**
   * With `exitCode`: instead of ending the process at the stuck event, end it only if a
   * stuck event is still open at this time (the heartbeat's clock, ns), e.g. when a run
   * that keeps running through stuck events should have ended. @default at once
   */
  readonly exitAtNs?: number;
  /**
   * With `exitCode`, for a watchdog whose stuck thread may be this (the main) thread: the
   * watchdog interrupts it through an in-process inspector session and this thread runs
   * `beforeExit` and `process.exit(exitCode)` right where it is stuck (watchdog-worker.ts).
   * Needs Node's inspector (present in official builds); the session is only opened then.
   * @default false
   */
  readonly interruptMain?: boolean;
  /**
   * Runs on this thread just before the watchdog ends the process with `exitCode` (from
   * the worker's `exit` message when this thread is free, or from the interrupt when it is
   * the stuck one): write a report here, synchronously (no event-loop turn follows). A
   * throw is printed to stderr and the process still exits.
   */
  readonly beforeExit?: (event: StuckEvent, exitCode: number) => void;
  /**
   * With `exitCode`: a file the watchdog thread writes itself before it falls back to
   * SIGKILL (`schema: "hardtick.stuck/v1"`, the stuck event and `fields`), so that even
   * a process killed by signal leaves a record. Not written when `beforeExit` finished.
   * @default none
   */
  readonly fallbackReport?: { readonly file: string; readonly fields?: Readonly<Record<string, unknown>> };
  /** Called on this thread for each stuck event (after it is pushed to `stuckEvents`). */
  readonly onStuck?: (event: StuckEvent) => void;
  /** Called on this thread when a stuck slot ended after all (after `recoveredEvents`). */
  readonly onRecovered?: (event: RecoveredEvent) => void;
  /** Called on this thread when the fail-safe finished for the latest stuck event. */
  readonly onFailSafe?: (result: FailSafeResult) => void;
}

/** A running watchdog. */
export interface WatchdogHandle {
  /** Resolves once the fail-safe is loaded and the worker watches; rejects if loading failed. */
  readonly ready: Promise<void>;
  /** Stuck events received so far, oldest first (this thread's copy; grows). */
  readonly stuckEvents: readonly StuckEvent[];
  /** Fail-safe results received so far, in stuck-event order. */
  readonly failSafeResults: readonly FailSafeResult[];
  /** Stuck slots that ended after all, oldest first. */
  readonly recoveredEvents: readonly RecoveredEvent[];
  /** Stops the watchdog thread (wakes it at once) and resolves when it has exited. */
  stop(): Promise<void>;
  /**
   * Hands a watchdog started with `heartbeat: null` the buffer to watch (`ready` resolves
   * after it). @throws HardtickError `config_invalid` for a buffer that is not a heartbeat,
   * or `usage` when the watchdog already has one.
   */
  watch(heartbeat: SharedArrayBuffer): void;
}

/** Conventional exit code of a process ended by the watchdog (EX_TEMPFAIL in sysexits.h). */
export const WATCHDOG_EXIT_CODE = 75;
/** Shortest default {@link WatchdogOptions.pollNs} (a grace under 40 ms polls this often). */
export const DEFAULT_WATCHDOG_POLL_NS = 10_000_000;
/** Longest default {@link WatchdogOptions.pollNs}. */
export const MAX_DEFAULT_WATCHDOG_POLL_NS = 100_000_000;

/**
 * The default poll of a watchdog with this grace: a quarter of it, within 10–100 ms, ns. A
 * poll under the grace makes detection exact (see {@link WatchdogOptions.pollNs}); past that
 * each poll only costs a wake-up (~60 µs of CPU on a 2-vCPU VM: at 10 ms, 0.6 % of a core,
 * which a 1 s grace does not need).
 */
export function defaultWatchdogPollNs(graceNs: number): number {
  return Math.min(MAX_DEFAULT_WATCHDOG_POLL_NS, Math.max(DEFAULT_WATCHDOG_POLL_NS, graceNs / 4));
}
/** Default {@link WatchdogOptions.killAfterNs}. */
export const DEFAULT_WATCHDOG_KILL_AFTER_NS = 200_000_000;

/** Watchdogs started by this thread (names the main-thread handler of each). */
let watchdogsStarted = 0;

function startWatchdogWorker(workerData: WatchdogWorkerData): Worker {
  // The fail-safe may be a TypeScript module: the worker gets the parent's tsx (worker-start.ts).
  return startWorker(import.meta.url, 'watchdog-worker', { workerData, name: 'hardtick-watchdog' });
}

function positiveNs(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new HardtickError(
      'config_invalid',
      `watchdog ${name}: expected a finite number of ns > 0, got ${String(value)}`,
      {
        path: name,
      },
    );
  }
  return value;
}

function failSafeUrl(spec: FailSafeSpec): string {
  if (spec.file.startsWith('file:')) {
    if (!existsSync(fileURLToPath(spec.file))) {
      throw new HardtickError(
        'watchdog_failsafe_invalid',
        `watchdog failSafe.file: ${spec.file} does not exist`,
        {
          file: spec.file,
          path: 'failSafe.file',
        },
      );
    }
    return spec.file;
  }
  const path = resolve(spec.file);
  if (!existsSync(path)) {
    throw new HardtickError('watchdog_failsafe_invalid', `watchdog failSafe.file: ${path} does not exist`, {
      file: path,
      path: 'failSafe.file',
    });
  }
  return pathToFileURL(path).href;
}

/**
 * Starts a watchdog thread on `options.heartbeat`. Validates everything here (setup), so
 * the worker never has to.
 * @throws HardtickError `config_invalid` for a bad heartbeat, grace, poll, exit code,
 * fail-safe data or params (not a JSON value), or fallback report file; `watchdog_failsafe_invalid` when the fail-safe file does not exist. (A module that
 * exists but lacks the export rejects `ready` with `watchdog_failsafe_invalid`.)
 */
export function startWatchdog(options: WatchdogOptions): WatchdogHandle {
  if (options.heartbeat !== null) Heartbeat.attach(options.heartbeat); // validates the buffer
  let watching = options.heartbeat !== null;
  const graceNs = positiveNs('graceNs', options.graceNs);
  const pollNs = positiveNs('pollNs', options.pollNs ?? defaultWatchdogPollNs(graceNs));
  const killAfterNs = positiveNs('killAfterNs', options.killAfterNs ?? DEFAULT_WATCHDOG_KILL_AFTER_NS);
  const exitCode = options.exitCode ?? null;
  if (exitCode !== null && (!Number.isInteger(exitCode) || exitCode < 1 || exitCode > 255)) {
    throw new HardtickError(
      'config_invalid',
      `watchdog exitCode: expected an integer 1..255, got ${exitCode}`,
      {
        path: 'exitCode',
      },
    );
  }
  const failSafeData = options.failSafeData ?? {};
  for (const [key, value] of Object.entries(failSafeData)) {
    if (!(value instanceof SharedArrayBuffer)) {
      throw new HardtickError(
        'config_invalid',
        `watchdog failSafeData.${key}: expected a SharedArrayBuffer`,
        {
          path: `failSafeData.${key}`,
        },
      );
    }
  }
  const failSafeParams = options.failSafeParams ?? null;
  const paramsProblem = jsonValueProblem(failSafeParams);
  if (paramsProblem !== null) {
    const where = `failSafeParams${formatJsonPath(paramsProblem.path)}`;
    throw new HardtickError('config_invalid', `watchdog ${where}: ${paramsProblem.message}`, { path: where });
  }
  const fallback = options.fallbackReport;
  if (fallback !== undefined && (typeof fallback.file !== 'string' || fallback.file === '')) {
    throw new HardtickError('config_invalid', 'watchdog fallbackReport.file: expected a file name', {
      path: 'fallbackReport.file',
    });
  }
  const url = options.failSafe === undefined ? null : failSafeUrl(options.failSafe);
  const control = new SharedArrayBuffer(CTL_WORDS * Int32Array.BYTES_PER_ELEMENT);
  const ctl = new Int32Array(control);
  const interruptMain = options.interruptMain === true && exitCode !== null;
  const handlerId = `${process.pid}_${threadId}_${watchdogsStarted++}`;
  const handlerName = MAIN_HANDLER_PREFIX + handlerId;
  const stuckEvents: StuckEvent[] = [];
  const failSafeResults: FailSafeResult[] = [];
  const recoveredEvents: RecoveredEvent[] = [];
  let ending = false;
  /** Ends the process with `exitCode` on this thread, `beforeExit` first. Once. */
  const endProcess = (event: StuckEvent | null, code: number, interrupted: boolean): void => {
    if (ending) return;
    ending = true;
    Atomics.store(ctl, CTL_MAIN_ENDING, MAIN_ENDING_STARTED);
    if (event !== null && options.beforeExit !== undefined) {
      try {
        options.beforeExit(event, code);
      } catch (error) {
        writeSync(
          2,
          `hardtick watchdog: beforeExit failed: ${error instanceof Error ? error.message : String(error)}\n`,
        );
      }
    }
    Atomics.store(ctl, CTL_MAIN_ENDING, MAIN_ENDING_DONE);
    // The watchdog's inspector session is still attached, so Node would print "Waiting for
    // the debugger to disconnect..." at exit: misleading (no debugger is involved) and it
    // cannot be detached from this thread. The last exit listener closes fd 2 instead.
    if (interrupted) process.on('exit', () => closeSync(2));
    // Wake the watchdog thread from its wait for this exit: process.exit() waits for every
    // worker to stop, and an Atomics.wait is not cut short by that (measured: +300 ms).
    Atomics.store(ctl, CTL_STOP, 1);
    Atomics.notify(ctl, CTL_STOP);
    // The real exit: a run guards `process.exit` against task code meanwhile.
    exitProcess(code);
  };
  if (interruptMain) {
    (globalThis as Record<string, unknown>)[handlerName] = (
      event: StuckEvent,
      result: Extract<WatchdogMessage, { type: 'failsafe' }> | null,
    ) => {
      if (!stuckEvents.some((e) => e.ordinal === event.ordinal)) stuckEvents.push(event);
      if (result !== null && !failSafeResults.some((r) => r.ordinal === result.ordinal)) {
        failSafeResults.push({
          ok: result.ok,
          error: result.error,
          durationNs: result.durationNs,
          ordinal: result.ordinal,
        });
      }
      endProcess(event, exitCode, true);
    };
  }

  const worker = startWatchdogWorker({
    heartbeat: options.heartbeat,
    control,
    graceNs,
    pollNs,
    failSafeUrl: url,
    failSafeExport: options.failSafe?.exportName ?? 'failSafe',
    failSafeData,
    failSafeParams,
    exitCode,
    exitAtNs: exitCode === null ? null : (options.exitAtNs ?? null),
    killAfterNs,
    interruptMain,
    handlerId,
    fallbackReport:
      fallback === undefined || exitCode === null
        ? null
        : { file: resolve(fallback.file), fields: { ...(fallback.fields ?? {}) } },
  });
  let settleReady: { resolve: () => void; reject: (e: Error) => void } | undefined;
  const ready = new Promise<void>((resolveReady, rejectReady) => {
    settleReady = { resolve: resolveReady, reject: rejectReady };
  });
  // A caller that never awaits `ready` must not get an unhandled rejection.
  ready.catch(() => {});
  const exited = new Promise<void>((resolveExit) => worker.once('exit', () => resolveExit()));

  worker.on('message', (message: WatchdogMessage) => {
    switch (message.type) {
      case 'ready':
        settleReady?.resolve();
        return;
      case 'load_failed':
        settleReady?.reject(
          new HardtickError('watchdog_failsafe_invalid', `watchdog fail-safe: ${message.message}`, {
            path: 'failSafe',
            ...(url === null ? {} : { file: url }),
          }),
        );
        return;
      case 'stuck':
        if (stuckEvents.some((e) => e.ordinal === message.event.ordinal)) return;
        stuckEvents.push(message.event);
        options.onStuck?.(message.event);
        return;
      case 'recovered':
        recoveredEvents.push(message.event);
        options.onRecovered?.(message.event);
        return;
      case 'failsafe': {
        if (failSafeResults.some((r) => r.ordinal === message.ordinal)) return;
        const result = {
          ok: message.ok,
          error: message.error,
          durationNs: message.durationNs,
          ordinal: message.ordinal,
        };
        failSafeResults.push(result);
        options.onFailSafe?.(result);
        return;
      }
      case 'exit':
        endProcess(stuckEvents.at(-1) ?? null, message.code, false);
    }
  });
  worker.on('error', (error) => settleReady?.reject(error));
  worker.once('exit', () =>
    settleReady?.reject(
      new HardtickError('watchdog_failsafe_invalid', 'watchdog worker exited before it was ready'),
    ),
  );

  return {
    ready,
    stuckEvents,
    failSafeResults,
    recoveredEvents,
    async stop() {
      Atomics.store(ctl, CTL_STOP, 1);
      Atomics.notify(ctl, CTL_STOP);
      // Still waiting for its heartbeat (a message, not the control word): end it.
      if (!watching) void worker.terminate();
      await exited;
      if (interruptMain) delete (globalThis as Record<string, unknown>)[handlerName];
    },
    watch(heartbeat) {
      if (watching) throw new HardtickError('usage', 'watchdog: it already watches a heartbeat');
      Heartbeat.attach(heartbeat);
      watching = true;
      worker.postMessage({ type: 'heartbeat', buffer: heartbeat } satisfies WatchdogControlMessage);
    },
  };
}
