/**
 * The cyclic executive: releases minor frames at absolute times, runs each frame's slots,
 * measures them, checks budgets and deadlines, applies overrun policies, raises alarms.
 *
 * Allocation contract: allocates in the constructor (and in the cold methods `snapshot`,
 * `trace`, `requestMode`'s error path). After warm-up (every code path run once, so the
 * JIT has optimised `runOne`), `step`/`runFrames`/`runUntil` allocate nothing: state is
 * in typed arrays, doubles never cross a call the JIT might not inline (they travel
 * through Float64Arrays: `st`, `stage`, `traceRec`), no closure, string, array or object
 * is created per frame. What remains is the Clock's and the Waiter's own allocation
 * (`performance.now()` boxes 16 B per call on Node 20, see bench/README.md) and the
 * tasks'. Threading: one thread (the one calling `step`); every method, including the
 * cold ones, must be called from it, between frames or from inside a task.
 *
 * Time model (all ns on the executive's clock, integers when the clock gives integers):
 * - release(k) = t0 + k·frameNs, computed from integers each frame, never accumulated:
 *   no drift. A mode switch re-bases t0 to the hyperperiod boundary it happens at.
 * - Per frame: `waiter.waitUntil(release)`, then ONE clock read (wake). lateness =
 *   wake − release. Then one read after each executed slot: execution of a slot = its end
 *   read − the previous read (shared timestamps: N+1 reads for N executed slots; skipped
 *   slots read nothing). So a slot's execution includes the dispatch overhead before it.
 * - Checks per executed slot: execution > slot budget → `overrun`; for a job's last
 *   slice, completion > job's absolute deadline → `deadline-miss`; a throw → `task-error`
 *   (but the `task_killed` error of an isolated task's proxy → `killed`, src/isolate).
 *   Per frame: lateness > releaseLateNs → `release-late`; frame end > next release →
 *   `frame-overrun`.
 * - Pause: gap = wake − previous frame's wake; when gap − (release − previous release)
 *   (i.e. gap − frameNs in steady state) > pauseThresholdNs → `pause` (value: that excess,
 *   the time lost). A previous frame that ran long counts too (with its `frame-overrun`).
 * - Catch-up: frame k is late when wake ≥ release(k) + frameNs (its whole window passed
 *   before it could start). `skip`: frames are skipped up to the first one whose window
 *   is still open (release ≤ wake < release + frameNs), which then runs at once without
 *   another wait or read; one `skipped-frames` alarm (value = count). `run`: late frames
 *   run back to back, at most `maxFrames` in a row; the next late one triggers a skip.
 *   Jobs of skipped frames count as released and skipped; a job with any slice skipped is
 *   abandoned (its remaining slices are skipped too).
 * - Modes: `requestMode` marks a switch applied when the frame position wraps to 0 (the
 *   hyperperiod boundary), also when that boundary falls inside skipped frames.
 */
import { HardtickError } from '../errors.js';
import { distributionInto, distributionOf } from '../stats/distribution.js';
import { LogHistogram } from '../stats/histogram.js';
import type { Clock, Waiter } from '../time/clock.js';
import { AlarmDrain, type AlarmRecordView } from './alarm-drain.js';
import {
  KIND_COUNT,
  KIND_DEADLINE_MISS,
  KIND_FRAME_OVERRUN,
  KIND_GC_WARN,
  KIND_KILLED,
  KIND_MODE_CHANGE,
  KIND_OVERRUN,
  KIND_PAUSE,
  KIND_RELEASE_LATE,
  KIND_SKIPPED_FRAMES,
  KIND_STOPPED,
  KIND_TASK_ERROR,
  STOP_POLICY,
  STOP_REQUESTED,
  STOP_SAFE_STATE,
  STOP_SIGNAL,
} from './alarm-kinds.js';
import { AlarmRing, STAGE_FRAME, STAGE_SIZE, STAGE_TIME, STAGE_VALUE } from './alarm-ring.js';
import { MutableTaskContext } from './context.js';
import {
  EV_LATENESS,
  EV_RUN,
  EV_TASKS,
  evidenceExecAt,
  evidenceResponseAt,
  evidenceSize,
  RC_ALARMS_DROPPED,
  RC_ELAPSED_NS,
  RC_FRAME_INDEX,
  RC_FRAME_NS,
  RC_FRAME_OVERRUNS,
  RC_FRAMES_CUT_OFF,
  RC_FRAMES_LOST_PAUSE,
  RC_FRAMES_RUN,
  RC_FRAMES_SKIPPED,
  RC_IN_FRAME,
  RC_KIND_ROOM,
  RC_KIND_TOTALS,
  RC_MODE,
  RC_NOT_RUN_CATCH_UP,
  RC_NOT_RUN_CUT_OFF,
  RC_NOT_RUN_PAUSE,
  RC_NOT_RUN_POLICY,
  RC_NOT_RUN_UNAVAILABLE,
  RC_POS,
  RC_RELEASE_NS,
  RC_SIZE,
  RC_SLOT,
  RC_STANDBY_FRAMES,
  RC_START_NS,
  RC_STOP_CODE,
  RC_STOP_TASK,
  TS_CENSORED,
  TS_DEADLINE_MISSES,
  TS_DEGRADED,
  TS_DEGRADED_RUNS,
  TS_ERRORS,
  TS_EXEC_MAX_FRAME,
  TS_EXEC_MAX_NS,
  TS_JOBS_RUN,
  TS_LATE,
  TS_NOT_RUN_CATCH_UP,
  TS_NOT_RUN_CUT_OFF,
  TS_NOT_RUN_PAUSE,
  TS_NOT_RUN_POLICY,
  TS_NOT_RUN_UNAVAILABLE,
  TS_OVERRUNS,
  TS_POLICY_TRIGGERS,
  TS_RELEASES,
  TS_RUNS,
  TS_SIZE,
  TS_SKIPPED,
} from './counters.js';
import {
  accountEndingInto,
  type CutOffCounters,
  cutOffFrames,
  cutOffInFlight,
  cutOffSlots,
  type LoopEnding,
} from './cut-off.js';
import type { LeaseGate, LoopHeartbeat, LoopLease } from './loop-hooks.js';
import {
  ACTION_DEGRADE,
  ACTION_SAFE_STATE,
  ACTION_SKIP_NEXT,
  ACTION_STOP,
  PolicyState,
  SKIP_STANDBY,
} from './policy.js';
import { type ExecutiveSnapshot, snapshotFromEvidence } from './snapshot.js';
import { TaskStats } from './task-stats.js';
import {
  TRACE_END,
  TRACE_FLAG_DEADLINE_MISS,
  TRACE_FLAG_DEGRADED,
  TRACE_FLAG_ERROR,
  TRACE_FLAG_OVERRUN,
  TRACE_FLAG_SAFE_STATE,
  TRACE_FLAGS,
  TRACE_FRAME,
  TRACE_FRAME_RELEASE,
  TRACE_FRAME_START,
  TRACE_JOB,
  TRACE_MODE,
  TRACE_RECORD,
  TRACE_SLICE,
  TRACE_SLOT,
  TRACE_START,
  TRACE_TASK,
  type TraceRecord,
  TraceRing,
} from './trace-ring.js';
import type { ExecutiveModeSpec, ExecutiveOptions, SlackHook, TaskFn } from './types.js';

/** Hot numeric state offsets in `st` (`ST_*`). */
/** Base time of the current mode epoch: release of its frame 0. */
const ST_T0 = 0;
/** Frame number within the epoch (release = t0 + k·f). */
const ST_K = 1;
/** Position of the next frame in the table (k mod frameCount). */
const ST_POS = 2;
/** Frame index since start (run + skipped). */
const ST_FRAME = 3;
/** Late frames run in a row (catch-up `run`). */
const ST_LATE_RUN = 4;
/** Frames run. */
const ST_FRAMES_RUN = 5;
/** Frames that overran into the next one. */
const ST_FRAME_OVERRUNS = 6;
/** Frames skipped (catch-up). */
const ST_FRAMES_SKIPPED = 7;
/** The executive's last clock read, ns. */
const ST_LAST_NS = 8;
/** First release, ns. */
const ST_START_NS = 9;
/** runUntil limit: frames released at or after it are not run. */
const ST_LIMIT = 10;
/** Largest release lateness so far, ns. */
const ST_LATENESS_MAX = 11;
/** Hyperperiod start of the current frame, ns. */
const ST_BASE = 12;
/** Start (previous read) and end (this read) of the slot just executed, ns. */
const ST_SLOT_START = 13;
const ST_SLOT_END = 14;
/** Release of the current frame, ns. */
const ST_REL = 15;
/** Wake read of the previous frame, ns (NaN before the first: no gap to measure). */
const ST_PREV_WAKE = 16;
/** Release of the previous frame (after its catch-up), ns. */
const ST_PREV_REL = 17;
/**
 * Heartbeat (`Heartbeat.beginSlotAt` layout): frame, start and job deadline of the slot
 * about to run, ns; then the next release for `idleAt`. Doubles reach the heartbeat
 * through `st`, never as call arguments (no boxing whatever V8 inlines).
 */
const ST_HB_FRAME = 18;
const ST_HB_START = 19;
const ST_HB_DEADLINE = 20;
const ST_HB_NEXT = 21;
/**
 * Slack hook (`SlackHook.afterFrame` layout): the frame's end, then the next release, ns;
 * then the `gc-warn` code the hook may set (0: none).
 */
const ST_SLACK_END = 22;
const ST_SLACK_NEXT = 23;
const ST_SLACK_WARN = 24;
/** Standby frames (lease gate: released while this loop did not lead). */
const ST_STANDBY_FRAMES = 25;
/** Frames skipped because their window passed while the loop was paused (part of `ST_FRAMES_SKIPPED`). */
const ST_FRAMES_LOST_PAUSE = 26;
/** Frames released before the loop stopped that it never ran. */
const ST_FRAMES_CUT_OFF = 27;
/** The current frame's wake read: its measured start, ns (the trace places frames there). */
const ST_WAKE = 28;
/** The release handed to `Waiter.waitUntilAt`, ns (a typed array carries it unboxed). */
const ST_WAIT_NS = 29;
const ST_SIZE = 30;

/** How a slot's call ended (`OUT_*`), decided off the common path when it threw. */
/** It ran and threw: a task error (or returned a thenable). */
const OUT_ERROR = 1;
/** An isolated task's worker was terminated at budget + grace: a censored execution. */
const OUT_KILLED = 2;
/** An isolated task's worker was not there: the release did not run. */
const OUT_NOT_RUN = 3;

/** Packed per-slot integers in `ModeRt.slotInt` (`SI_*`). */
/** Global task index (mode's task base + task index). */
const SI_G = 0;
/** Task index in its mode. */
const SI_TASK = 1;
const SI_JOB = 2;
const SI_SLICE = 3;
/** 1 when the slot is its job's last slice. */
const SI_LAST = 4;
const SI_SIZE = 5;
/** Packed per-slot doubles in `ModeRt.slotF64` (`SF_*`), ns; release and deadline relative to the hyperperiod start. */
const SF_BUDGET = 0;
const SF_RELEASE = 1;
const SF_DEADLINE = 2;
const SF_SIZE = 3;

/** Flag offsets in `flags` (`F_*`). */
const F_STARTED = 0;
const F_STOPPED = 1;
const F_STOP_REQUESTED = 2;
/** Index of the current mode. */
const F_MODE = 3;
/** Index of the requested mode, −1 when none. */
const F_PENDING_MODE = 4;
/** Why the loop stopped (`STOP_*`), −1 while running; and the task whose policy stopped it, −1 when none. */
const F_STOP_CODE = 5;
const F_STOP_TASK = 6;
const F_SIZE = 7;

/** Per-mode runtime data, one shape for every mode (monomorphic loads). */
interface ModeRt {
  readonly index: number;
  readonly name: string;
  readonly frameNs: number;
  readonly frameCount: number;
  /** Index of the mode's task 0 in the flattened per-task arrays. */
  readonly taskBase: number;
  readonly taskCount: number;
  readonly frameSlotStart: Uint32Array;
  readonly slotTask: Uint32Array;
  readonly slotJob: Uint32Array;
  readonly slotSlice: Uint32Array;
  readonly slotBudgetNs: Float64Array;
  readonly slotReleaseNs: Float64Array;
  readonly slotDeadlineNs: Float64Array;
  readonly slotLast: Uint8Array;
  /**
   * The per-slot data `runOne` reads, packed (one array load after each task call instead
   * of one per field): `SI_*` integers, `SI_SIZE` per slot; `SF_*` doubles, `SF_SIZE` per slot.
   */
  readonly slotInt: Int32Array;
  readonly slotF64: Float64Array;
  /** Per task of the mode: first-slice slots per hyperperiod (jobs released). */
  readonly jobsPerHyper: Float64Array;
  /** Per task of the mode: last-slice slots per hyperperiod (jobs completed). */
  readonly lastsPerHyper: Float64Array;
}

/** True for the `task_killed` error an isolated task's proxy throws (src/isolate; cold). */
function isKilled(error: unknown): boolean {
  return error instanceof HardtickError && error.code === 'task_killed';
}

/** What a task's returned thenable's rejection is handed to (never an unhandled rejection). */
function ignoreRejection(): void {}

/** Placeholder for absent degraded/safe-state functions, so the arrays hold functions only. */
const NOOP: TaskFn = () => {};

function usage(message: string): HardtickError {
  return new HardtickError('usage', message);
}

function countersTooShort(length: number, offset: number, tasks: number): RangeError {
  return new RangeError(
    `Executive.taskCountersInto: ${tasks} task(s) need ${tasks * TS_SIZE} doubles at offset ${offset}, the array has ${length}`,
  );
}

function tooShort(what: string, need: number, length: number, offset: number): RangeError {
  return new RangeError(
    `Executive.${what}: needs ${need} doubles at offset ${offset}, the array has ${length}`,
  );
}

/**
 * A cyclic executive over one or more planned modes. See the file header for the time
 * model, catch-up and mode semantics, policy.ts for overrun policies.
 *
 * @example
 * const exec = new Executive({ clock, waiter, modes: [{ name: 'main', table, tasks, fns,
 *   degraded: [null], safeState: [null] }] });
 * exec.start();
 * exec.runUntil(clock.nowNs() + 10e9);
 * exec.drainAlarms((a) => console.log(a.kind, a.task, a.value));
 */
export class Executive {
  private readonly clock: Clock;
  private readonly waiter: Waiter;
  /** The waiter has `waitUntilAt`: the release reaches it through `st`, never as a (boxed) number. */
  private readonly waitAt: boolean;
  private readonly modes: readonly ModeRt[];
  private cur: ModeRt;
  private readonly st = new Float64Array(ST_SIZE);
  private readonly flags = new Int32Array(F_SIZE);
  private readonly stage = new Float64Array(STAGE_SIZE);
  private readonly traceRec = new Float64Array(TRACE_RECORD);
  private readonly catchUpRun: boolean;
  private readonly catchUpMax: number;
  private readonly releaseLateNs: number;
  private readonly pauseThresholdNs: number;
  private readonly stopFlag: Int32Array | null;
  /** The watchdog heartbeat, or null (see {@link ExecutiveOptions.heartbeat}). */
  private readonly heartbeat: LoopHeartbeat | null;
  /** The lease guard, or null (see {@link ExecutiveOptions.lease}). */
  private readonly leaseGuard: LoopLease | null;
  /** The lease gate, or null (see {@link ExecutiveOptions.leaseGate}). */
  private readonly leaseGate: LeaseGate | null;
  /** The slack hook, or null (see {@link ExecutiveOptions.slackHook}). */
  private readonly slackHook: SlackHook | null;
  private readonly ctx: MutableTaskContext;
  /** Flattened per task of every mode (index = taskBase + task index). */
  private readonly fns: readonly TaskFn[];
  private readonly degradedFns: readonly TaskFn[];
  private readonly safeStateFns: readonly TaskFn[];
  private readonly taskNames: readonly string[];
  private readonly policyStopReasons: readonly string[];
  private readonly safeStateStopReasons: readonly string[];
  private readonly specs: readonly ExecutiveModeSpec[];
  private readonly stats: TaskStats;
  private readonly policy: PolicyState;
  private readonly lateness = new LogHistogram();
  private readonly ring: AlarmRing;
  private readonly drain: AlarmDrain;
  private readonly traceRing: TraceRing;
  /**
   * The frame-level run counters (`RC_*` layout) kept current at every frame's start and
   * end and every slot's start: a view into {@link ExecutiveOptions.liveEvidence} when
   * given (another thread reads it while this one is stuck), else a private array.
   */
  private readonly liveRun: Float64Array;
  /** Per task: the error a returned thenable counts as (created at the first one). */
  private readonly thenableErrors: (HardtickError | null)[];
  private reason: string | null = null;

  /** Validates the modes (throws `HardtickError('usage')`) and preallocates everything. */
  constructor(options: ExecutiveOptions) {
    const { clock, waiter, modes } = options;
    if (modes.length === 0) throw usage('Executive: at least one mode is required');
    this.clock = clock;
    this.waiter = waiter;
    this.waitAt = typeof waiter.waitUntilAt === 'function';
    this.specs = modes;
    const fns: TaskFn[] = [];
    const degradedFns: TaskFn[] = [];
    const safeStateFns: TaskFn[] = [];
    const taskNames: string[] = [];
    const policies = [];
    const rts: ModeRt[] = [];
    const names = new Set<string>();
    for (let m = 0; m < modes.length; m++) {
      const spec = modes[m]!;
      const t = spec.table;
      const where = `mode '${spec.name}'`;
      if (names.has(spec.name)) throw usage(`Executive: duplicate mode name '${spec.name}'`);
      names.add(spec.name);
      const n = spec.tasks.length;
      if (spec.fns.length !== n || spec.degraded.length !== n || spec.safeState.length !== n)
        throw usage(`Executive: ${where}: fns, degraded and safeState must have one entry per task (${n})`);
      if (!(Number.isSafeInteger(t.frameNs) && t.frameNs > 0))
        throw usage(`Executive: ${where}: frameNs must be a positive integer, got ${t.frameNs}`);
      if (t.frameCount < 1 || t.frameSlotStart.length !== t.frameCount + 1)
        throw usage(`Executive: ${where}: the table has no frames`);
      if (t.hyperperiodNs !== t.frameNs * t.frameCount)
        throw usage(`Executive: ${where}: hyperperiodNs must equal frameNs × frameCount`);
      const jobsPerHyper = new Float64Array(n);
      const lastsPerHyper = new Float64Array(n);
      for (let s = 0; s < t.slotCount; s++) {
        const ti = t.slotTask[s]!;
        if (ti >= n) throw usage(`Executive: ${where}: slot ${s} names task ${ti}, but the mode has ${n}`);
        if (t.slotSlice[s] === 0) jobsPerHyper[ti]!++;
        if (t.slotLast[s] === 1) lastsPerHyper[ti]!++;
      }
      for (let i = 0; i < n; i++) {
        const task = spec.tasks[i]!;
        const fn = spec.fns[i];
        if (typeof fn !== 'function') throw usage(`Executive: ${where}: task '${task.name}' has no function`);
        const action = task.overrun.action;
        if (action === 'degrade' && typeof spec.degraded[i] !== 'function')
          throw usage(
            `Executive: ${where}: task '${task.name}' has policy 'degrade' but no degraded function`,
          );
        if (action === 'safe-state' && typeof spec.safeState[i] !== 'function')
          throw usage(
            `Executive: ${where}: task '${task.name}' has policy 'safe-state' but no safe-state function`,
          );
        fns.push(fn);
        degradedFns.push(spec.degraded[i] ?? NOOP);
        safeStateFns.push(spec.safeState[i] ?? NOOP);
        taskNames.push(task.name);
        policies.push(task.overrun);
      }
      const taskBase = fns.length - n;
      const slotInt = new Int32Array(t.slotCount * SI_SIZE);
      const slotF64 = new Float64Array(t.slotCount * SF_SIZE);
      for (let s = 0; s < t.slotCount; s++) {
        slotInt[s * SI_SIZE + SI_G] = taskBase + t.slotTask[s]!;
        slotInt[s * SI_SIZE + SI_TASK] = t.slotTask[s]!;
        slotInt[s * SI_SIZE + SI_JOB] = t.slotJob[s]!;
        slotInt[s * SI_SIZE + SI_SLICE] = t.slotSlice[s]!;
        slotInt[s * SI_SIZE + SI_LAST] = t.slotLast[s] === 1 ? 1 : 0;
        slotF64[s * SF_SIZE + SF_BUDGET] = t.slotBudgetNs[s]!;
        slotF64[s * SF_SIZE + SF_RELEASE] = t.slotReleaseNs[s]!;
        slotF64[s * SF_SIZE + SF_DEADLINE] = t.slotDeadlineNs[s]!;
      }
      rts.push({
        index: m,
        name: spec.name,
        frameNs: t.frameNs,
        frameCount: t.frameCount,
        taskBase,
        taskCount: n,
        frameSlotStart: t.frameSlotStart,
        slotTask: t.slotTask,
        slotJob: t.slotJob,
        slotSlice: t.slotSlice,
        slotBudgetNs: t.slotBudgetNs,
        slotReleaseNs: t.slotReleaseNs,
        slotDeadlineNs: t.slotDeadlineNs,
        slotLast: t.slotLast,
        slotInt,
        slotF64,
        jobsPerHyper,
        lastsPerHyper,
      });
    }
    const initial = options.initialMode ?? 0;
    if (!(Number.isInteger(initial) && initial >= 0 && initial < modes.length))
      throw usage(`Executive: initialMode ${initial} is not a mode index (0..${modes.length - 1})`);
    const catchUp = options.catchUp ?? { policy: 'skip', maxFrames: 0 };
    if (catchUp.policy !== 'skip' && catchUp.policy !== 'run')
      throw usage(`Executive: catchUp.policy must be 'skip' or 'run', got '${String(catchUp.policy)}'`);
    if (!(Number.isInteger(catchUp.maxFrames) && catchUp.maxFrames >= 0))
      throw usage(`Executive: catchUp.maxFrames must be an integer >= 0, got ${catchUp.maxFrames}`);
    const releaseLateNs = options.releaseLateNs ?? 500_000;
    if (!(releaseLateNs >= 0)) throw usage(`Executive: releaseLateNs must be >= 0, got ${releaseLateNs}`);
    const pauseThresholdNs = options.pauseThresholdNs ?? 5_000_000;
    if (!(pauseThresholdNs >= 0))
      throw usage(`Executive: pauseThresholdNs must be >= 0, got ${pauseThresholdNs}`);
    const alarmCapacity = options.alarmCapacity ?? 1024;
    if (!(Number.isInteger(alarmCapacity) && alarmCapacity >= 1))
      throw usage(`Executive: alarmCapacity must be an integer >= 1, got ${alarmCapacity}`);
    const traceCapacity = options.traceCapacity ?? 0;
    if (!(Number.isInteger(traceCapacity) && traceCapacity >= 0))
      throw usage(`Executive: traceCapacity must be an integer >= 0, got ${traceCapacity}`);
    const rate = options.alarmRatePerSecond ?? 10;
    if (!(rate >= 0)) throw usage(`Executive: alarmRatePerSecond must be >= 0, got ${rate}`);

    this.modes = rts;
    this.cur = rts[initial]!;
    this.flags[F_MODE] = initial;
    this.flags[F_PENDING_MODE] = -1;
    this.flags[F_STOP_CODE] = -1;
    this.flags[F_STOP_TASK] = -1;
    this.catchUpRun = catchUp.policy === 'run';
    this.catchUpMax = catchUp.policy === 'run' ? catchUp.maxFrames : 0;
    this.releaseLateNs = releaseLateNs;
    this.pauseThresholdNs = pauseThresholdNs;
    this.stopFlag = options.stopFlag ?? null;
    const heartbeat = options.heartbeat ?? null;
    if (
      heartbeat !== null &&
      (heartbeat.taskNames.length !== taskNames.length ||
        heartbeat.taskNames.some((n, i) => n !== taskNames[i]))
    )
      throw usage(
        `Executive: heartbeat taskNames must be every task of every mode in order (${taskNames.join(', ')}), got (${heartbeat.taskNames.join(', ')})`,
      );
    this.heartbeat = heartbeat;
    this.fns = fns;
    this.degradedFns = degradedFns;
    this.safeStateFns = safeStateFns;
    this.taskNames = taskNames;
    this.policyStopReasons = taskNames.map((n) => `policy:stop:${n}`);
    this.safeStateStopReasons = taskNames.map((n) => `policy:safe-state:${n}`);
    const live = options.liveEvidence ?? null;
    const need = evidenceSize(fns.length);
    if (live !== null && live.length < need)
      throw usage(
        `Executive: liveEvidence needs ${need} doubles for ${fns.length} task(s), got ${live.length}`,
      );
    this.liveRun = live === null ? new Float64Array(RC_SIZE) : live.subarray(EV_RUN, EV_RUN + RC_SIZE);
    this.liveRun.fill(0);
    this.liveRun[RC_START_NS] = Number.NaN;
    this.liveRun[RC_STOP_CODE] = -1;
    this.liveRun[RC_STOP_TASK] = -1;
    this.liveRun[RC_SLOT] = -1;
    this.liveRun[RC_FRAME_NS] = rts[initial]!.frameNs;
    this.liveRun[RC_MODE] = initial;
    this.stats = new TaskStats(
      fns.length,
      live === null ? undefined : live.subarray(EV_TASKS, EV_TASKS + fns.length * TS_SIZE),
    );
    this.thenableErrors = fns.map(() => null);
    this.policy = new PolicyState(policies);
    this.ring = new AlarmRing(
      alarmCapacity,
      live === null
        ? undefined
        : live.subarray(EV_RUN + RC_KIND_TOTALS, EV_RUN + RC_KIND_TOTALS + KIND_COUNT),
    );
    this.drain = new AlarmDrain(
      this.ring,
      modes.map((m) => m.name),
      modes.map((m) => m.tasks.map((t) => t.name)),
      rate,
    );
    this.traceRing = new TraceRing(traceCapacity);
    this.leaseGuard = options.lease ?? null;
    this.leaseGate = options.leaseGate ?? null;
    this.slackHook = options.slackHook ?? null;
    this.ctx = new MutableTaskContext(clock, this.leaseGuard);
    this.ctx.modes = this;
    this.ctx.modeName = this.cur.name;
    this.ctx.phase = options.phase === 'warmup' ? 'warmup' : 'measure';
    this.st[ST_LIMIT] = Number.POSITIVE_INFINITY;
  }

  /** True once the loop has stopped (policy, `requestStop`, stop flag). */
  get stopped(): boolean {
    return this.flags[F_STOPPED] === 1;
  }

  /** Why the loop stopped: `'requested'`, `'signal'`, `'policy:stop:<task>'`, `'policy:safe-state:<task>'`; null while running. */
  get stopReason(): string | null {
    return this.reason;
  }

  /** Name of the current mode. */
  get modeName(): string {
    return this.cur.name;
  }

  /** Frame size of the current mode, ns. */
  get frameNs(): number {
    return this.cur.frameNs;
  }

  /** Frames run so far. */
  get framesRun(): number {
    return this.st[ST_FRAMES_RUN]!;
  }

  /** Standby frames so far (a lease-gated loop not leading; see {@link ExecutiveOptions.leaseGate}). */
  get standbyFrames(): number {
    return this.st[ST_STANDBY_FRAMES]!;
  }

  /** Index (since start) of the next frame to be released. */
  get frameIndex(): number {
    return this.st[ST_FRAME]!;
  }

  /**
   * Sets the first release. Default: `clock.nowNs()` rounded up to a multiple of the
   * initial mode's frame, plus one frame. Warm-up is the caller's business. Cold; throws
   * `HardtickError('usage')` when called twice or with a non-finite time.
   */
  start(t0Ns?: number): void {
    if (this.flags[F_STARTED] === 1) throw usage('Executive.start: already started');
    const f = this.cur.frameNs;
    const t0 = t0Ns ?? Math.ceil(this.clock.nowNs() / f) * f + f;
    if (!Number.isFinite(t0)) throw usage(`Executive.start: t0Ns must be finite, got ${t0}`);
    this.flags[F_STARTED] = 1;
    const st = this.st;
    st[ST_T0] = t0;
    st[ST_START_NS] = t0;
    st[ST_LAST_NS] = t0;
    st[ST_PREV_WAKE] = Number.NaN;
    st[ST_PREV_REL] = Number.NaN;
    st[ST_K] = 0;
    st[ST_POS] = 0;
    st[ST_FRAME] = 0;
    this.publishLive(0);
  }

  /**
   * Waits for the next release and runs one frame (or handles catch-up first). Starts the
   * executive with the default t0 when `start` was not called. Returns false once stopped.
   * `endNs`, as for {@link Executive.runUntil}: a frame reached by skipping whose release is
   * at or past it is neither run nor counted. Never allocates after warm-up.
   */
  step(endNs: number = Number.POSITIVE_INFINITY): boolean {
    if (this.flags[F_STARTED] === 0) this.start();
    this.st[ST_LIMIT] = endNs;
    this.runOne();
    return this.flags[F_STOPPED] === 0;
  }

  /** Runs up to `n` frames (skipped frames do not count); returns the frames run. */
  runFrames(n: number): number {
    if (this.flags[F_STARTED] === 0) this.start();
    this.st[ST_LIMIT] = Number.POSITIVE_INFINITY;
    let ran = 0;
    while (ran < n && this.flags[F_STOPPED] === 0) ran += this.runOne();
    return ran;
  }

  /**
   * Runs frames whose release is < `endNs` (a frame reached by skipping whose release is
   * ≥ `endNs` is neither run nor counted: skipping stops there). Returns the frames run.
   */
  runUntil(endNs: number): number {
    if (this.flags[F_STARTED] === 0) this.start();
    const st = this.st;
    st[ST_LIMIT] = endNs;
    let ran = 0;
    while (this.flags[F_STOPPED] === 0 && st[ST_T0]! + st[ST_K]! * this.cur.frameNs < st[ST_LIMIT]!)
      ran += this.runOne();
    st[ST_LIMIT] = Number.POSITIVE_INFINITY;
    return ran;
  }

  /**
   * Stops the loop after the current frame (from a task: at the end of its frame;
   * between frames: before the next one). Reason `'requested'`.
   */
  requestStop(): void {
    this.flags[F_STOP_REQUESTED] = 1;
  }

  /**
   * Requests a switch to mode `name`, applied at the next hyperperiod boundary (before
   * `start`: at once). Requesting the current mode cancels a pending switch. Cold; throws
   * `HardtickError('usage')` for an unknown name.
   */
  requestMode(name: string): void {
    const m = this.modes.findIndex((r) => r.name === name);
    if (m < 0)
      throw usage(
        `Executive.requestMode: unknown mode '${name}' (modes: ${this.modes.map((r) => r.name).join(', ')})`,
      );
    if (this.flags[F_STARTED] === 0) {
      this.cur = this.modes[m]!;
      this.flags[F_MODE] = m;
      this.flags[F_PENDING_MODE] = -1;
      this.ctx.modeName = this.cur.name;
      return;
    }
    this.flags[F_PENDING_MODE] = m === this.flags[F_MODE] ? -1 : m;
  }

  /**
   * `ctx.requestMode(name)` from a task: as {@link Executive.requestMode} once started, with
   * an allocation-free lookup (a plain loop, no closure).
   */
  requestModeFromTask(name: string): void {
    const modes = this.modes;
    for (let m = 0; m < modes.length; m++) {
      if (modes[m]!.name === name) {
        this.flags[F_PENDING_MODE] = m === this.flags[F_MODE] ? -1 : m;
        return;
      }
    }
    this.requestMode(name); // throws the unknown-mode error
  }

  /** Release time of the next frame, ns (t0 + k·frameNs). */
  nextReleaseNs(): number {
    return this.st[ST_T0]! + this.st[ST_K]! * this.cur.frameNs;
  }

  /**
   * Delivers queued alarms to `listener`, rate-limited per kind (see alarm-drain.ts);
   * once stopped, or when `flush` is true, pending summaries are delivered too. The view
   * object is reused: copy what you keep. Allocates nothing itself. Returns the number of
   * records delivered (summaries included).
   */
  drainAlarms(listener: (a: AlarmRecordView) => void, flush = false): number {
    return this.drain.drain(listener, this.clock.nowNs(), flush || this.flags[F_STOPPED] === 1);
  }

  /** Alarms raised so far by kind id (exact, including dropped and rate-limited ones). */
  alarmTotal(kindId: number): number {
    return this.ring.totals[kindId] ?? 0;
  }

  /** The last error thrown by task `taskIndex` of mode `mode` (default: current), or undefined. */
  lastError(taskIndex: number, mode?: string): unknown {
    const rt = mode === undefined ? this.cur : this.modes.find((r) => r.name === mode);
    if (rt === undefined || taskIndex < 0 || taskIndex >= rt.taskCount) return undefined;
    return this.stats.lastError[rt.taskBase + taskIndex];
  }

  /** Tasks over every mode: the length of the flattened per-task arrays (snapshot order). */
  get taskCount(): number {
    return this.fns.length;
  }

  /**
   * Alarm records lost because the executive's alarm ring was full before a drain (they
   * are still counted in {@link Executive.alarmTotal}). O(1), allocation-free.
   */
  get alarmsDropped(): number {
    return this.ring.dropped;
  }

  /**
   * Copies every task's counters (every mode, snapshot order) into `out`: task g's counter
   * X at `offset + g·TS_SIZE + TS_X` (the evidence layout, counters.ts). Allocation-free,
   * O(tasks): for periodic statistics between frames, where `snapshot()` is too slow.
   * @throws RangeError when `out` is too short (a setup error: size it once with `taskCount`).
   */
  taskCountersInto(out: Float64Array, offset = 0): void {
    const n = this.fns.length * TS_SIZE;
    if (offset < 0 || offset + n > out.length) throw countersTooShort(out.length, offset, this.fns.length);
    const d = this.stats.data;
    for (let i = 0; i < n; i++) out[offset + i] = d[i]!;
    const triggers = this.policy.triggers;
    const degraded = this.policy.degraded;
    for (let g = 0; g < this.fns.length; g++) {
      out[offset + g * TS_SIZE + TS_POLICY_TRIGGERS] = triggers[g]!;
      out[offset + g * TS_SIZE + TS_DEGRADED] = degraded[g]!;
    }
  }

  /**
   * Copies the run's counters into `out` at `offset` (`RC_*` layout, counters.ts): frames
   * run, skipped (and lost to pauses), overrun and cut off, mode, frame size, first release,
   * elapsed, the frame in progress or next (position, release, slot), stop code and task,
   * dropped alarms, the not-run sums over tasks, alarm totals by kind. Allocation-free,
   * O(kinds + tasks).
   * @throws RangeError when `out` is too short (a setup error).
   */
  runCountersInto(out: Float64Array, offset = 0): void {
    if (offset < 0 || offset + RC_SIZE > out.length)
      throw tooShort('runCountersInto', RC_SIZE, out.length, offset);
    const st = this.st;
    const flags = this.flags;
    const started = flags[F_STARTED] === 1;
    out[offset + RC_FRAMES_RUN] = st[ST_FRAMES_RUN]!;
    out[offset + RC_FRAME_INDEX] = st[ST_FRAME]!;
    out[offset + RC_FRAME_OVERRUNS] = st[ST_FRAME_OVERRUNS]!;
    out[offset + RC_FRAMES_SKIPPED] = st[ST_FRAMES_SKIPPED]!;
    out[offset + RC_FRAMES_LOST_PAUSE] = st[ST_FRAMES_LOST_PAUSE]!;
    out[offset + RC_FRAMES_CUT_OFF] = st[ST_FRAMES_CUT_OFF]!;
    const live = this.liveRun;
    out[offset + RC_POS] = live[RC_POS]!;
    out[offset + RC_RELEASE_NS] = live[RC_RELEASE_NS]!;
    out[offset + RC_IN_FRAME] = live[RC_IN_FRAME]!;
    out[offset + RC_SLOT] = live[RC_SLOT]!;
    const td = this.stats.data;
    const n = this.fns.length;
    let policy = 0;
    let catchUp = 0;
    let pause = 0;
    let unavailable = 0;
    let cutOff = 0;
    for (let g = 0; g < n; g++) {
      const o = g * TS_SIZE;
      policy += td[o + TS_NOT_RUN_POLICY]!;
      catchUp += td[o + TS_NOT_RUN_CATCH_UP]!;
      pause += td[o + TS_NOT_RUN_PAUSE]!;
      unavailable += td[o + TS_NOT_RUN_UNAVAILABLE]!;
      cutOff += td[o + TS_NOT_RUN_CUT_OFF]!;
    }
    out[offset + RC_NOT_RUN_POLICY] = policy;
    out[offset + RC_NOT_RUN_CATCH_UP] = catchUp;
    out[offset + RC_NOT_RUN_PAUSE] = pause;
    out[offset + RC_NOT_RUN_UNAVAILABLE] = unavailable;
    out[offset + RC_NOT_RUN_CUT_OFF] = cutOff;
    out[offset + RC_MODE] = flags[F_MODE]!;
    out[offset + RC_FRAME_NS] = this.cur.frameNs;
    out[offset + RC_START_NS] = started ? st[ST_START_NS]! : Number.NaN;
    const elapsed = st[ST_LAST_NS]! - st[ST_START_NS]!;
    out[offset + RC_ELAPSED_NS] = started && elapsed > 0 ? elapsed : 0;
    out[offset + RC_STOP_CODE] = flags[F_STOP_CODE]!;
    out[offset + RC_STOP_TASK] = flags[F_STOP_TASK]!;
    out[offset + RC_ALARMS_DROPPED] = this.ring.dropped;
    const totals = this.ring.totals;
    for (let k = 0; k < RC_KIND_ROOM; k++) out[offset + RC_KIND_TOTALS + k] = k < KIND_COUNT ? totals[k]! : 0;
    out[offset + RC_STANDBY_FRAMES] = st[ST_STANDBY_FRAMES]!;
  }

  /**
   * Writes the whole evidence block (`EV_*` layout, counters.ts: run counters, release
   * lateness, task counters, execution- and response-time distributions) into `out` at `offset`, sized
   * `evidenceSize(taskCount)`. Allocation-free; a few µs per task (partial histogram
   * scans): call it in frame slack. `snapshotFromEvidence` turns the block into a snapshot.
   * @throws RangeError when `out` is too short (a setup error).
   */
  evidenceInto(out: Float64Array, offset = 0): void {
    const n = this.fns.length;
    const size = evidenceSize(n);
    if (offset < 0 || offset + size > out.length) throw tooShort('evidenceInto', size, out.length, offset);
    this.runCountersInto(out, offset + EV_RUN);
    distributionInto(this.lateness, out, offset + EV_LATENESS);
    this.taskCountersInto(out, offset + EV_TASKS);
    const exec = this.stats.exec;
    const response = this.stats.response;
    for (let g = 0; g < n; g++) {
      distributionInto(exec[g]!, out, offset + evidenceExecAt(n, g));
      distributionInto(response[g]!, out, offset + evidenceResponseAt(n, g));
    }
  }

  /**
   * Writes task `task`'s (flattened index, snapshot order) execution-time distribution
   * into `out` at `offset` (`DQ_*` layout: count, min, mean, p50, p99, p999, max; ns).
   * Allocation-free: every figure goes straight into the Float64Array, so no double is
   * returned across a call. Cost: three partial histogram scans (a few µs).
   * @throws RangeError for a task index out of range or an `out` too short (setup errors).
   */
  execQuantilesInto(task: number, out: Float64Array, offset = 0): void {
    const h = this.stats.exec[task];
    if (h === undefined)
      throw new RangeError(`Executive.execQuantilesInto: no task ${task} (0..${this.fns.length - 1})`);
    distributionInto(h, out, offset);
  }

  /** Release lateness into `out` at `offset`, `DQ_*` layout (see {@link Executive.execQuantilesInto}). */
  latenessQuantilesInto(out: Float64Array, offset = 0): void {
    distributionInto(this.lateness, out, offset);
  }

  /** Release-lateness histogram (live; read between frames). */
  get latenessHistogram(): LogHistogram {
    return this.lateness;
  }

  /** The trace ring's records, oldest first (cold; allocates; empty when tracing is off). */
  trace(): TraceRecord[] {
    return this.traceRing.records();
  }

  /** Trace records kept at most (the `traceCapacity` option; 0: tracing off). */
  get traceCapacity(): number {
    return this.traceRing.capacity;
  }

  /**
   * Trace records written since creation, overwritten ones included: record numbers
   * `max(0, traceWritten − traceCapacity) … traceWritten − 1` can be read with
   * {@link Executive.traceRecordInto}. O(1), allocation-free.
   */
  get traceWritten(): number {
    return this.traceRing.written;
  }

  /**
   * Copies trace record number `seq` (see {@link Executive.traceWritten}) into `out` at
   * `offset`: `TRACE_RECORD` (9) doubles, `TRACE_*` layout of trace-ring.ts (frame, slot,
   * mode, task, job, slice, start ns, end ns, flags; times on the executive's clock).
   * Returns false when that record is not written yet or already overwritten.
   * Allocation-free (no double crosses the call): for forwarding the trace between frames.
   */
  traceRecordInto(seq: number, out: Float64Array, offset = 0): boolean {
    return this.traceRing.recordInto(seq, out, offset);
  }

  /**
   * Counters and statistics as plain objects (cold; allocates): the evidence block
   * ({@link Executive.evidenceInto}) through `snapshotFromEvidence`, plus what only this
   * thread holds (response times, histogram buckets, pWCET samples).
   */
  snapshot(): ExecutiveSnapshot {
    const ev = new Float64Array(evidenceSize(this.fns.length));
    this.evidenceInto(ev, 0);
    const s = this.stats;
    return snapshotFromEvidence(
      ev,
      0,
      { modes: this.specs },
      {
        responseNs: (g) => distributionOf(s.response[g]!),
        execHistogram: (g) => s.exec[g]!.buckets(),
        execSamples: (g) => s.samples[g]!.snapshot(),
      },
    );
  }

  /** Jobs not run so far, over every task and cause (O(tasks), allocation-free; for a status line). */
  get notRunTotal(): number {
    const td = this.stats.data;
    let n = 0;
    for (let g = 0; g < this.fns.length; g++) {
      const o = g * TS_SIZE;
      n +=
        td[o + TS_NOT_RUN_POLICY]! +
        td[o + TS_NOT_RUN_CATCH_UP]! +
        td[o + TS_NOT_RUN_PAUSE]! +
        td[o + TS_NOT_RUN_UNAVAILABLE]! +
        td[o + TS_NOT_RUN_CUT_OFF]!;
    }
    return n;
  }

  /**
   * The snapshot of a run that ends while this executive is inside a slot (its thread's
   * watchdog interrupt, the task still on the stack): {@link Executive.snapshot} completed
   * by `accountEndingInto` — the hung slot's execution `ending.endNs − ending.hungStartNs`
   * (censored; also in the execution-time histogram, never in the pWCET samples), and the
   * releases up to `ending.endNs` cut off. Cold; the executive is not usable afterwards.
   */
  snapshotAtEnding(ending: LoopEnding): ExecutiveSnapshot {
    const ev = new Float64Array(evidenceSize(this.fns.length));
    this.evidenceInto(ev, 0);
    const live = this.liveRun;
    if (ending.hungStartNs !== null && live[RC_IN_FRAME] === 1 && live[RC_SLOT]! >= 0) {
      const rt = this.modes[live[RC_MODE]!]!;
      const s = rt.frameSlotStart[live[RC_POS]!]! + live[RC_SLOT]!;
      const g = rt.taskBase + rt.slotTask[s]!;
      this.stats.exec[g]!.record(Math.round(Math.max(0, ending.endNs - ending.hungStartNs)));
    }
    accountEndingInto(
      ev,
      0,
      { modes: this.specs },
      this.specs.map((m) => m.table),
      ending,
    );
    const st = this.stats;
    return snapshotFromEvidence(
      ev,
      0,
      { modes: this.specs },
      {
        responseNs: (g) => distributionOf(st.response[g]!),
        execHistogram: (g) => st.exec[g]!.buckets(),
        execSamples: (g) => st.samples[g]!.snapshot(),
      },
    );
  }

  // ---------------------------------------------------------------------------------
  // Hot path. Everything below runs per frame; keep it allocation-free.
  // ---------------------------------------------------------------------------------

  /**
   * Runs one frame (after catch-up); returns 1 when a frame ran, else 0.
   *
   * Per slot the common case (on time, no error, no deadline miss, clean policy state,
   * tracing off) stays inline: context fill, the call, one clock read, two counters, the
   * execution-time record and, at a job's last slice, the response-time record. Anything
   * else goes to `afterSlot` (not inlined; doubles cross it through `st`). Every array
   * the loop touches is hoisted into a local: after the (megamorphic) task call V8 must
   * assume any object field changed, so a field read in the loop is a reload per slot.
   */
  private runOne(): number {
    if (this.beginFrame() === 0) return 0;
    const st = this.st;
    const rt = this.cur;
    const pos = st[ST_POS]!;
    const base = st[ST_BASE]!;
    const frame = st[ST_FRAME]!;
    const s0 = rt.frameSlotStart[pos]!;
    const s1 = rt.frameSlotStart[pos + 1]!;
    const slotInt = rt.slotInt;
    const slotF64 = rt.slotF64;
    const stats = this.stats;
    const td = stats.data;
    const execH = stats.exec;
    const execS = stats.samples;
    const responseH = stats.response;
    const pol = this.policy;
    const pendingSkip = pol.pendingSkip;
    const skipJob = pol.skipJob;
    const polDegraded = pol.degraded;
    const polDirty = pol.dirty;
    const fns = this.fns;
    const degradedFns = this.degradedFns;
    const taskNames = this.taskNames;
    const ctx = this.ctx;
    const clock = this.clock;
    const traceOn = this.traceRing.capacity > 0;
    const hb = this.heartbeat;
    const liveRun = this.liveRun;
    ctx.frameIndex = frame;
    let t = st[ST_LAST_NS]!; // the wake read
    let stop = 0;
    for (let s = s0; s < s1; s++) {
      const si = s * SI_SIZE;
      const g = slotInt[si + SI_G]!;
      const o = g * TS_SIZE;
      const slice = slotInt[si + SI_SLICE]!;
      const last = slotInt[si + SI_LAST] === 1;
      if (slice === 0) {
        td[o + TS_RELEASES]!++;
        if (pendingSkip[g] === 1) {
          pendingSkip[g] = 0;
          this.dropJob(g, TS_NOT_RUN_POLICY);
          skipJob[g] = TS_NOT_RUN_POLICY;
        }
      }
      // A dropped job's slots (the drop was counted at its first skipped slot), or a job
      // released in a standby frame (never a release: passed over uncounted).
      if (skipJob[g] !== 0) {
        if (last) skipJob[g] = 0;
        continue;
      }
      const sf = s * SF_SIZE;
      const budget = slotF64[sf + SF_BUDGET]!;
      const releaseNs = base + slotF64[sf + SF_RELEASE]!;
      const deadline = base + slotF64[sf + SF_DEADLINE]!;
      const degraded = polDegraded[g] === 1;
      ctx.taskIndex = slotInt[si + SI_TASK]!;
      ctx.taskName = taskNames[g]!;
      ctx.jobIndex = slotInt[si + SI_JOB]!;
      ctx.slice = slice;
      ctx.releaseNs = releaseNs;
      ctx.deadlineNs = deadline;
      ctx.budgetNs = budget;
      ctx.sliceStartNs = t;
      ctx.degraded = degraded;
      const fn = degraded ? degradedFns[g]! : fns[g]!;
      let threw = false;
      let caught: unknown;
      liveRun[RC_SLOT] = s - s0;
      // The heartbeat's only beginSlot/endSlot call sites (doubles through `st`: nothing boxed).
      if (hb !== null) {
        st[ST_HB_FRAME] = frame;
        st[ST_HB_START] = t;
        st[ST_HB_DEADLINE] = deadline;
        hb.beginSlotAt(s - s0, g, st, ST_HB_FRAME);
      }
      try {
        // A task is a synchronous function: anything but undefined returned is looked at
        // (cold): a thenable counts as a task error.
        const returned: unknown = fn(ctx);
        if (returned !== undefined) {
          caught = this.returnedError(g, returned);
          threw = caught !== undefined;
        }
      } catch (e) {
        threw = true;
        caught = e;
      }
      if (hb !== null) hb.endSlot();
      const end = clock.nowNs();
      let outcome = 0;
      if (threw) {
        outcome = this.thrownOutcome(g, caught);
        if (outcome === OUT_NOT_RUN) {
          // An isolated task's release with no worker to run it: not a run, no sample.
          this.dropJob(g, TS_NOT_RUN_UNAVAILABLE);
          if (!last) skipJob[g] = TS_NOT_RUN_UNAVAILABLE;
          t = end;
          continue;
        }
      }
      const exec = end - t;
      td[o + TS_RUNS]!++;
      // Rounded to whole ns: an integer below 2^30 crosses a call as a Smi, so `record`
      // allocates nothing even if the JIT does not inline it (a fractional double is boxed).
      const execNs = Math.round(exec);
      execH[g]!.record(execNs);
      // pWCET buffers (src/stats/exec-samples.ts): a killed execution is a lower bound, kept out.
      if (outcome !== OUT_KILLED) execS[g]!.record(execNs);
      if (exec > td[o + TS_EXEC_MAX_NS]!) {
        td[o + TS_EXEC_MAX_NS] = exec;
        td[o + TS_EXEC_MAX_FRAME] = frame;
      }
      if (last) {
        td[o + TS_JOBS_RUN]!++;
        responseH[g]!.record(Math.round(end - releaseNs));
      }
      const slotStart = t;
      t = end;
      if (exec > budget || threw || (last && end > deadline) || degraded || polDirty[g] === 1 || traceOn) {
        st[ST_SLOT_START] = slotStart;
        st[ST_SLOT_END] = end;
        if (this.afterSlot(rt, s, s - s0, g, threw, degraded)) {
          if (pol.action[g] === ACTION_SAFE_STATE) t = this.runSafeState(g, s - s0);
          stop = g + 1;
          break;
        }
      }
    }
    st[ST_LAST_NS] = t;
    st[ST_FRAMES_RUN]!++;

    const nextRel = st[ST_REL]! + rt.frameNs;
    if (t > nextRel) {
      st[ST_FRAME_OVERRUNS]!++;
      const stage = this.stage;
      stage[STAGE_FRAME] = frame;
      stage[STAGE_TIME] = t;
      stage[STAGE_VALUE] = t - nextRel;
      this.ring.pushStaged(KIND_FRAME_OVERRUN, rt.index, -1, stage);
    }
    if (stop !== 0) {
      // Before advancing: the alarm names the task in the mode it ran in, and a stopped
      // loop applies no pending mode switch.
      const g = stop - 1;
      this.stopNow(pol.action[g] === ACTION_SAFE_STATE ? STOP_SAFE_STATE : STOP_POLICY, g);
      this.advance(1);
      this.publishLive(0);
    } else {
      // The slack hook's only call site (doubles through `st`: nothing boxed).
      if (this.slackHook !== null) {
        st[ST_SLACK_END] = t;
        st[ST_SLACK_NEXT] = nextRel;
        st[ST_SLACK_WARN] = 0;
        this.slackHook.afterFrame(st, ST_SLACK_END);
        if (st[ST_SLACK_WARN] !== 0) this.gcWarn(frame);
      }
      this.advance(1);
      this.publishLive(0);
      if (this.flags[F_STOP_REQUESTED] === 1) this.stopNow(STOP_REQUESTED, -1);
    }
    return 1;
  }

  /**
   * The frame-level run counters into `liveRun` (see there): at a frame's start (`inFrame`
   * 1: the frame in progress) and end (0: the next frame). About fifteen stores; nothing
   * allocated.
   */
  private publishLive(inFrame: number): void {
    const st = this.st;
    const live = this.liveRun;
    live[RC_FRAMES_RUN] = st[ST_FRAMES_RUN]!;
    live[RC_FRAME_INDEX] = st[ST_FRAME]!;
    live[RC_FRAME_OVERRUNS] = st[ST_FRAME_OVERRUNS]!;
    live[RC_FRAMES_SKIPPED] = st[ST_FRAMES_SKIPPED]!;
    live[RC_FRAMES_LOST_PAUSE] = st[ST_FRAMES_LOST_PAUSE]!;
    live[RC_FRAMES_CUT_OFF] = st[ST_FRAMES_CUT_OFF]!;
    live[RC_STANDBY_FRAMES] = st[ST_STANDBY_FRAMES]!;
    live[RC_MODE] = this.flags[F_MODE]!;
    live[RC_FRAME_NS] = this.cur.frameNs;
    live[RC_START_NS] = st[ST_START_NS]!;
    live[RC_ELAPSED_NS] = st[ST_LAST_NS]! - st[ST_START_NS]!;
    live[RC_POS] = st[ST_POS]!;
    live[RC_RELEASE_NS] = inFrame === 1 ? st[ST_REL]! : st[ST_T0]! + st[ST_K]! * this.cur.frameNs;
    live[RC_IN_FRAME] = inFrame;
    live[RC_SLOT] = -1;
  }

  /** Raises the `gc-warn` alarm the slack hook asked for (`st[ST_SLACK_WARN]`); rare (once per episode). */
  private gcWarn(frame: number): void {
    const stage = this.stage;
    stage[STAGE_FRAME] = frame;
    stage[STAGE_TIME] = this.st[ST_SLACK_END]!;
    stage[STAGE_VALUE] = this.st[ST_SLACK_WARN]!;
    this.ring.pushStaged(KIND_GC_WARN, this.cur.index, -1, stage);
  }

  /**
   * Counts task g's current job as not run for `cause` (a `TS_NOT_RUN_*` offset): a deadline
   * miss (its deadline passes with nothing done), counted in the `deadline-miss` total with
   * no record of its own (the alarm that dropped it stands for it). Catch-up, pause and
   * policy drops are `skipped` too. Off the common path.
   */
  private dropJob(g: number, cause: number): void {
    const td = this.stats.data;
    const o = g * TS_SIZE;
    td[o + cause]!++;
    if (cause === TS_NOT_RUN_POLICY || cause === TS_NOT_RUN_CATCH_UP || cause === TS_NOT_RUN_PAUSE)
      td[o + TS_SKIPPED]!++;
    td[o + TS_DEADLINE_MISSES]!++;
    this.ring.countOnly(KIND_DEADLINE_MISS, 1);
  }

  /**
   * What task g's call returned, when not undefined (cold): a thenable (a Promise, an async
   * function's result) is the task's error, its rejection handled here so it never becomes
   * an unhandled one; anything else is ignored. Returns the error, or undefined.
   */
  private returnedError(g: number, returned: unknown): HardtickError | undefined {
    let then: unknown;
    try {
      then = (returned as { then?: unknown } | null)?.then;
    } catch {
      return undefined;
    }
    if (typeof then !== 'function') return undefined;
    try {
      (then as (a: unknown, b: unknown) => unknown).call(returned, undefined, ignoreRejection);
    } catch {
      // A thenable whose `then` throws: nothing to wait for either.
    }
    let error = this.thenableErrors[g]!;
    if (error === null) {
      const name = this.taskNames[g]!;
      error = new HardtickError(
        'task_returned_promise',
        `task '${name}' returned a Promise (or another thenable): a task is a synchronous function, ` +
          `so hardtick does not wait for it and counts each such call as a task error; ` +
          `do the asynchronous work outside the loop (a task channel, hardtick/worker) and keep the task synchronous`,
        { task: name },
      );
      this.thenableErrors[g] = error;
    }
    return error;
  }

  /** How a call that threw `caught` ended (`OUT_*`); keeps the error for {@link Executive.lastError}. Cold. */
  private thrownOutcome(g: number, caught: unknown): number {
    if (caught instanceof HardtickError) {
      if (caught.code === 'task_unavailable') return OUT_NOT_RUN;
      this.stats.lastError[g] = caught;
      return caught.code === 'task_killed' ? OUT_KILLED : OUT_ERROR;
    }
    this.stats.lastError[g] = caught;
    return OUT_ERROR;
  }

  /**
   * Start of a frame: stop checks, the wait, the wake read, catch-up, release lateness.
   * Returns 0 when no frame runs now (stopped, or catch-up skipped past the `runUntil`
   * limit), else 1 with `st[ST_REL]` (release), `st[ST_BASE]` (its hyperperiod start)
   * and `st[ST_LAST_NS]` (the wake read) set for `runOne`.
   */
  private beginFrame(): number {
    const st = this.st;
    const flags = this.flags;
    if (flags[F_STOPPED] === 1) return 0;
    if (flags[F_STOP_REQUESTED] === 1) {
      this.stopNow(STOP_REQUESTED, -1);
      return 0;
    }
    if (this.stopFlag !== null && Atomics.load(this.stopFlag, 0) !== 0) {
      this.stopNow(STOP_SIGNAL, -1);
      return 0;
    }
    let rt = this.cur;
    let f = rt.frameNs;
    let rel = st[ST_T0]! + st[ST_K]! * f;
    // The heartbeat's only idle call site.
    if (this.heartbeat !== null) {
      st[ST_HB_NEXT] = rel;
      this.heartbeat.idleAt(st, ST_HB_NEXT);
    }
    // The previous read (the last frame's end): a wake far past both it and the release is
    // time lost while the loop was not running a task (asleep, stopped, in its slack work).
    const idleFromNs = st[ST_LAST_NS]!;
    // The waiter's only call site: the release through `st` when the waiter takes it there.
    if (this.waitAt) {
      st[ST_WAIT_NS] = rel;
      this.waiter.waitUntilAt!(st, ST_WAIT_NS);
    } else {
      this.waiter.waitUntil(rel);
    }
    const wake = this.clock.nowNs();
    st[ST_LAST_NS] = wake;
    // Pause: the wake-to-wake gap beyond the release spacing (frameNs, or the old mode's
    // frame across a switch) is time the loop lost. NaN before the first frame: no alarm.
    const lostNs = wake - st[ST_PREV_WAKE]! - (rel - st[ST_PREV_REL]!);
    if (lostNs > this.pauseThresholdNs) {
      const stage = this.stage;
      stage[STAGE_FRAME] = st[ST_FRAME]!;
      stage[STAGE_TIME] = wake;
      stage[STAGE_VALUE] = lostNs;
      this.ring.pushStaged(KIND_PAUSE, rt.index, -1, stage);
      // Authority is re-established after a pause, not assumed (lease/guard.ts).
      if (this.leaseGuard !== null) this.leaseGuard.notePauseAt(stage, STAGE_TIME);
    }
    st[ST_PREV_WAKE] = wake;
    // Hot standby: one shared-memory read per frame; not leading, the frame runs no task.
    if (this.leaseGate !== null && !this.leaseGate.leading()) return this.standbyFrame();
    if (wake >= rel + f) {
      if (this.catchUpRun && st[ST_LATE_RUN]! < this.catchUpMax) {
        st[ST_LATE_RUN]!++;
      } else {
        st[ST_LATE_RUN] = 0;
        // Jobs dropped here were lost to a pause when the loop woke that late from idle
        // (not from a frame of its own that ran long: that is plain catch-up).
        this.skipLate(
          wake - Math.max(rel, idleFromNs) > this.pauseThresholdNs ? TS_NOT_RUN_PAUSE : TS_NOT_RUN_CATCH_UP,
        );
        rt = this.cur;
        f = rt.frameNs;
        rel = st[ST_T0]! + st[ST_K]! * f;
        st[ST_PREV_REL] = rel;
        if (rel >= st[ST_LIMIT]!) return 0;
      }
    } else {
      st[ST_LATE_RUN] = 0;
    }

    const lateness = wake - rel;
    // Whole ns for the same reason as in runOne.
    this.lateness.record(Math.round(lateness));
    if (lateness > st[ST_LATENESS_MAX]!) st[ST_LATENESS_MAX] = lateness;
    if (lateness > this.releaseLateNs) {
      const stage = this.stage;
      stage[STAGE_FRAME] = st[ST_FRAME]!;
      stage[STAGE_TIME] = wake;
      stage[STAGE_VALUE] = lateness;
      this.ring.pushStaged(KIND_RELEASE_LATE, rt.index, -1, stage);
    }
    st[ST_REL] = rel;
    st[ST_PREV_REL] = rel;
    st[ST_BASE] = rel - st[ST_POS]! * f;
    st[ST_WAKE] = wake;
    this.publishLive(1);
    return 1;
  }

  /**
   * Bookkeeping of an executed slot beyond the common case handled inline in `runOne`
   * (counts, the execution-time record and the response-time record are done there):
   * degraded runs, budget/deadline alarms, task errors, trace, policy. Not inlined, so
   * only small integers, booleans and objects cross the call; the slot's start and end
   * come from `st`. Returns true when the task's policy stops the loop (`stop` or
   * `safe-state`).
   */
  private afterSlot(
    rt: ModeRt,
    s: number,
    slot: number,
    g: number,
    threw: boolean,
    degraded: boolean,
  ): boolean {
    const st = this.st;
    const td = this.stats.data;
    const o = g * TS_SIZE;
    const stage = this.stage;
    const ring = this.ring;
    const pol = this.policy;
    const frame = st[ST_FRAME]!;
    const end = st[ST_SLOT_END]!;
    const exec = end - st[ST_SLOT_START]!;
    const ti = g - rt.taskBase;
    const modeIndex = rt.index;
    if (degraded) td[o + TS_DEGRADED_RUNS]!++;
    let traceFlags = degraded ? TRACE_FLAG_DEGRADED : 0;
    stage[STAGE_FRAME] = frame;
    stage[STAGE_TIME] = end;
    const overran = exec > rt.slotBudgetNs[s]!;
    if (overran) {
      td[o + TS_OVERRUNS]!++;
      traceFlags |= TRACE_FLAG_OVERRUN;
      stage[STAGE_VALUE] = exec;
      ring.pushStaged(KIND_OVERRUN, modeIndex, ti, stage);
    }
    if (threw && isKilled(this.stats.lastError[g])) {
      // An isolated task given up at budget + grace (src/isolate): `killed`, not an error;
      // the slot overran, so the policy below applies as for any overrun. Its execution is
      // a lower bound (censored).
      td[o + TS_CENSORED]!++;
      stage[STAGE_VALUE] = exec;
      ring.pushStaged(KIND_KILLED, modeIndex, ti, stage);
    } else if (threw) {
      const errors = ++td[o + TS_ERRORS]!;
      traceFlags |= TRACE_FLAG_ERROR;
      stage[STAGE_VALUE] = errors;
      ring.pushStaged(KIND_TASK_ERROR, modeIndex, ti, stage);
    }
    if (rt.slotLast[s] === 1) {
      const deadline = st[ST_BASE]! + rt.slotDeadlineNs[s]!;
      if (end > deadline) {
        td[o + TS_LATE]!++;
        td[o + TS_DEADLINE_MISSES]!++;
        traceFlags |= TRACE_FLAG_DEADLINE_MISS;
        stage[STAGE_VALUE] = end - deadline;
        ring.pushStaged(KIND_DEADLINE_MISS, modeIndex, ti, stage);
      }
    }
    if (this.traceRing.capacity > 0)
      this.traceSlot(frame, slot, modeIndex, ti, rt.slotJob[s]!, rt.slotSlice[s]!, traceFlags);
    const failed = overran || threw;
    // A clean task's on-time run leaves the policy state unchanged (policy.ts, `dirty`).
    // `dirty` is read whether or not the run failed: the warm-up reaches this function with
    // failed runs only, and an unread term would deoptimise it at the first late, clean
    // run of the measured loop (seen with --trace-deopt).
    const dirty = pol.dirty[g] === 1;
    if (!(failed || dirty)) return false;
    if (!pol.update(g, failed)) return false;
    const action = pol.action[g]!;
    if (action === ACTION_SKIP_NEXT) pol.pendingSkip[g] = 1;
    else if (action === ACTION_DEGRADE) {
      if (!degraded) pol.enterDegraded(g);
    } else if (action === ACTION_SAFE_STATE || action === ACTION_STOP) return true;
    return false;
  }

  /** Records the slot that just ended: start = `st[ST_SLOT_START]`, end = `stage[STAGE_TIME]`. */
  private traceSlot(
    frame: number,
    slot: number,
    mode: number,
    task: number,
    job: number,
    slice: number,
    traceFlags: number,
  ): void {
    const r = this.traceRec;
    r[TRACE_FRAME] = frame;
    r[TRACE_SLOT] = slot;
    r[TRACE_MODE] = mode;
    r[TRACE_TASK] = task;
    r[TRACE_JOB] = job;
    r[TRACE_SLICE] = slice;
    r[TRACE_START] = this.st[ST_SLOT_START]!;
    r[TRACE_END] = this.stage[STAGE_TIME]!;
    r[TRACE_FLAGS] = traceFlags;
    r[TRACE_FRAME_RELEASE] = this.st[ST_REL]!;
    r[TRACE_FRAME_START] = this.st[ST_WAKE]!;
    this.traceRing.push(r);
  }

  /**
   * Calls task g's safe-state function once (caught like a task; a throw counts as an
   * error with a `task-error` alarm), reads the clock once more and returns that time.
   * Runs once per executive (then the loop stops), so it is off the steady-state path.
   */
  private runSafeState(g: number, slot: number): number {
    const ctx = this.ctx;
    const start = this.stage[STAGE_TIME]!;
    ctx.sliceStartNs = start;
    this.st[ST_SLOT_START] = start;
    let threw = false;
    try {
      this.safeStateFns[g]!(ctx);
    } catch (e) {
      threw = true;
      this.stats.lastError[g] = e;
    }
    const end = this.clock.nowNs();
    const rt = this.cur;
    const ti = g - rt.taskBase;
    this.stage[STAGE_TIME] = end;
    if (threw) {
      this.stage[STAGE_VALUE] = ++this.stats.data[g * TS_SIZE + TS_ERRORS]!;
      this.ring.pushStaged(KIND_TASK_ERROR, rt.index, ti, this.stage);
    }
    if (this.traceRing.capacity > 0)
      this.traceSlot(
        this.st[ST_FRAME]!,
        slot,
        rt.index,
        ti,
        ctx.jobIndex,
        ctx.slice,
        TRACE_FLAG_SAFE_STATE | (threw ? TRACE_FLAG_ERROR : 0),
      );
    return end;
  }

  /** Moves to the next `n` frames of the current epoch, applying a pending mode at the boundary. */
  private advance(n: number): void {
    const st = this.st;
    const rt = this.cur;
    st[ST_K] = st[ST_K]! + n;
    st[ST_FRAME] = st[ST_FRAME]! + n;
    let pos = st[ST_POS]! + n;
    if (pos >= rt.frameCount) {
      pos %= rt.frameCount;
      if (pos === 0 && this.flags[F_PENDING_MODE]! >= 0 && this.flags[F_STOPPED] === 0) {
        st[ST_POS] = 0;
        this.switchMode();
        return;
      }
    }
    st[ST_POS] = pos;
  }

  /** Applies the pending mode at the boundary the current epoch just reached. */
  private switchMode(): void {
    const st = this.st;
    const m = this.flags[F_PENDING_MODE]!;
    st[ST_T0] = st[ST_T0]! + st[ST_K]! * this.cur.frameNs;
    st[ST_K] = 0;
    st[ST_POS] = 0;
    this.flags[F_PENDING_MODE] = -1;
    this.flags[F_MODE] = m;
    this.cur = this.modes[m]!;
    this.ctx.modeName = this.cur.name;
    const stage = this.stage;
    stage[STAGE_FRAME] = st[ST_FRAME]!;
    stage[STAGE_TIME] = st[ST_T0]!;
    stage[STAGE_VALUE] = m;
    this.ring.pushStaged(KIND_MODE_CHANGE, m, -1, stage);
  }

  /**
   * The rest of a frame whose wake found a lease-gated loop not leading (`beginFrame`, after
   * the pause check): a late wake moves on to the first frame whose window is open (the
   * frames passed are standby frames too, no `skipped-frames`), then that frame is counted
   * as standby and passed. Its jobs are not releases (`standbyJobs`). Returns 0: no frame
   * ran. Allocation-free; runs every frame of a standby.
   */
  private standbyFrame(): number {
    const st = this.st;
    st[ST_LATE_RUN] = 0;
    if (st[ST_LAST_NS]! >= st[ST_T0]! + (st[ST_K]! + 1) * this.cur.frameNs) this.skipLate(SKIP_STANDBY);
    const rt = this.cur;
    const rel = st[ST_T0]! + st[ST_K]! * rt.frameNs;
    st[ST_PREV_REL] = rel;
    if (rel >= st[ST_LIMIT]!) return 0;
    this.standbyJobs(rt, st[ST_POS]!, 1);
    st[ST_STANDBY_FRAMES]!++;
    this.advance(1);
    this.publishLive(0);
    return 0;
  }

  /**
   * The jobs of `n` standby frames from table position `pos`: a job released there is not
   * a release (its later slices, even in frames that lead again, are passed over
   * uncounted: `SKIP_STANDBY`); a job released while leading whose later slices fall in
   * standby is cut off (not run, a deadline miss: it never completes), counted at its first
   * slice in standby. Whole hyperperiods beyond the last are skipped (they change no
   * state), as in `countSkipped`.
   */
  private standbyJobs(rt: ModeRt, pos: number, n: number): void {
    const pol = this.policy;
    let frames = n;
    if (frames > 2 * rt.frameCount) frames -= (Math.floor(frames / rt.frameCount) - 1) * rt.frameCount;
    let p = pos;
    for (let j = 0; j < frames; j++) {
      const s1 = rt.frameSlotStart[p + 1]!;
      for (let s = rt.frameSlotStart[p]!; s < s1; s++) {
        const g = rt.taskBase + rt.slotTask[s]!;
        const last = rt.slotLast[s] === 1;
        if (rt.slotSlice[s] === 0) {
          pol.pendingSkip[g] = 0;
          pol.skipJob[g] = last ? 0 : SKIP_STANDBY;
          continue;
        }
        if (pol.skipJob[g] === 0) {
          this.dropJob(g, TS_NOT_RUN_CUT_OFF);
          pol.skipJob[g] = TS_NOT_RUN_CUT_OFF;
        }
        if (last) pol.skipJob[g] = 0;
      }
      p = p + 1 === rt.frameCount ? 0 : p + 1;
    }
  }

  /**
   * Catch-up skip: with now = st[ST_LAST_NS] (the wake read), skips to the first frame
   * whose window is still open, crossing into a pending mode at a hyperperiod boundary.
   * Raises one `skipped-frames` alarm; the jobs of the skipped frames are dropped for
   * `cause` (`TS_NOT_RUN_PAUSE` or `TS_NOT_RUN_CATCH_UP`). `SKIP_STANDBY` (a lease-gated
   * loop not leading): the frames passed are standby frames (`standbyJobs`), with no alarm.
   * Rare path (the loop was late by a whole frame).
   */
  private skipLate(cause: number): void {
    const st = this.st;
    const now = st[ST_LAST_NS]!;
    const firstFrame = st[ST_FRAME]!;
    let total = 0;
    for (;;) {
      const rt = this.cur;
      const k = st[ST_K]!;
      let target = Math.floor((now - st[ST_T0]!) / rt.frameNs);
      // Not past a runUntil / step limit: frames released at or after it are not this run's.
      const limit = Math.ceil((st[ST_LIMIT]! - st[ST_T0]!) / rt.frameNs);
      if (target > limit) target = limit;
      if (target <= k) break;
      let n = target - k;
      const toBoundary = rt.frameCount - st[ST_POS]!;
      const crossesToPending = this.flags[F_PENDING_MODE]! >= 0 && n >= toBoundary;
      if (crossesToPending) n = toBoundary;
      if (cause === SKIP_STANDBY) this.standbyJobs(rt, st[ST_POS]!, n);
      else this.countSkipped(rt, st[ST_POS]!, n, cause);
      total += n;
      this.advance(n);
      if (!crossesToPending) break;
    }
    if (cause === SKIP_STANDBY) {
      st[ST_STANDBY_FRAMES] = st[ST_STANDBY_FRAMES]! + total;
      return;
    }
    st[ST_FRAMES_SKIPPED] = st[ST_FRAMES_SKIPPED]! + total;
    if (cause === TS_NOT_RUN_PAUSE) st[ST_FRAMES_LOST_PAUSE] = st[ST_FRAMES_LOST_PAUSE]! + total;
    const stage = this.stage;
    stage[STAGE_FRAME] = firstFrame;
    stage[STAGE_TIME] = now;
    stage[STAGE_VALUE] = total;
    this.ring.pushStaged(KIND_SKIPPED_FRAMES, this.cur.index, -1, stage);
  }

  /**
   * Counts the jobs of `n` skipped frames from table position `pos`: each first slice is a
   * release, and each job not already dropped is dropped now for `cause` (a job with a
   * skipped slice is abandoned: its later slices are skipped too). Past the first
   * hyperperiod, whole hyperperiods are counted arithmetically (bounded work): each drops
   * every job it releases.
   */
  private countSkipped(rt: ModeRt, pos: number, n: number, cause: number): void {
    const fc = rt.frameCount;
    let left = n;
    if (left > 3 * fc) {
      this.skipFrames(rt, pos, fc, cause);
      left -= fc;
      const bulk = Math.floor(left / fc) - 1;
      const td = this.stats.data;
      const skipped = cause === TS_NOT_RUN_CATCH_UP || cause === TS_NOT_RUN_PAUSE;
      for (let i = 0; i < rt.taskCount; i++) {
        const o = (rt.taskBase + i) * TS_SIZE;
        const jobs = bulk * rt.jobsPerHyper[i]!;
        td[o + TS_RELEASES]! += jobs;
        td[o + cause]! += jobs;
        if (skipped) td[o + TS_SKIPPED]! += jobs;
        td[o + TS_DEADLINE_MISSES]! += jobs;
        this.ring.countOnly(KIND_DEADLINE_MISS, jobs);
      }
      left -= bulk * fc;
    }
    this.skipFrames(rt, pos, left, cause);
  }

  /** Counts `frames` skipped frames slot by slot from table position `pos` (see `countSkipped`). */
  private skipFrames(rt: ModeRt, pos: number, frames: number, cause: number): void {
    const stats = this.stats;
    const pol = this.policy;
    let p = pos;
    for (let j = 0; j < frames; j++) {
      const s1 = rt.frameSlotStart[p + 1]!;
      for (let s = rt.frameSlotStart[p]!; s < s1; s++) {
        const g = rt.taskBase + rt.slotTask[s]!;
        if (rt.slotSlice[s] === 0) {
          stats.data[g * TS_SIZE + TS_RELEASES]!++;
          pol.pendingSkip[g] = 0;
        }
        if (pol.skipJob[g] === 0) {
          this.dropJob(g, cause);
          pol.skipJob[g] = cause;
        }
        if (rt.slotLast[s] === 1) pol.skipJob[g] = 0;
      }
      p = p + 1 === rt.frameCount ? 0 : p + 1;
    }
  }

  /** Stops the loop: sets the reason, raises `stopped` (value: `STOP_*`, task or −1). */
  private stopNow(code: number, g: number): void {
    this.flags[F_STOPPED] = 1;
    this.flags[F_STOP_CODE] = code;
    this.flags[F_STOP_TASK] = code === STOP_POLICY || code === STOP_SAFE_STATE ? g : -1;
    const ti = g >= 0 ? g - this.cur.taskBase : -1;
    this.reason =
      code === STOP_POLICY
        ? this.policyStopReasons[g]!
        : code === STOP_SAFE_STATE
          ? this.safeStateStopReasons[g]!
          : code === STOP_SIGNAL
            ? 'signal'
            : 'requested';
    const stage = this.stage;
    stage[STAGE_FRAME] = this.st[ST_FRAME]!;
    stage[STAGE_TIME] = this.st[ST_LAST_NS]!;
    stage[STAGE_VALUE] = code;
    this.ring.pushStaged(KIND_STOPPED, this.cur.index, ti, stage);
    this.cutOffAtStop();
    this.liveRun[RC_STOP_CODE] = code;
    this.liveRun[RC_STOP_TASK] = this.flags[F_STOP_TASK]!;
  }

  /**
   * The releases the stop leaves unrun (cold, once): the rest of the frame in progress (a
   * policy stop ends it at the stopping slot), any frame whose release already passed, and
   * every job in flight (a sliced job between its slices): all cut off.
   */
  private cutOffAtStop(): void {
    const st = this.st;
    const rt = this.cur;
    const live = this.liveRun;
    const endNs = st[ST_LAST_NS]!;
    const counters: CutOffCounters = { td: this.stats.data, tdAt: 0, kinds: this.ring.totals, kindsAt: 0 };
    let pos = st[ST_POS]!;
    let rel = st[ST_T0]! + st[ST_K]! * rt.frameNs;
    if (live[RC_IN_FRAME] === 1) {
      cutOffSlots(counters, rt, rt.taskBase, pos, live[RC_SLOT]! + 1, st[ST_BASE]!, endNs);
      pos = pos + 1 === rt.frameCount ? 0 : pos + 1;
      rel += rt.frameNs;
    }
    st[ST_FRAMES_CUT_OFF] =
      st[ST_FRAMES_CUT_OFF]! + cutOffFrames(counters, rt, rt.taskBase, rt.taskCount, pos, rel, endNs);
    cutOffInFlight(counters, this.fns.length);
  }
}
