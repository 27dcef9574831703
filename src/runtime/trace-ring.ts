/**
 * Trace ring: the last N executed slots as numeric records, overwriting the oldest, plus
 * (in a second, smaller preallocated ring) the last {@link TRACE_FLAGGED_KEPT} slots that
 * overran or missed their deadline, so those survive after the main ring moved on.
 * For golden traces and the Chrome trace export.
 *
 * Allocation contract: allocates in the constructor only; `push` never allocates (its
 * double fields arrive through a staging Float64Array, see alarm-ring.ts for why);
 * `records()` is cold and allocates. Threading: the executive's thread only.
 */

/** Offset of the frame index (since start). */
export const TRACE_FRAME = 0;
/** Offset of the slot position within its frame. */
export const TRACE_SLOT = 1;
/** Offset of the mode index. */
export const TRACE_MODE = 2;
/** Offset of the task index (in its mode). */
export const TRACE_TASK = 3;
/** Offset of the job number. */
export const TRACE_JOB = 4;
/** Offset of the slice number. */
export const TRACE_SLICE = 5;
/** Offset of the slot start, ns. */
export const TRACE_START = 6;
/** Offset of the slot end, ns. */
export const TRACE_END = 7;
/** Offset of the `TRACE_FLAG_*` bits. */
export const TRACE_FLAGS = 8;
/** Offset of the slot's frame's release (its epoch's t0 + k·frame), ns. */
export const TRACE_FRAME_RELEASE = 9;
/** Offset of the slot's frame's measured start (the wake read), ns. */
export const TRACE_FRAME_START = 10;
/** Doubles per record. */
export const TRACE_RECORD = 11;

/** Flag: the slot overran its budget. */
export const TRACE_FLAG_OVERRUN = 1;
/** Flag: the task threw. */
export const TRACE_FLAG_ERROR = 2;
/** Flag: the degraded function ran. */
export const TRACE_FLAG_DEGRADED = 4;
/** Flag: the job completed after its deadline. */
export const TRACE_FLAG_DEADLINE_MISS = 8;
/** Flag: the safe-state function ran. */
export const TRACE_FLAG_SAFE_STATE = 16;

/** Flags that make a slot worth keeping after the last-N window moved on: overrun or deadline miss. */
export const TRACE_KEEP_FLAGS = TRACE_FLAG_OVERRUN | TRACE_FLAG_DEADLINE_MISS;

/** Overrun / deadline-miss slots kept beyond the last-N window (the newest ones). */
export const TRACE_FLAGGED_KEPT = 1024;

/**
 * The flagged records (overrun or deadline miss) of a record stream, each with its
 * sequence number, in a preallocated ring keeping the newest `capacity`.
 *
 * Allocation contract: allocates in the constructor only; `offer` never allocates;
 * `before` is cold and allocates. One thread.
 */
export class FlaggedTraceKeeper {
  readonly capacity: number;
  private readonly data: Float64Array;
  private readonly seqs: Float64Array;
  /** [records kept so far (including overwritten ones)]. */
  private readonly count = new Float64Array(1);

  /**
   * @param capacity flagged records kept (0 keeps none)
   * @param recordSize doubles per record
   * @param flagsOffset offset of the flag bits in a record
   */
  constructor(
    capacity: number,
    readonly recordSize: number,
    private readonly flagsOffset: number,
  ) {
    this.capacity = capacity;
    this.data = new Float64Array(Math.max(1, capacity) * recordSize);
    this.seqs = new Float64Array(Math.max(1, capacity));
  }

  /** Flagged records seen so far (overwritten ones included). */
  get kept(): number {
    return this.count[0]!;
  }

  /** Keeps `rec` (stream record number `seq`) when it is flagged. Never allocates. */
  offer(rec: Float64Array, seq: number): void {
    if (this.capacity === 0 || (rec[this.flagsOffset]! & TRACE_KEEP_FLAGS) === 0) return;
    const k = this.count[0]!;
    const slot = k % this.capacity;
    const size = this.recordSize;
    const d = this.data;
    const o = slot * size;
    for (let i = 0; i < size; i++) d[o + i] = rec[i]!;
    this.seqs[slot] = seq;
    this.count[0] = k + 1;
  }

  /** The kept records whose sequence number is below `seq`, oldest first (cold; allocates copies). */
  before(seq: number): Float64Array[] {
    const out: Float64Array[] = [];
    const k = this.count[0]!;
    for (let i = Math.max(0, k - this.capacity); i < k; i++) {
      const slot = i % this.capacity;
      if (this.seqs[slot]! < seq)
        out.push(this.data.slice(slot * this.recordSize, (slot + 1) * this.recordSize));
    }
    return out;
  }
}

/** One trace record (cold form). */
export interface TraceRecord {
  readonly frame: number;
  readonly slot: number;
  readonly mode: number;
  readonly task: number;
  readonly job: number;
  readonly slice: number;
  readonly startNs: number;
  readonly endNs: number;
  /** `TRACE_FLAG_*` bits. */
  readonly flags: number;
  /** The slot's frame: its release (t0 + k·frame of its mode's epoch), ns. */
  readonly frameReleaseNs: number;
  /** The slot's frame: its measured start (the wake read), ns. */
  readonly frameStartNs: number;
}

/** Ring of the last `capacity` slot records. */
export class TraceRing {
  readonly capacity: number;
  /** `TRACE_RECORD` doubles per record. */
  readonly data: Float64Array;
  /** Records written so far (the ring holds the last `min(written, capacity)`). */
  private readonly count = new Float64Array(1);
  /** Overrun / deadline-miss records, kept after the window moved past them. */
  private readonly flagged: FlaggedTraceKeeper;

  /**
   * @param capacity records kept (0 disables tracing).
   * @param flaggedCapacity overrun / deadline-miss records kept beyond the window.
   * @default flaggedCapacity TRACE_FLAGGED_KEPT when tracing, else 0
   */
  constructor(capacity: number, flaggedCapacity = capacity > 0 ? TRACE_FLAGGED_KEPT : 0) {
    if (!Number.isInteger(capacity) || capacity < 0)
      throw new RangeError(`TraceRing: capacity must be an integer >= 0, got ${capacity}`);
    this.capacity = capacity;
    this.data = new Float64Array(capacity * TRACE_RECORD);
    this.flagged = new FlaggedTraceKeeper(flaggedCapacity, TRACE_RECORD, TRACE_FLAGS);
  }

  /** Records written since creation (including overwritten ones). */
  get written(): number {
    return this.count[0]!;
  }

  /** Appends `rec` (`TRACE_RECORD` doubles), overwriting the oldest when full. Never allocates. */
  push(rec: Float64Array): void {
    if (this.capacity === 0) return;
    const w = this.count[0]!;
    this.data.set(rec, (w % this.capacity) * TRACE_RECORD);
    this.flagged.offer(rec, w);
    this.count[0] = w + 1;
  }

  /**
   * Copies record number `seq` (0-based over every record written, see
   * {@link TraceRing.written}) into `out` at `offset` (`TRACE_RECORD` doubles) and returns
   * true; false when it is not written yet or already overwritten. Never allocates.
   */
  recordInto(seq: number, out: Float64Array, offset: number): boolean {
    const w = this.count[0]!;
    if (!(seq >= 0 && seq < w && seq >= w - this.capacity)) return false;
    const o = (seq % this.capacity) * TRACE_RECORD;
    const d = this.data;
    for (let i = 0; i < TRACE_RECORD; i++) out[offset + i] = d[o + i]!;
    return true;
  }

  /**
   * The kept records, oldest first (cold; allocates): the overrun / deadline-miss records
   * the window has moved past (the newest {@link TRACE_FLAGGED_KEPT}), then the last
   * `capacity` records.
   */
  records(): TraceRecord[] {
    const out: TraceRecord[] = [];
    const w = this.count[0]!;
    const n = Math.min(w, this.capacity);
    for (const d of this.flagged.before(w - n)) out.push(toTraceRecord(d, 0));
    for (let i = w - n; i < w; i++) out.push(toTraceRecord(this.data, (i % this.capacity) * TRACE_RECORD));
    return out;
  }
}

function toTraceRecord(d: Float64Array, o: number): TraceRecord {
  return {
    frame: d[o + TRACE_FRAME]!,
    slot: d[o + TRACE_SLOT]!,
    mode: d[o + TRACE_MODE]!,
    task: d[o + TRACE_TASK]!,
    job: d[o + TRACE_JOB]!,
    slice: d[o + TRACE_SLICE]!,
    startNs: d[o + TRACE_START]!,
    endNs: d[o + TRACE_END]!,
    flags: d[o + TRACE_FLAGS]!,
    frameReleaseNs: d[o + TRACE_FRAME_RELEASE]!,
    frameStartNs: d[o + TRACE_FRAME_START]!,
  };
}
