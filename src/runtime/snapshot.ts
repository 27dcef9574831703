/**
 * Plain-object snapshot of an executive's counters and statistics. Produced on the
 * cold side (`Executive.snapshot()` allocates); consumed by the CLI, the run report
 * and the status line. Times in ns.
 */
import type { AlarmKindName } from '../config/types.js';
import type { ExecSamplesSnapshot } from '../stats/exec-samples.js';

/** min/mean/percentiles/max of a duration distribution, ns. */
export interface DistributionNs {
  readonly count: number;
  readonly min: number;
  readonly mean: number;
  readonly p50: number;
  readonly p99: number;
  readonly p999: number;
  readonly max: number;
}

/** Per-task evidence. */
export interface TaskSnapshot {
  readonly name: string;
  /** Mode the task belongs to. */
  readonly mode: string;
  readonly budgetNs: number;
  readonly deadlineNs: number;
  readonly periodNs: number;
  /** Jobs released (run or skipped). */
  readonly releases: number;
  /** Executions (slots) run, including degraded ones. */
  readonly runs: number;
  /** Slot executions that took longer than their budget. */
  readonly overruns: number;
  /** Jobs that completed after their absolute deadline. */
  readonly deadlineMisses: number;
  /** Executions that threw. */
  readonly errors: number;
  /** Jobs not run (skip-next policy, skipped frames). */
  readonly skipped: number;
  /** Executions of the degraded function. */
  readonly degradedRuns: number;
  /** Execution time per slot. */
  readonly execNs: DistributionNs;
  /** Frame number (since start) of the maximum execution time: the high-water mark. */
  readonly execMaxFrame: number;
  /** Response time per job: completion − release. */
  readonly responseNs: DistributionNs;
  /** Non-empty execution-time histogram buckets as [lowNs, highNs, count]. */
  readonly execHistogram: ReadonlyArray<readonly [number, number, number]>;
  /**
   * Execution-time samples for the pWCET estimate (block maxima, reservoir, tail, recent
   * values); absent when the snapshot was rebuilt from a statistics record.
   */
  readonly execSamples?: ExecSamplesSnapshot;
  /** Times the task's overrun policy triggered (after hysteresis). */
  readonly policyTriggers: number;
  /** True when the task is currently running its degraded function. */
  readonly degraded: boolean;
}

/** Whole-executive evidence. */
export interface ExecutiveSnapshot {
  /** Current mode name. */
  readonly mode: string;
  readonly frameNs: number;
  readonly frames: {
    /** Frames run. */
    readonly count: number;
    /** Frames still busy when the next frame should have started. */
    readonly overruns: number;
    /** Frames not run because the loop was late (catchUp). */
    readonly skipped: number;
  };
  /** Release lateness: actual start − intended release. */
  readonly release: { readonly latenessNs: DistributionNs };
  readonly tasks: readonly TaskSnapshot[];
  /** Alarms raised, by kind (including those rate-limited away from listeners). */
  readonly alarms: Readonly<Record<AlarmKindName, number>>;
  /** Alarms lost because the alarm ring was full. */
  readonly alarmsDropped: number;
  readonly stopped: boolean;
  /** Why the loop stopped (`'requested'`, `'signal'`, `'policy:stop:<task>'`, `'policy:safe-state:<task>'`), or null. */
  readonly stopReason: string | null;
  /** Elapsed ns from the first release to the executive's last clock read. */
  readonly elapsedNs: number;
  /** First release (t0), ns on the executive's clock; null before `start`. */
  readonly startNs: number | null;
  /** Index (since start) of the next frame to be released. */
  readonly nextFrameIndex: number;
}
