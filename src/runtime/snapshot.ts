/**
 * Plain-object snapshot of an executive's counters and statistics, and the one function
 * that builds it from an evidence block (counters.ts): `Executive.snapshot()` on the loop's
 * thread, and the runner from a block a worker published, use the same code, so a figure
 * means the same in both. Cold (allocates). Times in ns.
 */
import type { AlarmKindName } from '../config/types.js';
import { type DistributionNs, distributionAt } from '../stats/distribution.js';
import type { ExecSamplesSnapshot } from '../stats/exec-samples.js';
import { ALARM_KINDS, KIND_COUNT, STOP_POLICY, STOP_SAFE_STATE, STOP_SIGNAL } from './alarm-kinds.js';
import {
  EV_LATENESS,
  EV_RUN,
  EV_TASKS,
  evidenceExecAt,
  evidenceResponseAt,
  evidenceSize,
  jobsInFlight,
  RC_ALARMS_DROPPED,
  RC_ELAPSED_NS,
  RC_FRAME_INDEX,
  RC_FRAME_NS,
  RC_FRAME_OVERRUNS,
  RC_FRAMES_CUT_OFF,
  RC_FRAMES_LOST_PAUSE,
  RC_FRAMES_RUN,
  RC_FRAMES_SKIPPED,
  RC_KIND_TOTALS,
  RC_MODE,
  RC_STANDBY_FRAMES,
  RC_START_NS,
  RC_STOP_CODE,
  RC_STOP_TASK,
  TS_CENSORED,
  TS_DEADLINE_MISSES,
  TS_DEGRADED,
  TS_DEGRADED_RUNS,
  TS_ERRORS,
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
  TS_POLICY_TRIGGERS,
  TS_RELEASES,
  TS_RUNS,
  TS_SIZE,
  TS_SKIPPED,
} from './counters.js';

export type { DistributionNs } from '../stats/distribution.js';

/** Jobs not run, by cause (counters.ts `TS_NOT_RUN_*`). */
export interface NotRunCounts {
  /** Dropped by the task's `skip-next` overrun policy. */
  readonly policy: number;
  /** Dropped by catch-up: their frame's window passed while the loop ran late on its own work. */
  readonly catchUp: number;
  /** Lost to a pause: their frame's window passed while the loop was paused. */
  readonly pause: number;
  /** An isolated task's worker was not there (respawning, or failed). */
  readonly unavailable: number;
  /** Released before the run ended, never run: cut off by a stop, a stuck verdict or a crash. */
  readonly cutOff: number;
}

/** Per-task evidence. */
export interface TaskSnapshot {
  readonly name: string;
  /** Mode the task belongs to. */
  readonly mode: string;
  readonly budgetNs: number;
  readonly deadlineNs: number;
  readonly periodNs: number;
  /** Jobs released (run, not run, or in flight). */
  readonly releases: number;
  /** Executions (slots) run, including degraded ones. */
  readonly runs: number;
  /** Jobs whose last slice ran (on time or late). */
  readonly jobsRun: number;
  /** Jobs that ran and completed after their absolute deadline. */
  readonly late: number;
  /** Jobs not run, by cause. */
  readonly notRun: NotRunCounts;
  /** Jobs released whose last slice has not come yet (sliced jobs while the loop runs). */
  readonly inFlight: number;
  /** Executions recorded as lower bounds (an isolated task killed; a slot still running at a stuck verdict). */
  readonly censored: number;
  /** Slot executions that took longer than their budget. */
  readonly overruns: number;
  /** Jobs not done by their deadline: late ones and those never run whose deadline passed. */
  readonly deadlineMisses: number;
  /** Executions that threw. */
  readonly errors: number;
  /** Jobs dropped by skip-next or skipped frames (`notRun.policy + catchUp + pause`). */
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
    /** Of `skipped`, frames whose window passed while the loop was paused. */
    readonly lostToPause: number;
    /** Frames released before the run ended that never ran to their end (stuck, crash, stop). */
    readonly cutOff: number;
    /** Frames in which a standby node ran no task (`lease`); 0 without one. */
    readonly standby: number;
  };
  /**
   * Standby frames: a lease-gated loop not leading ran no task (`RC_STANDBY_FRAMES`; not
   * in `frames`). Always set by `snapshotFromEvidence`; absent (0) in one built by hand.
   */
  readonly standbyFrames?: number;
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

/** The names and planned figures an evidence block's numbers belong to (a `ResolvedConfig` fits). */
export interface EvidenceLayout {
  /** Every mode in order; their tasks, flattened in this order, are the block's tasks. */
  readonly modes: ReadonlyArray<{
    readonly name: string;
    readonly tasks: ReadonlyArray<{
      readonly name: string;
      readonly budgetNs: number;
      readonly deadlineNs: number;
      readonly periodNs: number;
    }>;
  }>;
}

/** What a block does not carry: per task (flattened index g), the histogram-backed extras. */
export interface EvidenceDetail {
  /** Response-time distribution of task g. */
  responseNs(g: number): DistributionNs;
  /** Non-empty execution-time histogram buckets of task g. */
  execHistogram(g: number): ReadonlyArray<readonly [number, number, number]>;
  /** pWCET sample buffers of task g. */
  execSamples(g: number): ExecSamplesSnapshot;
}

/** Tasks over every mode of `layout` (the block's task count). */
export function evidenceTaskCount(layout: EvidenceLayout): number {
  let n = 0;
  for (const mode of layout.modes) n += mode.tasks.length;
  return n;
}

/**
 * A block holding nothing yet: zero counters, not started (`RC_START_NS` NaN), not stopped
 * (`RC_STOP_CODE` −1), no execution (`TS_EXEC_MAX_*` −1), the given frame size.
 */
export function emptyEvidence(taskCount: number, frameNs = 0): Float64Array {
  const ev = new Float64Array(evidenceSize(taskCount));
  ev[EV_RUN + RC_FRAME_NS] = frameNs;
  ev[EV_RUN + RC_START_NS] = Number.NaN;
  ev[EV_RUN + RC_STOP_CODE] = -1;
  ev[EV_RUN + RC_STOP_TASK] = -1;
  for (let g = 0; g < taskCount; g++) {
    ev[EV_TASKS + g * TS_SIZE + TS_EXEC_MAX_NS] = -1;
    ev[EV_TASKS + g * TS_SIZE + TS_EXEC_MAX_FRAME] = -1;
  }
  return ev;
}

/** The `stopReason` text of a stop code (`STOP_*`) and the stopping task's name. */
export function stopReasonText(code: number, taskName: string | null): string | null {
  if (code < 0) return null;
  if (code === STOP_POLICY) return `policy:stop:${taskName ?? '?'}`;
  if (code === STOP_SAFE_STATE) return `policy:safe-state:${taskName ?? '?'}`;
  return code === STOP_SIGNAL ? 'signal' : 'requested';
}

/**
 * The snapshot an evidence block at `ev[at…]` stands for, named by `layout`. Without
 * `detail` (a block published by another thread) response times come from the block and
 * there are no histogram buckets or pWCET samples. Cold; allocates.
 */
export function snapshotFromEvidence(
  ev: Float64Array,
  at: number,
  layout: EvidenceLayout,
  detail: EvidenceDetail | null = null,
): ExecutiveSnapshot {
  const n = evidenceTaskCount(layout);
  const run = at + EV_RUN;
  const tasks: TaskSnapshot[] = [];
  const names: string[] = [];
  let g = 0;
  for (const mode of layout.modes) {
    for (const task of mode.tasks) {
      const o = at + EV_TASKS + g * TS_SIZE;
      names.push(task.name);
      tasks.push({
        name: task.name,
        mode: mode.name,
        budgetNs: task.budgetNs,
        deadlineNs: task.deadlineNs,
        periodNs: task.periodNs,
        releases: ev[o + TS_RELEASES]!,
        runs: ev[o + TS_RUNS]!,
        jobsRun: ev[o + TS_JOBS_RUN]!,
        late: ev[o + TS_LATE]!,
        notRun: {
          policy: ev[o + TS_NOT_RUN_POLICY]!,
          catchUp: ev[o + TS_NOT_RUN_CATCH_UP]!,
          pause: ev[o + TS_NOT_RUN_PAUSE]!,
          unavailable: ev[o + TS_NOT_RUN_UNAVAILABLE]!,
          cutOff: ev[o + TS_NOT_RUN_CUT_OFF]!,
        },
        inFlight: jobsInFlight(ev, o),
        censored: ev[o + TS_CENSORED]!,
        overruns: ev[o + TS_OVERRUNS]!,
        deadlineMisses: ev[o + TS_DEADLINE_MISSES]!,
        errors: ev[o + TS_ERRORS]!,
        skipped: ev[o + TS_SKIPPED]!,
        degradedRuns: ev[o + TS_DEGRADED_RUNS]!,
        execNs: distributionAt(ev, at + evidenceExecAt(n, g)),
        execMaxFrame: ev[o + TS_EXEC_MAX_FRAME]!,
        responseNs:
          detail === null ? distributionAt(ev, at + evidenceResponseAt(n, g)) : detail.responseNs(g),
        execHistogram: detail === null ? [] : detail.execHistogram(g),
        ...(detail === null ? {} : { execSamples: detail.execSamples(g) }),
        policyTriggers: ev[o + TS_POLICY_TRIGGERS]!,
        degraded: ev[o + TS_DEGRADED] === 1,
      });
      g++;
    }
  }
  const alarms = {} as Record<AlarmKindName, number>;
  for (let k = 0; k < KIND_COUNT; k++) alarms[ALARM_KINDS[k]!] = ev[run + RC_KIND_TOTALS + k]!;
  const stopCode = ev[run + RC_STOP_CODE]!;
  const startNs = ev[run + RC_START_NS]!;
  return {
    mode: layout.modes[ev[run + RC_MODE]!]?.name ?? layout.modes[0]?.name ?? '?',
    frameNs: ev[run + RC_FRAME_NS]!,
    frames: {
      count: ev[run + RC_FRAMES_RUN]!,
      overruns: ev[run + RC_FRAME_OVERRUNS]!,
      skipped: ev[run + RC_FRAMES_SKIPPED]!,
      lostToPause: ev[run + RC_FRAMES_LOST_PAUSE]!,
      cutOff: ev[run + RC_FRAMES_CUT_OFF]!,
      standby: ev[run + RC_STANDBY_FRAMES]!,
    },
    standbyFrames: ev[run + RC_STANDBY_FRAMES]!,
    release: { latenessNs: distributionAt(ev, at + EV_LATENESS) },
    tasks,
    alarms,
    alarmsDropped: ev[run + RC_ALARMS_DROPPED]!,
    stopped: stopCode >= 0,
    stopReason: stopReasonText(stopCode, names[ev[run + RC_STOP_TASK]!] ?? null),
    elapsedNs: ev[run + RC_ELAPSED_NS]!,
    startNs: Number.isNaN(startNs) ? null : startNs,
    nextFrameIndex: ev[run + RC_FRAME_INDEX]!,
  };
}
