/**
 * The evidence layout: the executive's counters as named offsets into one Float64Array,
 * defined once and used unchanged from the loop to the report. The executive keeps its
 * per-task counters in this layout (`TS_*`), copies them and its per-run counters (`RC_*`)
 * and distributions (`DQ_*`) into an evidence block (`EV_*`) with `evidenceInto`; a
 * worker publishes that block as it is, and `snapshotFromEvidence` (snapshot.ts) turns a
 * block into the snapshot the report is built from, on whichever thread holds it.
 *
 * To add a counter: a new offset before the `*_SIZE` of its layout (and bump the size);
 * every consumer reads it by name.
 */
import { DQ_SIZE } from '../stats/distribution.js';
import { KIND_COUNT } from './alarm-kinds.js';

// ── Per task (task g of the flattened every-mode list at g·TS_SIZE) ───────────────────────
/** Jobs released (counted at the job's first slice, run or skipped). */
export const TS_RELEASES = 0;
/** Slot executions (normal or degraded). */
export const TS_RUNS = 1;
/** Executions longer than their slot budget. */
export const TS_OVERRUNS = 2;
/** Jobs completed after their absolute deadline. */
export const TS_DEADLINE_MISSES = 3;
/** Executions that threw. */
export const TS_ERRORS = 4;
/** Jobs whose last slice was not run (skip-next, catch-up skip). */
export const TS_SKIPPED = 5;
/** Executions of the degraded function. */
export const TS_DEGRADED_RUNS = 6;
/** Largest execution time so far, ns (−1 before the first run). */
export const TS_EXEC_MAX_NS = 7;
/** Frame index (since start) of `TS_EXEC_MAX_NS`: the high-water mark. −1 before the first run. */
export const TS_EXEC_MAX_FRAME = 8;
/** Times the task's overrun policy triggered (kept by the policy state, copied by `taskCountersInto`). */
export const TS_POLICY_TRIGGERS = 9;
/** 1 while the task runs its degraded function, else 0 (kept by the policy state, copied likewise). */
export const TS_DEGRADED = 10;
/** Doubles per task. */
export const TS_SIZE = 11;

// ── Per run ───────────────────────────────────────────────────────────────────────────────
/** Frames run. */
export const RC_FRAMES_RUN = 0;
/** Index (since start) of the next frame to be released: frames run + skipped. */
export const RC_FRAME_INDEX = 1;
/** Frames still busy when the next frame should have started. */
export const RC_FRAME_OVERRUNS = 2;
/** Frames not run because the loop was late (catch-up). */
export const RC_FRAMES_SKIPPED = 3;
/** Index of the current mode. */
export const RC_MODE = 4;
/** Frame size of the current mode, ns. */
export const RC_FRAME_NS = 5;
/** First release, ns on the executive's clock (NaN before `start`; raw clocks differ across isolates). */
export const RC_START_NS = 6;
/** The executive's last clock read − its first release, ns (0 before `start`). */
export const RC_ELAPSED_NS = 7;
/** Why the loop stopped: −1 while running, else a `STOP_*` code (alarm-kinds.ts). */
export const RC_STOP_CODE = 8;
/** The task whose policy stopped the loop (flattened index), −1 when none. */
export const RC_STOP_TASK = 9;
/** Alarm records lost because the alarm ring was full (still counted in the totals). */
export const RC_ALARMS_DROPPED = 10;
/** Per alarm kind id k, the exact total raised, at `RC_KIND_TOTALS + k` (`RC_KIND_ROOM` words). */
export const RC_KIND_TOTALS = 11;
/** Room for alarm kinds at `RC_KIND_TOTALS` (`KIND_COUNT` used today). */
export const RC_KIND_ROOM = 16;
/**
 * Standby frames of a lease-gated loop (`ExecutiveOptions.leaseGate`): frames whose release
 * came while this loop did not lead, so no task ran. Not task releases (no miss, no
 * not-run): ⌊elapsed / frame⌋ = frames run + skipped + standby (±1).
 */
export const RC_STANDBY_FRAMES = RC_KIND_TOTALS + RC_KIND_ROOM;
/** Doubles of per-run counters. */
export const RC_SIZE = RC_STANDBY_FRAMES + 1;

// ── Evidence block: everything a snapshot's numbers come from, for n tasks ────────────────
/** Per-run counters (`RC_*`) from here. */
export const EV_RUN = 0;
/** Release lateness, a `DQ_*` distribution, from here. */
export const EV_LATENESS = EV_RUN + RC_SIZE;
/** Task counters from here: task g at `EV_TASKS + g·TS_SIZE`. */
export const EV_TASKS = EV_LATENESS + DQ_SIZE;

/** Offset of task g's execution-time distribution (`DQ_*`) in an evidence block of n tasks. */
export function evidenceExecAt(taskCount: number, g: number): number {
  return EV_TASKS + taskCount * TS_SIZE + g * DQ_SIZE;
}

/** Doubles in an evidence block of n tasks. */
export function evidenceSize(taskCount: number): number {
  return EV_TASKS + taskCount * (TS_SIZE + DQ_SIZE);
}

// Every kind has a total slot: a new kind fails at load until RC_KIND_ROOM grows.
if (KIND_COUNT > RC_KIND_ROOM) throw new Error('counters: RC_KIND_ROOM has no room for every alarm kind');
