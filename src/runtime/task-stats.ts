/**
 * Per-task statistics of every task of every mode (flattened: index g = mode's task
 * base + task index): counters packed in ONE Float64Array, `TS_SIZE` doubles per task
 * (task g's counter X at `g·TS_SIZE + TS_X`), and an execution-time and a response-time
 * {@link LogHistogram} per task, and the pWCET sample buffers ({@link ExecSamples}: block
 * maxima, reservoir, tail) per task.
 *
 * Why packed: the executive updates several counters per slot right after calling a task,
 * and after a call V8 must reload every object field it uses; one array means one reload
 * instead of one per counter (part of the dispatch-overhead work, bench/README.md).
 *
 * Allocation contract: allocates in the constructor only; the executive updates `data`
 * and calls `LogHistogram.record` and `ExecSamples.record` (allocation-free) on its hot path. Threading: the
 * executive's thread only; snapshots are taken between frames.
 */
import { ExecSamples } from '../stats/exec-samples.js';
import { LogHistogram } from '../stats/histogram.js';

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
/** Doubles per task. */
export const TS_SIZE = 9;

/** Counters and histograms per task. */
export class TaskStats {
  /** Counters, `TS_SIZE` per task (`TS_*` offsets). */
  readonly data: Float64Array;
  /** Execution time per slot. */
  readonly exec: readonly LogHistogram[];
  /** Response time per job: completion of its last slice − job release. */
  readonly response: readonly LogHistogram[];
  /** Execution-time sample buffers per task, for the pWCET estimate (src/pwcet). */
  readonly samples: readonly ExecSamples[];
  /**
   * Last error thrown by each task (a reference kept for the cold side; hardtick
   * allocates nothing for it), or undefined.
   */
  readonly lastError: unknown[];

  constructor(taskCount: number) {
    const n = taskCount;
    this.data = new Float64Array(n * TS_SIZE);
    const exec: LogHistogram[] = [];
    const response: LogHistogram[] = [];
    const samples: ExecSamples[] = [];
    const lastError: unknown[] = [];
    for (let g = 0; g < n; g++) {
      this.data[g * TS_SIZE + TS_EXEC_MAX_NS] = -1;
      this.data[g * TS_SIZE + TS_EXEC_MAX_FRAME] = -1;
      exec.push(new LogHistogram());
      response.push(new LogHistogram());
      samples.push(new ExecSamples());
      lastError.push(undefined);
    }
    this.exec = exec;
    this.response = response;
    this.samples = samples;
    this.lastError = lastError;
  }

  /** Counter `field` (`TS_*`) of task g (cold). */
  get(g: number, field: number): number {
    return this.data[g * TS_SIZE + field]!;
  }
}
