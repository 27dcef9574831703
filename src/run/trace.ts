/**
 * The report's slot trace (`trace` option): the records named by the config, and the
 * host-side keeper of a worker's trace ring (`TraceCollector`, allocation-free drains).
 * Cold except `drainFrom`.
 */
import type { ResolvedConfig } from '../config/types.js';
import type { RunReportTraceEntry } from '../report/run-report.js';
import { FlaggedTraceKeeper, TRACE_FLAGGED_KEPT, TRACE_KEEP_FLAGS } from '../runtime/trace-ring.js';

/** One trace record in numeric form (the executive's `TraceRecord`, relative times). */
export interface NumericTraceRecord {
  readonly frame: number;
  readonly mode: number;
  readonly task: number;
  readonly startNs: number;
  readonly endNs: number;
  readonly flags: number;
  /** The slot's frame's release and measured start (relative like the slot's times). */
  readonly frameReleaseNs: number;
  readonly frameStartNs: number;
}

/**
 * The report's `trace`: records named by the config (mode and task names), ordered by
 * start, the last `limit` kept. `startNs`/`endNs` must already be relative to the
 * measured run's first release. Cold; allocates.
 */
export function traceEntries(
  records: readonly NumericTraceRecord[],
  config: ResolvedConfig,
  limit: number,
): RunReportTraceEntry[] {
  const sorted = [...records].sort((a, b) => a.startNs - b.startNs || a.frame - b.frame);
  return sorted.slice(Math.max(0, sorted.length - limit)).map((r) => namedTraceEntry(r, config));
}

/**
 * The report's `traceOverruns`: the overrun / deadline-miss records older than the last
 * `limit` (those the trace ring and collector kept after their window moved on), named and
 * ordered like {@link traceEntries}. Cold; allocates.
 */
export function traceOverrunEntries(
  records: readonly NumericTraceRecord[],
  config: ResolvedConfig,
  limit: number,
): RunReportTraceEntry[] {
  const sorted = [...records].sort((a, b) => a.startNs - b.startNs || a.frame - b.frame);
  return sorted
    .slice(0, Math.max(0, sorted.length - limit))
    .filter((r) => (r.flags & TRACE_KEEP_FLAGS) !== 0)
    .map((r) => namedTraceEntry(r, config));
}

function namedTraceEntry(r: NumericTraceRecord, config: ResolvedConfig): RunReportTraceEntry {
  const mode = config.modes[r.mode];
  return {
    frame: r.frame,
    task: mode?.tasks[r.task]?.name ?? `#${r.task}`,
    mode: mode?.name ?? `#${r.mode}`,
    startNs: Math.round(r.startNs),
    endNs: Math.round(r.endNs),
    flags: r.flags,
    frameReleaseNs: Math.round(r.frameReleaseNs),
    frameStartNs: Math.round(r.frameStartNs),
  };
}

/**
 * Main side of the worker's trace ring: keeps the last `capacity` records in a
 * preallocated Float64Array (newest overwrite oldest) as they are drained at each poll.
 * `drainFrom` allocates nothing; `records` is cold.
 */
export class TraceCollector {
  private readonly data: Float64Array;
  private readonly rec: Float64Array;
  /** Records taken so far (the collector holds the last `min(taken, capacity)`). */
  private taken = 0;
  /** Overrun / deadline-miss records kept after the window moved past them. */
  private readonly flagged: FlaggedTraceKeeper;

  constructor(
    readonly capacity: number,
    private readonly recordSize: number,
    private readonly offsets: {
      readonly frame: number;
      readonly mode: number;
      readonly task: number;
      readonly start: number;
      readonly end: number;
      readonly flags: number;
      readonly frameRelease: number;
      readonly frameStart: number;
    },
  ) {
    this.data = new Float64Array(Math.max(1, capacity) * recordSize);
    this.rec = new Float64Array(recordSize);
    this.flagged = new FlaggedTraceKeeper(capacity > 0 ? TRACE_FLAGGED_KEPT : 0, recordSize, offsets.flags);
  }

  /** Moves every record the ring holds into the collector. Returns how many. */
  drainFrom(ring: { tryPop(dst: Float64Array, offset: number): boolean }): number {
    let n = 0;
    while (ring.tryPop(this.rec, 0)) {
      if (this.capacity > 0) this.data.set(this.rec, (this.taken % this.capacity) * this.recordSize);
      this.flagged.offer(this.rec, this.taken);
      this.taken++;
      n++;
    }
    return n;
  }

  /**
   * The kept records, oldest first (cold; allocates): overrun / deadline-miss records the
   * window moved past (the newest `TRACE_FLAGGED_KEPT`), then the last `capacity`.
   */
  records(): NumericTraceRecord[] {
    const out: NumericTraceRecord[] = [];
    const n = Math.min(this.taken, this.capacity);
    const o = this.offsets;
    const pick = (d: Float64Array, b: number): NumericTraceRecord => ({
      frame: d[b + o.frame]!,
      mode: d[b + o.mode]!,
      task: d[b + o.task]!,
      startNs: d[b + o.start]!,
      endNs: d[b + o.end]!,
      flags: d[b + o.flags]!,
      frameReleaseNs: d[b + o.frameRelease]!,
      frameStartNs: d[b + o.frameStart]!,
    });
    for (const d of this.flagged.before(this.taken - n)) out.push(pick(d, 0));
    for (let i = this.taken - n; i < this.taken; i++)
      out.push(pick(this.data, (i % this.capacity) * this.recordSize));
    return out;
  }
}
