/**
 * Worker mode (the default): the loop runs in a dedicated worker thread (loop.ts) and this
 * thread only hosts it. It applies the process-wide real-time steps, creates the shared
 * memory (protocol.ts), starts the worker with the config and tables planned once, and
 * every {@link HOST_POLL_INTERVAL_MS}, and whenever the loop rings its doorbell, drains the
 * alarm, trace and stats rings into the session
 * (alarms, the once-a-second status, the latest evidence). It never blocks. Stop: the
 * shared stop flag, read by the executive before every frame. End: the worker's final
 * snapshot and GC summary; a stuck loop (watchdog) or a crashed worker ends the run from
 * here, with the loop's last published evidence.
 */
import { HardtickError } from '../errors.js';
import { withGcEvidence } from '../gc/governance.js';
import { emptyGcSummary } from '../gc/monitor.js';
import { LeaseGuard } from '../lease/guard.js';
import { SpscRing } from '../memory/spsc-ring.js';
import type { ScheduleTable } from '../plan/types.js';
import { applyRealtime } from '../realtime/apply.js';
import type { RunReportCrash } from '../report/faults.js';
import type { RunReport } from '../report/run-report.js';
import {
  ALARM_KINDS,
  EV_LATENESS,
  EV_RUN,
  evidenceSize,
  KIND_DEADLINE_MISS,
  KIND_OVERRUN,
  KIND_TASK_ERROR,
  RC_FRAMES_RUN,
  RC_FRAMES_SKIPPED,
  RC_KIND_TOTALS,
  RC_MODE,
  RC_NOT_RUN_CATCH_UP,
  RC_NOT_RUN_CUT_OFF,
  RC_NOT_RUN_PAUSE,
  RC_NOT_RUN_POLICY,
  RC_NOT_RUN_UNAVAILABLE,
} from '../runtime/index.js';
import { DQ_MAX, DQ_P99 } from '../stats/distribution.js';
import { startWorker } from '../tasks/worker-start.js';
import { applyV8Flags } from '../v8-flags.js';
import {
  emptySnapshot as emptyHeartbeat,
  Heartbeat,
  STATE_RUNNING,
  sharedNowNs,
} from '../watchdog/heartbeat.js';
import { type StuckEvent, startWatchdog } from '../watchdog/watchdog.js';
import { CRASH_EXIT_CODE, crash } from './faults.js';
import { expectedMarginNs, loopTimingFor } from './prepare.js';
import { endWorkerOrProcess, signalExitCode, stopSignalOf } from './process-end.js';
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
  REC_ELAPSED,
  REC_EVIDENCE,
  REC_MARGIN,
  REC_PHASE,
  type RtWorkerData,
  type RtWorkerMessage,
  STATS_RING_CAPACITY,
  statsRecordSize,
  TR_END,
  TR_FLAGS,
  TR_FRAME,
  TR_FRAME_RELEASE,
  TR_FRAME_START,
  TR_MODE,
  TR_SIZE,
  TR_START,
  TR_TASK,
  traceRingCapacity,
} from './protocol.js';
import type { RunEnvironmentWithThread, RunSession } from './session.js';
import { TraceCollector } from './trace.js';
import { stuckEntries, workerWatchdogOptions } from './watchdog.js';

/**
 * How often this thread drains the loop's rings (alarms, trace, statistics, the channels)
 * on a timer, ms. Between two timed polls the loop rings the doorbell (protocol.ts
 * `doorbell`) when a `to-main` channel is half full or alarms wait, and this thread drains
 * at once. Each drain wakes this thread and runs cold code (~0.2–0.3 ms on a 2-vCPU VM):
 * at 20 a second, as when a 1 ms loop was drained every 50 ms whether it needed it or not,
 * that was ~0.5 % of a core.
 */
export const HOST_POLL_INTERVAL_MS = 250;
/**
 * How often the worker publishes a statistics record (and refreshes the distributions of
 * its live evidence block: what a stuck or crashed run's quantiles are as old as), ns.
 */
export const STATS_INTERVAL_NS = 50_000_000;
/** keep-running: a loop still stuck this long after the run should have ended ends it as stuck, ms. */
const STUCK_EXIT_AFTER_MS = 2000;
/** keep-running: how often a run past that deadline looks again for a stuck slot, ms. */
const KEEP_RUNNING_RECHECK_MS = 100;
/**
 * After a stop request, the loop has this long (or {@link STOP_GRACE_FRAMES} frames, if
 * longer) to come back before the run is ended without it, ms.
 */
export const STOP_GRACE_MS = 1000;
/** See {@link STOP_GRACE_MS}. */
export const STOP_GRACE_FRAMES = 2;
/** The same before the loop is ready (its task modules may take a while to load), ms. */
export const SETUP_STOP_GRACE_MS = 5000;
/** Status period, ms (this thread's clock; the figures and their seconds come from one record). */
const STATUS_INTERVAL_MS = 1000;
/** Steal samples kept around a pause seen: this much either side of its alarm's arrival, ns. */
const STEAL_PIN_PAD_NS = 2_000_000_000;

/** `Atomics.waitAsync` (Node ≥ 16; ES2024, past this project's `lib` setting). */
const atomicsWaitAsync = (
  Atomics as unknown as {
    waitAsync(
      a: Int32Array,
      index: number,
      value: number,
    ): { async: true; value: Promise<string> } | { async: false; value: string };
  }
).waitAsync.bind(Atomics);

/** Now on the epoch timeline, ns: comparable across threads (each has its own `timeOrigin`). */
function epochNowNs(): number {
  return (TIME_ORIGIN_MS + performance.now()) * 1e6;
}
/** This thread's `performance.timeOrigin`, ms: constant, and its getter is not cheap (a poll read it each time). */
const TIME_ORIGIN_MS = performance.timeOrigin;

/** How the worker ended, as seen from here. */
type WorkerEnd =
  | { readonly kind: 'done'; readonly message: Extract<RtWorkerMessage, { type: 'done' }> }
  | { readonly kind: 'stuck'; readonly event: StuckEvent; readonly failSafe: string }
  | { readonly kind: 'setup-error'; readonly message: Extract<RtWorkerMessage, { type: 'setup-error' }> }
  | {
      readonly kind: 'crashed';
      /** What ended the run, named (faults.ts). */
      readonly crash: RunReportCrash;
      readonly exitCode: number;
      /** When this thread saw it, ns on the loop's clock (the end of the run). */
      readonly atLoopNs: number;
    };

/** A watchdog that could not start, as the HardtickError the run rejects with. */
function asWatchdogError(error: unknown): HardtickError {
  return error instanceof HardtickError
    ? error
    : new HardtickError('watchdog_failsafe_invalid', `watchdog: ${String(error)}`);
}

/**
 * Capacity of the trace ring in worker mode, records: what `--trace n` keeps, and at least
 * twice what the loop can push between two drains (a record per slot, over the hyperperiods
 * a poll interval touches), so that this thread sees every overrun record before the ring
 * (newest wins) writes over it.
 */
export function hostTraceCapacity(
  traceCapacity: number,
  tables: readonly Pick<ScheduleTable, 'hyperperiodNs' | 'slotCount'>[],
): number {
  const pollNs = HOST_POLL_INTERVAL_MS * 1e6;
  let perPoll = 0;
  for (const t of tables)
    perPoll = Math.max(perPoll, (Math.ceil(pollNs / t.hyperperiodNs) + 1) * t.slotCount);
  return traceRingCapacity(Math.max(traceCapacity, 2 * perPoll));
}

/** Runs `session`'s loop in a worker; resolves to the report. Throws HardtickError on bad input. */
export async function runInWorker(session: RunSession): Promise<RunReport> {
  const { plan, options } = session;
  const config = plan.config;
  const stopFlag = new SharedArrayBuffer(4);
  const traceCapacity = options.traceCapacity;
  const rings = {
    alarms: SpscRing.create({ capacity: ALARM_RING_CAPACITY, recordSize: AL_SIZE }),
    stats: SpscRing.create({
      capacity: STATS_RING_CAPACITY,
      recordSize: statsRecordSize(plan.taskCount),
      overflow: 'overwrite',
    }),
    commands: SpscRing.create({ capacity: COMMAND_RING_CAPACITY, recordSize: CMD_SIZE }),
    trace:
      traceCapacity > 0
        ? SpscRing.create({
            capacity: hostTraceCapacity(traceCapacity, plan.tables),
            recordSize: TR_SIZE,
            overflow: 'overwrite',
          })
        : null,
  };
  const data: RtWorkerData = {
    config,
    tables: plan.tables,
    durationNs: options.durationNs,
    warmupNs: session.warmupNs(),
    marginNs: options.marginNs ?? -1,
    statsIntervalNs: STATS_INTERVAL_NS,
    stopFlag,
    alarmRing: rings.alarms.buffer,
    statsRing: rings.stats.buffer,
    liveEvidence: new SharedArrayBuffer(evidenceSize(plan.taskCount) * Float64Array.BYTES_PER_ELEMENT),
    commandRing: rings.commands.buffer,
    traceCapacity,
    traceRing: rings.trace?.buffer ?? null,
    watchdogGo: config.watchdog === null ? null : new SharedArrayBuffer(4),
    lease: options.lease,
    doorbell: new SharedArrayBuffer(4),
  };
  // Process-wide real-time steps (latency device, memory lock) and the throttling check,
  // before the worker exists; the worker applies its thread's steps itself.
  session.realtime = applyRealtime(config.realtime, {
    thread: 'worker',
    loop: loopTimingFor(plan.tables, expectedMarginNs(options.marginNs)),
    warn: (line) => session.event('warning', 'warn', line),
  });
  try {
    await session.startMetrics();
    return await new WorkerHost(session, data, rings, new Int32Array(stopFlag)).run();
  } finally {
    await session.stopMetrics();
    session.realtime.release();
  }
}

/** One worker run, seen from the host thread. */
class WorkerHost {
  private readonly alarmRec = new Float64Array(AL_SIZE);
  private readonly statsRec: Float64Array;
  /** The latest record (the session reads its evidence block). */
  private readonly latest: Float64Array;
  private haveStats = false;
  private nextStatusAtMs = Number.POSITIVE_INFINITY;
  private readonly traceKept: TraceCollector;
  /** Task-error messages by `mode:task:count` (they travel by postMessage, maybe a poll later). */
  private readonly errorTexts = new Map<string, { readonly text: string; readonly at: string | null }>();
  /** The loop's heartbeat (watchdog), read to name a task that does not return. */
  private heartbeat: Heartbeat | null = null;
  /** Task-error alarms waiting one poll for their message. */
  private deferred: { fields: Parameters<RunSession['alarm']>[0]; key: string }[] = [];
  /** The loop's clock as this thread reads it (set once the worker is ready): for a crash's time. */
  private loopNowNs: () => number = () => Number.NaN;

  constructor(
    private readonly session: RunSession,
    private readonly data: RtWorkerData,
    private readonly rings: {
      readonly alarms: SpscRing;
      readonly stats: SpscRing;
      readonly commands: SpscRing;
      readonly trace: SpscRing | null;
    },
    private readonly stopFlag: Int32Array,
  ) {
    this.statsRec = new Float64Array(rings.stats.recordSize);
    this.latest = new Float64Array(rings.stats.recordSize);
    this.traceKept = new TraceCollector(session.options.traceCapacity, TR_SIZE, {
      frame: TR_FRAME,
      mode: TR_MODE,
      task: TR_TASK,
      start: TR_START,
      end: TR_END,
      flags: TR_FLAGS,
      frameRelease: TR_FRAME_RELEASE,
      frameStart: TR_FRAME_START,
    });
  }

  async run(): Promise<RunReport> {
    const session = this.session;
    // V8 flags before the worker's isolate (and its heap) exists: flags are process-wide.
    applyV8Flags();
    const worker = startWorker(import.meta.url, 'rt-worker', { workerData: this.data, name: 'hardtick-rt' });
    let workerExited = false;
    worker.once('exit', () => {
      workerExited = true;
    });
    let endStuck: ((event: StuckEvent, failSafe: string) => void) | null = null;
    let armStopTimer: ((why?: string) => void) | null = null;
    let watchdogFailed: HardtickError | null = null;
    if (this.data.watchdogGo != null) {
      // Its thread starts (and loads the fail-safe) while the loop thread sets up; it gets
      // the heartbeat the loop creates with the loop's `ready`.
      const fail = (error: unknown): void => {
        watchdogFailed = asWatchdogError(error);
        Atomics.store(this.stopFlag, 0, 1);
      };
      try {
        session.watchdog = startWatchdog(
          workerWatchdogOptions(session, null, (event, failSafe) => endStuck?.(event, failSafe)),
        );
        session.watchdog.ready.then(() => {}, fail);
      } catch (error) {
        fail(error);
      }
    }
    session.stopLoop = () => {
      Atomics.store(this.stopFlag, 0, 1);
      // keep-running: a loop still stuck cannot read the stop flag; end the run as stuck.
      const open = this.openStuckEvent();
      if (open !== null) endStuck?.(open, this.failSafeText(open.ordinal));
      armStopTimer?.();
    };
    session.requestLoopMode = (index) => {
      const cmd = new Float64Array(CMD_SIZE);
      cmd[CMD_KIND] = CMD_MODE;
      cmd[CMD_ARG] = index;
      this.rings.commands.tryPush(cmd, 0);
    };
    const poll = setInterval(() => this.poll(false), HOST_POLL_INTERVAL_MS);
    const doorbell = this.answerDoorbell();
    let stuckTimer: NodeJS.Timeout | null = null;
    let stopTimer: NodeJS.Timeout | null = null;
    let end: WorkerEnd;
    try {
      end = await new Promise<WorkerEnd>((resolveEnd) => {
        let result: WorkerEnd | null = null;
        endStuck = (event, failSafe) => {
          // The loop may never come back: end the run now, from this thread.
          if (result !== null && result.kind !== 'crashed') return;
          result = { kind: 'stuck', event, failSafe };
          resolveEnd(result);
          // terminate() stops a spinning worker (V8 TerminateExecution interrupts loops);
          // one blocked in a system call is dealt with once the report is written.
          void worker.terminate();
        };
        // A stop the loop does not answer (a task blocked outside JavaScript never lets it
        // read the flag): the run ends without it, from what it last published.
        armStopTimer = (why?: string) => {
          if (stopTimer !== null || result !== null) return;
          const graceMs = session.ready === null ? SETUP_STOP_GRACE_MS : this.stopGraceMs();
          stopTimer = setTimeout(() => {
            if (result !== null) return;
            const signal = stopSignalOf(session.stopNote);
            result = {
              kind: 'crashed',
              crash: this.unresponsiveCrash(graceMs, why),
              exitCode: signal === null ? CRASH_EXIT_CODE : signalExitCode(signal),
              atLoopNs: this.loopNowNs(),
            };
            resolveEnd(result);
          }, graceMs);
        };
        if (session.stopNote !== null) session.stopLoop?.();
        const armKeepRunningDeadline = (afterMs: number): void => {
          if (stuckTimer !== null) clearTimeout(stuckTimer);
          // keep-running: a loop still stuck when the run should be over ends as stuck. A slot
          // not yet stuck then (its grace still running, or the watchdog thread not yet
          // scheduled on a loaded machine) is looked at again until it is, or the loop ends.
          // No stuck slot at all (a loop merely late, or stuck where no heartbeat is written):
          // it is asked to stop, and one that does not answer ends as unresponsive.
          let stopAsked = false;
          const check = (): void => {
            const open = this.openStuckEvent();
            if (open !== null) {
              endStuck?.(open, this.failSafeText(open.ordinal));
              return;
            }
            if (!stopAsked) {
              stopAsked = true;
              Atomics.store(this.stopFlag, 0, 1);
              armStopTimer?.('the end of its run');
            }
            stuckTimer = setTimeout(check, KEEP_RUNNING_RECHECK_MS);
          };
          stuckTimer = setTimeout(check, afterMs);
        };
        const keepRunning =
          session.options.durationNs > 0 && session.plan.config.watchdog?.onStuck === 'keep-running';
        worker.on('message', (message: RtWorkerMessage) => {
          switch (message.type) {
            case 'ready': {
              const info = message.info;
              // The native clock is CLOCK_MONOTONIC in every thread; `performance.now()` is the
              // worker's own, read here through both time origins.
              this.loopNowNs = info.backend.clock.startsWith('native')
                ? sharedNowNs
                : () => (performance.timeOrigin + performance.now() - info.timeOriginMs) * 1e6;
              // The loop is ready once its watchdog (if any) watches: its first release follows.
              const announce = (): void => {
                if (result !== null) return;
                session.loopReady({
                  clock: info.clock,
                  waiter: info.waiter,
                  marginNs: info.marginNs,
                  backend: info.backend,
                  slackApplied: info.slackApplied,
                  slackReason: info.slackReason,
                  frameNs: info.frameNs,
                  threadSteps: info.realtimeSteps,
                  environment: info.environment as RunEnvironmentWithThread,
                  leaseGuard: info.leaseGuard === null ? null : LeaseGuard.attach(info.leaseGuard),
                });
              };
              if (info.heartbeat === null || this.data.watchdogGo == null) announce();
              else {
                const go = new Int32Array(this.data.watchdogGo);
                const watchdog = session.watchdog;
                if (watchdog === null) break; // it could not start: the run is stopping
                this.heartbeat = Heartbeat.attach(info.heartbeat);
                watchdog.watch(info.heartbeat);
                // Warm-up and measurement together must fit the run's end, stuck or not.
                if (keepRunning) armKeepRunningDeadline(this.runDeadlineMs(true));
                watchdog.ready.then(
                  () => {
                    announce();
                    Atomics.store(go, 0, 1);
                    Atomics.notify(go, 0);
                  },
                  () => {}, // said where it started
                );
              }
              break;
            }
            case 'channels':
              session.hub.add(message.channels);
              break;
            case 'warmup-done':
              session.warmupDone(message.warmup, message.warmup.stopReason);
              break;
            case 'measuring':
              session.steal.sample(epochNowNs());
              session.measuring(session.steal.readNow());
              this.nextStatusAtMs = performance.now() + STATUS_INTERVAL_MS;
              if (keepRunning) armKeepRunningDeadline(this.runDeadlineMs(false));
              break;
            case 'task-error':
              this.errorTexts.set(`${message.mode}:${message.task}:${message.count}`, {
                text: message.text,
                at: message.at,
              });
              break;
            case 'crash':
              // The worker stops its loop itself; should it not come back, the stop timer ends the run.
              session.noteCrash(message.crash);
              armStopTimer?.();
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
            crash: crash(
              'worker-error',
              error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error),
            ),
            exitCode: CRASH_EXIT_CODE,
            atLoopNs: this.loopNowNs(),
          };
        });
        worker.on('exit', (code) => {
          resolveEnd(
            result ?? {
              kind: 'crashed',
              crash: crash(
                'process-exit',
                `the real-time worker exited with code ${code} before the end of the run`,
              ),
              exitCode: CRASH_EXIT_CODE,
              atLoopNs: this.loopNowNs(),
            },
          );
        });
      });
    } finally {
      clearInterval(poll);
      doorbell.stop();
      if (stuckTimer !== null) clearTimeout(stuckTimer);
      if (stopTimer !== null) clearTimeout(stopTimer);
      armStopTimer = null;
      session.stopLoop = null;
      session.requestLoopMode = null;
      await session.watchdog?.stop();
    }
    this.poll(true);
    if (end.kind === 'setup-error') {
      throw new HardtickError(end.message.code, end.message.message, { issues: end.message.issues });
    }
    if (watchdogFailed !== null) {
      endWorkerOrProcess(worker, workerExited, 2, null);
      throw watchdogFailed;
    }
    const report = this.finish(end);
    // A loop worker that will not end (blocked in a system call) would keep the process
    // from ever exiting: it ends with the report's exit code once it is written.
    if (end.kind !== 'done') {
      endWorkerOrProcess(worker, workerExited, report.exitCode, stopSignalOf(session.stopNote));
    }
    return report;
  }

  /**
   * Drains whenever the loop rings the doorbell: waits for it with `Atomics.waitAsync`
   * (this thread sleeps in its event loop meanwhile), sets it back to 0, polls, waits again.
   * `stop()` ends it.
   */
  private answerDoorbell(): { stop(): void } {
    const bell = this.data.doorbell == null ? null : new Int32Array(this.data.doorbell);
    let listening = bell !== null;
    const answer = (): void => {
      if (!listening) return;
      Atomics.store(bell!, 0, 0);
      this.poll(false);
      wait();
    };
    const wait = (): void => {
      const w = atomicsWaitAsync(bell!, 0, 0);
      if (w.async) void w.value.then(answer);
      else setImmediate(answer); // rung since the last answer
    };
    if (listening) wait();
    return {
      stop: () => {
        listening = false;
        if (bell !== null) Atomics.notify(bell, 0); // settles the pending wait
      },
    };
  }

  /** How long a stopped loop has to come back: {@link STOP_GRACE_MS} or two of its largest frames, ms. */
  private stopGraceMs(): number {
    let frameNs = 0;
    for (const t of this.session.plan.tables) if (t.frameNs > frameNs) frameNs = t.frameNs;
    return Math.max(STOP_GRACE_MS, (STOP_GRACE_FRAMES * frameNs) / 1e6);
  }

  /**
   * keep-running: when a loop still stuck ends the run, ms from now: the duration (plus
   * the warm-up, from `ready`) and {@link STUCK_EXIT_AFTER_MS}.
   */
  private runDeadlineMs(withWarmup: boolean): number {
    const options = this.session.options;
    return (options.durationNs + (withWarmup ? this.data.warmupNs : 0)) / 1e6 + STUCK_EXIT_AFTER_MS;
  }

  /** The task the heartbeat says is running (frame index of its executive), or null. */
  private runningTask(): { readonly task: string; readonly frame: number } | null {
    const hb = this.heartbeat;
    const snap = emptyHeartbeat();
    if (hb === null || !hb.readInto(snap) || snap.state !== STATE_RUNNING) return null;
    return { task: hb.taskName(snap.task), frame: snap.frame };
  }

  /** The crash of a loop that did not come back after a stop (`stoppedAt`: what asked it; default the stop note): the running task, from the heartbeat. */
  private unresponsiveCrash(graceMs: number, stoppedAt?: string): RunReportCrash {
    const session = this.session;
    const why = stoppedAt ?? session.stopNote ?? session.crash?.cause ?? 'the stop request';
    const running = this.runningTask();
    return crash(
      'loop-unresponsive',
      `the loop did not stop within ${Math.round(graceMs)} ms of ${why}` +
        (running === null
          ? stoppedAt === undefined
            ? ' (a task blocked outside JavaScript, e.g. in a system call?)'
            : ' (in no slot the watchdog sees: a task stuck in a warm-up drive, or blocked outside JavaScript?)'
          : `: task ${running.task} (frame ${running.frame}) has not returned (blocked outside JavaScript, e.g. in a system call?)`),
      running === null ? null : { task: running.task, at: null },
    );
  }

  /** The report for every ending (session.finish), from what the loop thread left. */
  private finish(end: Exclude<WorkerEnd, { kind: 'setup-error' }>): RunReport {
    const session = this.session;
    const endedAt = new Date();
    const stealAtEndNs = session.steal.readNow();
    const trace = this.rings.trace === null ? null : this.traceKept.records();
    if (end.kind === 'done') {
      const done = end.message;
      // Steal samples: this thread's epoch timeline → run time (the worker's first release).
      const originEpochNs = done.timeOriginMs * 1e6 - done.gcToRunNs;
      const pauses = session.attributePauses({
        count: done.snapshot.alarms.pause,
        gcEvents: done.gc.events,
        gcToRunNs: done.gcToRunNs,
        stealSamples: session.steal
          .samples()
          .map((x) => ({ atNs: x.atNs - originEpochNs, stealNs: x.stealNs })),
        stealAtEndNs,
      });
      const wd = session.watchdog;
      return session.finish(
        {
          snapshot: done.snapshot,
          gc: withGcEvidence(done.gc, {
            governance: done.gc.governance ?? null,
            sightings: session.missSightings.list(),
            gcToRunNs: done.gcToRunNs,
          }),
          pauses,
          stopReason:
            session.warmupStopNote ??
            session.stopNote ??
            (done.reachedDuration ? 'duration' : done.snapshot.stopReason),
          trace,
          evidence: { source: 'final', thread: 'worker' },
          margin: done.margin,
          // keep-running: every stuck event the loop came back from, and the configured exit code.
          ...(wd === null || wd.stuckEvents.length === 0
            ? {}
            : { stuck: stuckEntries(wd), exitCode: session.plan.config.watchdog?.exitCode ?? 1 }),
        },
        endedAt,
      );
    }
    // Stuck or crashed: the loop's live evidence block, exact to the slot, completed up to
    // the end (the hung or interrupted slot, the releases after it cut off).
    const stopReason =
      end.kind === 'crashed' ? 'crashed' : session.measuringAt === null ? 'stuck (during warm-up)' : 'stuck';
    const live = new Float64Array(this.data.liveEvidence!);
    const { snapshot, at } = session.snapshotFromLive(
      live,
      end.kind === 'stuck'
        ? { endNs: end.event.detectedNs, hungStartNs: end.event.startNs }
        : { endNs: end.atLoopNs, hungStartNs: null },
      stopReason,
    );
    const base = {
      snapshot,
      gc: {
        ...emptyGcSummary(),
        unavailable: `the loop thread ${end.kind === 'stuck' ? 'never returned from its task' : 'crashed'}: its GC observer's entries never reached this thread`,
      },
      pauses: { count: snapshot.alarms.pause, events: [] },
      stopReason,
      trace,
      evidence: { source: 'live', thread: 'worker' } as const,
    };
    if (end.kind === 'crashed') {
      // The first fault seen names the crash (a process fault before the loop went quiet).
      const c: RunReportCrash = { ...(session.crash ?? end.crash), ...(at === null ? {} : { slot: at }) };
      session.noteCrash(c);
      return session.finish({ ...base, crash: c, exitCode: end.exitCode }, endedAt);
    }
    // Every stuck event (keep-running: the earlier ones the loop came back from), the last
    // with the fail-safe result the run waited for.
    const wd = session.watchdog;
    const stuck = (wd === null ? [] : stuckEntries(wd)).map((e) =>
      e.ordinal === end.event.ordinal ? { ...e, failSafe: end.failSafe } : e,
    );
    if (!stuck.some((e) => e.ordinal === end.event.ordinal)) {
      const ev = end.event;
      stuck.push({
        task: ev.taskName,
        frame: ev.frame,
        slot: ev.slot,
        overrunNs: Math.round(ev.overrunNs),
        failSafe: end.failSafe,
        ordinal: ev.ordinal,
        recoveredNs: null,
      });
    }
    return session.finish({ ...base, stuck, exitCode: session.plan.config.watchdog?.exitCode ?? 1 }, endedAt);
  }

  /** The latest stuck event whose slot has not ended (keep-running), or null. */
  private openStuckEvent(): StuckEvent | null {
    const wd = this.session.watchdog;
    if (wd === null) return null;
    const last = wd.stuckEvents.at(-1);
    if (last === undefined || wd.recoveredEvents.some((r) => r.ordinal === last.ordinal)) return null;
    return last;
  }

  /** The report's `failSafe` text for stuck event `ordinal` so far. */
  private failSafeText(ordinal: number): string {
    const r = this.session.watchdog?.failSafeResults.find((f) => f.ordinal === ordinal);
    return r === undefined ? 'none' : r.ok ? 'ran' : `failed: ${r.error}`;
  }

  /** Drains the rings: alarms, trace, the latest stats record, the status. */
  private poll(final: boolean): void {
    const session = this.session;
    // Steal per poll while measuring (before the alarms: a pause seen now lies before it).
    if (session.measuringAt !== null) session.steal.sample(epochNowNs());
    const previous = this.deferred;
    this.deferred = [];
    for (const d of previous) this.deliver(d.fields, d.key);
    while (this.rings.alarms.tryPop(this.alarmRec, 0)) this.takeAlarm(this.alarmRec, final);
    if (this.rings.trace !== null) this.traceKept.drainFrom(this.rings.trace);
    while (this.rings.stats.tryPop(this.statsRec, 0)) {
      const phase = this.statsRec[REC_PHASE];
      if (phase !== PHASE_MEASURING && phase !== PHASE_FINAL) continue;
      this.latest.set(this.statsRec);
      this.haveStats = true;
      session.keepEvidence(this.latest, REC_EVIDENCE);
    }
    session.pollChannels();
    if (final) {
      for (const c of session.channelSummaryLines()) session.event('channel-summary', 'info', c);
      for (const d of this.deferred) this.deliver(d.fields, d.key);
      this.deferred = [];
      const lost = this.rings.alarms.lost();
      if (lost > 0)
        session.event('alarms-lost', 'warn', `alarm lines lost: ${lost} (the report's counts are exact)`);
      return;
    }
    const nowMs = performance.now();
    if (nowMs >= this.nextStatusAtMs && this.haveStats && this.latest[REC_PHASE] === PHASE_MEASURING) {
      const s = this.latest;
      const run = REC_EVIDENCE + EV_RUN;
      const late = REC_EVIDENCE + EV_LATENESS;
      session.status({
        // The loop's own time base: the seconds and the frame count come from one record.
        elapsedNs: s[REC_ELAPSED]!,
        frames: s[run + RC_FRAMES_RUN]!,
        overruns: s[run + RC_KIND_TOTALS + KIND_OVERRUN]!,
        misses: s[run + RC_KIND_TOTALS + KIND_DEADLINE_MISS]!,
        errors: s[run + RC_KIND_TOTALS + KIND_TASK_ERROR]!,
        skipped: s[run + RC_FRAMES_SKIPPED]!,
        notRun:
          s[run + RC_NOT_RUN_POLICY]! +
          s[run + RC_NOT_RUN_CATCH_UP]! +
          s[run + RC_NOT_RUN_PAUSE]! +
          s[run + RC_NOT_RUN_UNAVAILABLE]! +
          s[run + RC_NOT_RUN_CUT_OFF]!,
        lateP99Ns: s[late + DQ_P99]!,
        marginNs: Number.isNaN(s[REC_MARGIN]!) ? null : s[REC_MARGIN]!,
        lateMaxNs: s[late + DQ_MAX]!,
        mode: session.plan.config.modes[s[run + RC_MODE]!]?.name ?? '?',
      });
      this.nextStatusAtMs +=
        STATUS_INTERVAL_MS * Math.max(1, Math.ceil((nowMs - this.nextStatusAtMs) / STATUS_INTERVAL_MS));
    }
  }

  /** A task-error alarm with its message (when it came), also kept among the task's error samples. */
  private deliver(fields: Parameters<RunSession['alarm']>[0], key: string): void {
    const error = this.errorTexts.get(key);
    this.session.alarm(fields, error?.text ?? null);
    const [mode, task] = key.split(':').map(Number);
    if (error !== undefined) this.session.noteTaskError(mode!, task!, error.text, error.at, fields.frame);
  }

  /** One alarm record from the ring, to the session (a task error waits for its message). */
  private takeAlarm(rec: Float64Array, final: boolean): void {
    const session = this.session;
    const modeIndex = rec[AL_MODE]!;
    const mode = session.plan.config.modes[modeIndex];
    const taskIndex = rec[AL_TASK]!;
    const kind = ALARM_KINDS[rec[AL_KIND]!] ?? 'overrun';
    const fields = {
      kind,
      mode: mode?.name ?? `#${modeIndex}`,
      task: taskIndex >= 0 ? (mode?.tasks[taskIndex]?.name ?? `#${taskIndex}`) : null,
      frame: rec[AL_FRAME]!,
      sinceStartNs: rec[AL_SINCE_START]!,
      value: rec[AL_VALUE]!,
      suppressed: rec[AL_SUPPRESSED]!,
      firstFrame: rec[AL_FIRST_FRAME]!,
    };
    if (kind === 'pause' && fields.suppressed === 0) {
      // Keep the steal samples around it (it ended at most ~1 s before its alarm got here).
      const now = epochNowNs();
      session.steal.pin(now - fields.value - STEAL_PIN_PAD_NS, now + STEAL_PIN_PAD_NS);
    }
    if (kind === 'task-error' && fields.suppressed === 0 && taskIndex >= 0) {
      const key = `${modeIndex}:${taskIndex}:${fields.value}`;
      if (!this.errorTexts.has(key) && !final) {
        this.deferred.push({ fields, key });
        return;
      }
      this.deliver(fields, key);
      return;
    }
    session.alarm(fields, null);
  }
}
