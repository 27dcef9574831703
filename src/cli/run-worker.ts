/**
 * `hardtick run` (default, `--thread worker`): the executive runs in a dedicated worker
 * thread (src/worker/rt-loop.ts) and this, the main thread, stays free for I/O.
 *
 * Main thread's job: load the config (for the report and to size the stats record; the
 * worker loads it again and imports the task modules in its own isolate), check the report
 * path, create the shared memory (stop flag + alarm, stats and command rings; layouts in
 * src/worker/protocol.ts), start the worker, then every {@link POLL_INTERVAL_MS}: drain the
 * alarm ring (one line per alarm, as in main-thread mode) and the stats ring (the latest
 * record feeds the once-a-second status line). It never blocks: no `waitForData`, a timer.
 *
 * Stop: SIGINT/SIGTERM set the shared stop flag (`Atomics.store`), which the executive reads
 * before every frame, so the worker stops within one frame even though it never polls its
 * event loop; a second signal exits at once (128 + signal). The worker enforces `--duration`
 * itself (it knows its release times).
 *
 * End: the worker posts its final `snapshot()`, its environment (its own thread's
 * scheduling policy and timer slack) and its GC summary (GC is per isolate: the worker's
 * heap is the one that matters), and exits; this thread builds and writes the report as
 * main-thread mode does, with `environment.thread: 'worker'`.
 *
 * Backend and real-time setup: the worker picks its own clock and waiter
 * (`selectClockAndWaiter`: native when the addon loads, `HARDTICK_NATIVE=0` forces JS) and
 * applies the config's thread-scoped real-time steps to itself (`applyRealtimeInThread`,
 * before its warm-up); this thread applies the process-wide ones (`applyRealtime(…,
 * { thread: 'worker' })`: `/dev/cpu_dma_latency`, mlockall, the RT-throttling check) before
 * the worker starts, prints every warning once, merges both step lists into the report
 * (`mergeRealtimeSteps`) and releases its part when the run ends.
 *
 * `--metrics`: served from this thread (the worker never yields), from the latest
 * statistics record the poll already keeps; a scrape costs the worker nothing. GC figures
 * are not live in worker mode (the worker's GC observer only reports once its loop ends):
 * they are in the report.
 *
 * Errors: a setup failure in the worker (config, plan, task module) arrives as the
 * HardtickError's code and message and is thrown again here, so it prints exactly as in
 * main-thread mode (exit 2). A worker that crashes or exits mid-run: the error is printed,
 * the report is still built from the last statistics record (figures up to ≤ 250 ms before
 * the crash, no histograms, `stopReason: 'worker-crashed'`) and written, exit code 2.
 */
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { loadConfig } from '../config/load.js';
import type { ResolvedConfig } from '../config/types.js';
import { HardtickError } from '../errors.js';
import { withGcEvidence } from '../gc/governance.js';
import { MissSightings } from '../gc/overlaps.js';
import { SpscRing } from '../memory/spsc-ring.js';
import { metricsSourceFromSnapshot } from '../metrics/source.js';
import { applyRealtime, mergeRealtimeSteps, type RealtimeSetup, realtimeWarning } from '../realtime/apply.js';
import type { RealtimeStepResult } from '../realtime/types.js';
import { collectEnvironment } from '../report/environment.js';
import { emptyGcSummary } from '../report/gc-monitor.js';
import {
  attributePauses,
  describePauseCause,
  PAUSES_KEPT,
  type PauseSighting,
  readStealNs,
} from '../report/pauses.js';
import { buildRunReport } from '../report/run-report.js';
import { StealSampler } from '../report/steal.js';
import { ALARM_KINDS, KIND_DEADLINE_MISS, KIND_OVERRUN, KIND_TASK_ERROR } from '../runtime/index.js';
import { type StuckEvent, startWatchdog, type WatchdogHandle } from '../watchdog/watchdog.js';
import { ChannelHub } from '../worker/channel-hub.js';
import {
  AL_FIRST_FRAME,
  AL_FRAME,
  AL_KIND,
  AL_MODE,
  AL_SINCE_START,
  AL_SIZE,
  AL_SUPPRESSED,
  AL_TASK,
  AL_VALUE,
  ALARM_RING_CAPACITY,
  CMD_ARG,
  CMD_KIND,
  CMD_MODE,
  CMD_SIZE,
  COMMAND_RING_CAPACITY,
  PHASE_FINAL,
  PHASE_MEASURING,
  type RtReadyInfo,
  type RtWorkerData,
  type RtWorkerMessage,
  ST_FRAME_INDEX,
  ST_FRAMES,
  ST_KIND_TOTALS,
  ST_LATE_MAX,
  ST_LATE_P99,
  ST_MODE,
  ST_PHASE,
  STATS_RING_CAPACITY,
  statsRecordSize,
  TR_END,
  TR_FLAGS,
  TR_FRAME,
  TR_MODE,
  TR_SIZE,
  TR_START,
  TR_TASK,
  traceRingCapacity,
} from '../worker/protocol.js';
import { modeIndexOrThrow, planModes, totalTaskCount, V8_FLAGS, warmupLengthNs } from '../worker/setup.js';
import { startRtWorker } from '../worker/start.js';
import type { CliIo } from './io.js';
import {
  channelSummaryLines,
  checkReportPath,
  createChannelHub,
  describeAlarm,
  describeRecovered,
  describeRunStart,
  describeStuck,
  expectedMarginNs,
  finishRun,
  LinePrinter,
  loopTimingFor,
  type RunEnvironmentWithThread,
  type RunOptions,
  StatusLine,
  StopSignals,
  snapshotFromStatsRecord,
  startRunMetrics,
  stuckReportEntries,
  TraceCollector,
  traceEntries,
  traceOverrunEntries,
} from './run-shared.js';

/** Steal samples kept around a pause seen: this much either side of its alarm's arrival, ns. */
const STEAL_PIN_PAD_NS = 2_000_000_000;

/** Now on the epoch timeline, ns: comparable across threads (each has its own `timeOrigin`). */
function epochNowNs(): number {
  return (performance.timeOrigin + performance.now()) * 1e6;
}

/** How often the main thread drains the alarm and stats rings, ms. */
export const POLL_INTERVAL_MS = 50;
/** How often the worker publishes a statistics record, ns. */
export const STATS_INTERVAL_NS = 250_000_000;
/** After a stuck event, the process exits this long after the report if the worker still runs, ms. */
const STUCK_EXIT_AFTER_MS = 2000;
/** Status line period, ns (main thread's clock). */
const STATUS_INTERVAL_NS = 1_000_000_000;

/** How the worker ended, as seen from here. */
type WorkerEnd =
  | { readonly kind: 'done'; readonly message: Extract<RtWorkerMessage, { type: 'done' }> }
  | { readonly kind: 'stuck'; readonly event: StuckEvent; readonly failSafe: string }
  | { readonly kind: 'setup-error'; readonly message: Extract<RtWorkerMessage, { type: 'setup-error' }> }
  | { readonly kind: 'crashed'; readonly reason: string };

/** Runs the executive in the real-time worker; returns the exit code. Throws HardtickError on bad input. */
export async function runInWorker(options: RunOptions, io: CliIo): Promise<number> {
  const config = await loadConfig(options.configFile);
  if (options.reportFile !== null) await checkReportPath(options.reportFile);
  const modeAfterIndex = options.modeAfter === null ? -1 : modeIndexOrThrow(config, options.modeAfter.mode);
  const taskCount = totalTaskCount(config);
  const stopFlag = new SharedArrayBuffer(4);
  const alarms = SpscRing.create({ capacity: ALARM_RING_CAPACITY, recordSize: AL_SIZE });
  const stats = SpscRing.create({
    capacity: STATS_RING_CAPACITY,
    recordSize: statsRecordSize(taskCount),
    overflow: 'overwrite',
  });
  const commands = SpscRing.create({ capacity: COMMAND_RING_CAPACITY, recordSize: CMD_SIZE });
  const traceCapacity = options.traceCapacity ?? 0;
  const trace =
    traceCapacity > 0
      ? SpscRing.create({
          capacity: traceRingCapacity(traceCapacity),
          recordSize: TR_SIZE,
          overflow: 'overwrite',
        })
      : null;
  const data: RtWorkerData = {
    configFile: options.configFile,
    durationNs: options.durationNs,
    // −1: the default rule, which needs the planned frame (the worker applies it).
    warmupNs: options.warmupNs ?? -1,
    marginNs: options.marginNs ?? -1,
    statsIntervalNs: STATS_INTERVAL_NS,
    stopFlag,
    alarmRing: alarms.buffer,
    statsRing: stats.buffer,
    commandRing: commands.buffer,
    traceCapacity,
    traceRing: trace?.buffer ?? null,
    watchdogGo: config.watchdog === null ? null : new SharedArrayBuffer(4),
  };
  const session = new WorkerSession(config, options, io, alarms, stats, commands, new Int32Array(stopFlag));
  session.trace = trace;
  session.hub = await createChannelHub(options, (line) => session.printLine(line));
  // Process-wide real-time steps (latency device, memory lock) and the throttling check,
  // before the worker exists; the worker applies its thread's steps itself.
  const realtime = applyRealtime(config.realtime, {
    thread: 'worker',
    loop: loopTimingFor(planModes(config), expectedMarginNs(options.marginNs)),
    warn: (line) => session.warn(line),
  });
  try {
    return await session.run(data, modeAfterIndex, realtime);
  } finally {
    realtime.release();
  }
}

/** One worker run, seen from the main thread. */
class WorkerSession {
  private readonly printer: LinePrinter;
  /** The main side of the task channels (announced by the worker's `channels` message). */
  hub: ChannelHub = new ChannelHub();
  private readonly stop = new StopSignals();
  private readonly alarmRec = new Float64Array(AL_SIZE);
  private readonly statsRec: Float64Array;
  private readonly latest: Float64Array;
  private haveStats = false;
  /** Initial mode's frame, from the worker's `ready`. */
  private frameNs = 0;
  private status: StatusLine | null = null;
  private nextStatusNs = Number.POSITIVE_INFINITY;
  private measuringAt: Date | null = null;
  /** Pause alarms delivered (rate limit applied), for the report's attribution. */
  private readonly pauseSightings: PauseSighting[] = [];
  /** Overrun, deadline-miss and frame-overrun alarms delivered, for `gc.overlaps`. */
  private readonly missSightings = new MissSightings();
  /** /proc/stat steal when measuring started, ns (null: unreadable). */
  private stealAtStartNs: number | null = null;
  /** Steal sampled at every poll while measuring, on {@link epochNowNs}'s timeline. */
  private readonly steal = new StealSampler();
  private warmupFrames = 0;
  private warmupDurationNs = 0;
  private warmupStopNote: string | null = null;
  private readonly errorTexts = new Map<string, string>();
  /** The trace ring (`--trace N`), or null; drained at every poll into `traceKept`. */
  trace: SpscRing | null = null;
  private readonly traceKept: TraceCollector;
  /** Task-error lines waiting one poll for their message. */
  private deferred: { line: string; key: string }[] = [];
  /** The worker's `ready` (backend, its real-time steps), or null before it. */
  private ready: RtReadyInfo | null = null;
  /** The watchdog on the worker's heartbeat (config `watchdog`), or null. */
  private watchdog: WatchdogHandle | null = null;
  /** The watchdog did not start (its fail-safe failed to load): the run stops, exit 2. */
  private watchdogFailed: HardtickError | null = null;

  constructor(
    private readonly config: ResolvedConfig,
    private readonly options: RunOptions,
    private readonly io: CliIo,
    private readonly alarms: SpscRing,
    private readonly stats: SpscRing,
    private readonly commands: SpscRing,
    private readonly stopFlag: Int32Array,
  ) {
    this.printer = new LinePrinter(io);
    this.statsRec = new Float64Array(stats.recordSize);
    this.latest = new Float64Array(stats.recordSize);
    this.traceKept = new TraceCollector(options.traceCapacity ?? 0, TR_SIZE, {
      frame: TR_FRAME,
      mode: TR_MODE,
      task: TR_TASK,
      start: TR_START,
      end: TR_END,
      flags: TR_FLAGS,
    });
  }

  /** A real-time setup warning, once, on stderr. */
  warn(line: string): void {
    this.printer.alarm(line);
  }

  /** A plain output line (channel handlers print through it), kept clear of the status line. */
  printLine(line: string): void {
    this.printer.line(line);
  }

  /** The `/metrics` figures: the latest measuring (or final) statistics record. Cold. */
  private metricsSource(realtime: RealtimeSetup) {
    const phase = this.latest[ST_PHASE];
    const live = this.haveStats && (phase === PHASE_MEASURING || phase === PHASE_FINAL);
    const snapshot = snapshotFromStatsRecord(live ? this.latest : null, this.config, this.frameNs, null);
    return metricsSourceFromSnapshot(snapshot, null, {
      configName: this.config.name,
      clock: this.ready?.clock ?? 'unknown',
      waiter: this.ready?.waiter ?? 'unknown',
      thread: 'worker',
      realtime: mergeRealtimeSteps(this.config.realtime, realtime.steps, this.ready?.realtimeSteps ?? []),
    });
  }

  async run(data: RtWorkerData, modeAfterIndex: number, realtime: RealtimeSetup): Promise<number> {
    const metrics = await startRunMetrics(this.options, () => this.metricsSource(realtime), this.printer);
    try {
      return await this.runWorker(data, modeAfterIndex, realtime);
    } finally {
      await metrics?.close();
    }
  }

  private async runWorker(
    data: RtWorkerData,
    modeAfterIndex: number,
    realtime: RealtimeSetup,
  ): Promise<number> {
    // V8 flags before the worker's isolate (and its heap) exists: flags are process-wide,
    // and a heap set up after them has them from the start (the worker sets them again).
    for (const flag of V8_FLAGS) setFlagsFromString(flag);
    const worker = startRtWorker(data);
    /** Set once the run's end is known; ends the run as stuck (see `startWatchdog`). */
    let endStuck: ((event: StuckEvent, failSafe: string) => void) | null = null;
    this.stop.onStop = () => {
      Atomics.store(this.stopFlag, 0, 1);
      // keep-running: a loop still stuck cannot read the stop flag; end the run as stuck.
      const open = this.openStuckEvent();
      if (open !== null) endStuck?.(open, this.failSafeText(open.ordinal));
    };
    this.stop.install();
    const poll = setInterval(() => this.poll(false), POLL_INTERVAL_MS);
    let modeTimer: NodeJS.Timeout | null = null;
    let stuckTimer: NodeJS.Timeout | null = null;
    let end: WorkerEnd;
    try {
      end = await new Promise<WorkerEnd>((resolveEnd) => {
        let result: WorkerEnd | null = null;
        endStuck = (event, failSafe) => {
          // The RT worker may never come back: end the run now, from this thread.
          if (result !== null && result.kind !== 'crashed') return;
          result = { kind: 'stuck', event, failSafe };
          resolveEnd(result);
          // terminate() stops a spinning worker (V8 TerminateExecution interrupts
          // loops). Should it ever not, the process must still end: this unref'd
          // timer only fires while something else keeps the process alive.
          void worker.terminate();
          setTimeout(() => process.exit(this.config.watchdog?.exitCode ?? 1), STUCK_EXIT_AFTER_MS).unref();
        };
        worker.on('message', (message: RtWorkerMessage) => {
          switch (message.type) {
            case 'ready':
              this.onReady(message.info);
              if (message.info.heartbeat !== null && data.watchdogGo != null) {
                this.startWatchdog(
                  message.info.heartbeat,
                  new Int32Array(data.watchdogGo),
                  (event, failSafe) => endStuck?.(event, failSafe),
                );
              }
              break;
            case 'channels':
              this.hub.add(message.channels);
              break;
            case 'warmup-done':
              this.onWarmupDone(message);
              break;
            case 'measuring':
              this.measuringAt = new Date();
              this.stealAtStartNs = readStealNs();
              this.steal.sample(epochNowNs());
              if (this.options.durationNs > 0 && this.config.watchdog?.onStuck === 'keep-running') {
                // keep-running: a loop still stuck when the run should be over ends as stuck.
                stuckTimer = setTimeout(
                  () => {
                    const open = this.openStuckEvent();
                    if (open !== null) endStuck?.(open, this.failSafeText(open.ordinal));
                  },
                  this.options.durationNs / 1e6 + STUCK_EXIT_AFTER_MS,
                );
              }
              if (!this.options.quiet) {
                this.status = new StatusLine();
                const now = performance.now() * 1e6;
                this.status.begin(now);
                this.nextStatusNs = now + STATUS_INTERVAL_NS;
              }
              if (modeAfterIndex >= 0 && this.options.modeAfter !== null) {
                modeTimer = setTimeout(() => {
                  const cmd = new Float64Array(CMD_SIZE);
                  cmd[CMD_KIND] = CMD_MODE;
                  cmd[CMD_ARG] = modeAfterIndex;
                  this.commands.tryPush(cmd, 0);
                }, this.options.modeAfter.afterNs / 1e6);
              }
              break;
            case 'task-error':
              this.errorTexts.set(`${message.mode}:${message.task}:${message.count}`, message.text);
              break;
            case 'done':
            case 'setup-error':
              result = message.type === 'done' ? { kind: 'done', message } : { kind: 'setup-error', message };
              // Its work is over; a timer a task module left behind must not keep it (and us) alive.
              void worker.terminate();
              break;
          }
        });
        worker.on('error', (error: unknown) => {
          result ??= {
            kind: 'crashed',
            reason:
              error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error),
          };
        });
        worker.on('exit', (code) => {
          resolveEnd(
            result ?? {
              kind: 'crashed',
              reason: `the worker exited with code ${code} before the end of the run`,
            },
          );
        });
      });
    } finally {
      clearInterval(poll);
      if (modeTimer !== null) clearTimeout(modeTimer);
      if (stuckTimer !== null) clearTimeout(stuckTimer);
      this.stop.uninstall();
      await this.watchdog?.stop();
    }
    this.poll(true);
    if (end.kind === 'setup-error') {
      throw new HardtickError(end.message.code, end.message.message, { issues: end.message.issues });
    }
    if (this.watchdogFailed !== null) throw this.watchdogFailed;
    const endedAt = new Date();
    const workerSteps: readonly RealtimeStepResult[] = this.ready?.realtimeSteps ?? [];
    const realtimeReport = {
      thread: 'worker' as const,
      steps: mergeRealtimeSteps(this.config.realtime, realtime.steps, workerSteps),
      throttling: realtime.throttling,
      warnings: [
        ...realtime.warnings,
        ...workerSteps.map(realtimeWarning).filter((line): line is string => line !== null),
      ],
    };
    if (end.kind === 'crashed') return this.finishCrashed(end.reason, endedAt, realtimeReport);
    if (end.kind === 'stuck') return this.finishStuck(end, endedAt, realtimeReport);
    const done = end.message;
    const stealEndNs = readStealNs();
    // Steal samples: this thread's epoch timeline → run time (the worker's first release).
    const originEpochNs = done.timeOriginMs * 1e6 - done.gcToRunNs;
    const pauses = attributePauses({
      count: done.snapshot.alarms.pause,
      sightings: this.pauseSightings,
      gcEvents: done.gc.events.map((g) => ({ ...g, atNs: g.atNs + done.gcToRunNs })),
      stealNs:
        stealEndNs === null || this.stealAtStartNs === null
          ? null
          : Math.max(0, stealEndNs - this.stealAtStartNs),
      stealSamples: this.steal.samples().map((x) => ({ atNs: x.atNs - originEpochNs, stealNs: x.stealNs })),
    });
    // Attribution needs the loop isolate's GC entries, which arrive with `done`: printed here.
    for (const p of pauses.events) {
      this.printer.alarm(
        `pause at t=${(p.atNs / 1e9).toFixed(3)}s (${(p.lengthNs / 1e6).toFixed(1)}ms): ${describePauseCause(p)}`,
      );
    }
    const stopNote =
      this.warmupStopNote ??
      (this.stop.signal !== null ? `signal:${this.stop.signal}` : done.reachedDuration ? 'duration' : null);
    const report = buildRunReport({
      config: this.config,
      snapshot: done.snapshot,
      environment: { ...done.environment, thread: 'worker' } as RunEnvironmentWithThread,
      gc: withGcEvidence(done.gc, {
        governance: done.gc.governance ?? null,
        sightings: this.missSightings.list(),
        gcToRunNs: done.gcToRunNs,
      }),
      pauses,
      startedAt: this.measuringAt ?? endedAt,
      endedAt,
      requestedDurationNs: this.options.durationNs === 0 ? null : this.options.durationNs,
      warmup: { frames: done.warmupFrames, durationNs: done.warmupFrames === 0 ? 0 : this.warmupDurationNs },
      stopReason: stopNote ?? done.snapshot.stopReason,
      realtime: realtimeReport,
      trace:
        this.trace === null
          ? null
          : traceEntries(this.traceKept.records(), this.config, this.traceKept.capacity),
      traceOverruns:
        this.trace === null
          ? null
          : traceOverrunEntries(this.traceKept.records(), this.config, this.traceKept.capacity),
      // keep-running: every stuck event the loop came back from, and the configured exit code.
      ...(this.watchdog === null || this.watchdog.stuckEvents.length === 0
        ? {}
        : { stuck: stuckReportEntries(this.watchdog), exitCode: this.config.watchdog?.exitCode ?? 1 }),
    });
    return finishRun(report, this.options.reportFile, this.printer, this.io);
  }

  /** The latest stuck event whose slot has not ended (keep-running), or null. */
  private openStuckEvent(): StuckEvent | null {
    const wd = this.watchdog;
    if (wd === null) return null;
    const last = wd.stuckEvents.at(-1);
    if (last === undefined || wd.recoveredEvents.some((r) => r.ordinal === last.ordinal)) return null;
    return last;
  }

  /** The report's `failSafe` text for stuck event `ordinal` so far. */
  private failSafeText(ordinal: number): string {
    const r = this.watchdog?.failSafeResults.find((f) => f.ordinal === ordinal);
    return r === undefined ? 'none' : r.ok ? 'ran' : `failed: ${r.error}`;
  }

  /**
   * Starts the watchdog on the worker's heartbeat, then lets the worker release its first
   * frame (`go`). The watchdog itself never ends the process here (`exitCode: null`): this
   * thread is free, so it writes the report first and exits with the configured code.
   * `onStuck(event, failSafe)` is called once the fail-safe has finished (or at once when
   * there is none; after 1 s without a result it reports `'none'`). With `onStuck:
   * "keep-running"` it is not called: every stuck event is printed (and its end, when the
   * slot returns) and listed in the report at the end of the run.
   */
  private startWatchdog(
    heartbeat: SharedArrayBuffer,
    go: Int32Array,
    onStuck: (event: StuckEvent, failSafe: string) => void,
  ): void {
    const wd = this.config.watchdog!;
    let pending: { event: StuckEvent; timer: NodeJS.Timeout } | null = null;
    const settle = (failSafe: string): void => {
      if (pending === null) return;
      clearTimeout(pending.timer);
      const { event } = pending;
      pending = null;
      onStuck(event, failSafe);
    };
    this.watchdog = startWatchdog({
      heartbeat,
      graceNs: wd.graceNs,
      ...(wd.failSafe === null
        ? {}
        : { failSafe: { file: wd.failSafe.file, exportName: wd.failSafe.exportName } }),
      failSafeParams: wd.failSafeParams,
      exitCode: null,
      onStuck: (event) => {
        this.printer.alarm(describeStuck(event));
        if (pending !== null || wd.onStuck === 'keep-running') return;
        if (wd.failSafe === null) {
          pending = { event, timer: setTimeout(() => {}, 0) };
          settle('none');
          return;
        }
        pending = { event, timer: setTimeout(() => settle('none'), 1000) };
      },
      onFailSafe: (r) => {
        this.printer.alarm(
          r.ok
            ? `watchdog fail-safe ran (${(r.durationNs / 1e6).toFixed(1)} ms)`
            : `watchdog fail-safe failed: ${r.error}`,
        );
        settle(r.ok ? 'ran' : `failed: ${r.error}`);
      },
      onRecovered: (event) => this.printer.alarm(describeRecovered(event)),
    });
    this.watchdog.ready.then(
      () => {
        Atomics.store(go, 0, 1);
        Atomics.notify(go, 0);
      },
      (error: unknown) => {
        this.watchdogFailed =
          error instanceof HardtickError
            ? error
            : new HardtickError('watchdog_failsafe_invalid', `watchdog: ${String(error)}`);
        Atomics.store(this.stopFlag, 0, 1);
      },
    );
  }

  private onReady(info: RtReadyInfo): void {
    this.ready = info;
    this.frameNs = info.frameNs;
    for (const step of info.realtimeSteps) {
      const line = realtimeWarning(step);
      if (line !== null) this.printer.alarm(line);
    }
    this.printer.line(
      describeRunStart({
        configName: this.config.name,
        modes: this.config.modes.length,
        frameNs: info.frameNs,
        durationNs: this.options.durationNs,
        warmupNs: warmupLengthNs(this.options.warmupNs, info.frameNs),
        clock: info.clock,
        waiter: info.waiter,
        marginNs: info.marginNs,
        slackApplied: info.slackApplied,
        slackReason: info.slackReason,
        thread: 'worker',
        nativeReason: info.backend.backend === 'native' ? null : info.backend.native.reason,
      }),
    );
  }

  private onWarmupDone(m: Extract<RtWorkerMessage, { type: 'warmup-done' }>): void {
    this.warmupFrames = m.frames;
    this.warmupDurationNs = m.durationNs;
    if (m.stopReason !== null || this.stop.signal !== null) {
      // Stopped during warm-up (a policy or a signal): its frames are all the evidence there is.
      const why = this.stop.signal === null ? m.stopReason : `signal:${this.stop.signal}`;
      this.warmupStopNote = `${why} (during warm-up)`;
      this.printer.line(`warm-up stopped: ${this.warmupStopNote}`);
    } else if (m.alarms > 0) {
      this.printer.line(`warm-up: ${m.alarms} alarm(s), not counted`);
    }
  }

  /** Drains both rings: alarm lines, the latest stats record, the status line. */
  private poll(final: boolean): void {
    // Steal per poll interval while measuring (before the alarms: a pause seen in this poll
    // then lies before this sample).
    if (this.measuringAt !== null) this.steal.sample(epochNowNs());
    const previous = this.deferred;
    this.deferred = [];
    for (const d of previous) {
      const text = this.errorTexts.get(d.key);
      this.printer.alarm(text === undefined ? d.line : `${d.line}: ${text}`);
    }
    const rec = this.alarmRec;
    while (this.alarms.tryPop(rec, 0)) this.printAlarm(rec, final);
    if (this.trace !== null) this.traceKept.drainFrom(this.trace);
    while (this.stats.tryPop(this.statsRec, 0)) {
      this.latest.set(this.statsRec);
      this.haveStats = true;
    }
    try {
      this.hub.pollOnce();
    } catch (error) {
      this.printer.alarm(`channel handler failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (final) {
      for (const line of channelSummaryLines(this.hub)) this.printer.line(line);
      for (const d of this.deferred) {
        const text = this.errorTexts.get(d.key);
        this.printer.alarm(text === undefined ? d.line : `${d.line}: ${text}`);
      }
      this.deferred = [];
      const lost = this.alarms.lost();
      if (lost > 0) this.printer.alarm(`alarm lines lost: ${lost} (the report's counts are exact)`);
      return;
    }
    const now = performance.now() * 1e6;
    const s = this.latest;
    if (
      this.status !== null &&
      now >= this.nextStatusNs &&
      this.haveStats &&
      s[ST_PHASE] === PHASE_MEASURING
    ) {
      const frames = s[ST_FRAMES]!;
      this.printer.status(
        this.status.format(
          {
            frames,
            overruns: s[ST_KIND_TOTALS + KIND_OVERRUN]!,
            misses: s[ST_KIND_TOTALS + KIND_DEADLINE_MISS]!,
            errors: s[ST_KIND_TOTALS + KIND_TASK_ERROR]!,
            skipped: s[ST_FRAME_INDEX]! - frames,
            lateP99Ns: s[ST_LATE_P99]!,
            lateMaxNs: s[ST_LATE_MAX]!,
            mode: this.config.modes[s[ST_MODE]!]?.name ?? '?',
          },
          now,
        ),
      );
      this.nextStatusNs +=
        STATUS_INTERVAL_NS * Math.max(1, Math.ceil((now - this.nextStatusNs) / STATUS_INTERVAL_NS));
    }
  }

  private printAlarm(rec: Float64Array, final: boolean): void {
    const modeIndex = rec[AL_MODE]!;
    const mode = this.config.modes[modeIndex];
    const taskIndex = rec[AL_TASK]!;
    const kind = ALARM_KINDS[rec[AL_KIND]!] ?? 'overrun';
    const line = describeAlarm({
      kind,
      mode: mode?.name ?? `#${modeIndex}`,
      task: taskIndex >= 0 ? (mode?.tasks[taskIndex]?.name ?? `#${taskIndex}`) : null,
      frame: rec[AL_FRAME]!,
      sinceStartNs: rec[AL_SINCE_START]!,
      value: rec[AL_VALUE]!,
      suppressed: rec[AL_SUPPRESSED]!,
      firstFrame: rec[AL_FIRST_FRAME]!,
    });
    if (kind === 'pause' && rec[AL_SUPPRESSED] === 0 && this.pauseSightings.length < PAUSES_KEPT) {
      this.pauseSightings.push({ atNs: rec[AL_SINCE_START]!, lengthNs: rec[AL_VALUE]! });
      // Keep the steal samples around it (it ended at most ~1 s before its alarm got here).
      const now = epochNowNs();
      this.steal.pin(now - rec[AL_VALUE]! - STEAL_PIN_PAD_NS, now + STEAL_PIN_PAD_NS);
    }
    // Misses checked against the loop's GCs in the report (`gc.overlaps`); frame: the initial mode's.
    if (rec[AL_SUPPRESSED] === 0)
      this.missSightings.add({
        kind,
        task: taskIndex >= 0 ? (mode?.tasks[taskIndex]?.name ?? `#${taskIndex}`) : null,
        mode: mode?.name ?? `#${modeIndex}`,
        frame: rec[AL_FRAME]!,
        atNs: rec[AL_SINCE_START]!,
        valueNs: rec[AL_VALUE]!,
        frameNs: this.frameNs,
      });
    if (kind === 'task-error' && rec[AL_SUPPRESSED] === 0 && taskIndex >= 0) {
      const key = `${modeIndex}:${taskIndex}:${rec[AL_VALUE]}`;
      const text = this.errorTexts.get(key);
      // The message travels by postMessage and may arrive a poll later than the record.
      if (text === undefined && !final) this.deferred.push({ line, key });
      else this.printer.alarm(text === undefined ? line : `${line}: ${text}`);
      return;
    }
    this.printer.alarm(line);
  }

  /**
   * A report for a run whose worker did not send its final snapshot (stuck, crashed): built
   * from the last statistics record, without histograms, response times or GC figures.
   */
  private reportFromLastStats(
    stopReason: 'stuck' | 'worker-crashed',
    endedAt: Date,
    realtime: NonNullable<Parameters<typeof buildRunReport>[0]['realtime']>,
    extra: Pick<Parameters<typeof buildRunReport>[0], 'stuck' | 'exitCode'>,
  ): ReturnType<typeof buildRunReport> {
    const snapshot = snapshotFromStatsRecord(
      this.haveStats ? this.latest : null,
      this.config,
      this.frameNs,
      stopReason,
    );
    const ready = this.ready;
    return buildRunReport({
      config: this.config,
      snapshot,
      environment: {
        ...collectEnvironment({
          clock: ready?.clock ?? 'unknown',
          waiter: ready?.waiter ?? 'unknown',
          waiterMarginNs: ready?.marginNs ?? null,
          timerSlackApplied: ready?.slackApplied ?? false,
          backend: ready?.backend ?? null,
          loopThreadId: null,
        }),
        thread: 'worker',
      } as RunEnvironmentWithThread,
      gc: emptyGcSummary(),
      startedAt: this.measuringAt ?? endedAt,
      endedAt,
      requestedDurationNs: this.options.durationNs === 0 ? null : this.options.durationNs,
      warmup: { frames: this.warmupFrames, durationNs: this.warmupDurationNs },
      stopReason,
      realtime,
      ...extra,
    });
  }

  /**
   * The watchdog found a slot stuck: the worker may never come back, so the report is
   * written now from the last statistics record (as for a crash), with the stuck event and
   * what the fail-safe did; exit code `watchdog.exitCode`, else 1 (a stuck task is fatal).
   */
  private async finishStuck(
    end: Extract<WorkerEnd, { kind: 'stuck' }>,
    endedAt: Date,
    realtime: NonNullable<Parameters<typeof buildRunReport>[0]['realtime']>,
  ): Promise<number> {
    const exitCode = this.config.watchdog?.exitCode ?? 1;
    // Every stuck event (keep-running: the earlier ones the loop came back from), the last
    // with the fail-safe result the run waited for.
    const entries = this.watchdog === null ? [] : stuckReportEntries(this.watchdog);
    const stuck = entries.map((e) =>
      e.ordinal === end.event.ordinal ? { ...e, failSafe: end.failSafe } : e,
    );
    if (!stuck.some((e) => e.ordinal === end.event.ordinal)) {
      const ev = end.event;
      stuck.push({
        task: ev.taskName,
        frame: ev.frame,
        slot: ev.slot,
        overrunNs: ev.overrunNs,
        failSafe: end.failSafe,
        ordinal: ev.ordinal,
        recoveredNs: null,
      });
    }
    const report = this.reportFromLastStats('stuck', endedAt, realtime, { stuck, exitCode });
    const code = await finishRun(report, this.options.reportFile, this.printer, this.io);
    return code === 2 ? 2 : exitCode;
  }

  /** The worker died mid-run: say so, write the report from the last statistics record, exit 2. */
  private async finishCrashed(
    reason: string,
    endedAt: Date,
    realtime: NonNullable<Parameters<typeof buildRunReport>[0]['realtime']>,
  ): Promise<number> {
    this.io.err(`hardtick run: the real-time worker failed: ${reason}\n`);
    const report = this.reportFromLastStats('worker-crashed', endedAt, realtime, {});
    const code = await finishRun(report, this.options.reportFile, this.printer, this.io);
    return Math.max(2, code);
  }
}
