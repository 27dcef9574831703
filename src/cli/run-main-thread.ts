/**
 * `hardtick run --thread main`: the executive runs on the main thread, one frame per
 * `step()` (the path `hardtick run` used before the real-time worker became the default).
 *
 * How the loop shares the main thread. Between frames, and only when the time left before
 * the next release (`nextReleaseNs() − now`) is at least {@link HOUSEKEEPING_MIN_SLACK_NS},
 * the CLI does its cold work: drains alarms (rate-limited by the executive), prints the
 * status line once a second, and every {@link YIELD_INTERVAL_NS} yields one event-loop turn
 * (`setImmediate`) so SIGINT/SIGTERM handlers, stdout writes and GC observer callbacks run.
 * If a frame never leaves that much slack, the housekeeping runs anyway after
 * {@link FORCE_YIELD_NS} (a late frame once a second beats a loop that cannot be stopped).
 *
 * Warm-up: a first executive over the same tables and task functions runs on the real
 * clock for `--warmup` (default: 200 ms or 500 frames, whichever is longer, at most 2 s)
 * and is then thrown away; the measured executive starts afterwards with fresh
 * statistics. It makes V8 tier up (and re-optimise) the task functions, the executive,
 * the waiter and the clock before measurement starts — that first optimisation allocates
 * once, noticeably, and would otherwise show up as the run's worst frames and
 * GCs. The warm-up runs the real task functions, so their side effects happen: it is
 * as if the loop had started that much earlier. Its alarms are counted and reported as a
 * count, not as run evidence.
 *
 * Backend and real-time setup: `selectClockAndWaiter` (the native pair when the addon
 * loads, `HARDTICK_NATIVE=0` forces the JS pair; `--margin` goes to whichever waiter), then
 * `applyRealtime(config.realtime, { thread: 'main' })` on this thread before the
 * environment is read (so the report shows the policy the loop ran with); `release()` in a
 * `finally` puts the thread back to SCHED_OTHER and closes `/dev/cpu_dma_latency`.
 *
 * `--metrics`: the endpoint runs on this thread's event loop, so it answers only during
 * the loop's yields (every ~50 ms), never inside a frame. It serves a statistics record
 * (protocol.ts layout, the worker's) refreshed once a second in frame slack through the
 * executive's allocation-free accessors; a scrape never calls `executive.snapshot()`.
 *
 * Watchdog (config `watchdog`): this thread creates the heartbeat (a `performance.now()`
 * heartbeat records its writer's time origin; heartbeat.ts) and gives it to the warm-up and
 * measured executives, as rt-loop.ts does; the watchdog thread starts before the first
 * release. Here the stuck thread is the main thread itself. With `onStuck: "end-run"` the
 * watchdog runs the fail-safe, prints one stderr line naming the task, then interrupts this
 * thread (`interruptMain`: an in-process inspector session; watchdog-worker.ts), which —
 * with the stuck task still on its stack — builds the report from the executive's state
 * (`stopReason: 'stuck'`, the stuck entry with the fail-safe's result), writes it
 * synchronously and exits with `watchdog.exitCode ?? 1`. A thread blocked outside
 * JavaScript (a synchronous system call) takes no interrupt: after `killAfterNs` (twice
 * that once the handler started) the watchdog writes a minimal `hardtick.stuck/v1` file to
 * the `--report` path and sends SIGKILL, saying so on stderr. With `onStuck:
 * "keep-running"` the watchdog never ends the process: each stuck event is printed when
 * this thread yields again, and the report lists them (exit code `watchdog.exitCode ?? 1`).
 *
 * Pauses: the measured drain keeps the `pause` alarms it delivers (not rate-limit
 * summaries); after the run they are attributed (`pauses.events`, run-shared
 * `attributeRunPauses`) against this thread's own GcMonitor entries (same isolate as the
 * loop; times converted as rt-loop.ts `gcToRunNs` does) and /proc/stat steal.
 */
import { setFlagsFromString } from 'node:v8';
import { loadConfig } from '../config/load.js';
import { HardtickError } from '../errors.js';
import { collectBeforeMeasurement } from '../gc/gc-function.js';
import { setUpGcGovernance, startGovernedMeasurement, withGcEvidence } from '../gc/governance.js';
import { MissSightings } from '../gc/overlaps.js';
import { metricsSourceFromSnapshot } from '../metrics/source.js';
import { selectClockAndWaiter } from '../native/select.js';
import { applyRealtime } from '../realtime/apply.js';
import { collectEnvironment } from '../report/environment.js';
import { GcMonitor } from '../report/gc-monitor.js';
import { PAUSES_KEPT, type PauseSighting, readStealNs } from '../report/pauses.js';
import { buildRunReport, type RunReport } from '../report/run-report.js';
import { StealSampler } from '../report/steal.js';
import type { AlarmRecordView, ExecutiveSnapshot } from '../runtime/index.js';
import { Executive, KIND_DEADLINE_MISS, KIND_OVERRUN, KIND_TASK_ERROR } from '../runtime/index.js';
import type { Clock } from '../time/clock.js';
import { Heartbeat } from '../watchdog/heartbeat.js';
import { startWatchdog, type WatchdogHandle } from '../watchdog/watchdog.js';
import type { ChannelHub } from '../worker/channel-hub.js';
import { listChannels } from '../worker/channels.js';
import {
  PHASE_MEASURING,
  ST_ELAPSED,
  ST_PHASE,
  ST_SEQ,
  StatsRecordWriter,
  statsRecordSize,
} from '../worker/protocol.js';
import {
  ALARM_CAPACITY,
  initialModeIndex,
  loadModes,
  modeIndexOrThrow,
  REHEARSAL_DRIVE_NS,
  REHEARSAL_DRIVES,
  rehearsalExecutiveOptions,
  rehearsalModes,
  totalTaskCount,
  V8_FLAGS,
  warmupLengthNs,
} from '../worker/setup.js';
import type { CliIo } from './io.js';
import {
  attributeRunPauses,
  channelSummaryLines,
  checkReportPath,
  createChannelHub,
  describeAlarm,
  describePause,
  describeRecovered,
  describeRunStart,
  describeStuck,
  describeThrown,
  finishRun,
  finishRunSync,
  LinePrinter,
  loopTimingFor,
  type RunEnvironmentWithThread,
  type RunOptions,
  StatusLine,
  StopSignals,
  snapshotFromStatsRecord,
  startRunMetrics,
  stuckReportEntries,
  traceEntries,
  traceOverrunEntries,
} from './run-shared.js';

/**
 * Housekeeping (alarms, status, yield) only runs when at least this much slack is left
 * before the next release. Measured here (2-vCPU VM under load, demo config): drain +
 * status ≈ 40 µs p50, the `setImmediate` turn ≈ 150 µs p50 and ≈ 0.8 ms p90.
 */
export const HOUSEKEEPING_MIN_SLACK_NS = 500_000;
/** How often the loop yields to the event loop (signals, stdout, GC observer), ns. */
export const YIELD_INTERVAL_NS = 50_000_000;
/** Housekeeping runs after this long even without enough slack, ns. */
export const FORCE_YIELD_NS = 1_000_000_000;
/** Status line period, ns. */
const STATUS_INTERVAL_NS = 1_000_000_000;
/** Steal sampling period (a timer: it fires in the loop's yields), ms. */
const STEAL_SAMPLE_INTERVAL_MS = 50;
/** Steal samples kept around a pause seen: this much either side of when it was seen, ns. */
const STEAL_PIN_PAD_NS = 2_000_000_000;
/** How often the cached statistics record (for `/metrics`) is refreshed, ns. */
const RECORD_INTERVAL_NS = 1_000_000_000;
/** Record fills after the warm-up, so the record path is optimised (see rt-loop.ts). */
const RECORD_WARM_ROUNDS = 300;

/** The cached statistics record of a main-thread run (for `/metrics`). */
interface CachedRecord {
  readonly writer: StatsRecordWriter;
  readonly record: Float64Array;
  /** False until the first fill of the measured run. */
  filled: boolean;
}

/** Runs the executive on this thread; returns the exit code. Throws HardtickError on bad input. */
export async function runOnMainThread(options: RunOptions, io: CliIo): Promise<number> {
  const config = await loadConfig(options.configFile);
  if (options.reportFile !== null) await checkReportPath(options.reportFile);
  if (options.modeAfter !== null) modeIndexOrThrow(config, options.modeAfter.mode);
  const modes = await loadModes(config);
  const initialMode = initialModeIndex(config);

  for (const flag of V8_FLAGS) setFlagsFromString(flag);
  const { clock, waiter, backend } = selectClockAndWaiter({
    ...(options.marginNs === null
      ? {}
      : { native: { marginNs: options.marginNs }, hybrid: { marginNs: options.marginNs } }),
  });
  const printer = new LinePrinter(io);
  // Same registry as the task modules (this thread imported them): separate ends, correct.
  const hub = (await createChannelHub(options, (line) => printer.line(line))).add(listChannels());
  const frameNs = modes[initialMode]!.table.frameNs;
  // Before the environment is read: it records the policy the loop thread runs with.
  const realtime = applyRealtime(config.realtime, {
    thread: 'main',
    loop: loopTimingFor(
      modes.map((m) => m.table),
      backend.marginNs,
    ),
    warn: (line) => printer.alarm(line),
  });
  try {
    return await runWithSetup();
  } finally {
    realtime.release();
  }

  async function runWithSetup(): Promise<number> {
    const slackStep = realtime.steps.find((st) => st.step === 'timerSlack');
    const slackApplied = slackStep?.status === 'applied';
    const environment: RunEnvironmentWithThread = {
      ...collectEnvironment({
        clock: backend.clock,
        waiter: backend.waiter,
        waiterMarginNs: backend.marginNs,
        timerSlackApplied: slackApplied,
        v8Flags: V8_FLAGS,
        backend,
      }),
      thread: 'main',
    };
    // Watchdog: this thread writes the heartbeat, so it creates it (see the header).
    const heartbeat =
      config.watchdog === null
        ? undefined
        : Heartbeat.create({
            taskNames: modes.flatMap((m) => m.tasks.map((t) => t.name)),
            clock: backend.clock.startsWith('native') ? 'monotonic' : 'performance',
          });
    // GC governance on this isolate (the loop's heap), before any executive exists.
    const { plannedGc } = setUpGcGovernance(config.gc, clock);
    const misses = new MissSightings();
    const newExecutive = (): Executive =>
      new Executive({
        clock,
        waiter,
        modes,
        initialMode,
        catchUp: config.catchUp,
        releaseLateNs: config.alarms.releaseLateNs,
        pauseThresholdNs: config.alarms.pauseThresholdNs,
        alarmCapacity: ALARM_CAPACITY,
        alarmRatePerSecond: config.alarms.ratePerSecond,
        traceCapacity: options.traceCapacity ?? 0,
        // Warm-up executives write it too, so the measured loop's heartbeat path is warm.
        ...(heartbeat === undefined ? {} : { heartbeat }),
        // GC governance (config `gc`): warm-up executives run it too (its path gets optimised).
        ...(plannedGc === null ? {} : { slackHook: plannedGc }),
      });

    const stop = new StopSignals();
    const warmupNs = warmupLengthNs(options.warmupNs, frameNs);
    printer.line(
      describeRunStart({
        configName: config.name,
        modes: modes.length,
        frameNs,
        durationNs: options.durationNs,
        warmupNs,
        clock: backend.clock,
        waiter: backend.waiter,
        marginNs: backend.marginNs,
        slackApplied,
        slackReason:
          slackStep === undefined || slackStep.status === 'not-requested'
            ? 'not requested (realtime.timerSlackNs: false)'
            : slackStep.reason,
        thread: 'main',
        nativeReason: backend.backend === 'native' ? null : backend.native.reason,
      }),
    );
    const cached: CachedRecord = {
      writer: new StatsRecordWriter(
        totalTaskCount(config),
        config.modes.map((m) => m.name),
      ),
      record: new Float64Array(statsRecordSize(totalTaskCount(config))),
      filled: false,
    };
    const gc = new GcMonitor();
    const metrics = await startRunMetrics(
      options,
      () =>
        metricsSourceFromSnapshot(
          snapshotFromStatsRecord(cached.filled ? cached.record : null, config, frameNs, null),
          gc.summary(),
          {
            configName: config.name,
            clock: backend.clock,
            waiter: backend.waiter,
            thread: 'main',
            version: environment.hardtick,
            realtime: realtime.steps,
          },
        ),
      printer,
    );

    let watchdog: WatchdogHandle | null = null;
    const sightings: PauseSighting[] = [];
    let stealAtStartNs: number | null = null;
    /** Steal sampled every ~50 ms in the loop's yields while measuring (executive clock). */
    const steal = new StealSampler();
    let stealTimer: NodeJS.Timeout | null = null;
    let runStartNs = 0;
    stop.install();
    let measured: Executive;
    let warmupFrames = 0;
    let measuredWarmupNs = 0;
    let stopNote: string | null = null;
    let startedAt = new Date();
    let modeTimer: NodeJS.Timeout | null = null;
    /** The executive running now (warm-up, then measured), for a report written while stuck. */
    let current: Executive | null = null;
    let measuring = false;
    let stuckPrinted = 0;
    try {
      if (heartbeat !== undefined && config.watchdog !== null) {
        const wd = config.watchdog;
        const endRun = wd.onStuck === 'end-run';
        watchdog = startWatchdog({
          heartbeat: heartbeat.buffer,
          graceNs: wd.graceNs,
          ...(wd.failSafe === null
            ? {}
            : { failSafe: { file: wd.failSafe.file, exportName: wd.failSafe.exportName } }),
          failSafeParams: wd.failSafeParams,
          // The stuck thread is this one: the watchdog interrupts it, and it writes the
          // report and exits right there (see the header). keep-running: it never ends it.
          exitCode: endRun ? (wd.exitCode ?? 1) : null,
          interruptMain: true,
          beforeExit: (event, code) => {
            if (event.ordinal > stuckPrinted) printer.alarm(describeStuck(event));
            const report = reportNow(true, {
              stuck: watchdog === null ? [] : stuckReportEntries(watchdog),
              exitCode: code,
            });
            finishRunSync(report, options.reportFile, printer, io);
          },
          ...(options.reportFile === null
            ? {}
            : {
                fallbackReport: {
                  file: options.reportFile,
                  fields: { config: { name: config.name, file: config.file }, thread: 'main' },
                },
              }),
          // keep-running: printed when this thread yields again.
          onStuck: (event) => {
            stuckPrinted = event.ordinal;
            printer.alarm(describeStuck(event));
          },
          onRecovered: (event) => printer.alarm(describeRecovered(event)),
        });
        // No release before the watchdog watches (its fail-safe loaded).
        try {
          await watchdog.ready;
        } catch (error) {
          throw error instanceof HardtickError
            ? error
            : new HardtickError('watchdog_failsafe_invalid', `watchdog: ${String(error)}`);
        }
      }
      let executive = newExecutive();
      current = executive;
      if (warmupNs > 0) {
        stop.onStop = () => executive.requestStop();
        const outcome = await drive(executive, clock, warmupNs, printer, null, false, null, hub, null);
        warmupFrames = outcome.snapshot.frames.count;
        measuredWarmupNs = outcome.snapshot.elapsedNs;
        if (executive.stopped || stop.signal !== null) {
          // Stopped during warm-up (a policy or a signal): its frames are all the evidence there is.
          stopNote = `${stop.signal === null ? executive.stopReason : `signal:${stop.signal}`} (during warm-up)`;
          printer.line(`warm-up stopped: ${stopNote}`);
          warmupFrames = 0;
        } else {
          if (outcome.alarms > 0) printer.line(`warm-up: ${outcome.alarms} alarm(s), not counted`);
          // Alarm rehearsal, as in worker mode (rt-loop.ts): executives on rehearsal tables
          // (1 µs frames, zero budgets and deadlines, no-op tasks) raise every alarm kind on
          // every frame, so the alarm, catch-up and policy branches run optimised code (no
          // boxed doubles) when the measured loop first meets them. No heartbeat or slack
          // hook: zero deadlines would read as overdue.
          const rehearsal = rehearsalModes(modes);
          for (let i = 0; i < REHEARSAL_DRIVES && stop.signal === null; i++) {
            const r = new Executive(
              rehearsalExecutiveOptions({
                clock,
                waiter,
                modes: rehearsal,
                initialMode,
                catchUp: config.catchUp,
                traceCapacity: options.traceCapacity ?? 0,
              }),
            );
            stop.onStop = () => r.requestStop();
            await drive(r, clock, REHEARSAL_DRIVE_NS, printer, null, false, null, hub, null);
          }
          stop.onStop = () => executive.requestStop();
          // Optimise the record path on real figures before measurement (see rt-loop.ts).
          const scratch = new Float64Array(cached.record.length);
          for (let i = 0; i < RECORD_WARM_ROUNDS; i++) cached.writer.fill(executive, scratch);
          executive = newExecutive();
          (waiter as { resetStats?: () => void }).resetStats?.();
        }
      }
      measured = executive;
      current = executive;
      if (stopNote === null) {
        measuring = true;
        stop.onStop = () => measured.requestStop();
        // Warm-up garbage collected now, not by an incremental mark-compact mid-measurement.
        collectBeforeMeasurement();
        // Seed the planned-GC cost estimate and zero its counts before the monitor starts.
        startGovernedMeasurement(plannedGc, config.gc.planned.enabled);
        gc.start();
        stealAtStartNs = readStealNs();
        steal.sample(clock.nowNs());
        let pinned = 0;
        // Fires in the loop's event-loop turns (every ~50 ms): never inside a frame.
        stealTimer = setInterval(() => {
          const nowNs = clock.nowNs();
          steal.sample(nowNs);
          // Keep the samples around each pause seen (its alarm was drained in this turn).
          for (; pinned < sightings.length; pinned++) {
            const p = sightings[pinned]!;
            steal.pin(nowNs - p.lengthNs - STEAL_PIN_PAD_NS, nowNs + STEAL_PIN_PAD_NS);
          }
        }, STEAL_SAMPLE_INTERVAL_MS);
        startedAt = new Date();
        const modeAfter = options.modeAfter;
        if (modeAfter !== null) {
          // Fires during one of the loop's event-loop turns (every ~50 ms).
          modeTimer = setTimeout(() => measured.requestMode(modeAfter.mode), modeAfter.afterNs / 1e6);
        }
        const status = options.quiet ? null : new StatusLine();
        const outcome = await drive(
          measured,
          clock,
          options.durationNs,
          printer,
          status,
          true,
          cached,
          hub,
          sightings,
          misses,
        );
        runStartNs = outcome.startNs;
        if (stop.signal !== null) stopNote = `signal:${stop.signal}`;
        else if (!measured.stopped) stopNote = 'duration';
      }
    } finally {
      if (modeTimer !== null) clearTimeout(modeTimer);
      if (stealTimer !== null) clearInterval(stealTimer);
      stop.uninstall();
      await metrics?.close();
      await watchdog?.stop();
    }
    // Let queued GC observer entries arrive before reading them.
    await new Promise<void>((resolveTurn) => setImmediate(resolveTurn));
    const report = reportNow(false, {
      // keep-running: every stuck event (the loop came back from each), exit code as configured.
      ...(watchdog === null || watchdog.stuckEvents.length === 0
        ? {}
        : { stuck: stuckReportEntries(watchdog), exitCode: config.watchdog?.exitCode ?? 1 }),
    });
    for (const p of report.pauses.events) printer.alarm(describePause(p));
    return finishRun(report, options.reportFile, printer, io);

    /**
     * The report from the executive's state now: after the run, or (`stuck`) from the
     * watchdog's interrupt while a task of `current` is still on this thread's stack.
     */
    function reportNow(
      stuck: boolean,
      extra: Pick<Parameters<typeof buildRunReport>[0], 'stuck' | 'exitCode'>,
    ): RunReport {
      const endedAt = new Date();
      const source = stuck ? (current ?? measured) : measured;
      const snapshot = source.snapshot();
      // While stuck the drive never returned: its origin is the executive's first release.
      if (stuck) runStartNs = snapshot.startNs ?? 0;
      // Both timelines read back to back (rt-loop.ts `gcToRunNs`): GC entries → run time.
      const gcToRunNs = clock.nowNs() - performance.now() * 1e6 - runStartNs;
      const stealAtEndNs = readStealNs();
      if (measuring) steal.sample(clock.nowNs());
      const gcSummary = gc.stop();
      const pauses = attributeRunPauses({
        count: snapshot.alarms.pause,
        sightings,
        gcEvents: gcSummary.events,
        gcToRunNs,
        stealAtStartNs,
        stealAtEndNs,
        stealSamples: steal.samples().map((x) => ({ atNs: x.atNs - runStartNs, stealNs: x.stealNs })),
      });
      // `--trace N`: the executive kept the last N slots; times made relative to its first release.
      const traceCapacity = options.traceCapacity ?? 0;
      const originNs = snapshot.startNs ?? 0;
      const traceRecords =
        traceCapacity > 0
          ? source.trace().map((r) => ({ ...r, startNs: r.startNs - originNs, endNs: r.endNs - originNs }))
          : null;
      const trace = traceRecords === null ? null : traceEntries(traceRecords, config, traceCapacity);
      const traceOverruns =
        traceRecords === null ? null : traceOverrunEntries(traceRecords, config, traceCapacity);
      return buildRunReport({
        config,
        snapshot,
        environment,
        gc: withGcEvidence(gcSummary, {
          governance: plannedGc?.summary(runStartNs) ?? null,
          sightings: misses.list(),
          gcToRunNs,
        }),
        pauses,
        startedAt,
        endedAt,
        requestedDurationNs: options.durationNs === 0 ? null : options.durationNs,
        warmup:
          stuck && !measuring
            ? { frames: 0, durationNs: 0 }
            : { frames: warmupFrames, durationNs: warmupFrames === 0 ? 0 : measuredWarmupNs },
        stopReason: stuck
          ? measuring
            ? 'stuck'
            : 'stuck (during warm-up)'
          : (stopNote ?? snapshot.stopReason),
        realtime: {
          thread: 'main',
          steps: realtime.steps,
          throttling: realtime.throttling,
          warnings: realtime.warnings,
        },
        trace,
        traceOverruns,
        ...extra,
      });
    }
  }
}

/** What one {@link drive} call observed. */
interface DriveOutcome {
  readonly snapshot: ExecutiveSnapshot;
  /** Alarm records delivered (rate-limit summaries included). */
  readonly alarms: number;
  /** The drive's first release (its alarms' time origin), ns on the executive's clock. */
  readonly startNs: number;
}

/**
 * Runs `executive` from now for `durationNs` (0: until stopped), doing the cold-side
 * housekeeping in frame slack. `status` null: no status line. `printAlarms` false: alarms
 * are only counted (warm-up). `sightings`: where delivered `pause` alarms are kept (the
 * first {@link PAUSES_KEPT}, ns since the drive's first release), or null.
 */
async function drive(
  executive: Executive,
  clock: Clock,
  durationNs: number,
  printer: LinePrinter,
  status: StatusLine | null,
  printAlarms: boolean,
  cached: CachedRecord | null,
  hub: ChannelHub,
  sightings: PauseSighting[] | null,
  misses: MissSightings | null = null,
): Promise<DriveOutcome> {
  let alarms = 0;
  // Default t0: the next frame-aligned time one frame ahead; `endNs` counts from it.
  executive.start();
  const startNs = executive.nextReleaseNs();
  const endNs = durationNs > 0 ? startNs + durationNs : Number.POSITIVE_INFINITY;
  const listener = (a: AlarmRecordView): void => {
    alarms++;
    if (sightings !== null && a.kind === 'pause' && a.suppressed === 0 && sightings.length < PAUSES_KEPT)
      sightings.push({ atNs: a.timeNs - startNs, lengthNs: a.value });
    // Misses checked against this isolate's GCs in the report (`gc.overlaps`).
    if (misses !== null && a.suppressed === 0)
      misses.add({
        kind: a.kind,
        task: a.task,
        mode: a.mode,
        frame: a.frame,
        atNs: a.timeNs - startNs,
        valueNs: a.value,
        frameNs: executive.frameNs,
      });
    if (!printAlarms) return;
    let line = describeAlarm({ ...a, sinceStartNs: a.timeNs - startNs });
    if (a.kind === 'task-error' && a.taskIndex >= 0) {
      const error = executive.lastError(a.taskIndex, a.mode);
      if (error !== undefined) line += `: ${describeThrown(error)}`;
    }
    printer.alarm(line);
  };
  let nextYieldNs = startNs + YIELD_INTERVAL_NS;
  let forceNs = startNs + FORCE_YIELD_NS;
  let nextStatusNs = startNs + STATUS_INTERVAL_NS;
  let nextRecordNs = startNs;
  let seq = 0;
  status?.begin(startNs);
  while (!executive.stopped && executive.nextReleaseNs() < endNs) {
    executive.step();
    const nowNs = clock.nowNs();
    if (nowNs < nextYieldNs) continue;
    const slackNs = executive.nextReleaseNs() - nowNs;
    if (slackNs < HOUSEKEEPING_MIN_SLACK_NS && nowNs < forceNs) continue;
    executive.drainAlarms(listener);
    pollChannels(hub, printer);
    if (cached !== null && nowNs >= nextRecordNs) {
      // µs of work through allocation-free accessors (not `snapshot()`): `/metrics` serves it.
      const r = cached.record;
      cached.writer.fill(executive, r);
      r[ST_SEQ] = ++seq;
      r[ST_PHASE] = PHASE_MEASURING;
      r[ST_ELAPSED] = nowNs - startNs;
      cached.filled = true;
      nextRecordNs = nowNs + RECORD_INTERVAL_NS;
    }
    if (status !== null && nowNs >= nextStatusNs) {
      // O(1) counters and one histogram scan (~µs): `snapshot()` would take 0.3–5 ms
      // (every percentile of every histogram), more than a frame's slack.
      const lateness = executive.latenessHistogram;
      const frames = executive.framesRun;
      printer.status(
        status.format(
          {
            frames,
            overruns: executive.alarmTotal(KIND_OVERRUN),
            misses: executive.alarmTotal(KIND_DEADLINE_MISS),
            errors: executive.alarmTotal(KIND_TASK_ERROR),
            skipped: executive.frameIndex - frames,
            lateP99Ns: lateness.valueAtQuantile(0.99),
            lateMaxNs: lateness.maxNs,
            mode: executive.modeName,
          },
          nowNs,
        ),
      );
      nextStatusNs +=
        STATUS_INTERVAL_NS * Math.max(1, Math.ceil((nowNs - nextStatusNs) / STATUS_INTERVAL_NS));
    }
    // One event-loop turn: signal handlers (→ requestStop, honoured by the next step),
    // stdout, the GC observer.
    await new Promise<void>((resolveTurn) => setImmediate(resolveTurn));
    const afterNs = clock.nowNs();
    nextYieldNs = afterNs + YIELD_INTERVAL_NS;
    forceNs = afterNs + FORCE_YIELD_NS;
  }
  executive.drainAlarms(listener);
  pollChannels(hub, printer);
  if (printAlarms) for (const line of channelSummaryLines(hub)) printer.line(line);
  return { snapshot: executive.snapshot(), alarms, startNs };
}

/** Delivers queued channel records to their handlers; a throwing handler is reported, not fatal. */
function pollChannels(hub: ChannelHub, printer: LinePrinter): void {
  try {
    hub.pollOnce();
  } catch (error) {
    printer.alarm(`channel handler failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}
