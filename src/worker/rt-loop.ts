/**
 * The real-time side of `hardtick run`: runs in the worker thread (see rt-worker.ts).
 * Loads the config and the task modules in this isolate, plans, lowers this thread's timer
 * slack, warms up, runs the measured executive, and talks to the main thread only through
 * shared memory while the loop runs:
 *
 * - after every frame: one command-ring poll (`tryPop`: one `Atomics.load` when empty);
 * - every {@link HOUSEKEEPING_INTERVAL_NS}, in frame slack (≥ {@link MIN_SLACK_NS} before the
 *   next release, or anyway after {@link FORCE_HOUSEKEEPING_NS}): `drainAlarms` into the
 *   alarm ring (numeric records, the executive's rate limit applied) and, every
 *   `statsIntervalNs`, one statistics record into the stats ring.
 *
 * The loop never yields to the event loop and does no I/O: stop comes through the shared
 * stop flag (read by the executive before each frame) or a `CMD_STOP` command. Cold
 * `postMessage`s happen at setup, between warm-up and measurement, at the end, and when a
 * task throws (its message, for alarms the rate limit lets through; see protocol.ts).
 *
 * Allocation contract: setup allocates; the drive loop, the alarm listener, command polling
 * and the statistics record allocate nothing of their own once warmed up, except
 * `LogHistogram.valueAtQuantile` (its returned double may be boxed, 16 B, when the JIT does
 * not inline it: a few per stats record) and the clock (`performance.now()` boxes 16 B per
 * read on Node 20; a native clock reads for free). A mode command calls
 * `Executive.requestMode` (cold, may allocate a closure).
 */
import { setFlagsFromString } from 'node:v8';
import { loadConfig } from '../config/load.js';
import type { ResolvedConfig } from '../config/types.js';
import { HardtickError } from '../errors.js';
import { SpscRing } from '../memory/spsc-ring.js';
import { collectEnvironment } from '../report/environment.js';
import { GcMonitor } from '../report/gc-monitor.js';
import type { AlarmRecordView, ExecutiveModeSpec } from '../runtime/index.js';
import { Executive, KIND_COUNT, KIND_TASK_ERROR } from '../runtime/index.js';
import type { Clock } from '../time/clock.js';
import { HybridWaiter } from '../time/hybrid-waiter.js';
import { SystemClock } from '../time/system-clock.js';
import { tryLowerTimerSlack } from '../time/timer-slack.js';
import { type ExecutiveProbe, probeExecutive } from './executive-probe.js';
import {
  AL_FIRST_FRAME,
  AL_FIRST_SINCE_START,
  AL_FRAME,
  AL_KIND,
  AL_MODE,
  AL_SINCE_START,
  AL_SIZE,
  AL_SUPPRESSED,
  AL_TASK,
  AL_VALUE,
  CMD_ACK,
  CMD_ARG,
  CMD_KIND,
  CMD_MODE,
  CMD_SIZE,
  CMD_STOP,
  PHASE_FINAL,
  PHASE_MEASURING,
  PHASE_WARMUP,
  type RtWorkerData,
  type RtWorkerMessage,
  ST_ACKS,
  ST_ALARMS_DROPPED,
  ST_ELAPSED,
  ST_FRAME_INDEX,
  ST_FRAMES,
  ST_HEADER,
  ST_KIND_TOTALS,
  ST_LATE_COUNT,
  ST_LATE_MAX,
  ST_LATE_MEAN,
  ST_LATE_MIN,
  ST_LATE_P50,
  ST_LATE_P99,
  ST_LATE_P999,
  ST_MODE,
  ST_PHASE,
  ST_SEQ,
  statsRecordSize,
  TS_DEGRADED_RUNS,
  TS_ERRORS,
  TS_EXEC_COUNT,
  TS_EXEC_MAX,
  TS_EXEC_MEAN,
  TS_EXEC_MIN,
  TS_EXEC_P50,
  TS_EXEC_P99,
  TS_EXEC_P999,
  TS_MISSES,
  TS_OVERRUNS,
  TS_RELEASES,
  TS_RUNS,
  TS_SIZE,
  TS_SKIPPED,
} from './protocol.js';
import {
  ALARM_CAPACITY,
  initialModeIndex,
  loadModes,
  totalTaskCount,
  V8_FLAGS,
  warmupLengthNs,
} from './setup.js';

/** Alarms are drained and commands acted on at most this often, ns. */
export const HOUSEKEEPING_INTERVAL_NS = 10_000_000;
/** Housekeeping needs this much slack before the next release, ns. */
export const MIN_SLACK_NS = 200_000;
/** …unless it has been put off this long, ns (a late frame beats alarms that never arrive). */
export const FORCE_HOUSEKEEPING_NS = 1_000_000_000;
/** Task errors whose message is sent per drain, at most. */
const TASK_ERROR_QUEUE = 16;

/** Where the worker posts its cold messages (the worker's `parentPort`, or a test double). */
export interface RtPort {
  postMessage(message: RtWorkerMessage): void;
}

/**
 * Runs a whole `hardtick run` on this thread, reporting through `data`'s rings and `port`.
 * Setup problems (config, plan, task modules) are posted as `setup-error`; anything else
 * thrown is a crash (the worker's `error` event).
 */
export async function runRtWorker(data: RtWorkerData, port: RtPort): Promise<void> {
  for (const flag of V8_FLAGS) setFlagsFromString(flag);
  let config: ResolvedConfig;
  let modes: ExecutiveModeSpec[];
  try {
    config = await loadConfig(data.configFile);
    modes = await loadModes(config);
  } catch (error) {
    if (error instanceof HardtickError) {
      port.postMessage({
        type: 'setup-error',
        code: error.code,
        message: error.message,
        issues: error.issues,
      });
      return;
    }
    throw error;
  }
  if (KIND_COUNT > ST_HEADER - ST_KIND_TOTALS)
    throw new Error('protocol: ST_HEADER has no room for every alarm kind');
  const slack = tryLowerTimerSlack();
  const clock = new SystemClock();
  const waiter = new HybridWaiter({ clock, marginNs: data.marginNs });
  const initialMode = initialModeIndex(config);
  const stopFlag = new Int32Array(data.stopFlag);
  const newExecutive = (): Executive =>
    new Executive({
      clock,
      waiter,
      modes,
      initialMode,
      catchUp: config.catchUp,
      releaseLateNs: config.alarms.releaseLateNs,
      alarmCapacity: ALARM_CAPACITY,
      alarmRatePerSecond: config.alarms.ratePerSecond,
      traceCapacity: 0,
      stopFlag,
    });
  const environment = {
    ...collectEnvironment({
      clock: clock.kind,
      waiter: waiter.kind,
      waiterMarginNs: waiter.marginNs,
      timerSlackApplied: slack.applied,
      v8Flags: V8_FLAGS,
    }),
    thread: 'worker' as const,
  };
  port.postMessage({
    type: 'ready',
    info: {
      clock: clock.kind,
      waiter: waiter.kind,
      marginNs: waiter.marginNs,
      slackApplied: slack.applied,
      slackReason: slack.reason,
      frameNs: modes[initialMode]!.table.frameNs,
    },
  });

  const loop = new RtLoop(data, port, clock, config, totalTaskCount(config));
  let executive = newExecutive();
  let warmupFrames = 0;
  let stoppedEarly = false;
  const warmupNs =
    data.warmupNs < 0 ? warmupLengthNs(null, modes[initialMode]!.table.frameNs) : data.warmupNs;
  if (warmupNs > 0) {
    const alarms = loop.drive(executive, warmupNs, PHASE_WARMUP);
    const snap = executive.snapshot();
    stoppedEarly = executive.stopped;
    warmupFrames = stoppedEarly ? 0 : snap.frames.count;
    port.postMessage({
      type: 'warmup-done',
      frames: snap.frames.count,
      durationNs: snap.elapsedNs,
      alarms,
      stopReason: executive.stopReason,
    });
    if (!stoppedEarly) {
      executive = newExecutive();
      waiter.resetStats();
    }
  }
  const gc = new GcMonitor();
  let reachedDuration = false;
  if (!stoppedEarly) {
    gc.start();
    port.postMessage({ type: 'measuring' });
    loop.drive(executive, data.durationNs, PHASE_MEASURING);
    reachedDuration = !executive.stopped;
  }
  // The loop never yielded: GC observer entries queued during it arrive on this turn.
  await new Promise<void>((resolveTurn) => setImmediate(resolveTurn));
  loop.publishStats(executive, PHASE_FINAL);
  port.postMessage({
    type: 'done',
    snapshot: executive.snapshot(),
    environment,
    gc: gc.stop(),
    reachedDuration,
    warmupFrames,
  });
}

/**
 * The worker's loop and its shared-memory side: preallocated records, the alarm listener,
 * command polling and statistics. One per run.
 */
class RtLoop {
  private readonly alarms: SpscRing;
  private readonly stats: SpscRing;
  private readonly commands: SpscRing;
  private readonly alarmRec = new Float64Array(AL_SIZE);
  private readonly statsRec: Float64Array;
  private readonly cmdRec = new Float64Array(CMD_SIZE);
  /** [phase, alarms delivered this drive, acks, seq, task errors queued]. */
  private readonly state = new Float64Array(5);
  /** Task errors to describe after a drain: (mode, task, count) triples. */
  private readonly errorQueue = new Int32Array(TASK_ERROR_QUEUE * 3);
  /** [origin ns (measured run's first release), now ns at the last housekeeping]. */
  private readonly times = new Float64Array(2);
  private readonly modeNames: readonly string[];
  private readonly listener: (a: AlarmRecordView) => void;
  private probe: ExecutiveProbe | null = null;
  private current: Executive | null = null;

  constructor(
    private readonly data: RtWorkerData,
    private readonly port: RtPort,
    private readonly clock: Clock,
    config: ResolvedConfig,
    private readonly taskCount: number,
  ) {
    this.alarms = SpscRing.attach(data.alarmRing);
    this.stats = SpscRing.attach(data.statsRing);
    this.commands = SpscRing.attach(data.commandRing);
    this.statsRec = new Float64Array(statsRecordSize(taskCount));
    this.modeNames = config.modes.map((m) => m.name);
    const rec = this.alarmRec;
    const state = this.state;
    const times = this.times;
    const queue = this.errorQueue;
    // Created once; fills the preallocated record (no allocation per alarm).
    this.listener = (a: AlarmRecordView): void => {
      state[1]!++;
      if (state[0] === PHASE_WARMUP) return; // warm-up alarms are only counted
      const origin = times[0]!;
      rec[AL_KIND] = a.kindId;
      rec[AL_MODE] = a.modeIndex;
      rec[AL_TASK] = a.taskIndex;
      rec[AL_FRAME] = a.frame;
      rec[AL_SINCE_START] = a.timeNs - origin;
      rec[AL_VALUE] = a.value;
      rec[AL_SUPPRESSED] = a.suppressed;
      rec[AL_FIRST_FRAME] = a.firstFrame;
      rec[AL_FIRST_SINCE_START] = a.firstTimeNs - origin;
      this.alarms.tryPush(rec, 0);
      const queued = state[4]!;
      if (
        a.kindId === KIND_TASK_ERROR &&
        a.suppressed === 0 &&
        a.taskIndex >= 0 &&
        queued < TASK_ERROR_QUEUE
      ) {
        queue[queued * 3] = a.modeIndex;
        queue[queued * 3 + 1] = a.taskIndex;
        queue[queued * 3 + 2] = a.value;
        state[4] = queued + 1;
      }
    };
  }

  /**
   * Runs `executive` from its next frame-aligned release for `durationNs` (0: until
   * stopped). Returns the alarm records delivered (summaries included).
   */
  drive(executive: Executive, durationNs: number, phase: number): number {
    const state = this.state;
    const times = this.times;
    state[0] = phase;
    state[1] = 0;
    this.current = executive;
    this.probe = probeExecutive(executive, this.taskCount);
    executive.start();
    const startNs = executive.nextReleaseNs();
    times[0] = startNs;
    const endNs = durationNs > 0 ? startNs + durationNs : Number.POSITIVE_INFINITY;
    const statsEveryNs = this.data.statsIntervalNs;
    let nextHousekeepingNs = startNs + HOUSEKEEPING_INTERVAL_NS;
    let forceNs = startNs + FORCE_HOUSEKEEPING_NS;
    let nextStatsNs = startNs + statsEveryNs;
    const listener = this.listener;
    while (!executive.stopped && executive.nextReleaseNs() < endNs) {
      executive.step();
      this.pollCommands(executive);
      const nowNs = this.clock.nowNs();
      if (nowNs < nextHousekeepingNs) continue;
      if (executive.nextReleaseNs() - nowNs < MIN_SLACK_NS && nowNs < forceNs) continue;
      executive.drainAlarms(listener);
      if (state[4]! > 0) this.sendTaskErrors(executive);
      if (nowNs >= nextStatsNs) {
        times[1] = nowNs;
        this.publishStats(executive, phase);
        nextStatsNs = nowNs + statsEveryNs;
      }
      nextHousekeepingNs = nowNs + HOUSEKEEPING_INTERVAL_NS;
      forceNs = nowNs + FORCE_HOUSEKEEPING_NS;
    }
    executive.drainAlarms(listener, true);
    if (state[4]! > 0) this.sendTaskErrors(executive);
    this.times[1] = this.clock.nowNs();
    this.publishStats(executive, phase);
    return state[1]!;
  }

  /** Acts on queued commands. One atomic load when there is none. */
  private pollCommands(executive: Executive): void {
    const cmd = this.cmdRec;
    while (this.commands.tryPop(cmd, 0)) {
      const kind = cmd[CMD_KIND];
      if (kind === CMD_STOP) executive.requestStop();
      else if (kind === CMD_MODE) {
        const name = this.modeNames[cmd[CMD_ARG]!];
        if (name !== undefined) executive.requestMode(name);
      } else if (kind === CMD_ACK) this.state[2]!++;
    }
  }

  /** Posts the message of each queued task error (cold: only after a task threw). */
  private sendTaskErrors(executive: Executive): void {
    const queue = this.errorQueue;
    const n = this.state[4]!;
    this.state[4] = 0;
    for (let i = 0; i < n; i++) {
      const mode = queue[i * 3]!;
      const task = queue[i * 3 + 1]!;
      const error = executive.lastError(task, this.modeNames[mode]);
      this.port.postMessage({
        type: 'task-error',
        mode,
        task,
        count: queue[i * 3 + 2]!,
        text: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      });
    }
  }

  /**
   * Fills and pushes one statistics record (see protocol.ts `ST_*`/`TS_*`), using
   * `times[1]` as "now". Called in frame slack and at the end.
   */
  publishStats(executive: Executive, phase: number): void {
    if (executive !== this.current) return;
    const r = this.statsRec;
    const state = this.state;
    state[3]!++;
    r[ST_SEQ] = state[3]!;
    r[ST_PHASE] = phase;
    r[ST_ELAPSED] = this.times[1]! - this.times[0]!;
    const frames = executive.framesRun;
    r[ST_FRAMES] = frames;
    r[ST_FRAME_INDEX] = executive.frameIndex;
    const modeName = executive.modeName;
    const names = this.modeNames;
    for (let m = 0; m < names.length; m++) if (names[m] === modeName) r[ST_MODE] = m;
    const late = executive.latenessHistogram;
    r[ST_LATE_COUNT] = late.count;
    r[ST_LATE_MIN] = late.minNs;
    r[ST_LATE_MEAN] = late.meanNs;
    r[ST_LATE_P50] = late.valueAtQuantile(0.5);
    r[ST_LATE_P99] = late.valueAtQuantile(0.99);
    r[ST_LATE_P999] = late.valueAtQuantile(0.999);
    r[ST_LATE_MAX] = late.maxNs;
    r[ST_ACKS] = state[2]!;
    for (let k = 0; k < KIND_COUNT; k++) r[ST_KIND_TOTALS + k] = executive.alarmTotal(k);
    const p = this.probe!;
    r[ST_ALARMS_DROPPED] = p.ring === null ? -1 : p.ring.dropped;
    const c = p.counters;
    const exec = p.exec;
    for (let g = 0; g < this.taskCount; g++) {
      const o = ST_HEADER + g * TS_SIZE;
      if (c === null) {
        for (let i = 0; i < TS_EXEC_COUNT; i++) r[o + i] = -1;
      } else {
        const s = g * p.stride;
        r[o + TS_RELEASES] = c[s + p.releases]!;
        r[o + TS_RUNS] = c[s + p.runs]!;
        r[o + TS_OVERRUNS] = c[s + p.overruns]!;
        r[o + TS_MISSES] = c[s + p.misses]!;
        r[o + TS_ERRORS] = c[s + p.errors]!;
        r[o + TS_SKIPPED] = c[s + p.skipped]!;
        r[o + TS_DEGRADED_RUNS] = c[s + p.degradedRuns]!;
      }
      const h = exec === null ? null : exec[g]!;
      if (h === null) {
        for (let i = TS_EXEC_COUNT; i < TS_SIZE; i++) r[o + i] = -1;
      } else {
        r[o + TS_EXEC_COUNT] = h.count;
        r[o + TS_EXEC_MIN] = h.minNs;
        r[o + TS_EXEC_MEAN] = h.meanNs;
        r[o + TS_EXEC_P50] = h.valueAtQuantile(0.5);
        r[o + TS_EXEC_P99] = h.valueAtQuantile(0.99);
        r[o + TS_EXEC_P999] = h.valueAtQuantile(0.999);
        r[o + TS_EXEC_MAX] = h.maxNs;
      }
    }
    this.stats.tryPush(r, 0);
  }
}
