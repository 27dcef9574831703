/**
 * Which deadline misses, overruns and frame overruns overlapped a garbage collection
 * (`gc.overlaps` in the run report). Cold side, after the run: allocates freely.
 *
 * Times are ns since the measured run's first release. A sighting is a delivered alarm
 * record (the executive's rate limit applies, so a burst beyond `alarms.ratePerSecond`
 * is counted in `alarms` but not listed here). The window a GC must overlap:
 * - `overrun` (value = the slot's execution time): the slot, [at − value, at];
 * - `deadline-miss` (value = completion − deadline): the job's last stretch,
 *   [at − max(value, frame), at] (its start is not in the record; one frame back covers
 *   the slot that completed late);
 * - `frame-overrun` (value = frame end − next release): the frame, [at − value − frame, at].
 */
import type { GcEvent, GcOverlap, MissKind } from './monitor.js';

export type { GcOverlap, MissKind } from './monitor.js';

/** A delivered miss-type alarm, as the runner saw it. */
export interface MissSighting {
  readonly kind: MissKind;
  /** Task name, null for `frame-overrun`. */
  readonly task: string | null;
  readonly mode: string;
  /** Frame index since the measured run's start. */
  readonly frame: number;
  /** Alarm time (the slot's or frame's end), ns since the first release. */
  readonly atNs: number;
  /** The alarm's value, ns (see the module note). */
  readonly valueNs: number;
  /** Frame size of the alarm's mode, ns. */
  readonly frameNs: number;
}

/** Sightings kept at most per run. */
export const MISS_SIGHTINGS_KEPT = 1000;

/** Collects miss-type alarms as they are delivered (cold side; capped at {@link MISS_SIGHTINGS_KEPT}). */
export class MissSightings {
  private readonly kept: MissSighting[] = [];

  /** Keeps `s` when it is a miss-type alarm and there is room; returns whether it was kept. */
  add(s: { readonly kind: string } & Omit<MissSighting, 'kind'>): boolean {
    if (s.kind !== 'overrun' && s.kind !== 'deadline-miss' && s.kind !== 'frame-overrun') return false;
    if (this.kept.length >= MISS_SIGHTINGS_KEPT) return false;
    this.kept.push({ ...s, kind: s.kind });
    return true;
  }

  /** The sightings so far, in delivery order. */
  list(): readonly MissSighting[] {
    return this.kept;
  }
}

function windowStart(s: MissSighting): number {
  switch (s.kind) {
    case 'overrun':
      return s.atNs - s.valueNs;
    case 'deadline-miss':
      return s.atNs - Math.max(s.valueNs, s.frameNs);
    case 'frame-overrun':
      return s.atNs - s.valueNs - s.frameNs;
  }
}

/**
 * Pairs each sighting with the collection that overlaps its window most (none: not
 * listed). `gcEvents` in run time (ns since the first release).
 */
export function findGcOverlaps(
  sightings: readonly MissSighting[],
  gcEvents: readonly GcEvent[],
): GcOverlap[] {
  const out: GcOverlap[] = [];
  for (const s of sightings) {
    const from = windowStart(s);
    let best: GcEvent | null = null;
    let bestOverlap = 0;
    for (const g of gcEvents) {
      const overlap = Math.min(s.atNs, g.atNs + g.pauseNs) - Math.max(from, g.atNs);
      if (overlap > bestOverlap) {
        bestOverlap = overlap;
        best = g;
      }
    }
    if (best === null) continue;
    out.push({
      kind: s.kind,
      task: s.task,
      frame: s.frame,
      atNs: s.atNs,
      gcKind: best.kind,
      gcAtNs: best.atNs,
      gcPauseNs: best.pauseNs,
      planned: best.planned === true,
    });
  }
  return out;
}
