/**
 * Single-thread ring of fixed-size float64 records: the same record model and overflow
 * policies as {@link SpscRing}, over a plain Float64Array, without atomics.
 *
 * Allocation contract: allocates in the constructor only; `tryPush`, `claim`, `publish`,
 * `freeSlots`, `tryPop`, `drain`, `size` and `lost` never allocate. Threading: one thread does
 * everything (producer and consumer may be different parts of the same loop).
 *
 * Invariants: `read ≤ write ≤ read + capacity` (record counts since creation, float64,
 * exact to 2^53); queued = write − read; empty when equal, full when capacity apart. Slot of
 * record i = i & (capacity − 1) (capacity is a power of two; `&` reduces the double modulo
 * 2^32 first, which the power-of-two mask does not notice). `lost` counts every record
 * dropped (drop-newest) or discarded to make room (drop-oldest/overwrite, which are the same
 * thing here: the oldest queued record is discarded when a record is claimed in a full ring).
 */
import type { OverflowPolicy, RecordRing, RingOptions } from './ring-options.js';
import { POLICY_DROP_NEWEST, resolveRingOptions } from './ring-options.js';

/** Counter: records consumed or discarded since creation. */
const CNT_READ = 0;
/** Counter: records published since creation. */
const CNT_WRITE = 1;
/** Counter: records lost. */
const CNT_LOST = 2;
/** Counter: 1 between a successful `claim` and its `publish`. */
const CNT_CLAIMED = 3;

/**
 * Fixed-capacity single-thread ring of float64 records: the last N samples of a filter, or
 * a queue from one task to another (every task of a loop runs on the same thread).
 *
 * Allocation contract: the constructor allocates the storage and may throw; `tryPush`,
 * `claim`/`publish`, `tryPop`, `drain`, `size`, `lost` and `freeSlots` never allocate and
 * never throw. A full ring never grows: `overflow` decides which record is lost, and every
 * loss is counted in `lost()`. One thread (between threads, use a channel).
 *
 * ```js
 * // at module load (setup):
 * const samples = new Ring({ capacity: 32, recordSize: 2, overflow: 'drop-oldest' });
 * const record = new Float64Array(2);
 * // in the task:
 * record[0] = ctx.releaseNs; record[1] = value;
 * samples.tryPush(record);
 * ```
 * See docs/memory.md for a complete task module.
 */
export class Ring implements RecordRing {
  /** Records the ring holds (power of two). */
  readonly capacity: number;
  /** Doubles per record. */
  readonly recordSize: number;
  /** Overflow policy. */
  readonly policy: OverflowPolicy;
  /** Record storage: slot i is `data[i * recordSize ‥ (i + 1) * recordSize)`. */
  readonly data: Float64Array;
  private readonly mask: number;
  private readonly newestWins: boolean;
  /** `CNT_*` counters (a typed array: stores never box). */
  private readonly counts = new Float64Array(4);

  /**
   * Throws {@link HardtickError} `config_invalid` (path `Ring.capacity` / `.recordSize` /
   * `.overflow`) on bad options.
   */
  constructor(options: RingOptions) {
    const o = resolveRingOptions(options, 'Ring');
    this.capacity = o.capacity;
    this.recordSize = o.recordSize;
    this.policy = o.overflow;
    this.newestWins = o.policyCode !== POLICY_DROP_NEWEST;
    this.mask = o.capacity - 1;
    this.data = new Float64Array(o.capacity * o.recordSize);
  }

  /**
   * Reserves the next slot and returns its offset in {@link data}, or −1 when a full
   * drop-newest ring drops this record. In a full drop-oldest/overwrite ring the oldest
   * record is discarded (counted) to free the slot. Claiming again before publishing returns
   * the same slot. Never allocates.
   */
  claim(): number {
    const c = this.counts;
    const w = c[CNT_WRITE]!;
    if (c[CNT_CLAIMED] === 0 && w - c[CNT_READ]! >= this.capacity) {
      c[CNT_LOST] = c[CNT_LOST]! + 1;
      if (!this.newestWins) return -1;
      c[CNT_READ] = c[CNT_READ]! + 1;
    }
    c[CNT_CLAIMED] = 1;
    return (w & this.mask) * this.recordSize;
  }

  /** Publishes the record in the slot of the last successful {@link claim}; no-op without one. */
  publish(): void {
    const c = this.counts;
    if (c[CNT_CLAIMED] === 0) return;
    c[CNT_CLAIMED] = 0;
    c[CNT_WRITE] = c[CNT_WRITE]! + 1;
  }

  /**
   * Copies `recordSize` doubles from `src` at `srcOffset` as one record. Returns false when
   * a full drop-newest ring drops it (counted). Never allocates.
   */
  tryPush(src: Float64Array, srcOffset = 0): boolean {
    const o = this.claim();
    if (o < 0) return false;
    const d = this.data;
    const n = this.recordSize;
    for (let i = 0; i < n; i++) d[o + i] = src[srcOffset + i]!;
    this.publish();
    return true;
  }

  /** Records that can be pushed now without dropping or discarding one. */
  freeSlots(): number {
    return this.capacity - (this.counts[CNT_WRITE]! - this.counts[CNT_READ]!);
  }

  /** Moves the oldest record into `dst` at `dstOffset`; false when empty. Never allocates. */
  tryPop(dst: Float64Array, dstOffset = 0): boolean {
    const c = this.counts;
    const r = c[CNT_READ]!;
    if (r >= c[CNT_WRITE]!) return false;
    const n = this.recordSize;
    const o = (r & this.mask) * n;
    const d = this.data;
    for (let i = 0; i < n; i++) dst[dstOffset + i] = d[o + i]!;
    c[CNT_READ] = r + 1;
    return true;
  }

  /**
   * Moves up to `maxRecords` records (and no more than fit) into `dst`, record i at
   * `i * recordSize`. Returns the count. Never allocates.
   */
  drain(dst: Float64Array, maxRecords: number): number {
    const n = this.recordSize;
    const fit = Math.floor(dst.length / n);
    const max = Math.min(maxRecords, fit);
    let count = 0;
    while (count < max && this.tryPop(dst, count * n)) count++;
    return count;
  }

  /** Records queued. */
  size(): number {
    return this.counts[CNT_WRITE]! - this.counts[CNT_READ]!;
  }

  /** Records lost (dropped or discarded) since creation. */
  lost(): number {
    return this.counts[CNT_LOST]!;
  }
}
