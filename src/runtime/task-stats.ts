/**
 * Per-task statistics of every task of every mode (flattened: index = mode's task
 * base + task index): counters in typed arrays, an execution-time and a response-time
 * {@link LogHistogram} per task.
 *
 * Allocation contract: allocates in the constructor only; the executive updates the
 * arrays and calls `LogHistogram.record` (allocation-free) on its hot path. Threading:
 * the executive's thread only; snapshots are taken between frames.
 */
import { LogHistogram } from '../stats/histogram.js';

/** Counters and histograms per task. */
export class TaskStats {
  /** Jobs released (counted at the job's first slice, run or skipped). */
  readonly releases: Float64Array;
  /** Slot executions (normal or degraded). */
  readonly runs: Float64Array;
  /** Executions longer than their slot budget. */
  readonly overruns: Float64Array;
  /** Jobs completed after their absolute deadline. */
  readonly deadlineMisses: Float64Array;
  /** Executions that threw. */
  readonly errors: Float64Array;
  /** Jobs whose last slice was not run (skip-next, catch-up skip). */
  readonly skipped: Float64Array;
  /** Executions of the degraded function. */
  readonly degradedRuns: Float64Array;
  /** Largest execution time so far (−1 before the first run). */
  readonly execMaxNs: Float64Array;
  /** Frame index (since start) of `execMaxNs`: the high-water mark. −1 before the first run. */
  readonly execMaxFrame: Float64Array;
  /** Execution time per slot. */
  readonly exec: readonly LogHistogram[];
  /** Response time per job: completion of its last slice − job release. */
  readonly response: readonly LogHistogram[];
  /**
   * Last error thrown by each task (a reference kept for the cold side; hardtick
   * allocates nothing for it), or undefined.
   */
  readonly lastError: unknown[];

  constructor(taskCount: number) {
    const n = taskCount;
    this.releases = new Float64Array(n);
    this.runs = new Float64Array(n);
    this.overruns = new Float64Array(n);
    this.deadlineMisses = new Float64Array(n);
    this.errors = new Float64Array(n);
    this.skipped = new Float64Array(n);
    this.degradedRuns = new Float64Array(n);
    this.execMaxNs = new Float64Array(n).fill(-1);
    this.execMaxFrame = new Float64Array(n).fill(-1);
    const exec: LogHistogram[] = [];
    const response: LogHistogram[] = [];
    const lastError: unknown[] = [];
    for (let g = 0; g < n; g++) {
      exec.push(new LogHistogram());
      response.push(new LogHistogram());
      lastError.push(undefined);
    }
    this.exec = exec;
    this.response = response;
    this.lastError = lastError;
  }
}
