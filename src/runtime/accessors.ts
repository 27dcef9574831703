/**
 * Layouts of the executive's allocation-free accessors ({@link Executive.taskCountersInto},
 * {@link Executive.execQuantilesInto}, {@link Executive.latenessQuantilesInto}): offsets
 * into caller-owned Float64Arrays, so a real-time thread can copy live statistics into a
 * preallocated record between frames without calling `snapshot()` (which allocates a few
 * KB and takes 0.3–5 ms).
 */

// ── Per-task counters (`taskCountersInto`): TC_SIZE doubles per task, task g at g·TC_SIZE ──
/** Jobs released (run or skipped). */
export const TC_RELEASES = 0;
/** Slot executions (normal or degraded). */
export const TC_RUNS = 1;
/** Executions longer than their slot budget. */
export const TC_OVERRUNS = 2;
/** Jobs completed after their absolute deadline. */
export const TC_DEADLINE_MISSES = 3;
/** Executions that threw. */
export const TC_ERRORS = 4;
/** Jobs not run (skip-next, catch-up skip). */
export const TC_SKIPPED = 5;
/** Executions of the degraded function. */
export const TC_DEGRADED_RUNS = 6;
/** Largest execution time, ns (−1 before the first run). */
export const TC_EXEC_MAX_NS = 7;
/** Frame index (since start) of the largest execution, −1 before the first run. */
export const TC_EXEC_MAX_FRAME = 8;
/** Times the task's overrun policy triggered. */
export const TC_POLICY_TRIGGERS = 9;
/** 1 while the task runs its degraded function, else 0. */
export const TC_DEGRADED = 10;
/** Doubles per task in `taskCountersInto`'s output. */
export const TC_SIZE = 11;

// ── A distribution (`execQuantilesInto`, `latenessQuantilesInto`): DQ_SIZE doubles ──
/** Values recorded. */
export const DQ_COUNT = 0;
/** Smallest value, ns (0 when empty). */
export const DQ_MIN = 1;
/** Mean, ns (0 when empty). */
export const DQ_MEAN = 2;
/** Median, ns (bucket midpoint, ≤ 0.4 % error; 0 when empty). */
export const DQ_P50 = 3;
export const DQ_P99 = 4;
export const DQ_P999 = 5;
/** Largest value, ns (exact; 0 when empty). */
export const DQ_MAX = 6;
/** Doubles per distribution. */
export const DQ_SIZE = 7;
