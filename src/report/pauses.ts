/**
 * Attribution of `pause` alarms (the loop lost more than `alarms.pauseThreshold` between
 * two frame wakes) on the cold side, after the run: to a GC of the loop's isolate, to CPU
 * steal, or to nothing known (preemption, SIGSTOP, VM suspend, a long frame).
 *
 * Every time here is ns since the measured run's first release, on the executive's clock.
 * GC entries come from the loop isolate's {@link GcMonitor}, steal samples from the
 * runner's {@link StealSampler} (steal.ts), both converted by the runner.
 */
import type { GcEvent, GcKindName } from '../gc/monitor.js';
import { type StealAroundPause, type StealSample, stealAround } from './steal.js';

export { readStealNs } from './steal.js';

/** Pauses listed individually in the report (`pauses.count` covers all of them). */
export const PAUSES_KEPT = 100;

/** Why the loop lost the time. */
export type PauseCause = 'gc' | 'steal' | 'unknown';

/** A pause as the alarm reported it. */
export interface PauseSighting {
  /** The late wake, ns since the run's first release. */
  readonly atNs: number;
  /** Time lost: wake-to-wake gap minus the frame spacing, ns. */
  readonly lengthNs: number;
}

/** One attributed pause in the report. */
export interface RunReportPause extends PauseSighting {
  readonly cause: PauseCause;
  /** The longest GC overlapping the pause (cause `gc`). */
  readonly gc?: { readonly kind: GcKindName; readonly durationNs: number };
  /**
   * Steal that could explain it, ns (all CPUs): over the sampled interval containing the
   * pause when steal was sampled around it (`steal`), else over the whole run (a coarse
   * upper bound). Present with cause `steal`, and whenever steal was sampled around it.
   */
  readonly stealNs?: number;
  /** Steal per sampled interval around the pause (containing, before, after), when sampled. */
  readonly steal?: StealAroundPause;
}

/** The report's `pauses`. */
export interface PauseSummary {
  /** Pause alarms raised (exact, rate-limited ones included). */
  readonly count: number;
  /**
   * Extra: whose steal the figures are: the loop thread's CPUs when it was pinned
   * (`realtime.cpu` applied: /proc/stat's `cpuN` lines), null when summed over every CPU
   * (the `cpu` line: an upper bound for the loop's). Absent when the runner did not say.
   */
  readonly stealCpus?: readonly number[] | null;
  /** The first {@link PAUSES_KEPT} pauses delivered by the alarm drain, attributed. */
  readonly events: readonly RunReportPause[];
}

/** Inputs of {@link attributePauses}. */
export interface PauseAttributionInput {
  readonly count: number;
  readonly sightings: readonly PauseSighting[];
  /** The loop isolate's GCs, `atNs` already relative to the run's first release. */
  readonly gcEvents: readonly GcEvent[];
  /** CPU steal (all CPUs, /proc/stat) over the measured run, ns; null when unknown. */
  readonly stealNs: number | null;
  /**
   * Steal sampled during the run (cumulative, oldest first), `atNs` on the pauses' timeline
   * (ns since the run's first release). Empty or absent: only the run-wide figure is used.
   * @default []
   */
  readonly stealSamples?: readonly StealSample[];
}

/** A GC explains a pause when it covers at least this share of it. */
const GC_SHARE = 0.5;
/** Steal explains a pause when the run's steal is at least this share of it. */
const STEAL_SHARE = 0.5;

/**
 * Attributes each pause. The pause occupied [atNs − lengthNs, atNs]: a GC whose pause
 * overlaps that window by at least half of it is the cause (`gc`, the largest overlap).
 * Otherwise steal: when steal was sampled on both sides of the pause, the steal over the
 * sampled interval containing it (typically 50–100 ms around a short pause) must be at
 * least half the pause (`steal`, with the intervals before and after for comparison); when
 * it was not, the run-wide steal is used the same way — a coarse upper bound (summed over
 * all CPUs and the whole run; a run without steal rules it out). Otherwise `unknown`.
 */
export function attributePauses(input: PauseAttributionInput): PauseSummary {
  const samples = input.stealSamples ?? [];
  const events = input.sightings.slice(0, PAUSES_KEPT).map((p): RunReportPause => {
    const from = p.atNs - p.lengthNs;
    let best: GcEvent | null = null;
    let bestOverlap = 0;
    for (const g of input.gcEvents) {
      const overlap = Math.min(p.atNs, g.atNs + g.pauseNs) - Math.max(from, g.atNs);
      if (overlap > bestOverlap) {
        bestOverlap = overlap;
        best = g;
      }
    }
    const around = samples.length === 0 ? null : stealAround(samples, from, p.atNs);
    const stealInfo = around === null ? {} : { stealNs: around.containing.stealNs, steal: around };
    if (best !== null && bestOverlap >= GC_SHARE * p.lengthNs) {
      return { ...p, cause: 'gc', gc: { kind: best.kind, durationNs: best.pauseNs }, ...stealInfo };
    }
    if (around !== null) {
      return around.containing.stealNs >= STEAL_SHARE * p.lengthNs
        ? { ...p, cause: 'steal', ...stealInfo }
        : { ...p, cause: 'unknown', ...stealInfo };
    }
    if (input.stealNs !== null && input.stealNs >= STEAL_SHARE * p.lengthNs) {
      return { ...p, cause: 'steal', stealNs: input.stealNs };
    }
    return { ...p, cause: 'unknown' };
  });
  return { count: input.count, events };
}

/** Short attribution text for a log line: `gc minor 4.1ms`, `steal`, `unknown`. */
export function describePauseCause(p: RunReportPause): string {
  if (p.cause === 'gc' && p.gc !== undefined)
    return `gc ${p.gc.kind} ${(p.gc.durationNs / 1e6).toFixed(1)}ms`;
  if (p.steal !== undefined) {
    const c = p.steal.containing;
    return `${p.cause} (steal ${(c.stealNs / 1e6).toFixed(1)}ms over the ${((c.toNs - c.fromNs) / 1e6).toFixed(0)}ms around it)`;
  }
  return p.cause;
}
