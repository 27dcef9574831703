/**
 * The real-time side of a worker-mode run (entry: rt-worker.ts). Loads the task modules in
 * this isolate against the host's planned tables, applies the config's thread-scoped
 * real-time steps to this thread, picks the clock and waiter, warms up (warmup.ts), runs
 * the measured executive, and talks to the host only through shared memory while the loop
 * runs: after every frame one command-ring poll; every {@link HOUSEKEEPING_INTERVAL_NS} in
 * frame slack (or anyway after {@link FORCE_HOUSEKEEPING_NS}) the alarms, trace records and,
 * every `statsIntervalNs`, one statistics record (the executive's evidence block), and the
 * doorbell rung when the host should drain before its next timed poll. Cold
 * `postMessage`s only at setup, around the warm-up, at the end, and when a task throws.
 * Allocation contract: see `RtLoop`; proved by test/worker-loop-allocation.test.ts.
 */
import { getHeapSpaceStatistics, getHeapStatistics } from 'node:v8';
import type { ResolvedConfig } from '../config/types.js';
import { HardtickError } from '../errors.js';
import { collectBeforeMeasurement } from '../gc/gc-function.js';
import { CALIBRATION_ROUNDS, setUpGcGovernance } from '../gc/governance.js';
import { GcMonitor } from '../gc/monitor.js';
import { SpscRing } from '../memory/spsc-ring.js';
import { loadNative } from '../native/binding.js';
import { selectClockAndWaiter } from '../native/select.js';
import { applyRealtimeInThread, currentThreadId } from '../realtime/apply.js';
import { collectEnvironment } from '../report/environment.js';
import type { AlarmRecordView, ExecutiveModeSpec } from '../runtime/index.js';
import {
  EV_LATENESS,
  EV_RUN,
  EV_TASKS,
  Executive,
  KIND_PAUSE,
  KIND_TASK_ERROR,
  RC_ALARMS_DROPPED,
  TS_SIZE,
} from '../runtime/index.js';
import { warmExecSamples } from '../stats/exec-samples.js';
import type { Clock } from '../time/clock.js';
import type { MarginLearner } from '../time/margin-learner.js';
import { applyV8Flags, V8_FLAGS } from '../v8-flags.js';
import { Heartbeat } from '../watchdog/heartbeat.js';
import { listChannels } from '../worker/channels.js';
import { locateInTasks, type TaskModuleRef, taskModuleRefs } from './faults.js';
import { RunLeaseGates } from './lease-gate.js';
import { loadModes, runExecutiveOptions, timerSlackOutcome } from './loop-setup.js';
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
  ALARM_BELL_INTERVAL_NS,
  CMD_ACK,
  CMD_ARG,
  CMD_KIND,
  CMD_MODE,
  CMD_SIZE,
  CMD_STOP,
  PHASE_FINAL,
  PHASE_MEASURING,
  PHASE_WARMUP,
  REC_ACKS,
  REC_ELAPSED,
  REC_EVIDENCE,
  REC_MARGIN,
  REC_PHASE,
  REC_SEQ,
  type RtWorkerData,
  type RtWorkerMessage,
  statsRecordSize,
  TR_END,
  TR_FRAME_RELEASE,
  TR_FRAME_START,
  TR_SIZE,
  TR_START,
  traceRingCapacity,
} from './protocol.js';
import { describeThrown } from './text.js';
import {
  compressedModes,
  firstReleaseNs,
  JIT_BATCH_NS,
  JIT_DRIVE_FRAMES,
  JIT_DRIVES,
  REHEARSAL_DRIVE_NS,
  REHEARSAL_DRIVES,
  REHEARSAL_TAIL_NS,
  raisedKinds,
  realWarmupNs,
  rehearsalExecutiveOptions,
  rehearsalModes,
  WARMUP_PAUSES_KEPT,
  type WarmupOutcome,
} from './warmup.js';

/** Alarms are drained and commands acted on at most this often, ns. */
export const HOUSEKEEPING_INTERVAL_NS = 10_000_000;
/** Housekeeping needs this much slack before the next release, ns. */
export const MIN_SLACK_NS = 200_000;
/** …unless it has been put off this long, ns (a late frame beats alarms that never arrive). */
export const FORCE_HOUSEKEEPING_NS = 1_000_000_000;
/**
 * Statistics-record fills into a scratch record after the warm-up, so that the code of
 * the record path is optimised before measurement (it runs only a few times a second).
 */
export const STATS_WARM_ROUNDS = 1000;
/** Task errors whose message is sent per drain, at most. */
const TASK_ERROR_QUEUE = 16;

/** Where the worker posts its cold messages (the worker's `parentPort`, or a test double). */
export interface RtPort {
  postMessage(message: RtWorkerMessage): void;
}

/**
 * Runs a whole worker-mode run on this thread, reporting through `data`'s rings and `port`.
 * Setup problems (task modules) are posted as `setup-error`; anything else thrown is a
 * crash (the worker's `error` event).
 */
export async function runRtWorker(data: RtWorkerData, port: RtPort): Promise<void> {
  applyV8Flags();
  const { config, tables } = data;
  let modes: ExecutiveModeSpec[];
  try {
    modes = await loadModes(config, tables);
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
  // Task modules open their channels at top level, so every channel exists by now.
  port.postMessage({ type: 'channels', channels: listChannels() });
  // This thread's real-time steps first (timer slack, nice, affinity, then the priority):
  // the warm-up already runs as the measured loop will. The host prints the warnings.
  const realtimeSteps = applyRealtimeInThread(config.realtime);
  const priorityApplied = realtimeSteps.some((st) => st.step === 'priority' && st.status === 'applied');
  const slack = timerSlackOutcome(realtimeSteps);
  const { clock, waiter, backend, learner } = selectClockAndWaiter({
    preferNative: data.preferNative ?? true,
    margin: config.waiter,
    ...(data.marginNs < 0
      ? {}
      : { native: { marginNs: data.marginNs }, hybrid: { marginNs: data.marginNs } }),
  });
  const initialMode = Math.max(
    0,
    config.modes.findIndex((m) => m.name === config.initialMode),
  );
  const stopFlag = new Int32Array(data.stopFlag);
  const loopClock = backend.clock.startsWith('native') ? 'monotonic' : 'performance';
  // Watchdog: this thread writes the heartbeat, so it creates it (a `performance.now()`
  // clock's origin is per isolate). Task index = the executive's flattened one.
  const heartbeat =
    config.watchdog === null
      ? undefined
      : Heartbeat.create({ taskNames: modes.flatMap((m) => m.tasks.map((t) => t.name)), clock: loopClock });
  // A lease guard, likewise on the loop's clock; the host keeps it (LeaseKeeper). With the
  // config's `lease` the run is gated: tasks run only while leading (lease-gate.ts).
  const gates = RunLeaseGates.create(config, data.lease === true, loopClock);
  const lease = gates.guard;
  const traceCapacity = data.traceCapacity ?? 0;
  // GC governance on this isolate (the loop's heap), before any executive exists.
  const { plannedGc } = setUpGcGovernance(config.gc, clock);
  // Every executive of the run traces alike, so the warm-up optimises the measured path.
  const base = runExecutiveOptions(config, {
    clock,
    waiter,
    modes,
    initialMode,
    traceCapacity,
    stopFlag,
    ...(lease === undefined ? {} : { lease }),
    ...(plannedGc === null ? {} : { slackHook: plannedGc }),
  });
  // Warm-up and measured executives write the heartbeat, so its path is warm. The measured
  // one keeps its counters in the shared live block (the host reads it if this thread sticks).
  const live = data.liveEvidence == null ? null : new Float64Array(data.liveEvidence);
  const newExecutive = (phase: 'warmup' | 'measure'): Executive =>
    new Executive({
      ...base,
      phase,
      ...(heartbeat === undefined ? {} : { heartbeat }),
      ...(phase === 'measure' ? gates.measured() : gates.warmup()),
      ...(phase === 'measure' && live !== null ? { liveEvidence: live } : {}),
    });
  // JIT drives: compressed frames (their deadlines would read as overdue to a watchdog).
  const jitModes = compressedModes(modes);
  const newJitExecutive = (): Executive =>
    new Executive({ ...base, modes: jitModes, phase: 'warmup', ...gates.alternate() });
  // Rehearsal executives: no heartbeat or slack hook (zero deadlines); pauses go to a private guard.
  const rehearsal = rehearsalModes(modes);
  const newRehearsalExecutive = (drive: number): Executive =>
    new Executive(
      rehearsalExecutiveOptions(
        {
          clock,
          waiter,
          modes: rehearsal,
          initialMode,
          catchUp: config.catchUp,
          traceCapacity,
          stopFlag,
          ...gates.rehearsal(),
        },
        drive,
      ),
    );
  const environment = {
    ...collectEnvironment({
      clock: backend.clock,
      waiter: backend.waiter,
      waiterMarginNs: backend.marginNs,
      timerSlackApplied: slack.applied,
      v8Flags: V8_FLAGS,
      backend,
    }),
    thread: 'worker' as const,
  };
  port.postMessage({
    type: 'ready',
    info: {
      clock: backend.clock,
      waiter: backend.waiter,
      marginNs: backend.marginNs,
      backend,
      slackApplied: slack.applied,
      slackReason: slack.reason,
      frameNs: tables[initialMode]!.frameNs,
      realtimeSteps,
      threadId: currentThreadId(),
      timeOriginMs: performance.timeOrigin,
      heartbeat: heartbeat?.buffer ?? null,
      leaseGuard: lease?.buffer ?? null,
      environment,
    },
  });
  // With a watchdog, no release before the host says it watches (or a stop).
  if (heartbeat !== undefined && data.watchdogGo != null) {
    const go = new Int32Array(data.watchdogGo);
    while (Atomics.load(go, 0) === 0 && Atomics.load(stopFlag, 0) === 0) Atomics.wait(go, 0, 0, 20);
  }

  const loop = new RtLoop(
    data,
    port,
    clock,
    config,
    modes.reduce((n, m) => n + m.tasks.length, 0),
    live,
    learner,
  );
  const warmStartNs = clock.nowNs();
  let executive = newExecutive('measure');
  let stoppedEarly = false;
  let warm: Executive | null = null;
  if (data.warmupNs > 0) {
    // JIT drives first, on throw-away executives over compressed frames: V8 then optimises
    // `drive` (and what it inlines) as a function, not only its loop by on-stack
    // replacement, so the measured call enters optimised code instead of compiling it again
    // inside the measurement (test/worker-loop-allocation.test.ts).
    loop.jitDrives(newJitExecutive, stopFlag);
    const jitNs = clock.nowNs() - warmStartNs;
    warm = newExecutive('warmup');
    // The real loop for what is left of the warm-up once the JIT drives (these and as many
    // after the rehearsal) are counted in.
    const realNs = realWarmupNs(data.warmupNs, jitNs, jitNs + REHEARSAL_TAIL_NS);
    loop.collectWarmupPauses(true);
    const alarms = loop.drive(warm, realNs, PHASE_WARMUP);
    loop.collectWarmupPauses(false);
    loop.clearScratch();
    const snap = warm.snapshot();
    stoppedEarly = warm.stopped;
    if (!stoppedEarly) {
      // Alarm rehearsal. On a shared machine the measured loop meets some overruns, late
      // wake-ups and skipped frames, and code that only runs for those (alarm ring, drain,
      // listener, ring push, catch-up, policy) would otherwise first run — or get hot
      // enough to compile — inside the measurement, boxing every double it handles.
      // Rehearsal executives raise every kind of alarm on every frame, and housekeeping
      // runs every frame, through the same code, into scratch rings.
      loop.setHousekeeping(0, 0);
      for (let i = 0; i < REHEARSAL_DRIVES && Atomics.load(stopFlag, 0) === 0; i++) {
        loop.drive(newRehearsalExecutive(i), REHEARSAL_DRIVE_NS, PHASE_WARMUP);
        loop.clearScratch();
      }
      loop.setHousekeeping(HOUSEKEEPING_INTERVAL_NS, FORCE_HOUSEKEEPING_NS);
      // Seed the planned-GC cost estimate now: forced collections can trigger deopts whose
      // recompiles belong in the warm-up.
      if (plannedGc !== null && config.gc.planned.enabled) plannedGc.calibrate(CALIBRATION_ROUNDS);
      // Its per-frame path compiled now, not in the measured window (the counts reset below).
      plannedGc?.warm();
      // Optimise the statistics-record path on real figures.
      loop.warmStats(warm, STATS_WARM_ROUNDS);
      // Every branch of the pWCET sample buffers, whatever this run's execution times reach.
      warmExecSamples();
      // JIT drives again: a compile of `drive` requested during the warm-up (or the
      // rehearsal) starts at its next call; let that be one of these, not the measured one.
      loop.jitDrives(newJitExecutive, stopFlag);
      // Let the concurrent compiler finish before measurement starts.
      await new Promise<void>((resolveTurn) => setTimeout(resolveTurn, 20));
      (waiter as { resetStats?: () => void }).resetStats?.();
    }
    const outcome: WarmupOutcome = {
      declaredNs: data.warmupNs,
      frames: snap.frames.count,
      durationNs: snap.elapsedNs,
      alarms,
      alarmsByKind: raisedKinds(snap.alarms),
      pauses: loop.warmupPauses(),
      totalNs: clock.nowNs() - warmStartNs,
      stopReason: warm.stopReason,
    };
    port.postMessage({ type: 'warmup-done', warmup: outcome });
  }
  const gc = new GcMonitor();
  let reachedDuration = false;
  let heapBefore = 0;
  let heapAfter = 0;
  let youngBefore = 0;
  let youngAfter = 0;
  if (!stoppedEarly) {
    // Warm-up garbage collected now, not by an incremental mark-compact mid-measurement.
    collectBeforeMeasurement();
    // Zero the governance counts (calibrated after the warm-up) before the monitor starts.
    plannedGc?.reset();
    gc.start();
    port.postMessage({ type: 'measuring' });
    loop.route(PHASE_MEASURING);
    heapBefore = getHeapStatistics().used_heap_size;
    youngBefore = youngGenerationBytes();
    loop.drive(executive, data.durationNs, PHASE_MEASURING);
    youngAfter = youngGenerationBytes();
    heapAfter = getHeapStatistics().used_heap_size;
    reachedDuration = !executive.stopped;
  } else if (warm !== null) {
    // Stopped during the warm-up: its frames are all the evidence there is.
    executive = warm;
  }
  // Back to SCHED_OTHER before the cold end (snapshot, postMessage): nothing left is real-time.
  if (priorityApplied) loadNative()?.setThreadScheduler('other', 0);
  // The loop never yielded: timers of task code that fell due meanwhile run now (a throw
  // there is a crash, posted before `done`), and queued GC observer entries arrive.
  await new Promise<void>((resolveTurn) => setTimeout(resolveTurn, 0));
  await new Promise<void>((resolveTurn) => setImmediate(resolveTurn));
  loop.publishStats(executive, PHASE_FINAL);
  // Both timelines read back to back: the offset is exact to the µs the two reads take.
  const gcToRunNs = clock.nowNs() - performance.now() * 1e6 - loop.originNs;
  port.postMessage({
    type: 'done',
    margin: learner?.summary() ?? null,
    snapshot: executive.snapshot(),
    // Governance travels inside the GC summary (times relative to the run's first release).
    gc: { ...gc.stop(), governance: plannedGc?.summary(loop.originNs) ?? null },
    reachedDuration,
    heap: {
      beforeBytes: heapBefore,
      afterBytes: heapAfter,
      youngBeforeBytes: youngBefore,
      youngAfterBytes: youngAfter,
    },
    gcToRunNs,
    timeOriginMs: performance.timeOrigin,
  });
}

/**
 * The worker's loop and its shared-memory side: preallocated records, the alarm listener,
 * command polling and statistics. One per run.
 *
 * Allocation contract: allocates in the constructor (and the cold `jitDrives`, `warmStats`,
 * `sendTaskErrors`); `drive`, the listener, command polling and `publishStats` allocate
 * nothing once warmed up (the record is filled through the executive's `*Into` accessors:
 * numbers go straight into Float64Arrays). What remains is the clock's: the native clock
 * reads for free, `performance.now()` boxes 16 B per read on Node 20.
 */
class RtLoop {
  private readonly alarms: SpscRing;
  /** Where the listener pushes: a scratch ring while warming up, `alarms` once measuring. */
  private alarmOut: SpscRing;
  /** Warm-up alarms go here (same layout and policy as `alarms`); emptied after each warm-up drive. */
  private readonly scratchAlarms: SpscRing;
  private readonly scratchAlarmBuf: Float64Array;
  /** Trace ring to the main thread (a scratch ring when tracing is off, never read). */
  private readonly trace: SpscRing;
  /** Where trace records go: a scratch ring while warming up, `trace` once measuring. */
  private traceOut: SpscRing;
  private readonly scratchTrace: SpscRing;
  private readonly traceRec = new Float64Array(TR_SIZE);
  private readonly stats: SpscRing;
  private readonly commands: SpscRing;
  private readonly alarmRec = new Float64Array(AL_SIZE);
  private readonly statsRec: Float64Array;
  private readonly cmdRec = new Float64Array(CMD_SIZE);
  /**
   * [phase, alarms delivered this drive, acks, seq, task errors queued, next trace record to
   * forward, 1 while the warm-up's pauses are kept, pauses kept].
   */
  private readonly state = new Float64Array(8);
  /** The warm-up's pauses: (since its first release, length, frame) triples. */
  private readonly warmPauses = new Float64Array(WARMUP_PAUSES_KEPT * 3);
  /** Task errors to describe after a drain: (mode, task, count) triples. */
  private readonly errorQueue = new Int32Array(TASK_ERROR_QUEUE * 3);
  /**
   * [origin ns (measured run's first release), now ns at the last housekeeping, the
   * current drive's duration ns, housekeeping interval ns, forced-housekeeping delay ns].
   * The duration is read back from here rather than used as the argument it arrives as:
   * warm-up durations are small integers (Smis) and the measured one may not be
   * (50k × 200 µs = 10^10 ns), so a comparison on the argument itself speculates "Smi"
   * in the optimised `drive` and deoptimises at the measured call. The intervals are data
   * for the same reason: the rehearsal changes them without taking another branch.
   */
  private readonly times = new Float64Array([0, 0, 0, HOUSEKEEPING_INTERVAL_NS, FORCE_HOUSEKEEPING_NS]);
  private readonly modeNames: readonly string[];
  /** The task module references, to locate a thrown error in the task's own file (cold). */
  private readonly taskRefs: readonly TaskModuleRef[];
  private readonly listener: (a: AlarmRecordView) => void;
  private current: Executive | null = null;
  /** The doorbell (protocol.ts `doorbell`): 1 = rung, not yet answered; null without one. */
  private readonly bell: Int32Array | null;
  /** The `to-main` channel rings, read here for how full they are (`size()`) only. */
  private readonly toMain: readonly SpscRing[];
  /** [when the doorbell last rang, ns]. */
  private readonly bellTimes = new Float64Array([Number.NEGATIVE_INFINITY]);

  constructor(
    private readonly data: RtWorkerData,
    private readonly port: RtPort,
    private readonly clock: Clock,
    config: ResolvedConfig,
    private readonly taskCount: number,
    /** The measured executive's live evidence block (its distributions are refreshed here), or null. */
    private readonly live: Float64Array | null,
    /** The waiter's margin learner (its last margin goes into each record), or null. */
    private readonly learner: MarginLearner | null,
  ) {
    this.alarms = SpscRing.attach(data.alarmRing);
    this.stats = SpscRing.attach(data.statsRing);
    this.commands = SpscRing.attach(data.commandRing);
    this.bell = data.doorbell == null ? null : new Int32Array(data.doorbell);
    // The task modules are loaded: every channel they open exists by now.
    this.toMain = listChannels()
      .filter((c) => c.direction === 'to-main')
      .map((c) => SpscRing.attach(c.buffer));
    this.scratchAlarms = SpscRing.create({
      capacity: this.alarms.capacity,
      recordSize: AL_SIZE,
      overflow: this.alarms.policy,
    });
    this.scratchAlarmBuf = new Float64Array(this.alarms.capacity * AL_SIZE);
    this.alarmOut = this.scratchAlarms;
    const traceCapacity = data.traceCapacity ?? 0;
    this.scratchTrace = SpscRing.create({
      capacity: traceRingCapacity(traceCapacity),
      recordSize: TR_SIZE,
      overflow: 'overwrite',
    });
    this.trace = data.traceRing ? SpscRing.attach(data.traceRing) : this.scratchTrace;
    this.traceOut = this.scratchTrace;
    this.statsRec = new Float64Array(statsRecordSize(taskCount));
    this.modeNames = config.modes.map((m) => m.name);
    this.taskRefs = taskModuleRefs(config);
    const rec = this.alarmRec;
    const state = this.state;
    const times = this.times;
    const queue = this.errorQueue;
    const warmPauses = this.warmPauses;
    // Created once; fills the preallocated record (no allocation per alarm).
    this.listener = (a: AlarmRecordView): void => {
      state[1]!++;
      // Warm-up alarms go to the scratch ring (`route`): the same code, not published.
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
      this.alarmOut.tryPush(rec, 0);
      if (state[6] === 1 && a.kindId === KIND_PAUSE && a.suppressed === 0 && state[7]! < WARMUP_PAUSES_KEPT) {
        const at = state[7]! * 3;
        warmPauses[at] = a.timeNs - origin;
        warmPauses[at + 1] = a.value;
        warmPauses[at + 2] = a.frame;
        state[7]!++;
      }
      const queued = state[4]!;
      if (
        a.kindId === KIND_TASK_ERROR &&
        a.suppressed === 0 &&
        a.taskIndex >= 0 &&
        queued < TASK_ERROR_QUEUE &&
        state[0] !== PHASE_WARMUP
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
    state[5] = 0;
    this.current = executive;
    // First release a lead ahead of now (warmup.ts), not the next frame boundary a frame ahead.
    executive.start(firstReleaseNs(this.clock.nowNs(), executive.frameNs));
    const startNs = executive.nextReleaseNs();
    times[0] = startNs;
    times[2] = durationNs;
    const runNs = times[2]!;
    const endNs = runNs > 0 ? startNs + runNs : Number.POSITIVE_INFINITY;
    // During warm-up, publish at every housekeeping round: it exercises the record path.
    // Both reads on every call: a branch that only the measured drive took would reach
    // optimised code without type feedback and deoptimise it there.
    const statsIntervalNs = this.data.statsIntervalNs;
    const statsEveryNs =
      phase === PHASE_WARMUP ? Math.min(HOUSEKEEPING_INTERVAL_NS, statsIntervalNs) : statsIntervalNs;
    const housekeepingNs = times[3]!;
    const forceAfterNs = times[4]!;
    let nextHousekeepingNs = startNs + housekeepingNs;
    let forceNs = startNs + forceAfterNs;
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
      this.forwardTrace(executive);
      this.ringIfNeeded(nowNs, false);
      if (nowNs >= nextStatsNs) {
        times[1] = nowNs;
        this.publishStats(executive, phase);
        nextStatsNs = nowNs + statsEveryNs;
      }
      nextHousekeepingNs = nowNs + housekeepingNs;
      forceNs = nowNs + forceAfterNs;
    }
    executive.drainAlarms(listener, true);
    if (state[4]! > 0) this.sendTaskErrors(executive);
    this.forwardTrace(executive);
    this.times[1] = this.clock.nowNs();
    // Between drives too: a channel the warm-up filled is drained before the next one starts
    // (and after a warm-up drive the host drains anyway: its poll gets warm too).
    this.ringIfNeeded(this.times[1]!, phase === PHASE_WARMUP);
    this.publishStats(executive, phase);
    return state[1]!;
  }

  /**
   * Rings the doorbell (once until the host answers) when a `to-main` channel is half full
   * or alarms wait in the host's ring (at most every {@link ALARM_BELL_INTERVAL_NS}), or
   * when `force`: the host then drains at once instead of at its next timed poll, every
   * 250 ms. Called at each housekeeping round (every 10 ms, in frame slack) and after each
   * drive (forced after a warm-up drive). Every term is evaluated each time, with no
   * short-circuit, and the forced rings run the rest: the optimised `drive`, which inlines
   * this, meets no branch without type feedback once measuring. Allocation-free.
   */
  private ringIfNeeded(nowNs: number, force: boolean): void {
    const bell = this.bell;
    if (bell === null) return;
    const rung = Atomics.load(bell, 0);
    const sinceBellNs = nowNs - this.bellTimes[0]!;
    const alarmsWaiting = this.alarms.size();
    let fullest = -1;
    const rings = this.toMain;
    for (let i = 0; i < rings.length; i++) {
      const ring = rings[i]!;
      const fill = 2 * ring.size() - ring.capacity;
      if (fill > fullest) fullest = fill;
    }
    const channelHalfFull = fullest >= 0;
    const alarmsDue = alarmsWaiting > 0;
    const bellRested = sinceBellNs >= ALARM_BELL_INTERVAL_NS;
    const unanswered = rung !== 0;
    if (unanswered || !(force || channelHalfFull || (alarmsDue && bellRested))) return;
    this.bellTimes[0] = nowNs;
    Atomics.store(bell, 0, 1);
    Atomics.notify(bell, 0);
  }

  /**
   * Sends where alarms and trace records go: scratch rings for {@link PHASE_WARMUP}, the
   * main thread's rings otherwise. Cold: called between drives, so `drive` and the
   * listener take no branch on the phase for it.
   */
  route(phase: number): void {
    const measuring = phase !== PHASE_WARMUP;
    this.alarmOut = measuring ? this.alarms : this.scratchAlarms;
    this.traceOut = measuring ? this.trace : this.scratchTrace;
  }

  /**
   * JIT drives (warmup.ts): up to `JIT_DRIVES` throw-away executives of `JIT_DRIVE_FRAMES`
   * compressed frames each, stopping once `JIT_BATCH_NS` has passed (slow tasks) or the
   * stop flag is raised. Cold.
   */
  jitDrives(newExecutive: () => Executive, stopFlag: Int32Array): void {
    const endNs = this.clock.nowNs() + JIT_BATCH_NS;
    for (let i = 0; i < JIT_DRIVES && Atomics.load(stopFlag, 0) === 0 && this.clock.nowNs() < endNs; i++) {
      const executive = newExecutive();
      this.drive(executive, JIT_DRIVE_FRAMES * executive.frameNs, PHASE_WARMUP);
      this.clearScratch();
    }
  }

  /** First release of the last drive (the measured run's origin once it ran), ns. */
  get originNs(): number {
    return this.times[0]!;
  }

  /** Starts (true) or ends keeping the pauses the warm-up's drive sees (cold, between drives). */
  collectWarmupPauses(on: boolean): void {
    if (on) this.state[7] = 0;
    this.state[6] = on ? 1 : 0;
  }

  /** The pauses kept while {@link RtLoop.collectWarmupPauses} was on (cold; allocates). */
  warmupPauses(): { atNs: number; lengthNs: number; frame: number }[] {
    const out: { atNs: number; lengthNs: number; frame: number }[] = [];
    const p = this.warmPauses;
    for (let i = 0; i < this.state[7]!; i++)
      out.push({ atNs: Math.round(p[i * 3]!), lengthNs: Math.round(p[i * 3 + 1]!), frame: p[i * 3 + 2]! });
    return out;
  }

  /** Sets the housekeeping interval and the forced-housekeeping delay, ns (cold). */
  setHousekeeping(intervalNs: number, forceNs: number): void {
    this.times[3] = intervalNs;
    this.times[4] = forceNs;
  }

  /** Empties the scratch alarm ring (cold, between warm-up drives). */
  clearScratch(): void {
    const ring = this.scratchAlarms;
    const buf = this.scratchAlarmBuf;
    while (ring.drain(buf, ring.capacity) > 0) {}
  }

  /**
   * Forwards the executive's trace records written since the last call (those it has
   * already overwritten are skipped: newest wins) to `traceOut`, times made relative to
   * the drive's first release. Runs in frame slack; nothing when tracing is off (no
   * record is ever written). Allocation-free: records travel through `traceRec`.
   */
  private forwardTrace(executive: Executive): void {
    const state = this.state;
    const written = executive.traceWritten;
    const rec = this.traceRec;
    const out = this.traceOut;
    const origin = this.times[0]!;
    let seq = Math.max(state[5]!, written - executive.traceCapacity);
    for (; seq < written; seq++) {
      if (!executive.traceRecordInto(seq, rec, 0)) continue;
      rec[TR_START] = rec[TR_START]! - origin;
      rec[TR_END] = rec[TR_END]! - origin;
      rec[TR_FRAME_RELEASE] = rec[TR_FRAME_RELEASE]! - origin;
      rec[TR_FRAME_START] = rec[TR_FRAME_START]! - origin;
      out.tryPush(rec, 0);
    }
    state[5] = seq;
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
        text: describeThrown(error),
        at: error instanceof Error ? (locateInTasks(error.stack ?? null, this.taskRefs)?.at ?? null) : null,
      });
    }
  }

  /**
   * Fills and pushes one statistics record (protocol.ts `REC_*` + the evidence block),
   * using `times[1]` as "now". Called in frame slack and at the end. Allocation-free once
   * optimised (see {@link RtLoop.warmStats}).
   */
  publishStats(executive: Executive, phase: number): void {
    if (executive !== this.current) return;
    const r = this.statsRec;
    const state = this.state;
    state[3]!++;
    r[REC_SEQ] = state[3]!;
    r[REC_PHASE] = phase;
    r[REC_ELAPSED] = this.times[1]! - this.times[0]!;
    r[REC_ACKS] = state[2]!;
    if (this.learner === null) r[REC_MARGIN] = Number.NaN;
    else this.learner.lastMarginInto(r, REC_MARGIN);
    executive.evidenceInto(r, REC_EVIDENCE);
    this.stats.tryPush(r, 0);
    // The measured executive's live block holds its counters already; bring its
    // distributions (and dropped-alarm count) up to this record.
    const live = this.live;
    if (live !== null && phase !== PHASE_WARMUP) {
      live[EV_RUN + RC_ALARMS_DROPPED] = r[REC_EVIDENCE + EV_RUN + RC_ALARMS_DROPPED]!;
      const dqTasks = EV_TASKS + this.taskCount * TS_SIZE;
      for (let i = EV_LATENESS; i < EV_TASKS; i++) live[i] = r[REC_EVIDENCE + i]!;
      for (let i = dqTasks; i < live.length; i++) live[i] = r[REC_EVIDENCE + i]!;
    }
  }

  /**
   * Fills a scratch record `rounds` times from `executive` (not published): V8 optimises
   * code by how much it ran, and the record path runs only a few times a second.
   */
  warmStats(executive: Executive, rounds: number): void {
    const scratch = new Float64Array(this.statsRec.length);
    for (let i = 0; i < rounds; i++) executive.evidenceInto(scratch, REC_EVIDENCE);
  }
}

/** Bytes used in this isolate's young generation (`new_space`): where the loop's allocations land. */
function youngGenerationBytes(): number {
  for (const space of getHeapSpaceStatistics())
    if (space.space_name === 'new_space') return space.space_used_size;
  return 0;
}
