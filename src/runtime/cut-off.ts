/**
 * The releases a run never reached: when a run ends (a stop, a stuck verdict, a crash) the
 * jobs whose release came before its end but that never ran are counted as cut off, and
 * those whose deadline had passed as deadline misses too. Walks a mode's schedule table
 * from the frame in progress up to the end time. The executive uses it when it stops; the
 * runner uses {@link accountEndingInto} on an evidence block the loop thread left behind
 * (stuck in a task, or dead). Cold code (allocates, loops over slots).
 */
import type { ScheduleTable } from '../plan/types.js';
import { DQ_COUNT, DQ_MAX, DQ_MEAN, DQ_MIN, DQ_P50, DQ_P99, DQ_P999 } from '../stats/distribution.js';
import { KIND_DEADLINE_MISS, KIND_OVERRUN } from './alarm-kinds.js';
import {
  EV_RUN,
  EV_TASKS,
  evidenceExecAt,
  jobsInFlight,
  RC_ELAPSED_NS,
  RC_FRAME_INDEX,
  RC_FRAMES_CUT_OFF,
  RC_IN_FRAME,
  RC_KIND_TOTALS,
  RC_MODE,
  RC_NOT_RUN_CATCH_UP,
  RC_NOT_RUN_CUT_OFF,
  RC_NOT_RUN_PAUSE,
  RC_NOT_RUN_POLICY,
  RC_NOT_RUN_UNAVAILABLE,
  RC_POS,
  RC_RELEASE_NS,
  RC_SLOT,
  RC_START_NS,
  TS_CENSORED,
  TS_DEADLINE_MISSES,
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
  TS_RELEASES,
  TS_RUNS,
  TS_SIZE,
} from './counters.js';
import type { EvidenceLayout } from './snapshot.js';
import { evidenceTaskCount } from './snapshot.js';

/** The part of a schedule table the count walks. */
export type CutOffTable = Pick<
  ScheduleTable,
  | 'frameNs'
  | 'frameCount'
  | 'frameSlotStart'
  | 'slotTask'
  | 'slotSlice'
  | 'slotLast'
  | 'slotDeadlineNs'
  | 'slotBudgetNs'
>;

/** Where the counts go: task counters (`TS_*`, task g at `tdAt + g·TS_SIZE`) and alarm totals by kind id. */
export interface CutOffCounters {
  readonly td: Float64Array;
  readonly tdAt: number;
  readonly kinds: Float64Array;
  readonly kindsAt: number;
}

/**
 * Counts the slots of frame `pos` from its slot `fromSlot` (position in the frame) on, in a
 * frame of hyperperiod start `baseNs`: each first slice is a release, and each last slice
 * whose deadline is at or before `endNs` a deadline miss. The jobs stay unfinished (the
 * report counts a released job neither run nor dropped as cut off).
 */
export function cutOffSlots(
  c: CutOffCounters,
  table: CutOffTable,
  taskBase: number,
  pos: number,
  fromSlot: number,
  baseNs: number,
  endNs: number,
): void {
  const s1 = table.frameSlotStart[pos + 1]!;
  for (let s = table.frameSlotStart[pos]! + Math.max(0, fromSlot); s < s1; s++) {
    const o = c.tdAt + (taskBase + table.slotTask[s]!) * TS_SIZE;
    if (table.slotSlice[s] === 0) c.td[o + TS_RELEASES]!++;
    if (table.slotLast[s] === 1 && baseNs + table.slotDeadlineNs[s]! <= endNs) {
      c.td[o + TS_DEADLINE_MISSES]!++;
      c.kinds[c.kindsAt + KIND_DEADLINE_MISS]!++;
    }
  }
}

/**
 * Counts the frames from table position `pos`, released at `releaseNs`, whose release is at
 * or before `endNs` (see {@link cutOffSlots}); returns how many. Whole hyperperiods far
 * before `endNs` are counted arithmetically (their deadlines have all passed).
 */
export function cutOffFrames(
  c: CutOffCounters,
  table: CutOffTable,
  taskBase: number,
  taskCount: number,
  pos: number,
  releaseNs: number,
  endNs: number,
): number {
  if (!(endNs >= releaseNs)) return 0;
  const f = table.frameNs;
  const fc = table.frameCount;
  const frames = Math.floor((endNs - releaseNs) / f) + 1;
  let p = pos;
  let rel = releaseNs;
  let left = frames;
  // Whole hyperperiods while at least two more remain: every job in them has its deadline
  // (within its hyperperiod) before the last two hyperperiods start.
  const bulk = left > 3 * fc ? Math.floor(left / fc) - 2 : 0;
  if (bulk > 0) {
    const jobs = new Float64Array(taskCount);
    const lasts = new Float64Array(taskCount);
    for (let s = 0; s < table.frameSlotStart[fc]!; s++) {
      if (table.slotSlice[s] === 0) jobs[table.slotTask[s]!]!++;
      if (table.slotLast[s] === 1) lasts[table.slotTask[s]!]!++;
    }
    for (let i = 0; i < taskCount; i++) {
      const o = c.tdAt + (taskBase + i) * TS_SIZE;
      c.td[o + TS_RELEASES]! += bulk * jobs[i]!;
      c.td[o + TS_DEADLINE_MISSES]! += bulk * lasts[i]!;
      c.kinds[c.kindsAt + KIND_DEADLINE_MISS]! += bulk * lasts[i]!;
    }
    left -= bulk * fc;
    rel += bulk * fc * f;
  }
  for (; left > 0; left--) {
    cutOffSlots(c, table, taskBase, p, 0, rel - p * f, endNs);
    p = p + 1 === fc ? 0 : p + 1;
    rel += f;
  }
  return frames;
}

/**
 * Marks every job still in flight (released, neither run nor dropped) as cut off: the run
 * has ended, so they never will run. `n` tasks at `c.td[c.tdAt…]`.
 */
export function cutOffInFlight(c: CutOffCounters, n: number): void {
  for (let g = 0; g < n; g++) {
    const o = c.tdAt + g * TS_SIZE;
    const inFlight = jobsInFlight(c.td, o);
    if (inFlight > 0) c.td[o + TS_NOT_RUN_CUT_OFF] = c.td[o + TS_NOT_RUN_CUT_OFF]! + inFlight;
  }
}

/** How a run ended that its loop could not account for itself. */
export interface LoopEnding {
  /** The end of the run (stuck verdict, crash seen), ns on the executive's clock. */
  readonly endNs: number;
  /**
   * The slot in progress hung (a stuck verdict): its start, ns on the executive's clock. Its
   * execution is recorded as `endNs − hungStartNs`, censored (a lower bound). null: the
   * slot in progress (if any) never finished and is cut off (a crash).
   */
  readonly hungStartNs: number | null;
}

/**
 * Completes an evidence block (counters.ts) that a loop left while a frame was in progress
 * (`RC_IN_FRAME`): the hung slot's execution (censored, an overrun, and a deadline miss when
 * its deadline passed), the rest of that frame and every frame released up to `endNs` cut
 * off, their passed deadlines counted as misses, every job left in flight cut off; the
 * elapsed time and the per-run sums brought up to `endNs`. `tables` are the block's modes' schedule tables, in mode order.
 * Pending mode switches are not followed (the current mode's table is walked). Cold.
 */
export function accountEndingInto(
  ev: Float64Array,
  at: number,
  layout: EvidenceLayout,
  tables: readonly CutOffTable[],
  ending: LoopEnding,
): void {
  const run = at + EV_RUN;
  const n = evidenceTaskCount(layout);
  const mode = ev[run + RC_MODE]!;
  const table = tables[mode];
  let taskBase = 0;
  for (let m = 0; m < mode; m++) taskBase += layout.modes[m]?.tasks.length ?? 0;
  const taskCount = layout.modes[mode]?.tasks.length ?? 0;
  const endNs = ending.endNs;
  const c: CutOffCounters = { td: ev, tdAt: at + EV_TASKS, kinds: ev, kindsAt: run + RC_KIND_TOTALS };
  if (table !== undefined && Number.isFinite(endNs)) {
    const f = table.frameNs;
    let pos = ev[run + RC_POS]!;
    let rel = ev[run + RC_RELEASE_NS]!;
    let framesCut = 0;
    if (ev[run + RC_IN_FRAME] === 1) {
      framesCut = 1;
      const baseNs = rel - pos * f;
      const slot = ev[run + RC_SLOT]!;
      if (slot >= 0 && ending.hungStartNs !== null) {
        hungSlot(
          ev,
          at,
          n,
          c,
          table,
          taskBase,
          pos,
          slot,
          baseNs,
          ending.hungStartNs,
          endNs,
          ev[run + RC_FRAME_INDEX]!,
        );
      } else if (slot >= 0) {
        // The slot in progress never returned (its release was counted when it started): its
        // job is cut off, and missed when its deadline passed.
        const s = table.frameSlotStart[pos]! + slot;
        if (table.slotLast[s] === 1 && baseNs + table.slotDeadlineNs[s]! <= endNs) {
          c.td[c.tdAt + (taskBase + table.slotTask[s]!) * TS_SIZE + TS_DEADLINE_MISSES]!++;
          c.kinds[c.kindsAt + KIND_DEADLINE_MISS]!++;
        }
      }
      cutOffSlots(c, table, taskBase, pos, slot + 1, baseNs, endNs);
      pos = pos + 1 === table.frameCount ? 0 : pos + 1;
      rel += f;
    }
    framesCut += cutOffFrames(c, table, taskBase, taskCount, pos, rel, endNs);
    ev[run + RC_FRAMES_CUT_OFF] = ev[run + RC_FRAMES_CUT_OFF]! + framesCut;
    cutOffInFlight(c, n);
    ev[run + RC_IN_FRAME] = 0;
    const startNs = ev[run + RC_START_NS]!;
    if (Number.isFinite(startNs) && endNs - startNs > ev[run + RC_ELAPSED_NS]!)
      ev[run + RC_ELAPSED_NS] = endNs - startNs;
  }
  runSumsInto(ev, at, n);
}

/** The hung slot's execution, `endNs − startNs`, recorded as a censored run. */
function hungSlot(
  ev: Float64Array,
  at: number,
  n: number,
  c: CutOffCounters,
  table: CutOffTable,
  taskBase: number,
  pos: number,
  slot: number,
  baseNs: number,
  startNs: number,
  endNs: number,
  frame: number,
): void {
  const s = table.frameSlotStart[pos]! + slot;
  const g = taskBase + table.slotTask[s]!;
  const o = c.tdAt + g * TS_SIZE;
  const td = c.td;
  const exec = Math.max(0, endNs - startNs);
  td[o + TS_RUNS]!++;
  td[o + TS_CENSORED]!++;
  if (exec > table.slotBudgetNs[s]!) {
    td[o + TS_OVERRUNS]!++;
    c.kinds[c.kindsAt + KIND_OVERRUN]!++;
  }
  if (exec > td[o + TS_EXEC_MAX_NS]!) {
    td[o + TS_EXEC_MAX_NS] = exec;
    td[o + TS_EXEC_MAX_FRAME] = frame;
  }
  // The distribution gains the lower bound as its largest value (quantiles unchanged).
  const dq = at + evidenceExecAt(n, g);
  const count = ev[dq + DQ_COUNT]!;
  ev[dq + DQ_MEAN] = count > 0 ? (ev[dq + DQ_MEAN]! * count + exec) / (count + 1) : exec;
  if (count === 0 || exec < ev[dq + DQ_MIN]!) ev[dq + DQ_MIN] = exec;
  if (count === 0) for (const q of [DQ_P50, DQ_P99, DQ_P999]) ev[dq + q] = exec;
  if (exec > ev[dq + DQ_MAX]!) ev[dq + DQ_MAX] = exec;
  ev[dq + DQ_COUNT] = count + 1;
  if (table.slotLast[s] === 1) {
    td[o + TS_JOBS_RUN]!++;
    if (endNs > baseNs + table.slotDeadlineNs[s]!) {
      td[o + TS_LATE]!++;
      td[o + TS_DEADLINE_MISSES]!++;
      c.kinds[c.kindsAt + KIND_DEADLINE_MISS]!++;
    }
  }
}

/** The per-run not-run sums (`RC_NOT_RUN_*`) of a block's task counters. */
export function runSumsInto(ev: Float64Array, at: number, taskCount: number): void {
  const run = at + EV_RUN;
  const sums: ReadonlyArray<readonly [number, number]> = [
    [RC_NOT_RUN_POLICY, TS_NOT_RUN_POLICY],
    [RC_NOT_RUN_CATCH_UP, TS_NOT_RUN_CATCH_UP],
    [RC_NOT_RUN_PAUSE, TS_NOT_RUN_PAUSE],
    [RC_NOT_RUN_UNAVAILABLE, TS_NOT_RUN_UNAVAILABLE],
    [RC_NOT_RUN_CUT_OFF, TS_NOT_RUN_CUT_OFF],
  ];
  for (const [rc, ts] of sums) {
    let sum = 0;
    for (let g = 0; g < taskCount; g++) sum += ev[at + EV_TASKS + g * TS_SIZE + ts]!;
    ev[run + rc] = sum;
  }
}
