/**
 * Main-thread mode (`thread: 'main'`): the executive runs on the calling thread, one frame
 * per `step()`. Between frames, only when at least {@link HOUSEKEEPING_MIN_SLACK_NS} is
 * left before the next release, it drains alarms, refreshes the evidence record (metrics,
 * live snapshot), tells the status once a second and every {@link YIELD_INTERVAL_NS} yields
 * one event-loop turn (signals, output, GC observer, timers); a frame that never leaves that
 * much slack gets it anyway after {@link FORCE_YIELD_NS}. Warm-up: a throw-away executive on
 * the real clock for the warm-up length, then the alarm rehearsal (warmup.ts), then a fresh
 * measured executive. Watchdog: the stuck thread is this one; the watchdog interrupts it and
 * the report is built right there, from the executive's state, and written synchronously.
 */
import { HardtickError } from '../errors.js';
import { collectBeforeMeasurement } from '../gc/gc-function.js';
import { setUpGcGovernance, startGovernedMeasurement, withGcEvidence } from '../gc/governance.js';
import { GcMonitor } from '../gc/monitor.js';
import { selectClockAndWaiter } from '../native/select.js';
import { applyRealtime } from '../realtime/apply.js';
import { collectEnvironment } from '../report/environment.js';
import type { RunReport } from '../report/run-report.js';
import type { AlarmRecordView, ExecutiveOptions } from '../runtime/index.js';
import {
  Executive,
  evidenceSize,
  KIND_DEADLINE_MISS,
  KIND_OVERRUN,
  KIND_TASK_ERROR,
} from '../runtime/index.js';
import { warmExecSamples } from '../stats/exec-samples.js';
import { guardProcess } from '../tasks/process-guard.js';
import type { Clock } from '../time/clock.js';
import { applyV8Flags, V8_FLAGS } from '../v8-flags.js';
import { Heartbeat } from '../watchdog/heartbeat.js';
import { type StuckEvent, startWatchdog } from '../watchdog/watchdog.js';
import { listChannels } from '../worker/channels.js';
import { crashFromFault, locateInTasks, type TaskModuleRef, taskModuleRefs } from './faults.js';
import { RunLeaseGates } from './lease-gate.js';
import { loadModes, runExecutiveOptions, timerSlackOutcome } from './loop-setup.js';
import { loopTimingFor } from './prepare.js';
import type { RunEnding, RunSession } from './session.js';
import { describeStuck, describeThrown } from './text.js';
import {
  firstReleaseNs,
  REHEARSAL_DRIVE_NS,
  REHEARSAL_DRIVES,
  REHEARSAL_TAIL_NS,
  realWarmupNs,
  rehearsalExecutiveOptions,
  rehearsalModes,
  type WarmupOutcome,
} from './warmup.js';
import { baseWatchdogOptions, stuckEntries } from './watchdog.js';

/** Housekeeping (alarms, status, yield) only runs with at least this much slack before the next release, ns. */
export const HOUSEKEEPING_MIN_SLACK_NS = 500_000;
/** How often the loop yields to the event loop (signals, output, GC observer), ns. */
export const YIELD_INTERVAL_NS = 50_000_000;
/** Housekeeping runs after this long even without enough slack, ns. */
export const FORCE_YIELD_NS = 1_000_000_000;
/** Status period, ns. */
const STATUS_INTERVAL_NS = 1_000_000_000;
/** Steal sampling period (a timer: it fires in the loop's yields), ms. */
const STEAL_SAMPLE_INTERVAL_MS = 50;
/** Steal samples kept around a pause seen: this much either side of when it was seen, ns. */
const STEAL_PIN_PAD_NS = 2_000_000_000;
/** How often the evidence record (metrics, live snapshot) is refreshed, ns. */
const RECORD_INTERVAL_NS = 1_000_000_000;
/** keep-running: a slot still stuck this long after the run should have ended ends it, ns. */
const KEEP_RUNNING_EXIT_AFTER_NS = 2_000_000_000;
/** Record fills after the warm-up, so the record path is optimised. */
const RECORD_WARM_ROUNDS = 300;
/** A lease-gated run's warm-up gate turns over this often (in the loop's yields), ms. */
const WARMUP_GATE_FLIP_MS = 20;

/** Runs `session`'s loop on this thread; resolves to the report. Throws HardtickError on bad input. */
export async function runOnMainThread(session: RunSession): Promise<RunReport> {
  // Before any task module is imported (its top-level code is task code too): a fault of
  // task code on this thread ends the run as crashed, with its report.
  const refs = taskModuleRefs(session.plan.config);
  const unguard = guardProcess((fault) => {
    session.noteCrash(crashFromFault(fault, refs));
    session.stop('crashed');
  });
  try {
    return await runGuarded(session, refs);
  } finally {
    unguard();
  }
}

async function runGuarded(session: RunSession, refs: readonly TaskModuleRef[]): Promise<RunReport> {
  const { plan, options } = session;
  const config = plan.config;
  const modes = await loadModes(config, plan.tables);
  applyV8Flags();
  const { clock, waiter, backend, learner } = selectClockAndWaiter({
    margin: config.waiter,
    ...(options.marginNs === null
      ? {}
      : { native: { marginNs: options.marginNs }, hybrid: { marginNs: options.marginNs } }),
  });
  // Same registry as the task modules (this thread imported them).
  session.hub.add(listChannels());
  // Before the environment is read: it records the policy the loop thread runs with.
  session.realtime = applyRealtime(config.realtime, {
    thread: 'main',
    loop: loopTimingFor(plan.tables, backend.marginNs),
    warn: (line) => session.event('warning', 'warn', line),
  });
  try {
    await session.startMetrics();
    return await new MainThreadRun(session, modes, clock, waiter, backend, learner, refs).run();
  } finally {
    await session.stopMetrics();
    session.realtime.release();
  }
}

/** One main-thread run. */
class MainThreadRun {
  /** The executive running now (warm-up, rehearsal, then measured). */
  private current: Executive | null = null;
  /** The measured executive, once created. */
  private measured: Executive | null = null;
  /** The evidence block refreshed in slack (metrics, live snapshot). */
  private readonly record: Float64Array;
  private readonly gc = new GcMonitor();
  private runStartNs = 0;
  private warmStartNs = 0;
  private stealTimer: NodeJS.Timeout | null = null;
  /** GC governance (config `gc`), or null. */
  private plannedGc: ReturnType<typeof setUpGcGovernance>['plannedGc'] = null;

  constructor(
    private readonly session: RunSession,
    private readonly modes: Awaited<ReturnType<typeof loadModes>>,
    private readonly clock: Clock,
    private readonly waiter: ReturnType<typeof selectClockAndWaiter>['waiter'],
    private readonly backend: ReturnType<typeof selectClockAndWaiter>['backend'],
    private readonly learner: ReturnType<typeof selectClockAndWaiter>['learner'],
    private readonly taskRefs: readonly TaskModuleRef[],
  ) {
    this.record = new Float64Array(evidenceSize(session.plan.taskCount));
  }

  async run(): Promise<RunReport> {
    const { session, clock, waiter, backend, modes } = this;
    const { plan, options } = session;
    const config = plan.config;
    const realtime = session.realtime!;
    const slack = timerSlackOutcome(realtime.steps);
    const loopClock = backend.clock.startsWith('native') ? 'monotonic' : 'performance';
    // Watchdog and lease: this thread writes them, so it creates them.
    const heartbeat =
      config.watchdog === null
        ? undefined
        : Heartbeat.create({ taskNames: modes.flatMap((m) => m.tasks.map((t) => t.name)), clock: loopClock });
    const gates = RunLeaseGates.create(config, options.lease, loopClock);
    const lease = gates.guard;
    // GC governance on this isolate (the loop's heap), before any executive exists.
    const { plannedGc } = setUpGcGovernance(config.gc, clock);
    this.plannedGc = plannedGc;
    const base = runExecutiveOptions(config, {
      clock,
      waiter,
      modes,
      initialMode: plan.initialMode,
      traceCapacity: options.traceCapacity,
      ...(lease === undefined ? {} : { lease }),
      ...(plannedGc === null ? {} : { slackHook: plannedGc }),
    });
    // The heartbeat: every executive of the run but the rehearsal's writes it.
    const withHeartbeat: ExecutiveOptions = heartbeat === undefined ? base : { ...base, heartbeat };
    session.stopLoop = () => this.current?.requestStop();
    session.liveGc = () => this.gc.summary();
    let watchdog = null;
    try {
      if (heartbeat !== undefined) {
        watchdog = this.startWatchdog(heartbeat);
        // No release before the watchdog watches (its fail-safe loaded).
        try {
          await watchdog.ready;
        } catch (error) {
          throw error instanceof HardtickError
            ? error
            : new HardtickError('watchdog_failsafe_invalid', `watchdog: ${String(error)}`);
        }
      }
      // The loop is ready once its watchdog (if any) watches: its first release follows.
      session.loopReady({
        clock: backend.clock,
        waiter: backend.waiter,
        marginNs: backend.marginNs,
        backend,
        slackApplied: slack.applied,
        slackReason: slack.reason,
        frameNs: plan.tables[plan.initialMode]!.frameNs,
        threadSteps: [],
        environment: {
          ...collectEnvironment({
            clock: backend.clock,
            waiter: backend.waiter,
            waiterMarginNs: backend.marginNs,
            timerSlackApplied: slack.applied,
            v8Flags: V8_FLAGS,
            backend,
          }),
          thread: 'main',
        },
        leaseGuard: lease ?? null,
      });
      const warmupNs = session.warmupNs();
      this.warmStartNs = clock.nowNs();
      if (warmupNs > 0 && session.stopNote === null) {
        const warm = new Executive({ ...withHeartbeat, phase: 'warmup', ...gates.warmup() });
        this.current = warm;
        // The real loop for the warm-up but the rehearsal after it (a lease-gated run's warm-up
        // gate turns over in its yields: standby frames are warmed too).
        const flip = gates.gated ? setInterval(() => gates.flip(), WARMUP_GATE_FLIP_MS) : null;
        const alarms = await this.drive(warm, realWarmupNs(warmupNs, 0, REHEARSAL_TAIL_NS), false);
        if (flip !== null) clearInterval(flip);
        const snap = warm.snapshot();
        const stoppedBy = session.stopNote ?? (warm.stopped ? warm.stopReason : null);
        if (stoppedBy === null) {
          // Alarm rehearsal, as in worker mode: the alarm, catch-up and policy branches run
          // optimised code when the measured loop first meets them.
          const rehearsal = rehearsalModes(modes);
          for (let i = 0; i < REHEARSAL_DRIVES && session.stopNote === null; i++) {
            const r = new Executive(
              rehearsalExecutiveOptions(
                {
                  clock,
                  waiter,
                  modes: rehearsal,
                  initialMode: plan.initialMode,
                  catchUp: config.catchUp,
                  traceCapacity: options.traceCapacity,
                  ...gates.rehearsal(),
                },
                i,
              ),
            );
            this.current = r;
            await this.drive(r, REHEARSAL_DRIVE_NS, false);
          }
          // Optimise the record path on real figures before measurement.
          const scratch = new Float64Array(this.record.length);
          for (let i = 0; i < RECORD_WARM_ROUNDS; i++) warm.evidenceInto(scratch, 0);
          warmExecSamples();
          (waiter as { resetStats?: () => void }).resetStats?.();
        } else {
          this.measured = warm;
        }
        const outcome: WarmupOutcome = {
          declaredNs: warmupNs,
          frames: snap.frames.count,
          durationNs: snap.elapsedNs,
          alarms,
          totalNs: clock.nowNs() - this.warmStartNs,
          stopReason: warm.stopReason,
        };
        session.warmupDone(outcome, stoppedBy);
      }
      if (session.warmupStopNote === null && session.stopNote === null) {
        const measured = new Executive({ ...withHeartbeat, phase: 'measure', ...gates.measured() });
        this.measured = measured;
        this.current = measured;
        session.requestLoopMode = (index) => measured.requestMode(config.modes[index]!.name);
        // Warm-up garbage collected now, not by an incremental mark-compact mid-measurement.
        collectBeforeMeasurement();
        startGovernedMeasurement(plannedGc, config.gc.planned.enabled);
        this.gc.start();
        this.startSteal();
        session.measuring(session.steal.readNow());
        await this.drive(measured, options.durationNs, true);
      }
    } finally {
      if (this.stealTimer !== null) clearInterval(this.stealTimer);
      session.stopLoop = null;
      session.requestLoopMode = null;
      await watchdog?.stop();
    }
    // Let queued GC observer entries arrive before reading them.
    await new Promise<void>((resolveTurn) => setImmediate(resolveTurn));
    const wd = session.watchdog;
    return session.finish(
      this.ending(null, {
        // keep-running: every stuck event (the loop came back from each), exit code as configured.
        ...(wd === null || wd.stuckEvents.length === 0
          ? {}
          : { stuck: stuckEntries(wd), exitCode: config.watchdog?.exitCode ?? 1 }),
      }),
    );
  }

  /** Steal sampling in the loop's yields while measuring (executive clock). */
  private startSteal(): void {
    const session = this.session;
    session.steal.sample(this.clock.nowNs());
    let pinned = 0;
    this.stealTimer = setInterval(() => {
      const nowNs = this.clock.nowNs();
      session.steal.sample(nowNs);
      // Keep the samples around each pause seen (its alarm was drained in this turn).
      for (; pinned < session.pauseSightings.length; pinned++) {
        const p = session.pauseSightings[pinned]!;
        session.steal.pin(nowNs - p.lengthNs - STEAL_PIN_PAD_NS, nowNs + STEAL_PIN_PAD_NS);
      }
    }, STEAL_SAMPLE_INTERVAL_MS);
  }

  /**
   * The watchdog of a main-thread run. The stuck thread is this one: with `onStuck:
   * "end-run"` the watchdog interrupts it and, with the stuck task still on its stack, the
   * report is built from the executive's state and written (`beforeExit`), then the process
   * exits with the configured code. A thread blocked outside JavaScript takes no interrupt:
   * the watchdog then writes a minimal `hardtick.stuck/v1` file and sends SIGKILL.
   */
  private startWatchdog(heartbeat: Heartbeat) {
    const session = this.session;
    const config = session.plan.config;
    const wd = config.watchdog!;
    const endRun = wd.onStuck === 'end-run';
    // keep-running: a slot still stuck when the run should have ended (warm-up and duration
    // from now, and the same allowance as worker mode) ends it as end-run would at once.
    const durationNs = session.options.durationNs;
    const exitAtNs =
      endRun || durationNs === 0
        ? undefined
        : this.clock.nowNs() + session.warmupNs() + durationNs + KEEP_RUNNING_EXIT_AFTER_NS;
    let told = 0;
    const watchdog = startWatchdog({
      ...baseWatchdogOptions(session, heartbeat.buffer),
      exitCode: endRun || exitAtNs !== undefined ? (wd.exitCode ?? 1) : null,
      ...(exitAtNs === undefined ? {} : { exitAtNs }),
      interruptMain: true,
      beforeExit: (event, code) => {
        if (event.ordinal > told) session.event('stuck', 'warn', describeStuck(event));
        session.finish(this.ending(event, { stuck: stuckEntries(watchdog), exitCode: code }));
      },
      ...(session.options.reportFile === null
        ? {}
        : {
            fallbackReport: {
              file: session.options.reportFile,
              fields: { config: { name: config.name, file: config.file }, thread: 'main' },
            },
          }),
      // keep-running: told when this thread yields again.
      onStuck: (event) => {
        told = event.ordinal;
        if (session.measuringAt === null) session.warmupStuck++;
        session.event('stuck', 'warn', describeStuck(event));
      },
    });
    session.watchdog = watchdog;
    return watchdog;
  }

  /**
   * The ending from the executive's state now: after the run (`stuckEvent` null), or from
   * the watchdog's interrupt while a task of the current executive is still on this stack:
   * then the hung slot counts as a censored execution up to the verdict and the releases up
   * to it as cut off.
   */
  private ending(stuckEvent: StuckEvent | null, extra: Pick<RunEnding, 'stuck' | 'exitCode'>): RunEnding {
    const session = this.session;
    const stuck = stuckEvent !== null;
    const measuring = session.measuringAt !== null;
    const source = stuck ? (this.current ?? this.measured) : this.measured;
    const snapshot =
      source === null
        ? session.emptySnapshot()
        : stuckEvent !== null
          ? source.snapshotAtEnding({ endNs: stuckEvent.detectedNs, hungStartNs: stuckEvent.startNs })
          : source.snapshot();
    // While stuck the drive never returned: its origin is the executive's first release.
    if (stuck) this.runStartNs = snapshot.startNs ?? 0;
    // Both timelines read back to back (loop.ts `gcToRunNs`): GC entries → run time.
    const gcToRunNs = this.clock.nowNs() - performance.now() * 1e6 - this.runStartNs;
    if (measuring) session.steal.sample(this.clock.nowNs());
    const gcSummary = this.gc.stop();
    const pauses = session.attributePauses({
      count: snapshot.alarms.pause,
      gcEvents: gcSummary.events,
      gcToRunNs,
      stealSamples: session.steal
        .samples()
        .map((x) => ({ atNs: x.atNs - this.runStartNs, stealNs: x.stealNs })),
      stealAtEndNs: session.steal.readNow(),
    });
    const originNs = snapshot.startNs ?? 0;
    const traced = session.options.traceCapacity > 0 && source !== null;
    return {
      snapshot,
      margin: this.learner?.summary() ?? null,
      gc: withGcEvidence(gcSummary, {
        governance: this.plannedGc?.summary(this.runStartNs) ?? null,
        sightings: session.missSightings.list(),
        gcToRunNs,
      }),
      pauses,
      stopReason: stuck
        ? measuring
          ? 'stuck'
          : 'stuck (during warm-up)'
        : (session.warmupStopNote ??
          session.stopNote ??
          (this.measured?.stopped === true ? snapshot.stopReason : 'duration')),
      trace: traced
        ? source.trace().map((r) => ({
            ...r,
            startNs: r.startNs - originNs,
            endNs: r.endNs - originNs,
            frameReleaseNs: r.frameReleaseNs - originNs,
            frameStartNs: r.frameStartNs - originNs,
          }))
        : null,
      evidence: { source: source === null ? 'none' : 'final', thread: 'main' },
      ...extra,
    };
  }

  /**
   * Runs `executive` from a lead ahead of now for `durationNs` (0: until stopped), doing the
   * housekeeping in frame slack. `measured` false: alarms are only counted (warm-up).
   * Returns the alarm records delivered (summaries included).
   */
  private async drive(executive: Executive, durationNs: number, measured: boolean): Promise<number> {
    const { session, clock } = this;
    let alarms = 0;
    executive.start(firstReleaseNs(clock.nowNs(), executive.frameNs));
    const startNs = executive.nextReleaseNs();
    if (measured) this.runStartNs = startNs;
    const endNs = durationNs > 0 ? startNs + durationNs : Number.POSITIVE_INFINITY;
    const listener = (a: AlarmRecordView): void => {
      alarms++;
      if (!measured) return;
      const thrown = a.kind === 'task-error' && a.taskIndex >= 0 && a.suppressed === 0;
      const error = thrown ? executive.lastError(a.taskIndex, a.mode) : undefined;
      const text = thrown ? describeThrown(error) : null;
      session.alarm({ ...a, sinceStartNs: a.timeNs - startNs }, text);
      if (text !== null) {
        const at = error instanceof Error ? locateInTasks(error.stack ?? null, this.taskRefs) : null;
        session.noteTaskError(a.modeIndex, a.taskIndex, text, at?.at ?? null, a.frame);
      }
    };
    let nextYieldNs = startNs + YIELD_INTERVAL_NS;
    let forceNs = startNs + FORCE_YIELD_NS;
    let nextStatusNs = startNs + STATUS_INTERVAL_NS;
    let nextRecordNs = startNs;
    while (!executive.stopped && executive.nextReleaseNs() < endNs) {
      executive.step(endNs);
      const nowNs = clock.nowNs();
      if (nowNs < nextYieldNs) continue;
      if (executive.nextReleaseNs() - nowNs < HOUSEKEEPING_MIN_SLACK_NS && nowNs < forceNs) continue;
      executive.drainAlarms(listener);
      session.pollChannels();
      if (measured && nowNs >= nextRecordNs) {
        // µs of work through allocation-free accessors (not `snapshot()`).
        executive.evidenceInto(this.record, 0);
        session.keepEvidence(this.record, 0);
        nextRecordNs = nowNs + RECORD_INTERVAL_NS;
      }
      if (measured && nowNs >= nextStatusNs) {
        // O(1) counters and one histogram scan: `snapshot()` would take longer than a frame's slack.
        const lateness = executive.latenessHistogram;
        const frames = executive.framesRun;
        session.status({
          elapsedNs: nowNs - startNs,
          frames,
          overruns: executive.alarmTotal(KIND_OVERRUN),
          misses: executive.alarmTotal(KIND_DEADLINE_MISS),
          errors: executive.alarmTotal(KIND_TASK_ERROR),
          skipped: executive.frameIndex - frames,
          notRun: executive.notRunTotal,
          lateP99Ns: lateness.valueAtQuantile(0.99),
          marginNs: this.learner?.lastMarginNs ?? null,
          lateMaxNs: lateness.maxNs,
          mode: executive.modeName,
        });
        nextStatusNs +=
          STATUS_INTERVAL_NS * Math.max(1, Math.ceil((nowNs - nextStatusNs) / STATUS_INTERVAL_NS));
      }
      // One event-loop turn: signal handlers (→ requestStop, honoured by the next step),
      // output, the GC observer, timers.
      await new Promise<void>((resolveTurn) => setImmediate(resolveTurn));
      const afterNs = clock.nowNs();
      nextYieldNs = afterNs + YIELD_INTERVAL_NS;
      forceNs = afterNs + FORCE_YIELD_NS;
    }
    executive.drainAlarms(listener, true);
    session.pollChannels();
    if (measured) {
      executive.evidenceInto(this.record, 0);
      session.keepEvidence(this.record, 0);
      for (const line of session.channelSummaryLines()) session.event('channel-summary', 'info', line);
    }
    return alarms;
  }
}
