/**
 * Public types of the runtime (cold; no code).
 */
import type { ResolvedTask } from '../config/types.js';
import type { ScheduleTable } from '../plan/types.js';
import type { Clock, Waiter } from '../time/clock.js';
import type { RunPhase, TaskContext } from './context.js';
import type { LeaseGate, LoopHeartbeat, LoopLease } from './loop-hooks.js';

/**
 * A task body. Called with the executive's single reused {@link TaskContext}: read it
 * during the call, never keep it. Must not block; what it throws is caught and counted.
 */
export type TaskFn = (ctx: TaskContext) => void;

/** One mode: a task set, its planned table and its functions (all indexed like `tasks`). */
export interface ExecutiveModeSpec {
  /** Mode name (unique). */
  readonly name: string;
  /** The mode's schedule table (`slotTask` indexes `tasks`). */
  readonly table: ScheduleTable;
  /** The mode's tasks; `tasks[i].index === i`. Budgets and deadlines are taken from the table. */
  readonly tasks: readonly ResolvedTask[];
  /** Normal function per task. */
  readonly fns: readonly TaskFn[];
  /** Degraded function per task (required when the task's policy is `degrade`). */
  readonly degraded: readonly (TaskFn | null)[];
  /** Safe-state function per task (required when the task's policy is `safe-state`). */
  readonly safeState: readonly (TaskFn | null)[];
}

/** Late-frame handling (see {@link Executive}). */
export interface CatchUpOptions {
  /** `skip`: jump to the first frame whose window is still open; `run`: run late frames back to back. */
  readonly policy: 'skip' | 'run';
  /** For `run`: late frames run in a row before the rest are skipped. */
  readonly maxFrames: number;
}

/** Options of {@link Executive}. */
export interface ExecutiveOptions {
  /** The clock every measurement reads. */
  readonly clock: Clock;
  /** Waits for each release on `clock`. */
  readonly waiter: Waiter;
  /** Every mode, planned up front. */
  readonly modes: readonly ExecutiveModeSpec[];
  /** Index of the mode to start in. @default 0 */
  readonly initialMode?: number;
  /** Late frames. @default { policy: 'skip', maxFrames: 0 } */
  readonly catchUp?: CatchUpOptions;
  /** Release lateness above which `release-late` is raised, ns. @default 500_000 */
  readonly releaseLateNs?: number;
  /**
   * A frame whose wake comes more than `release spacing + pauseThresholdNs` after the
   * previous frame's wake raises `pause` (value: gap − spacing), ns. 5 ms: above a
   * scavenge's usual 1–6 ms cost only for the long ones, far above wake-up jitter, and
   * independent of the frame size, so "a pause" means the same lost time in every mode.
   * @default 5_000_000
   */
  readonly pauseThresholdNs?: number;
  /** Alarm records queued before new ones are dropped. @default 1024 */
  readonly alarmCapacity?: number;
  /** Alarms of one kind delivered per second by `drainAlarms`. @default 10 */
  readonly alarmRatePerSecond?: number;
  /**
   * What tasks see as `ctx.phase`: `'warmup'` for the executives a runner throws away
   * after warming up, `'measure'` for the measured one. @default 'measure'
   */
  readonly phase?: RunPhase;
  /** Slot records kept by the trace ring; 0 = tracing off. @default 0 */
  readonly traceCapacity?: number;
  /**
   * Optional shared stop flag: when `stopFlag[0] !== 0` (read with `Atomics.load` before
   * each frame) the loop stops with reason `'signal'`. Lets another thread stop a loop
   * that never yields to the event loop. @default undefined
   */
  readonly stopFlag?: Int32Array;
  /**
   * Optional heartbeat for a watchdog (src/watchdog): the executive calls
   * `beginSlotAt` (frame, slot, g, slice start, job deadline) before each task call,
   * `endSlot()` after it and `idleAt` (next release) before each wait, each from one call
   * site, the doubles passed through a Float64Array so nothing is boxed whatever V8 inlines. `g` is the flattened task index (every task of every
   * mode, snapshot order), so create it with those names: `taskNames` must equal them.
   * The deadline written is the job's absolute deadline (release + relative deadline), not
   * the slot's budget end: the watchdog detects a task stuck past the deadline the plan
   * promised, and a slice that merely overruns its budget is the executive's own `overrun`
   * alarm. A task's safe-state call (policy `safe-state`) is not covered. Off (null) costs
   * one predictable branch per call site. @default undefined
   */
  readonly heartbeat?: LoopHeartbeat;
  /**
   * Optional lease guard (src/lease), created on this thread with `LeaseGuard.create` and
   * kept by a `LeaseKeeper` on the non-RT side: tasks see it as `ctx.lease`; a detected
   * `pause` makes `ctx.lease.valid()` false until the keeper confirms a renewal sent after
   * it. Its clock must be this executive's clock (`'monotonic'` for the native clock,
   * `'performance'` for `SystemClock`). @default undefined (`ctx.lease.valid()` is always true)
   */
  readonly lease?: LoopLease;
  /**
   * Optional lease gate (hot standby): read once per frame after the wake; a frame whose
   * release finds this loop not leading is a standby frame: its grid is kept (wait, wake,
   * pause detection), no task runs, it counts in `RC_STANDBY_FRAMES`, not as a frame run
   * or skipped, and its jobs are not releases (a job cut off by losing the lease counts as
   * skipped). @default undefined (every frame runs)
   */
  readonly leaseGate?: LeaseGate;
  /**
   * Optional hook called after each frame's last slot (not after a frame that stopped the
   * loop), in the frame's slack: GC governance (src/gc `PlannedGc`) runs planned
   * collections there. @default undefined
   */
  readonly slackHook?: SlackHook;
  /**
   * Optional evidence block (counters.ts `EV_*`, `evidenceSize(tasks)` doubles, typically
   * over a SharedArrayBuffer) the executive keeps its task counters and alarm totals in,
   * and whose frame-level run counters (`RC_*`: frame in progress, slot, position,
   * release) it updates at every frame's start and end and every slot's start. Another
   * thread can thus read exact counts while this one is stuck in a task or gone; the
   * distributions in it are only as fresh as the last `evidenceInto` into it.
   * @default undefined (private arrays)
   */
  readonly liveEvidence?: Float64Array;
}

/**
 * Work done in frame slack, between a frame's last slot and the next release. Called on
 * the loop's thread; must not allocate and must not throw (nothing catches it).
 */
export interface SlackHook {
  /**
   * `times[at]` = the frame's end (the executive's last clock read), `times[at + 1]` = the
   * next release, ns on the executive's clock. The doubles travel through the array so
   * nothing is boxed whatever V8 inlines. Read them during the call only. `times[at + 2]`
   * is 0 on entry: set it to a `GC_WARN_*` code (alarm-kinds.ts) to raise a `gc-warn`
   * alarm with that value.
   */
  afterFrame(times: Float64Array, at: number): void;
}
