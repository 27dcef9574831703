/**
 * The evidence layout: the executive's counters as named offsets into one Float64Array,
 * defined once and used unchanged from the loop to the report. The executive keeps its
 * per-task counters in this layout (`TS_*`), copies them and its per-run counters (`RC_*`)
 * and distributions (`DQ_*`) into an evidence block (`EV_*`) with `evidenceInto`; a
 * worker publishes that block as it is, and `snapshotFromEvidence` (snapshot.ts) turns a
 * block into the snapshot the report is built from, on whichever thread holds it.
 *
 * To add a counter: a new offset before the `*_SIZE` of its layout (and bump the size);
 * every consumer reads it by name. The accounting the counters make add up (every release
 * ran on time, ran late, or did not run for one named cause) is docs/accounting.md's.
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
/**
 * Jobs not done by their absolute deadline: those that completed after it (`TS_LATE`) and
 * those never run whose deadline passed (every `TS_NOT_RUN_*` but the cut-off ones whose
 * deadline was still ahead when the run ended).
 */
export const TS_DEADLINE_MISSES = 3;
/** Executions that threw. */
export const TS_ERRORS = 4;
/** Jobs whose last slice was not run: skip-next, catch-up and pause drops (`TS_NOT_RUN_POLICY` + `_CATCH_UP` + `_PAUSE`). */
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
/** Jobs whose last slice ran (on time or late): releases = jobs run + not run (+ jobs in flight while running). */
export const TS_JOBS_RUN = 11;
/** Jobs that ran and completed after their absolute deadline. */
export const TS_LATE = 12;
/** Jobs not run because the task's `skip-next` policy dropped them. */
export const TS_NOT_RUN_POLICY = 13;
/** Jobs not run because catch-up skipped their frame (the loop ran late: its own frames overran). */
export const TS_NOT_RUN_CATCH_UP = 14;
/** Jobs not run because their frame passed while the loop was paused (a `pause` alarm on that wake). */
export const TS_NOT_RUN_PAUSE = 15;
/** Jobs not run because the task's isolated worker was not there (respawning, or failed to load). */
export const TS_NOT_RUN_UNAVAILABLE = 16;
/** Jobs released before the run ended that never ran: cut off by a stop, a stuck verdict or a crash. */
export const TS_NOT_RUN_CUT_OFF = 17;
/**
 * Executions recorded as a lower bound (censored): an isolated task killed at budget +
 * grace, a slot still running at a stuck verdict. Counted in `TS_RUNS` and the
 * execution-time figures, never in the pWCET samples.
 */
export const TS_CENSORED = 18;
/** Doubles per task. */
export const TS_SIZE = 19;

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
/** Frames skipped because their window passed while the loop was paused (part of `RC_FRAMES_SKIPPED`). */
export const RC_FRAMES_LOST_PAUSE = 11;
/**
 * Frames whose release came before the run ended but that never ran to their end: the
 * frame a stuck verdict or a crash cut short, and those released after it.
 */
export const RC_FRAMES_CUT_OFF = 12;
/** Table position of the frame in progress (`RC_IN_FRAME` 1) or of the next one. */
export const RC_POS = 13;
/** Release of that frame, ns on the executive's clock. */
export const RC_RELEASE_NS = 14;
/** 1 while a frame is in progress (its slots run), else 0. */
export const RC_IN_FRAME = 15;
/** Position in its frame of the slot in progress or last started (−1 before the frame's first slot). */
export const RC_SLOT = 16;
/** Sum over tasks of `TS_NOT_RUN_POLICY`. */
export const RC_NOT_RUN_POLICY = 17;
/** Sum over tasks of `TS_NOT_RUN_CATCH_UP`. */
export const RC_NOT_RUN_CATCH_UP = 18;
/** Sum over tasks of `TS_NOT_RUN_PAUSE`. */
export const RC_NOT_RUN_PAUSE = 19;
/** Sum over tasks of `TS_NOT_RUN_UNAVAILABLE`. */
export const RC_NOT_RUN_UNAVAILABLE = 20;
/** Sum over tasks of `TS_NOT_RUN_CUT_OFF`. */
export const RC_NOT_RUN_CUT_OFF = 21;
/** Per alarm kind id k, the exact total raised, at `RC_KIND_TOTALS + k` (`RC_KIND_ROOM` words). */
export const RC_KIND_TOTALS = 22;
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

/** Offset of task g's response-time distribution (`DQ_*`) in an evidence block of n tasks. */
export function evidenceResponseAt(taskCount: number, g: number): number {
  return EV_TASKS + taskCount * (TS_SIZE + DQ_SIZE) + g * DQ_SIZE;
}

/** Doubles in an evidence block of n tasks. */
export function evidenceSize(taskCount: number): number {
  return EV_TASKS + taskCount * (TS_SIZE + 2 * DQ_SIZE);
}

/** The `TS_NOT_RUN_*` offsets, one per cause, in report order. */
export const TS_NOT_RUN_CAUSES = [
  TS_NOT_RUN_POLICY,
  TS_NOT_RUN_CATCH_UP,
  TS_NOT_RUN_PAUSE,
  TS_NOT_RUN_UNAVAILABLE,
  TS_NOT_RUN_CUT_OFF,
] as const;

/**
 * Jobs of the task whose counters start at `td[at]` that were released but neither run
 * (their last slice) nor dropped: in flight while the loop runs (a sliced job between its
 * slices), cut off once the run has ended.
 */
export function jobsInFlight(td: ArrayLike<number>, at: number): number {
  let notRun = 0;
  for (const cause of TS_NOT_RUN_CAUSES) notRun += td[at + cause]!;
  return Math.max(0, td[at + TS_RELEASES]! - td[at + TS_JOBS_RUN]! - notRun);
}

// Every kind has a total slot: a new kind fails at load until RC_KIND_ROOM grows.
if (KIND_COUNT > RC_KIND_ROOM) throw new Error('counters: RC_KIND_ROOM has no room for every alarm kind');
