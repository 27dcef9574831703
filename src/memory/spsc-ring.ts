/**
 * Wait-free single-producer single-consumer ring of fixed-size float64 records over a
 * SharedArrayBuffer.
 *
 * Allocation contract: `create`/`attach` allocate (the buffer, typed-array views, two small
 * private state arrays); `tryPush`, `claim`, `publish`, `freeSlots`, `tryPop`, `drain`,
 * `size` and `lost` never allocate (pinned by test/memory-zero-allocation.test.ts). `waitForData` may box its
 * timeout (16 B) and blocks: it is for the non-real-time side.
 *
 * Threading contract: exactly one thread produces (`tryPush`/`claim`/`publish`/`freeSlots`) and exactly
 * one consumes (`tryPop`/`drain`/`lost`/`waitForData`); they may be the same thread. Each side
 * makes its own `SpscRing` object (`create` on one thread, `attach(buffer)` on the other); an
 * object keeps private cached indices for its role, so a role must not move to another object
 * while the other side runs. `size()` may be called from either side. Producer operations
 * are wait-free (no loops, no locks). Consumer operations are wait-free too: an overwrite-mode
 * pop gives up after `MAX_POP_ATTEMPTS` slots overwritten under it (each one counted as lost)
 * and returns false rather than chase a producer that keeps lapping it.
 *
 * Buffer layout (everything the other thread needs is in the buffer, so a plain-JS consumer
 * can attach from the constants exported here):
 *
 *   bytes 0‥255    Int32 header, one 64-byte cache line per writer so the producer's and the
 *                  consumer's hot words never share a line (false sharing halves throughput):
 *                    line 0  HDR_MAGIC, HDR_VERSION, HDR_CAPACITY, HDR_RECORD_SIZE, HDR_POLICY
 *                            (written once by `create`, read-only afterwards)
 *                    line 1  HDR_WRITE, HDR_DROPPED            (producer writes)
 *                    line 2  HDR_READ                           (consumer writes)
 *                    line 3  HDR_SLEEPING                       (consumer sets, producer clears)
 *   bytes 256‥319  Float64 accumulators ACC_* (consumer only: lost total, folded drop count)
 *   bytes 320‥     Int32 slot sequence words SEQ[capacity] (overwrite policies only)
 *   64-aligned     Float64 data: slot i is data[i·recordSize, (i+1)·recordSize)
 *
 * Indices: HDR_WRITE and HDR_READ are record counts since creation, kept as wrapping int32
 * (`| 0`); slot = index & (capacity − 1) (capacity is a power of two, so the mask stays right
 * across the 2^32 wrap). Queued = (write − read) | 0 ∈ [0, capacity] in drop-newest mode; empty
 * when 0, full when capacity. A ring must never fall 2^31 records behind (≈ 36 min at 1 M
 * records/s without a single pop), or the difference wraps.
 *
 * Memory ordering, drop-newest (the classic SPSC queue): the producer writes a record's
 * doubles with plain stores, then `Atomics.store(HDR_WRITE)`; the consumer
 * `Atomics.load(HDR_WRITE)`s, then reads the doubles. Atomics are sequentially consistent
 * and synchronize-with each other, so the plain data writes happen-before the plain data
 * reads: no race, no torn record. Symmetrically the consumer's reads happen-before its
 * `Atomics.store(HDR_READ)`, which the producer loads before reusing the slot. Each side
 * caches the other's index and re-loads it only when the cache says full/empty, so the
 * steady state costs one atomic store per record per side.
 *
 * Memory ordering, drop-oldest / overwrite (a per-slot seqlock): the producer never reads
 * HDR_READ (it cannot move the consumer's index without a CAS loop, which would not be
 * wait-free). To write record w into slot s it stores SEQ[s] = busy(w) = (w << 1) | 1, writes
 * the doubles, stores SEQ[s] = done(w) = w << 1, then HDR_WRITE = w + 1. The consumer reading
 * record r loads HDR_WRITE; if more than `capacity` records are ahead, the oldest ones were
 * certainly overwritten and it skips to write − capacity, counting them. Then it loads
 * SEQ[s] (s1); anything but done(r) means a later record is being or has been written there:
 * r is lost, counted, next. Otherwise it copies the doubles, stores HDR_READ (which also acts as
 * the fence that keeps the copy's loads before the next load on weakly ordered CPUs: a
 * seq-cst store is a release) and re-loads SEQ[s] (s2). s2 ≠ s1 means the producer started on
 * the slot during the copy: the copy may be torn, so it is discarded and r counted as lost.
 * The copy itself races with the producer's plain stores; ECMAScript defines such racy reads
 * (they return some bits, never undefined behaviour) and the seqlock throws them away.
 * V8 keeps plain typed-array accesses in program order around Atomics operations (both are
 * on TurboFan's effect chain).
 *
 * Guarantees: no torn record is ever returned; records arrive in push order with no
 * duplicates; every record pushed and not received is counted exactly once in `lost()`
 * (after the consumer drains, received + lost() = pushed). Sequence words compare record
 * indices modulo 2^31: a tear goes undetected only if the producer writes exactly a
 * multiple of 2^31 records during one record copy.
 *
 * Counters: HDR_DROPPED is the producer's drop count (drop-newest) as a wrapping uint32; the
 * consumer folds it into the float64 ACC_LOST in `lost()`, so `lost()` is exact as long as it
 * is called at least once per 2^32 − 1 drops. Overwrite-mode losses are counted by the
 * consumer directly into ACC_LOST (exact to 2^53).
 */
import { HardtickError } from '../errors.js';
import {
  OVERFLOW_POLICIES,
  type OverflowPolicy,
  POLICY_DROP_NEWEST,
  type RecordRing,
  type RingOptions,
  resolveRingOptions,
} from './ring-options.js';

/** Int32 word: magic number `SPSC_MAGIC`, identifies a ring buffer. */
export const HDR_MAGIC = 0;
/** Int32 word: layout version `SPSC_VERSION`. */
export const HDR_VERSION = 1;
/** Int32 word: capacity in records (power of two). */
export const HDR_CAPACITY = 2;
/** Int32 word: doubles per record. */
export const HDR_RECORD_SIZE = 3;
/** Int32 word: overflow policy code (`POLICY_*`). */
export const HDR_POLICY = 4;
/** Int32 word (producer-written): records published since creation, wrapping int32. */
export const HDR_WRITE = 16;
/** Int32 word (producer-written): records dropped by a full drop-newest ring, wrapping uint32. */
export const HDR_DROPPED = 17;
/** Int32 word (consumer-written): records consumed or skipped since creation, wrapping int32. */
export const HDR_READ = 32;
/** Int32 word: 1 while the consumer is (about to be) blocked in `waitForData`. */
export const HDR_SLEEPING = 48;
/** Int32 words in the header. */
export const HDR_WORDS = 64;

/** Float64 accumulator (consumer-only): records lost, folded drops + overwrite losses. */
export const ACC_LOST = 0;
/** Float64 accumulator (consumer-only): value of HDR_DROPPED already folded into ACC_LOST. */
export const ACC_DROPPED_SEEN = 1;
/** Float64 words reserved for accumulators (one cache line). */
export const ACC_WORDS = 8;

/** Byte offset of the accumulators. */
export const ACC_BYTE_OFFSET = HDR_WORDS * 4;
/** Byte offset of the slot sequence words. */
export const SEQ_BYTE_OFFSET = ACC_BYTE_OFFSET + ACC_WORDS * 8;
/** Seqlock word bit: set while the producer writes the slot. */
export const SEQ_BUSY = 1;

/** `HDR_MAGIC` value ('HTRG'). */
export const SPSC_MAGIC = 0x48545247;
/** `HDR_VERSION` value of this layout. */
export const SPSC_VERSION = 1;

/**
 * Overwrite-mode pop: slots found overwritten (each a counted loss) before `tryPop` returns
 * false. Bounds the consumer's work per call (wait-free) when the producer laps it.
 */
export const MAX_POP_ATTEMPTS = 64;

const CACHE_LINE = 64;

/** Byte offsets of a ring's regions. */
export interface SpscRingLayout {
  /** Byte offset of `SEQ[capacity]` (Int32). */
  readonly seqByteOffset: number;
  /** Byte offset of the data region (Float64, 64-byte aligned). */
  readonly dataByteOffset: number;
  /** Total buffer size. */
  readonly byteLength: number;
}

/** Where each region of a ring with this shape lives in its buffer. */
export function spscRingLayout(capacity: number, recordSize: number): SpscRingLayout {
  const seqEnd = SEQ_BYTE_OFFSET + capacity * 4;
  const dataByteOffset = Math.ceil(seqEnd / CACHE_LINE) * CACHE_LINE;
  return {
    seqByteOffset: SEQ_BYTE_OFFSET,
    dataByteOffset,
    byteLength: dataByteOffset + capacity * recordSize * 8,
  };
}

// Producer-private state (Int32Array: stores never box). Its own object per thread.
/** Next record index to write (mirror of HDR_WRITE). */
const P_WRITE = 0;
/** Last HDR_READ seen; re-loaded only when the ring looks full. */
const P_READ_CACHE = 1;
/** 1 between a successful `claim` and its `publish`. */
const P_CLAIMED = 2;
/** Mirror of HDR_DROPPED. */
const P_DROPPED = 3;

// Consumer-private state.
/** Next record index to read (mirror of HDR_READ). */
const C_READ = 0;
/** Last HDR_WRITE seen; re-loaded only when the ring looks empty. */
const C_WRITE_CACHE = 1;

function attachError(message: string): HardtickError {
  return new HardtickError('config_invalid', `SpscRing.attach: ${message}`, { path: 'buffer' });
}

/**
 * Wait-free SPSC ring of float64 records in a SharedArrayBuffer (see the file comment for
 * the layout, the memory-ordering argument and the exact guarantees).
 */
export class SpscRing implements RecordRing {
  /** The shared memory; post it to the other thread and `attach` there. */
  readonly buffer: SharedArrayBuffer;
  /** Records the ring holds (power of two). */
  readonly capacity: number;
  /** Doubles per record. */
  readonly recordSize: number;
  /** Overflow policy. */
  readonly policy: OverflowPolicy;
  /**
   * Record storage: slot i is `data[i * recordSize ‥ (i + 1) * recordSize)`. The producer
   * writes into it between `claim()` and `publish()`; nobody else should touch it.
   */
  readonly data: Float64Array;
  private readonly hdr: Int32Array;
  private readonly acc: Float64Array;
  private readonly seq: Int32Array;
  private readonly mask: number;
  /** drop-oldest/overwrite: seqlock protocol; drop-newest: plain SPSC queue. */
  private readonly newestWins: boolean;
  private readonly prod = new Int32Array(4);
  private readonly cons = new Int32Array(2);

  private constructor(buffer: SharedArrayBuffer) {
    const hdr = new Int32Array(buffer, 0, HDR_WORDS);
    this.buffer = buffer;
    this.hdr = hdr;
    this.capacity = hdr[HDR_CAPACITY]!;
    this.recordSize = hdr[HDR_RECORD_SIZE]!;
    const policyCode = hdr[HDR_POLICY]!;
    this.policy = OVERFLOW_POLICIES[policyCode]!;
    this.newestWins = policyCode !== POLICY_DROP_NEWEST;
    this.mask = this.capacity - 1;
    const layout = spscRingLayout(this.capacity, this.recordSize);
    this.acc = new Float64Array(buffer, ACC_BYTE_OFFSET, ACC_WORDS);
    this.seq = new Int32Array(buffer, layout.seqByteOffset, this.capacity);
    this.data = new Float64Array(buffer, layout.dataByteOffset, this.capacity * this.recordSize);
    // Start both roles' caches from the shared indices, so either side may attach late.
    const w = Atomics.load(hdr, HDR_WRITE);
    const r = Atomics.load(hdr, HDR_READ);
    this.prod[P_WRITE] = w;
    this.prod[P_READ_CACHE] = r;
    this.prod[P_DROPPED] = Atomics.load(hdr, HDR_DROPPED);
    this.cons[C_READ] = r;
    this.cons[C_WRITE_CACHE] = w;
  }

  /**
   * Allocates and initialises a ring. Throws {@link HardtickError} `config_invalid` (path
   * `SpscRing.capacity` / `.recordSize` / `.overflow`) on bad options.
   */
  static create(options: RingOptions): SpscRing {
    const o = resolveRingOptions(options, 'SpscRing');
    const buffer = new SharedArrayBuffer(spscRingLayout(o.capacity, o.recordSize).byteLength);
    const hdr = new Int32Array(buffer, 0, HDR_WORDS);
    hdr[HDR_VERSION] = SPSC_VERSION;
    hdr[HDR_CAPACITY] = o.capacity;
    hdr[HDR_RECORD_SIZE] = o.recordSize;
    hdr[HDR_POLICY] = o.policyCode;
    // Seq words start at done(r − capacity) for the slot of record r: "not yet written".
    const seq = new Int32Array(buffer, SEQ_BYTE_OFFSET, o.capacity);
    for (let s = 0; s < o.capacity; s++) seq[s] = (s - o.capacity) << 1;
    // Magic last, seq-cst: a thread that attaches after seeing it sees the whole header
    // (posting the buffer to a worker already orders this; the store costs nothing).
    Atomics.store(hdr, HDR_MAGIC, SPSC_MAGIC);
    return new SpscRing(buffer);
  }

  /**
   * Opens a ring made by {@link SpscRing.create} (usually on another thread). Capacity,
   * record size and policy are read from the buffer's header. Throws {@link HardtickError}
   * `config_invalid` (path `buffer`) if the buffer is not such a ring.
   */
  static attach(buffer: SharedArrayBuffer): SpscRing {
    if (!(buffer instanceof SharedArrayBuffer)) throw attachError('expected a SharedArrayBuffer');
    if (buffer.byteLength < SEQ_BYTE_OFFSET)
      throw attachError(`buffer of ${buffer.byteLength} bytes is too small to hold a ring header`);
    const hdr = new Int32Array(buffer, 0, HDR_WORDS);
    if (Atomics.load(hdr, HDR_MAGIC) !== SPSC_MAGIC)
      throw attachError('not an SpscRing buffer (bad magic number)');
    if (hdr[HDR_VERSION] !== SPSC_VERSION)
      throw attachError(`layout version ${hdr[HDR_VERSION]} is not supported (expected ${SPSC_VERSION})`);
    const capacity = hdr[HDR_CAPACITY]!;
    const recordSize = hdr[HDR_RECORD_SIZE]!;
    const policy = OVERFLOW_POLICIES[hdr[HDR_POLICY]!];
    if (policy === undefined)
      throw attachError(`corrupt header (unknown overflow policy code ${hdr[HDR_POLICY]})`);
    try {
      resolveRingOptions({ capacity, recordSize, overflow: policy }, 'SpscRing');
    } catch (cause) {
      throw attachError(`corrupt header (${(cause as Error).message})`);
    }
    const need = spscRingLayout(capacity, recordSize).byteLength;
    if (buffer.byteLength < need)
      throw attachError(
        `buffer of ${buffer.byteLength} bytes is smaller than the ${need} its header describes`,
      );
    return new SpscRing(buffer);
  }

  // ── Producer ────────────────────────────────────────────────────────────────────────────

  /**
   * Reserves the next slot and returns its offset in {@link data}, or −1 when a full
   * drop-newest ring drops this record (counted). In drop-oldest/overwrite mode it always
   * succeeds and marks the slot busy, so a consumer copying the record being overwritten
   * discards it. Write exactly `recordSize` doubles from the offset, then {@link publish}.
   * Claiming again before publishing returns the same slot. Never allocates.
   */
  claim(): number {
    const p = this.prod;
    const w = p[P_WRITE]!;
    if (this.newestWins) {
      const slot = w & this.mask;
      // Busy before any data store (seq-cst store: ordered before the plain stores that
      // follow), so a consumer whose copy overlaps them sees SEQ change.
      Atomics.store(this.seq, slot, (w << 1) | SEQ_BUSY);
      p[P_CLAIMED] = 1;
      return slot * this.recordSize;
    }
    if (((w - p[P_READ_CACHE]!) | 0) >= this.capacity) {
      // Looks full: refresh the cached read index (acquire: the consumer's copy of the slot
      // we are about to reuse happened before its HDR_READ store).
      const r = Atomics.load(this.hdr, HDR_READ);
      p[P_READ_CACHE] = r;
      if (((w - r) | 0) >= this.capacity) {
        const dropped = (p[P_DROPPED]! + 1) | 0;
        p[P_DROPPED] = dropped;
        Atomics.store(this.hdr, HDR_DROPPED, dropped);
        return -1;
      }
    }
    p[P_CLAIMED] = 1;
    return (w & this.mask) * this.recordSize;
  }

  /**
   * Publishes the record written into the slot of the last successful {@link claim}; no-op
   * without one. Wakes the consumer only if it declared itself asleep (`waitForData`), so
   * the usual cost is two atomic stores (three in overwrite mode) and one load. Never allocates.
   */
  publish(): void {
    const p = this.prod;
    if (p[P_CLAIMED] === 0) return;
    p[P_CLAIMED] = 0;
    const w = p[P_WRITE]!;
    // Overwrite mode: done(w) after the data (seq-cst store = release of the data stores).
    if (this.newestWins) Atomics.store(this.seq, w & this.mask, w << 1);
    const next = (w + 1) | 0;
    p[P_WRITE] = next;
    const h = this.hdr;
    // Release: the record's data stores happen-before a consumer that loads this value.
    Atomics.store(h, HDR_WRITE, next);
    // Seq-cst store then load (Dekker with waitForData's store SLEEPING / load WRITE): either
    // we see SLEEPING = 1 here or the consumer sees the new HDR_WRITE before it sleeps. The
    // CAS makes only one publish pay for the futex wake of one sleep.
    if (Atomics.load(h, HDR_SLEEPING) !== 0 && Atomics.compareExchange(h, HDR_SLEEPING, 1, 0) === 1)
      Atomics.notify(h, HDR_WRITE, 1);
  }

  /**
   * Copies `recordSize` doubles from `src` at `srcOffset` as one record. Returns false when a
   * full drop-newest ring drops it (counted in `lost()`); never throws, never allocates.
   * The caller guarantees `src` holds the record (not checked in the loop).
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

  /**
   * Producer side: records that can be pushed now without a drop-newest drop (a lower
   * bound: it answers from the cached read index and re-loads HDR_READ only when that says
   * full). For backpressure on a non-real-time producer (spin or sleep while 0) — retrying a
   * refused `tryPush` instead would count every refusal as lost. In drop-oldest/overwrite
   * mode a push always succeeds; this then says how many fit without overwriting. Never
   * allocates.
   */
  freeSlots(): number {
    const p = this.prod;
    const w = p[P_WRITE]!;
    const cached = this.capacity - ((w - p[P_READ_CACHE]!) | 0);
    if (cached > 0 && cached <= this.capacity) return cached;
    const r = Atomics.load(this.hdr, HDR_READ);
    p[P_READ_CACHE] = r;
    const free = this.capacity - ((w - r) | 0);
    return Math.max(free, 0);
  }

  // ── Consumer ────────────────────────────────────────────────────────────────────────────

  /**
   * Moves the oldest available record into `dst` at `dstOffset` (`recordSize` doubles) and
   * returns true; false when there is none (then `dst` may hold the partial copy of a record
   * that turned out overwritten). Never returns a torn record. Never allocates.
   */
  tryPop(dst: Float64Array, dstOffset = 0): boolean {
    return this.newestWins ? this.popLatest(dst, dstOffset) : this.popQueued(dst, dstOffset);
  }

  /**
   * Moves up to `maxRecords` records (and no more than fit) into `dst`, record i at
   * `i * recordSize`. Returns the count. Never allocates.
   */
  drain(dst: Float64Array, maxRecords: number): number {
    const n = this.recordSize;
    const fit = Math.floor(dst.length / n);
    const max = Math.min(maxRecords, fit);
    if (this.newestWins) {
      let count = 0;
      while (count < max && this.popLatest(dst, count * n)) count++;
      return count;
    }
    // Queue mode: one acquire load and one release store for the whole batch.
    const c = this.cons;
    const r = c[C_READ]!;
    const w = Atomics.load(this.hdr, HDR_WRITE);
    c[C_WRITE_CACHE] = w;
    const queued = (w - r) | 0;
    const count = Math.min(queued, max);
    if (count <= 0) return 0;
    const d = this.data;
    const mask = this.mask;
    for (let k = 0; k < count; k++) {
      const o = ((r + k) & mask) * n;
      const to = k * n;
      for (let i = 0; i < n; i++) dst[to + i] = d[o + i]!;
    }
    const next = (r + count) | 0;
    c[C_READ] = next;
    Atomics.store(this.hdr, HDR_READ, next);
    return count;
  }

  /** Drop-newest pop: acquire HDR_WRITE, copy, release HDR_READ. */
  private popQueued(dst: Float64Array, dstOffset: number): boolean {
    const c = this.cons;
    const r = c[C_READ]!;
    if (((c[C_WRITE_CACHE]! - r) | 0) <= 0) {
      const w = Atomics.load(this.hdr, HDR_WRITE);
      c[C_WRITE_CACHE] = w;
      if (((w - r) | 0) <= 0) return false;
    }
    const n = this.recordSize;
    const o = (r & this.mask) * n;
    const d = this.data;
    for (let i = 0; i < n; i++) dst[dstOffset + i] = d[o + i]!;
    const next = (r + 1) | 0;
    c[C_READ] = next;
    Atomics.store(this.hdr, HDR_READ, next);
    return true;
  }

  /** Drop-oldest/overwrite pop: the seqlock read described in the file comment. */
  private popLatest(dst: Float64Array, dstOffset: number): boolean {
    const c = this.cons;
    const h = this.hdr;
    const seq = this.seq;
    const acc = this.acc;
    const cap = this.capacity;
    const n = this.recordSize;
    const d = this.data;
    let r = c[C_READ]!;
    for (let attempt = 0; attempt < MAX_POP_ATTEMPTS; attempt++) {
      const ahead = (Atomics.load(h, HDR_WRITE) - r) | 0;
      if (ahead <= 0) break;
      if (ahead > cap) {
        // Records r … write − capacity − 1 have had their slots rewritten: skip them.
        acc[ACC_LOST] = acc[ACC_LOST]! + (ahead - cap);
        r = (r + ahead - cap) | 0;
      }
      const slot = r & this.mask;
      const done = r << 1;
      // HDR_WRITE > r was loaded first, so SEQ holds done(r) or a later record's word.
      if (Atomics.load(seq, slot) !== done) {
        acc[ACC_LOST] = acc[ACC_LOST]! + 1;
        r = (r + 1) | 0;
        continue;
      }
      const o = slot * n;
      for (let i = 0; i < n; i++) dst[dstOffset + i] = d[o + i]!;
      const next = (r + 1) | 0;
      // Publishes progress and, being a seq-cst (release) store, keeps the copy's loads
      // before the re-check below on weakly ordered CPUs.
      Atomics.store(h, HDR_READ, next);
      if (Atomics.load(seq, slot) !== done) {
        // The producer started on this slot during the copy: possibly torn, discard.
        acc[ACC_LOST] = acc[ACC_LOST]! + 1;
        r = next;
        continue;
      }
      c[C_READ] = next;
      return true;
    }
    c[C_READ] = r;
    Atomics.store(h, HDR_READ, r);
    return false;
  }

  /**
   * Records queued now (0 … capacity). In overwrite mode it includes records that may turn
   * out overwritten before they are read. Callable from either side. Never allocates.
   */
  size(): number {
    const q = (Atomics.load(this.hdr, HDR_WRITE) - Atomics.load(this.hdr, HDR_READ)) | 0;
    return q < 0 ? 0 : Math.min(q, this.capacity);
  }

  /**
   * Consumer side: records lost since creation: dropped by a full drop-newest ring, or
   * overwritten before the consumer read them (including ones already known overwritten but
   * not yet skipped). Never over-counts; once the consumer has drained the ring after the
   * producer stopped, received + lost() equals records pushed. Exact as long as it is called
   * at least once per 2^32 − 1 drop-newest drops. Never allocates.
   */
  lost(): number {
    const acc = this.acc;
    const raw = Atomics.load(this.hdr, HDR_DROPPED) >>> 0;
    const seen = acc[ACC_DROPPED_SEEN]!;
    if (raw !== seen) {
      // Fold the wrapping uint32 producer counter into the float64 total.
      acc[ACC_LOST] = acc[ACC_LOST]! + (raw >= seen ? raw - seen : raw + 4294967296 - seen);
      acc[ACC_DROPPED_SEEN] = raw;
    }
    if (!this.newestWins) return acc[ACC_LOST]!;
    const overwritten = ((Atomics.load(this.hdr, HDR_WRITE) - this.cons[C_READ]!) | 0) - this.capacity;
    return overwritten > 0 ? acc[ACC_LOST]! + overwritten : acc[ACC_LOST]!;
  }

  /**
   * Consumer side, non-real-time only: blocks until the producer publishes a record or
   * `timeoutMs` passes (`Atomics.wait`; allowed on Node's main thread but it stalls its
   * event loop). Returns true if records may be available. The producer pays for a wake-up
   * (`Atomics.notify`) only while the consumer is in here. May allocate (a computed timeout
   * is boxed).
   */
  waitForData(timeoutMs: number): boolean {
    const h = this.hdr;
    const r = this.cons[C_READ]!;
    if (Atomics.load(h, HDR_WRITE) !== r) return true;
    // Declare the sleep, then re-check (seq-cst store then load; see publish()).
    Atomics.store(h, HDR_SLEEPING, 1);
    const w = Atomics.load(h, HDR_WRITE);
    // Atomics.wait re-checks HDR_WRITE === w under the futex lock, so a publish between the
    // load and the wait makes it return 'not-equal' instead of sleeping.
    if (w === r) Atomics.wait(h, HDR_WRITE, w, timeoutMs);
    Atomics.store(h, HDR_SLEEPING, 0);
    return Atomics.load(h, HDR_WRITE) !== r;
  }
}
