/**
 * Overrun-policy state of every task (all modes, flattened: index = mode's task base +
 * task index), in typed arrays.
 *
 * Semantics (pinned by test/runtime-policy-*.test.ts):
 * - A run *fails* when its execution exceeded the slot budget or the task threw.
 * - Hysteresis `after: N` (no bucket): N consecutive failed runs trigger the action; an
 *   on-time run resets the count. The count is not reset by a trigger, so while the task
 *   keeps failing every further failure triggers again.
 * - Hysteresis `bucket {max, leak}`: a failure adds 1 (the level is capped at `max`, so a
 *   storm cannot wind it up), an on-time run removes `leak` (floor 0); a failure that
 *   leaves the level ≥ `max` triggers.
 * - `degrade`: while degraded the degraded function is called instead; `recoverAfter`
 *   consecutive on-time runs restore the normal function and clear the hysteresis state.
 * - `skip-next`: the task's next job (next slice-0 slot) is not run; see executive.ts.
 * - Skipped slots are not runs: they neither fail nor count as on time.
 *
 * Fast path: `dirty[g]` is 1 while task g has any hysteresis or recovery state (a
 * non-zero consecutive count or bucket level, or degraded). For a clean task an on-time
 * run changes nothing, so the executive calls `update` only when a run failed or the
 * task is dirty. `update` and `enterDegraded` keep `dirty` exact.
 *
 * Allocation contract: allocates in the constructor only; `update` never allocates.
 * Threading: the executive's thread only.
 */
import type { OverrunAction, OverrunPolicy } from '../config/types.js';

/** Action codes (`ACTION_*`). */
export const ACTION_WARN = 0;
export const ACTION_SKIP_NEXT = 1;
export const ACTION_DEGRADE = 2;
export const ACTION_SAFE_STATE = 3;
export const ACTION_STOP = 4;

const ACTION_CODES: Readonly<Record<OverrunAction, number>> = {
  warn: ACTION_WARN,
  'skip-next': ACTION_SKIP_NEXT,
  degrade: ACTION_DEGRADE,
  'safe-state': ACTION_SAFE_STATE,
  stop: ACTION_STOP,
};

/** Numeric code of an overrun action (cold). */
export function actionCode(action: OverrunAction): number {
  return ACTION_CODES[action];
}

/** `PolicyState.skipJob`: the job was released in a standby frame (executive.ts `standbyJobs`). */
export const SKIP_STANDBY = 2;

/** Policy parameters and hysteresis state per task. */
export class PolicyState {
  /** `ACTION_*` per task. */
  readonly action: Uint8Array;
  readonly after: Float64Array;
  /** Bucket capacity; 0 when the task uses `after`. */
  readonly bucketMax: Float64Array;
  readonly bucketLeak: Float64Array;
  readonly recoverAfter: Float64Array;
  /** Consecutive failed runs. */
  readonly consecutive: Float64Array;
  /** Leaky-bucket level. */
  readonly level: Float64Array;
  /** 1 while the degraded function replaces the normal one. */
  readonly degraded: Uint8Array;
  /** Consecutive on-time runs while degraded. */
  readonly onTime: Float64Array;
  /** 1 when the task's next job must be skipped (skip-next triggered). */
  readonly pendingSkip: Uint8Array;
  /**
   * Non-zero while the slots of the task's current job are being skipped: the job was
   * dropped (and counted) at its first skipped slot, and this holds the `TS_NOT_RUN_*`
   * offset of why (counters.ts); or `SKIP_STANDBY` for a job released in a standby frame
   * of a lease-gated loop (not a release: its remaining slices are passed over uncounted).
   * 0 again after its last slice.
   */
  readonly skipJob: Uint8Array;
  /** Times the action triggered. */
  readonly triggers: Float64Array;
  /** 1 while `consecutive`, `level` or `degraded` is non-zero (see the file header). */
  readonly dirty: Uint8Array;

  constructor(policies: readonly OverrunPolicy[]) {
    const n = policies.length;
    this.action = new Uint8Array(n);
    this.after = new Float64Array(n);
    this.bucketMax = new Float64Array(n);
    this.bucketLeak = new Float64Array(n);
    this.recoverAfter = new Float64Array(n);
    this.consecutive = new Float64Array(n);
    this.level = new Float64Array(n);
    this.degraded = new Uint8Array(n);
    this.onTime = new Float64Array(n);
    this.pendingSkip = new Uint8Array(n);
    this.skipJob = new Uint8Array(n);
    this.triggers = new Float64Array(n);
    this.dirty = new Uint8Array(n);
    for (let g = 0; g < n; g++) {
      const p = policies[g]!;
      this.action[g] = actionCode(p.action);
      this.after[g] = Math.max(1, p.after);
      this.bucketMax[g] = p.bucket === null ? 0 : Math.max(1, p.bucket.max);
      this.bucketLeak[g] = p.bucket === null ? 0 : p.bucket.leak;
      this.recoverAfter[g] = Math.max(1, p.recoverAfter);
      this.dirty[g] = this.bucketLeak[g]! < 0 ? 1 : 0;
    }
  }

  /**
   * Feeds the outcome of one run of task `g`; returns true when its action triggers now.
   * Also runs the degraded-recovery count. Never allocates.
   */
  update(g: number, failed: boolean): boolean {
    let triggered: boolean;
    const max = this.bucketMax[g]!;
    if (max > 0) {
      let level = this.level[g]!;
      if (failed) level = Math.min(level + 1, max);
      else level = Math.max(0, level - this.bucketLeak[g]!);
      this.level[g] = level;
      triggered = failed && level >= max;
    } else {
      const c = failed ? this.consecutive[g]! + 1 : 0;
      this.consecutive[g] = c;
      triggered = failed && c >= this.after[g]!;
    }
    if (this.degraded[g] === 1) {
      if (failed) this.onTime[g] = 0;
      else if (++this.onTime[g]! >= this.recoverAfter[g]!) {
        this.degraded[g] = 0;
        this.onTime[g] = 0;
        this.consecutive[g] = 0;
        this.level[g] = 0;
      }
    }
    if (triggered) this.triggers[g]!++;
    // A negative leak (not accepted by the config schema) would grow an idle level: keep
    // such a task dirty so that skipping `update` stays exactly equivalent.
    // Every term read each time (no short-circuit): a term the warm-up never reached would
    // deoptimise this once measuring ("insufficient type feedback", seen with --trace-deopt).
    const counting = this.consecutive[g] !== 0;
    const filled = this.level[g] !== 0;
    const inDegraded = this.degraded[g] === 1;
    const negativeLeak = this.bucketLeak[g]! < 0;
    this.dirty[g] = counting || filled || inDegraded || negativeLeak ? 1 : 0;
    return triggered;
  }

  /** Starts calling task g's degraded function (a `degrade` trigger). Never allocates. */
  enterDegraded(g: number): void {
    this.degraded[g] = 1;
    this.onTime[g] = 0;
    this.dirty[g] = 1;
  }
}
