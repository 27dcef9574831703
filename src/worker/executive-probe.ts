/**
 * Allocation-free read access to an {@link Executive}'s per-task counters and histograms
 * for the worker's periodic statistics records.
 *
 * Why a probe: the executive's public cold API has `snapshot()` (allocates a few KB and
 * takes 0.3–5 ms: not for frame slack) and O(1) whole-run getters, but nothing per task.
 * Until it gets a public allocation-free accessor (asked of the runtime's owner, e.g.
 * `taskCountersInto(out)` + `execHistogram(g)`), this reads its private `stats`
 * (`TaskStats`: counters packed `TS_SIZE` per task, one exec histogram per task) and
 * `ring.dropped`, checking the shape once at setup. If the shape is not what it expects
 * (the runtime changed), `counters`/`exec` are null and the per-task figures of the
 * statistics records stay −1; nothing else depends on it (the report uses `snapshot()`).
 *
 * Allocation contract: `probeExecutive` allocates (setup); the returned references are
 * read in the loop without allocating. Threading: the executive's thread.
 */
import type { Executive } from '../runtime/index.js';
import {
  TS_DEADLINE_MISSES,
  TS_DEGRADED_RUNS,
  TS_ERRORS,
  TS_OVERRUNS,
  TS_RELEASES,
  TS_RUNS,
  TS_SIZE,
  TS_SKIPPED,
} from '../runtime/task-stats.js';
import type { LogHistogram } from '../stats/histogram.js';

/** What {@link probeExecutive} found. */
export interface ExecutiveProbe {
  /** Per-task counters, `stride` doubles per task (offsets below), or null. */
  readonly counters: Float64Array | null;
  readonly stride: number;
  readonly releases: number;
  readonly runs: number;
  readonly overruns: number;
  readonly misses: number;
  readonly errors: number;
  readonly skipped: number;
  readonly degradedRuns: number;
  /** Execution-time histogram per task, or null. */
  readonly exec: readonly LogHistogram[] | null;
  /** The executive's alarm ring (for `dropped`), or null. */
  readonly ring: { readonly dropped: number } | null;
}

interface ExecutiveInternals {
  readonly stats?: { readonly data?: unknown; readonly exec?: unknown };
  readonly ring?: { readonly dropped?: unknown };
}

/** Finds the per-task statistics of `executive` (`taskCount` tasks over every mode). Cold. */
export function probeExecutive(executive: Executive, taskCount: number): ExecutiveProbe {
  const inner = executive as unknown as ExecutiveInternals;
  const data = inner.stats?.data;
  const exec = inner.stats?.exec;
  const counters = data instanceof Float64Array && data.length === taskCount * TS_SIZE ? data : null;
  const histograms =
    Array.isArray(exec) &&
    exec.length === taskCount &&
    exec.every((h) => typeof (h as LogHistogram | null)?.valueAtQuantile === 'function')
      ? (exec as LogHistogram[])
      : null;
  const ring = typeof inner.ring?.dropped === 'number' ? (inner.ring as { dropped: number }) : null;
  return {
    counters,
    stride: TS_SIZE,
    releases: TS_RELEASES,
    runs: TS_RUNS,
    overruns: TS_OVERRUNS,
    misses: TS_DEADLINE_MISSES,
    errors: TS_ERRORS,
    skipped: TS_SKIPPED,
    degradedRuns: TS_DEGRADED_RUNS,
    exec: histograms,
    ring,
  };
}
