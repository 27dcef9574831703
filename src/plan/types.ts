/**
 * Planner output types. `PlanResult` is the cold, JSON-friendly form (it is what
 * `hardtick plan --json` prints, minus internal fields); `ScheduleTable` is the compact
 * typed-array form the runtime iterates without allocating.
 */

import type { ResolvedTask, Slicing } from '../config/types.js';

/** What the planner needs of a mode. */
export interface PlanMode {
  readonly tasks: readonly ResolvedTask[];
  /** `'auto'` or a fixed frame size in ns. */
  readonly frame: 'auto' | number;
  readonly slicing: Slicing;
}

/** One slot of a planned frame: (a slice of) one job of one task. */
export interface PlannedSlot {
  /** Task name. */
  readonly task: string;
  /** Index of the task in its mode's task list. */
  readonly taskIndex: number;
  /** Job number within the hyperperiod (0-based: job k is released at phase + k·period). */
  readonly job: number;
  /** Slice number (0 when the job is not sliced). */
  readonly slice: number;
  /** Budget of this slot in ns (the whole budget when not sliced). */
  readonly budgetNs: number;
  /** Job release, ns from the start of the hyperperiod this frame belongs to (negative when the job was released in the previous hyperperiod and wraps). */
  readonly releaseNs: number;
  /** Job absolute deadline, ns from the start of the same hyperperiod. */
  readonly deadlineNs: number;
  /** True when this slot is the job's last slice (the job completes here). */
  readonly last: boolean;
}

/** One minor frame of the table. */
export interface PlannedFrame {
  readonly index: number;
  /** Start of the frame, ns from the start of the hyperperiod (index · frameNs). */
  readonly startNs: number;
  /** Sum of the slots' budgets. */
  readonly loadNs: number;
  readonly slots: readonly PlannedSlot[];
}

/** A reason (infeasible) or a suggestion/notice (any result). */
export interface Diagnostic {
  /** Stable code, e.g. `frame_too_small`, `no_frame_size`, `overload`, `suggest_slice`. */
  readonly code: string;
  readonly message: string;
  readonly task?: string;
}

/** What the planner returns for one task set. Deterministic for a given input. */
export interface PlanResult {
  readonly feasible: boolean;
  readonly hyperperiodNs: number;
  /** The chosen frame size (0 when infeasible). */
  readonly frameNs: number;
  readonly frames: readonly PlannedFrame[];
  /** Task name → slice budgets in ns, for the tasks that were sliced. */
  readonly slices: Readonly<Record<string, readonly number[]>>;
  readonly diagnostics: readonly Diagnostic[];
  /**
   * Frame sizes that passed the frame-size constraints, largest first (the one chosen is
   * the first with an assignment). Absent when planning stopped before (limits, bad input).
   */
  readonly candidateFramesNs?: readonly number[];
  /** Jobs per hyperperiod (Σ H/pᵢ), when the plan got that far. */
  readonly jobCount?: number;
}

/**
 * The table the runtime iterates. Slots of frame k are the indices
 * `[frameSlotStart[k], frameSlotStart[k + 1])` of the `slot*` arrays.
 * All arrays are allocated once and frozen in place (never resized).
 */
export interface ScheduleTable {
  readonly frameNs: number;
  readonly hyperperiodNs: number;
  readonly frameCount: number;
  readonly slotCount: number;
  /** Length `frameCount + 1`. */
  readonly frameSlotStart: Uint32Array;
  /** Task index per slot. */
  readonly slotTask: Uint32Array;
  /** Job number per slot. */
  readonly slotJob: Uint32Array;
  /** Slice number per slot. */
  readonly slotSlice: Uint32Array;
  /** Budget per slot, ns. */
  readonly slotBudgetNs: Float64Array;
  /** Job release per slot, ns from the hyperperiod start (may be negative for a wrapped job). */
  readonly slotReleaseNs: Float64Array;
  /** Job absolute deadline per slot, ns from the hyperperiod start. */
  readonly slotDeadlineNs: Float64Array;
  /** 1 when the slot is the job's last slice, else 0. */
  readonly slotLast: Uint8Array;
}
