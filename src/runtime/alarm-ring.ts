/**
 * Alarm ring: fixed-capacity queue of numeric alarm records in one Float64Array.
 *
 * Allocation contract: allocates in the constructor only; `tryPush`, `pushStaged` and
 * `tryShift` never allocate. Threading: one thread writes and reads (the executive's);
 * the cold side reads between frames through `Executive.drainAlarms`.
 *
 * Full rule: `write − read === capacity` means full; a push into a full ring is dropped
 * (drop-newest: the oldest alarms of a storm are the ones that explain it) and counted in
 * `dropped`. Per-kind `totals` count every alarm, dropped or not, so they are always exact.
 * `read` and `write` are monotonic counts (exact in doubles up to 2^53 alarms).
 */
import { KIND_COUNT } from './alarm-kinds.js';

/** Offset of the kind id in a record. */
export const ALARM_KIND = 0;
/** Offset of the mode index in a record. */
export const ALARM_MODE = 1;
/** Offset of the task index (in its mode's task list) in a record, −1 when none. */
export const ALARM_TASK = 2;
/** Offset of the frame index (since start) in a record. */
export const ALARM_FRAME = 3;
/** Offset of the time (ns, executive clock) in a record. */
export const ALARM_TIME = 4;
/** Offset of the kind-specific value in a record (see `KIND_*`). */
export const ALARM_VALUE = 5;
/** Doubles per record. */
export const ALARM_RECORD = 6;

/** Offset of the frame in a staging array (see {@link AlarmRing.pushStaged}). */
export const STAGE_FRAME = 0;
/** Offset of the time in a staging array. */
export const STAGE_TIME = 1;
/** Offset of the value in a staging array. */
export const STAGE_VALUE = 2;
/** Doubles in a staging array. */
export const STAGE_SIZE = 3;

/** Fixed-capacity ring of numeric alarm records. */
export class AlarmRing {
  /** Records, `ALARM_RECORD` doubles each. */
  readonly data: Float64Array;
  /** Alarms raised per kind id (including dropped ones). */
  readonly totals: Float64Array;
  /** Maximum number of queued records. */
  readonly capacity: number;
  /** [read count, write count, dropped count]. */
  private readonly counts = new Float64Array(3);

  /**
   * @param capacity records the ring holds before it drops new ones (≥ 1).
   * @param totals where the per-kind totals live (`KIND_COUNT` doubles, e.g. a view into a
   * shared evidence block); @default a new array
   */
  constructor(capacity: number, totals?: Float64Array) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError(`AlarmRing: capacity must be an integer >= 1, got ${capacity}`);
    if (totals !== undefined && totals.length < KIND_COUNT)
      throw new RangeError(`AlarmRing: totals need ${KIND_COUNT} doubles, got ${totals.length}`);
    this.capacity = capacity;
    this.data = new Float64Array(capacity * ALARM_RECORD);
    this.totals = totals ?? new Float64Array(KIND_COUNT);
    this.totals.fill(0, 0, KIND_COUNT);
  }

  /**
   * Counts `n` alarms of kind `kind` without queueing a record: events another alarm's
   * record stands for (the jobs a `skipped-frames` or `pause` alarm dropped are deadline
   * misses). Never allocates.
   */
  countOnly(kind: number, n: number): void {
    this.totals[kind] = this.totals[kind]! + n;
  }

  /** Queued records. */
  get size(): number {
    return this.counts[1]! - this.counts[0]!;
  }

  /** Alarms lost because the ring was full. */
  get dropped(): number {
    return this.counts[2]!;
  }

  /**
   * Appends a record whose frame, time and value are read from `stage`
   * (`STAGE_FRAME`, `STAGE_TIME`, `STAGE_VALUE`). Doubles travel through the typed
   * array rather than as arguments because a double argument of a call the JIT does
   * not inline is boxed (16 B); kind, mode and task are small integers (never boxed).
   * Returns false (and counts a drop) when the ring is full. Never allocates.
   */
  pushStaged(kind: number, mode: number, task: number, stage: Float64Array): boolean {
    this.totals[kind]!++;
    const c = this.counts;
    const write = c[1]!;
    if (write - c[0]! >= this.capacity) {
      c[2]!++;
      return false;
    }
    const o = (write % this.capacity) * ALARM_RECORD;
    const d = this.data;
    d[o + ALARM_KIND] = kind;
    d[o + ALARM_MODE] = mode;
    d[o + ALARM_TASK] = task;
    d[o + ALARM_FRAME] = stage[STAGE_FRAME]!;
    d[o + ALARM_TIME] = stage[STAGE_TIME]!;
    d[o + ALARM_VALUE] = stage[STAGE_VALUE]!;
    c[1] = write + 1;
    return true;
  }

  /**
   * Copies the oldest record into `out` at `outOffset` (`ALARM_RECORD` doubles) and
   * removes it. Returns false when empty. Never allocates.
   */
  tryShift(out: Float64Array, outOffset = 0): boolean {
    const c = this.counts;
    const read = c[0]!;
    if (read >= c[1]!) return false;
    const o = (read % this.capacity) * ALARM_RECORD;
    for (let i = 0; i < ALARM_RECORD; i++) out[outOffset + i] = this.data[o + i]!;
    c[0] = read + 1;
    return true;
  }
}
