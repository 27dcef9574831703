/**
 * The context handed to every task call.
 *
 * Allocation contract: ONE object per executive, created in its constructor; the
 * executive overwrites its fields before each call (all fields keep one representation,
 * so the writes never change its hidden class). `remainingNs()` is a prototype method:
 * calling it creates no closure. Threading: the executive's thread only.
 *
 * Tasks must not keep the context (or expect its fields to stay put) after they return:
 * the next slot's call reuses the same object.
 */
import type { Clock } from '../time/clock.js';
import { type LoopLease, type TaskLease, UNGUARDED_LEASE } from './loop-hooks.js';

/**
 * Which part of a run a task call belongs to: `'warmup'` (the warm-up before measurement,
 * whose figures are not reported) or `'measure'` (the measured run).
 */
export type RunPhase = 'warmup' | 'measure';

/** What a task sees while it runs. Reused across calls: read it, don't keep it. */
export interface TaskContext {
  /**
   * `'warmup'` while the runner warms the loop up before measuring (the real task code runs,
   * so a task that drives hardware can hold its outputs safe), `'measure'` afterwards and in
   * an executive built by hand unless its options say otherwise.
   */
  readonly phase: RunPhase;
  /** Index of the task in its mode's task list. */
  readonly taskIndex: number;
  /** Task name (from the config). */
  readonly taskName: string;
  /** Name of the current mode. */
  readonly modeName: string;
  /** Job number within the hyperperiod (0-based). */
  readonly jobIndex: number;
  /** Slice number of the job (0 unless sliced). */
  readonly slice: number;
  /** Frame index since start (frames run or skipped). */
  readonly frameIndex: number;
  /** Job release, absolute ns on the executive's clock. */
  readonly releaseNs: number;
  /** Job absolute deadline, ns on the executive's clock. */
  readonly deadlineNs: number;
  /** Budget of this slot, ns. */
  readonly budgetNs: number;
  /** When this slot started (the executive's previous clock read), ns. */
  readonly sliceStartNs: number;
  /** True when the degraded function is being called instead of the normal one. */
  readonly degraded: boolean;
  /** The executive's clock. */
  readonly clock: Clock;
  /**
   * The lease this loop acts under (src/lease): `valid()` before emitting output, `token()`
   * sent with it. Without a lease guard (`ExecutiveOptions.lease`) the loop is the only
   * writer: `valid()` is always true and the token 0. Preallocated; calls allocate nothing.
   */
  readonly lease: TaskLease;
  /** Budget left for this slot: `sliceStartNs + budgetNs − clock.nowNs()` (negative once over). */
  remainingNs(): number;
  /**
   * Asks for a switch to mode `name` at the next hyperperiod boundary, as
   * `Executive.requestMode` does from outside (e.g. a sensor task that declares its sensor
   * failed). Requesting the current mode cancels a pending switch. Allocation-free for a
   * known name; an unknown name throws (counted as the task's error).
   */
  requestMode(name: string): void;
}

/** What a context needs from its executive to request a mode switch. */
export interface ModeRequester {
  /** See {@link TaskContext.requestMode}. */
  requestModeFromTask(name: string): void;
}

/** The mutable implementation the executive owns. Not exported from the package. */
export class MutableTaskContext implements TaskContext {
  taskIndex = 0;
  taskName = '';
  modeName = '';
  jobIndex = 0;
  slice = 0;
  // Doubles start as non-integer doubles so their field representation is Double from
  // the first write on (no Smi → Double generalisation, and thus no deopt, mid-run).
  frameIndex = 0.5;
  releaseNs = 0.5;
  deadlineNs = 0.5;
  budgetNs = 0.5;
  sliceStartNs = 0.5;
  degraded = false;
  /** Set once by the executive (its `phase` option). */
  phase: RunPhase = 'measure';

  readonly lease: TaskLease;

  /** @param guard the loop's lease guard, or null (see {@link TaskContext.lease}). */
  /** Set by the executive that owns this context. */
  modes: ModeRequester | null = null;

  /** @param guard the loop's lease guard, or null (see {@link TaskContext.lease}). */
  constructor(
    readonly clock: Clock,
    guard: LoopLease | null = null,
  ) {
    this.lease = guard === null ? UNGUARDED_LEASE : guard.taskLease(this);
  }

  requestMode(name: string): void {
    if (this.modes === null) throw new Error(`requestMode('${name}'): this context has no executive`);
    this.modes.requestModeFromTask(name);
  }

  remainingNs(): number {
    return this.sliceStartNs + this.budgetNs - this.clock.nowNs();
  }
}
