/**
 * Attribution of `pause` alarms (the loop lost more than `alarms.pauseThreshold` between
 * two frame wakes) on the cold side, after the run: to a GC of the loop's isolate, to CPU
 * steal, or to nothing known (preemption, SIGSTOP, VM suspend, a long frame).
 *
 * Every time here is ns since the measured run's first release, on the executive's clock.
 * GC entries come from the loop isolate's {@link GcMonitor}, converted by the runner.
 */
import { readFileSync } from 'node:fs';
import type { GcEvent, GcKindName } from './gc-monitor.js';

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
  /** Steal time over the run, ns (cause `steal`). */
  readonly stealNs?: number;
}

/** The report's `pauses`. */
export interface PauseSummary {
  /** Pause alarms raised (exact, rate-limited ones included). */
  readonly count: number;
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
}

/** A GC explains a pause when it covers at least this share of it. */
const GC_SHARE = 0.5;
/** Steal explains a pause when the run's steal is at least this share of it. */
const STEAL_SHARE = 0.5;

/**
 * Attributes each pause. The pause occupied [atNs − lengthNs, atNs]: a GC whose pause
 * overlaps that window by at least half of it is the cause (`gc`, the largest overlap).
 * Otherwise, when the run's steal time is at least half the pause, `steal`: a coarse
 * heuristic (steal is summed over all CPUs and the whole run, so it can only be an
 * upper bound; a run without steal rules it out). Otherwise `unknown`.
 */
export function attributePauses(input: PauseAttributionInput): PauseSummary {
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
    if (best !== null && bestOverlap >= GC_SHARE * p.lengthNs) {
      return { ...p, cause: 'gc', gc: { kind: best.kind, durationNs: best.pauseNs } };
    }
    if (input.stealNs !== null && input.stealNs >= STEAL_SHARE * p.lengthNs) {
      return { ...p, cause: 'steal', stealNs: input.stealNs };
    }
    return { ...p, cause: 'unknown' };
  });
  return { count: input.count, events };
}

/** Nanoseconds per /proc/stat tick (USER_HZ is 100 on every Linux ABI Node supports). */
const NS_PER_TICK = 10_000_000;

/** Cumulative CPU steal of the machine (the `cpu` line of /proc/stat), ns; null when unreadable. */
export function readStealNs(path = '/proc/stat'): number | null {
  try {
    const text = readFileSync(path, 'utf8');
    const line = text.split('\n', 1)[0] ?? '';
    const fields = line.trim().split(/\s+/);
    // cpu user nice system idle iowait irq softirq steal …
    if (fields[0] !== 'cpu' || fields.length < 9) return null;
    const ticks = Number(fields[8]);
    return Number.isFinite(ticks) ? ticks * NS_PER_TICK : null;
  } catch {
    return null;
  }
}

/** Short attribution text for a log line: `gc minor 4.1ms`, `steal`, `unknown`. */
export function describePauseCause(p: RunReportPause): string {
  if (p.cause === 'gc' && p.gc !== undefined)
    return `gc ${p.gc.kind} ${(p.gc.durationNs / 1e6).toFixed(1)}ms`;
  return p.cause;
}
