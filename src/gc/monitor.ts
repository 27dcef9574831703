/**
 * Counts garbage collections during a run through `PerformanceObserver` `gc` entries.
 *
 * Entries are delivered on the event loop, i.e. when the run loop yields between chunks;
 * {@link GcMonitor.stop} also takes the records still queued, so nothing observed is lost.
 * The observer allocates (one entry object per GC) but only on the cold side.
 *
 * Planned vs unplanned: a collection V8 marks as forced (`detail.flags` has
 * `NODE_PERFORMANCE_GC_FLAGS_FORCED`, set for explicit `gc()` calls) is planned — in the
 * loop's isolate only hardtick's GC governance (src/gc `PlannedGc`) calls `gc()`, in frame
 * slack; every other collection (V8's own scavenges, mark-compacts, weak callbacks) is
 * unplanned. A task that calls `gc()` itself would count as planned too.
 */
import { constants, type PerformanceEntry, PerformanceObserver } from 'node:perf_hooks';
import type { GcGovernanceSummary } from './planned-gc.js';

/** GC kind names, as reported in {@link GcSummary.byKind}. */
export type GcKindName = 'minor' | 'major' | 'incremental' | 'weakcb' | 'other';

/** Alarm kinds that are checked for GC overlap. */
export type MissKind = 'overrun' | 'deadline-miss' | 'frame-overrun';

/** One miss that overlapped a collection. */
export interface GcOverlap {
  readonly kind: MissKind;
  readonly task: string | null;
  readonly frame: number;
  /** Alarm time, ns since the first release. */
  readonly atNs: number;
  /** The collection (the one overlapping the window most). */
  readonly gcKind: GcKindName;
  /** Collection start, ns since the first release. */
  readonly gcAtNs: number;
  readonly gcPauseNs: number;
  /** Whether hardtick planned it (`gc({ type: 'minor' })` in slack). */
  readonly planned: boolean;
}

/** One observed collection. */
export interface GcEvent {
  /** Start on the performance timeline (ns since process start). */
  readonly atNs: number;
  /** Pause duration, ns. */
  readonly pauseNs: number;
  readonly kind: GcKindName;
  /** Whether it was a planned (forced) collection. Always set by {@link GcMonitor}. */
  readonly planned?: boolean;
}

/** Collections observed during a run (`gc` in `hardtick.run/v1`). */
export interface GcSummary {
  /** Collections observed. */
  readonly count: number;
  /** Longest pause, ns (0 when none). */
  readonly maxPauseNs: number;
  /** Sum of the pauses, ns. */
  readonly totalPauseNs: number;
  /** Collections hardtick did not schedule itself (`count − planned`). */
  readonly unplanned: number;
  /** Collections by kind. */
  readonly byKind: Readonly<Record<GcKindName, number>>;
  /** The first {@link GC_EVENTS_KEPT} collections in order. */
  readonly events: readonly GcEvent[];
  /**
   * Extra: planned collections (minor GCs hardtick ran in frame slack, src/gc). Always
   * present in summaries made by {@link GcMonitor}.
   */
  readonly planned?: number;
  /** Extra: the first {@link GC_UNPLANNED_KEPT} unplanned collections (for overlap checks). */
  readonly unplannedEvents?: readonly GcEvent[];
  /**
   * Extra: deadline misses, overruns and frame overruns that overlapped a collection
   * (src/gc/overlaps.ts); empty when none, or when the runner did not check.
   */
  readonly overlaps?: readonly GcOverlap[];
  /** Extra: what GC governance did (config `gc`); null when it was off. */
  readonly governance?: GcGovernanceSummary | null;
  /**
   * Extra: why no collection is listed although some may have happened (the loop thread
   * got stuck or crashed before its observer's entries reached the report). Absent when the
   * summary is the loop's own.
   */
  readonly unavailable?: string;
}

/** How many individual events a summary keeps (the counts cover all of them). */
export const GC_EVENTS_KEPT = 100;
/** How many unplanned events a summary keeps in `unplannedEvents`. */
export const GC_UNPLANNED_KEPT = 1000;

/** A summary with no collection at all (a run that reported none, e.g. a crashed worker). */
export function emptyGcSummary(): GcSummary {
  return {
    count: 0,
    maxPauseNs: 0,
    totalPauseNs: 0,
    unplanned: 0,
    byKind: { minor: 0, major: 0, incremental: 0, weakcb: 0, other: 0 },
    events: [],
    planned: 0,
    unplannedEvents: [],
    overlaps: [],
    governance: null,
  };
}

function kindName(kind: number): GcKindName {
  switch (kind) {
    case constants.NODE_PERFORMANCE_GC_MINOR:
      return 'minor';
    case constants.NODE_PERFORMANCE_GC_MAJOR:
      return 'major';
    case constants.NODE_PERFORMANCE_GC_INCREMENTAL:
      return 'incremental';
    case constants.NODE_PERFORMANCE_GC_WEAKCB:
      return 'weakcb';
    default:
      return 'other';
  }
}

/** Observes `gc` performance entries between {@link GcMonitor.start} and {@link GcMonitor.stop}. */
export class GcMonitor {
  private observer: PerformanceObserver | null = null;
  private count = 0;
  private maxPauseNs = 0;
  private totalPauseNs = 0;
  private readonly byKind: Record<GcKindName, number> = {
    minor: 0,
    major: 0,
    incremental: 0,
    weakcb: 0,
    other: 0,
  };
  private readonly events: GcEvent[] = [];
  private readonly unplannedEvents: GcEvent[] = [];
  private planned = 0;

  /** Starts observing (idempotent). */
  start(): void {
    if (this.observer !== null) return;
    this.observer = new PerformanceObserver((list) => this.take(list.getEntries()));
    this.observer.observe({ entryTypes: ['gc'] });
  }

  /** Stops observing, folding in entries not yet delivered, and returns the summary. */
  stop(): GcSummary {
    if (this.observer !== null) {
      this.take(this.observer.takeRecords());
      this.observer.disconnect();
      this.observer = null;
    }
    return this.summary();
  }

  /** The collections seen so far. */
  summary(): GcSummary {
    return {
      count: this.count,
      maxPauseNs: this.maxPauseNs,
      totalPauseNs: this.totalPauseNs,
      unplanned: this.count - this.planned,
      byKind: { ...this.byKind },
      events: [...this.events],
      planned: this.planned,
      unplannedEvents: [...this.unplannedEvents],
      overlaps: [],
      governance: null,
    };
  }

  private take(entries: readonly PerformanceEntry[]): void {
    for (const entry of entries) {
      const detail = (entry as PerformanceEntry & { detail?: { kind?: number; flags?: number } }).detail;
      const kind = kindName(detail?.kind ?? -1);
      const planned = ((detail?.flags ?? 0) & constants.NODE_PERFORMANCE_GC_FLAGS_FORCED) !== 0;
      const pauseNs = Math.round(entry.duration * 1e6);
      this.count++;
      if (planned) this.planned++;
      this.totalPauseNs += pauseNs;
      if (pauseNs > this.maxPauseNs) this.maxPauseNs = pauseNs;
      this.byKind[kind]++;
      const event: GcEvent = { atNs: Math.round(entry.startTime * 1e6), pauseNs, kind, planned };
      if (this.events.length < GC_EVENTS_KEPT) this.events.push(event);
      if (!planned && this.unplannedEvents.length < GC_UNPLANNED_KEPT) this.unplannedEvents.push(event);
    }
  }
}
