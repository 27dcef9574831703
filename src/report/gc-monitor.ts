/**
 * Counts garbage collections during a run through `PerformanceObserver` `gc` entries.
 *
 * Entries are delivered on the event loop, i.e. when the run loop yields between chunks;
 * {@link GcMonitor.stop} also takes the records still queued, so nothing observed is lost.
 * The observer allocates (one entry object per GC) but only on the cold side.
 *
 * Every GC counts as `unplanned` for now: planned collections (a forced minor GC placed
 * in measured slack) arrive in a later issue and will be subtracted here.
 */
import { constants, type PerformanceEntry, PerformanceObserver } from 'node:perf_hooks';

/** GC kind names, as reported in {@link GcSummary.byKind}. */
export type GcKindName = 'minor' | 'major' | 'incremental' | 'weakcb' | 'other';

/** One observed collection. */
export interface GcEvent {
  /** Start on the performance timeline (ns since process start). */
  readonly atNs: number;
  /** Pause duration, ns. */
  readonly pauseNs: number;
  readonly kind: GcKindName;
}

/** Collections observed during a run (`gc` in `hardtick.run/v1`). */
export interface GcSummary {
  /** Collections observed. */
  readonly count: number;
  /** Longest pause, ns (0 when none). */
  readonly maxPauseNs: number;
  /** Sum of the pauses, ns. */
  readonly totalPauseNs: number;
  /** Collections hardtick did not schedule itself (all of them, for now). */
  readonly unplanned: number;
  /** Collections by kind. */
  readonly byKind: Readonly<Record<GcKindName, number>>;
  /** The first {@link GC_EVENTS_KEPT} collections in order. */
  readonly events: readonly GcEvent[];
}

/** How many individual events a summary keeps (the counts cover all of them). */
export const GC_EVENTS_KEPT = 100;

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
      unplanned: this.count,
      byKind: { ...this.byKind },
      events: [...this.events],
    };
  }

  private take(entries: readonly PerformanceEntry[]): void {
    for (const entry of entries) {
      const detail = (entry as PerformanceEntry & { detail?: { kind?: number } }).detail;
      const kind = kindName(detail?.kind ?? -1);
      const pauseNs = Math.round(entry.duration * 1e6);
      this.count++;
      this.totalPauseNs += pauseNs;
      if (pauseNs > this.maxPauseNs) this.maxPauseNs = pauseNs;
      this.byKind[kind]++;
      if (this.events.length < GC_EVENTS_KEPT) {
        this.events.push({ atNs: Math.round(entry.startTime * 1e6), pauseNs, kind });
      }
    }
  }
}
