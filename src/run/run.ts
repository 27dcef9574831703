/**
 * The one way a loop is run: `run(config, options)` resolves to the run's report;
 * `startRun` returns a handle for programs that run until told to stop. Both load and plan
 * the config once, then hand it to the worker-mode host or the main-thread driver, which
 * warm up, measure and end through the same session (session.ts). Cold code.
 */
import { resolve } from 'node:path';
import type { HardtickConfig } from '../config/input.js';
import type { ResolvedConfig } from '../config/types.js';
import { HardtickError } from '../errors.js';
import type { LeaseGuard } from '../lease/guard.js';
import type { RunEnvironment } from '../report/environment.js';
import type { RunReport } from '../report/run-report.js';
import { checkOutputFile } from '../report/write.js';
import type { ExecutiveSnapshot } from '../runtime/index.js';
import { openRunLease } from './lease.js';
import { runOnMainThread } from './main-thread.js';
import {
  type RunAlarm,
  type RunEvent,
  type RunOptions,
  type RunStatus,
  type RunThread,
  resolveRunOptions,
} from './options.js';
import { modeIndexOrThrow, prepareRun } from './prepare.js';
import { onStopSignals } from './process-end.js';
import { RunSession } from './session.js';
import { runInWorker } from './worker-host.js';

/** The loop thread's setup, once it is ready (before the warm-up). */
export interface RunReady {
  /** Where the loop runs. */
  readonly thread: RunThread;
  /** Clock and waiter backends, e.g. `native` / `native-abs`, `performance.now` / `hybrid`. */
  readonly clock: string;
  readonly waiter: string;
  /** The initial mode's frame, ns. */
  readonly frameNs: number;
  /** The loop thread's environment (as the report will show it). */
  readonly environment: RunEnvironment;
  /**
   * The loop's lease guard, attached on this thread: for your `LeaseKeeper` with `lease:
   * true`; with the config's `lease` the runner's keeper writes it (read it only); else null.
   */
  readonly leaseGuard: LeaseGuard | null;
}

/** The events a {@link RunHandle} emits, and their listener types. */
export interface RunHandleEvents {
  /** Each alarm, as `onAlarm` gets it. */
  readonly alarm: (alarm: RunAlarm) => void;
  /** The once-a-second status, as `onStatus` gets it. */
  readonly status: (status: RunStatus) => void;
  /** Each line of the run's story, as `onEvent` gets it. */
  readonly event: (event: RunEvent) => void;
  /** The report, as `onReport` gets it. */
  readonly report: (report: RunReport) => void;
}

/** A run in progress (see {@link startRun}). */
export interface RunHandle {
  /** Resolves to the report once the run ended (and it is written, with `report`); rejects on bad input. */
  readonly done: Promise<RunReport>;
  /** Resolves once the loop thread is set up and its watchdog (if any) watches, before the warm-up; rejects as `done` does. */
  readonly ready: Promise<RunReady>;
  /** Stops the run after the current frame; the report is still built. `reason` becomes its stopReason. @default 'requested' */
  stop(reason?: string): void;
  /**
   * Switches to mode `name` at the next hyperperiod boundary of the measured run, `afterNs`
   * after now (asked before the measurement starts: after its start). An unknown mode
   * throws HardtickError `usage` (asked before the config is planned: `done` rejects with it).
   */
  requestMode(name: string, afterNs?: number): void;
  /**
   * The latest published figures while measuring (worker: ≤ 300 ms old; main thread: ≤ 1 s),
   * without histograms; null before the first.
   */
  snapshot(): ExecutiveSnapshot | null;
  /** Adds a listener (in addition to the `on…` options). Returns the handle. */
  on<K extends keyof RunHandleEvents>(type: K, listener: RunHandleEvents[K]): RunHandle;
}

/**
 * Runs a config's loop: loads and plans it (`config`: a file path, a config object as
 * `defineConfig` types it, or a resolved config), loads its task modules on the loop's
 * thread, warms up, measures for `duration`, and resolves to the `hardtick.run/v1` report
 * (the object `report` writes). Rejects with a HardtickError on bad input (config, plan,
 * task module, options, a report file that cannot be written).
 */
export function run(
  config: string | HardtickConfig | ResolvedConfig,
  options: RunOptions = {},
): Promise<RunReport> {
  return startRun(config, options).done;
}

/** Starts a run (as {@link run}) and returns its handle: stop it, read it live, listen to it. */
export function startRun(
  config: string | HardtickConfig | ResolvedConfig,
  options: RunOptions = {},
): RunHandle {
  const listeners: { [K in keyof RunHandleEvents]: RunHandleEvents[K][] } = {
    alarm: [],
    status: [],
    event: [],
    report: [],
  };
  let session: RunSession | null = null;
  let stopReason: string | null = null;
  const pendingModes: { readonly name: string; readonly afterNs: number }[] = [];
  let readyResolve: (ready: RunReady) => void = () => {};
  let readyReject: (error: unknown) => void = () => {};
  const ready = new Promise<RunReady>((resolveReady, rejectReady) => {
    readyResolve = resolveReady;
    readyReject = rejectReady;
  });
  // `ready` rejects with `done`; a caller that never awaits it must not see an unhandled rejection.
  ready.catch(() => {});
  const callbacks = {
    onAlarm: (a: RunAlarm) => {
      options.onAlarm?.(a);
      for (const l of listeners.alarm) l(a);
    },
    onStatus: (s: RunStatus) => {
      options.onStatus?.(s);
      for (const l of listeners.status) l(s);
    },
    onEvent: (e: RunEvent) => {
      if (e.type === 'start' && session?.ready != null) {
        const r = session.ready;
        readyResolve({
          thread: session.options.thread,
          clock: r.clock,
          waiter: r.waiter,
          frameNs: r.frameNs,
          environment: r.environment,
          leaseGuard: r.leaseGuard,
        });
      }
      options.onEvent?.(e);
      for (const l of listeners.event) l(e);
    },
    onReport: (report: RunReport) => {
      options.onReport?.(report);
      for (const l of listeners.report) l(report);
    },
  };
  // Before anything is loaded (task modules are imported later, on the loop's thread).
  const removeSignals = onStopSignals(options.stopSignals ?? [], (signal) => handle.stop(`signal:${signal}`));
  const done = (async (): Promise<RunReport> => {
    const resolved = resolveRunOptions(options);
    const plan = await prepareRun(config, resolved.baseDir, resolved.allowOutsideProject);
    if (resolved.reportFile !== null) checkReportPath(resolved.reportFile, plan.config.file);
    const s = new RunSession(plan, resolved, callbacks);
    session = s;
    for (const m of pendingModes) s.requestMode(modeIndexOrThrow(plan.config, m.name), m.afterNs);
    if (stopReason !== null) s.stop(stopReason);
    const onAbort = (): void => handle.stop(abortReason(options.signal));
    options.signal?.addEventListener('abort', onAbort, { once: true });
    if (options.signal?.aborted === true) onAbort();
    try {
      s.lease = await openRunLease(plan.config, resolved, (level, text) => s.event('lease', level, text));
      await s.setUpChannels();
      const report = await (resolved.thread === 'main' ? runOnMainThread(s) : runInWorker(s));
      if (s.reportError !== null) throw s.reportError;
      return report;
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
      await s.lease?.close();
      await s.closeChannels();
    }
  })();
  done.then(
    () => readyReject(new HardtickError('usage', 'the run ended before its loop was ready')),
    readyReject,
  );
  done.then(removeSignals, removeSignals);
  const handle: RunHandle = {
    done,
    ready,
    stop(reason = 'requested') {
      if (session === null) stopReason ??= reason;
      else session.stop(reason);
    },
    requestMode(name, afterNs = 0) {
      if (session === null) pendingModes.push({ name, afterNs });
      else session.requestMode(modeIndexOrThrow(session.plan.config, name), afterNs);
    },
    snapshot() {
      return session?.liveSnapshot() ?? null;
    },
    on(type, listener) {
      (listeners[type] as unknown[]).push(listener);
      return handle;
    },
  };
  return handle;
}

/** The stopReason of an aborted `signal`: its reason when that is a string, else `aborted`. */
function abortReason(signal: AbortSignal | undefined): string {
  return typeof signal?.reason === 'string' ? signal.reason : 'aborted';
}

/**
 * Fails early (before a long run) when the report cannot be written as the run will write
 * it: not the config, not a folder, its folder there (missing ones created, a few levels at
 * most) and writable.
 */
function checkReportPath(file: string, configFile: string | null): void {
  try {
    checkOutputFile(resolve(file), {
      createParents: true,
      refuse: configFile === null ? [] : [{ path: configFile, role: 'the config' }],
    });
  } catch (error) {
    if (!(error instanceof HardtickError)) throw error;
    throw new HardtickError('usage', `--report: ${error.message}`, { file: resolve(file), cause: error });
  }
}
