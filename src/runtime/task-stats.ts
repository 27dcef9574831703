/**
 * Per-task statistics of every task of every mode (flattened: g = mode's task base + task
 * index): counters in ONE Float64Array in the evidence layout (counters.ts, `TS_*`; the
 * policy's `TS_POLICY_TRIGGERS` and `TS_DEGRADED` stay 0 here, policy.ts keeps them), an
 * execution-time and a response-time {@link LogHistogram} and the pWCET sample buffers
 * ({@link ExecSamples}) per task. Packed because after a task call V8 reloads every field
 * it uses: one array is one reload. Allocation contract: allocates in the constructor
 * only; the executive's hot path updates `data` and records allocation-free. Threading:
 * the executive's thread only; snapshots are taken between frames.
 */
import { ExecSamples } from '../stats/exec-samples.js';
import { LogHistogram } from '../stats/histogram.js';
import { TS_EXEC_MAX_FRAME, TS_EXEC_MAX_NS, TS_SIZE } from './counters.js';

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

  /**
   * @param data where the counters live (`taskCount·TS_SIZE` doubles, e.g. a view into a
   * shared evidence block another thread reads while this one is stuck); @default a new array
   */
  constructor(taskCount: number, data?: Float64Array) {
    const n = taskCount;
    if (data !== undefined && data.length < n * TS_SIZE)
      throw new RangeError(`TaskStats: ${n} task(s) need ${n * TS_SIZE} doubles, got ${data.length}`);
    this.data = data ?? new Float64Array(n * TS_SIZE);
    this.data.fill(0, 0, n * TS_SIZE);
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
