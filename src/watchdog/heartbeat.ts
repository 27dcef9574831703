/**
 * The RT loop's heartbeat: a small SharedArrayBuffer the RT thread writes at every slot
 * boundary and a watchdog thread reads, so that something outside the RT thread can tell
 * that a slot is still running past its deadline (a paused or stuck thread cannot notice it
 * itself).
 *
 * Allocation contract: `create`/`attach` allocate (the buffer, typed-array views, a private
 * 8-byte scratch, the decoded task names). The writer methods `beginSlot`, `endSlot` and
 * `idle` never allocate (pinned by test/watchdog-zero-allocation.test.ts) and never throw.
 * Caveat on the caller's side (as for `NativeClock.nowNs`): a call V8 does not inline boxes
 * its non-Smi double arguments (ns times, frame numbers past 2^30: 16 B each). Call each
 * writer method from one call site in the frame/slot loop, as the probe does; three
 * unrolled `beginSlot` call sites in one function already exceeded V8's inlining budget.
 * `beginSlotAt`/`idleAt` take the doubles from a Float64Array instead, so no double ever
 * crosses a call and nothing boxes whatever V8 inlines: the executive uses those (its
 * `runOne` is near the inlining budget; `beginSlot` there boxed on some compiles).
 * `readInto` allocates nothing either, but it is for the watchdog side.
 *
 * Threading contract: exactly one writer thread (the RT thread) calls `beginSlot`, `endSlot`
 * and `idle`; any number of reader threads call `readInto`/`nowNs`. Each thread makes its
 * own `Heartbeat` object over the same buffer (`create` on one, `attach(buffer)` on the
 * others); the writer's object keeps the sequence number it last wrote.
 *
 * Buffer layout (Int32 words unless said; everything a reader needs is in the buffer):
 *
 *   bytes 0‥63     line 0, written once by `create` before the buffer is shared:
 *                  HB_MAGIC, HB_VERSION, HB_CLOCK (a `CLOCK_*` code), HB_TASK_COUNT,
 *                  HB_NAMES_BYTES (UTF-8 length of the JSON task-name array)
 *   bytes 64‥127   line 1, Float64, written once by `create`: CONST_ORIGIN_MS (the writer
 *                  thread's `performance.timeOrigin`, for `CLOCK_PERFORMANCE` only)
 *   bytes 128‥191  line 2, writer-owned, seqlocked: HB_SEQ, HB_STATE, HB_SLOT, HB_TASK and
 *                  three float64 values each split over two Int32 words (low word first,
 *                  the platform's byte order): HB_FRAME_*, HB_START_*, HB_DEADLINE_*
 *   bytes 192‥255  line 3, reader-owned: HB_STUCK_COUNT (stuck events raised by a watchdog)
 *   bytes 256‥     UTF-8 JSON array of task names (index = the `task` argument of beginSlot)
 *
 * Time values: float64 ns on the *writer's* clock, passed in by the writer (the heartbeat
 * never reads a clock on the hot path). Two clocks are supported, recorded in HB_CLOCK:
 * - `CLOCK_MONOTONIC` (default): CLOCK_MONOTONIC ns since boot, i.e. the native addon's
 *   clock (`NativeClock`, `src/native`). The kernel clock has one origin for every thread, so
 *   a reader compares directly against {@link sharedNowNs} (`process.hrtime.bigint()`, which is
 *   libuv's `uv_hrtime` = `clock_gettime(CLOCK_MONOTONIC)` on Linux: measured here to agree
 *   with the addon's clock to the tens of µs it takes to call both). This is the one to use.
 * - `CLOCK_PERFORMANCE`: `performance.now() × 1e6` of the writer thread (`SystemClock`, the
 *   executive's fallback when the addon is missing). Each isolate has its own
 *   `performance.timeOrigin`, so `create` stores the writer's origin in CONST_ORIGIN_MS and a
 *   reader converts: writer-now = (reader origin + reader `performance.now()` − writer
 *   origin) × 1e6. Both origins are epoch timestamps taken when each thread started, so the
 *   conversion is off by at most their sampling error (µs): fine against a grace in ms.
 * `nowNs()` on any thread's object returns "now" on the writer's clock.
 *
 * Seqlock (why a reader never sees a torn state): HB_SEQ is even when the line is stable.
 * A write stores HB_SEQ = odd, then the fields, then HB_SEQ = the next even number. A read
 * loads HB_SEQ (s1; odd → retry), the fields, then HB_SEQ again (s2); s1 ≠ s2 → retry.
 * *Every* access to the line, fields included, is an `Atomics` load/store on Int32 words
 * (float64 values go through a private scratch as two words). All of them are therefore
 * sequentially consistent and sit in one total order consistent with program order, so no
 * data race exists under the ECMAScript memory model and no CPU or JIT reordering is
 * possible: if the reader's second HB_SEQ load still returns s1 (even), every field load it
 * made came after the write that set s1 and before the next write's odd store, i.e. all
 * fields are from one write. (A seqlock with plain field stores would need a store-store
 * fence after the odd store on weakly ordered CPUs (ARM64), and JavaScript has no fence.)
 * Cost: a `beginSlot` is 10 atomic stores (`xchg` on x86-64), `endSlot` 3, `idle` 7:
 * measured ~500–570 ns per frame of 3 × (beginSlot + endSlot) + idle here (46 stores,
 * ~11 ns each), i.e. ~0.17 µs per slot.
 *
 * States: HB_STATE is `STATE_NONE` before the first write, `STATE_RUNNING` from `beginSlot`
 * to `endSlot` (HB_DEADLINE = that slot's deadline), `STATE_DONE` after `endSlot` (fields of
 * the last slot kept for diagnosis), `STATE_IDLE` after `idle` (HB_DEADLINE = next release).
 * HB_SEQ counts writes (wrapping int32, each write adds 2); a watchdog uses it to raise one
 * stuck event per `beginSlot`.
 */
import { HardtickError } from '../errors.js';
import type { LoopHeartbeat } from '../runtime/loop-hooks.js';

/** Int32 word: `HEARTBEAT_MAGIC`, identifies a heartbeat buffer. */
export const HB_MAGIC = 0;
/** Int32 word: layout version `HEARTBEAT_VERSION`. */
export const HB_VERSION = 1;
/** Int32 word: the clock time values are on (`CLOCK_MONOTONIC` or `CLOCK_PERFORMANCE`). */
export const HB_CLOCK = 2;
/** Int32 word: number of task names stored. */
export const HB_TASK_COUNT = 3;
/** Int32 word: UTF-8 byte length of the task-name JSON at `NAMES_BYTE_OFFSET`. */
export const HB_NAMES_BYTES = 4;
/** Float64 index (in a Float64Array over the buffer): the writer's `performance.timeOrigin`, ms. */
export const CONST_ORIGIN_MS = 8;
/** Int32 word (writer, seqlock): even = stable, odd = a write is in progress. Wrapping int32. */
export const HB_SEQ = 32;
/** Int32 word (writer, seqlocked): a `STATE_*` code. */
export const HB_STATE = 33;
/** Int32 word (writer, seqlocked): slot index within the frame (−1 when not given). */
export const HB_SLOT = 34;
/** Int32 word (writer, seqlocked): task index into the names (−1 when not given). */
export const HB_TASK = 35;
/** Int32 words (writer, seqlocked): frame number, float64 as two words. */
export const HB_FRAME_LO = 36;
/** High word of the frame number. */
export const HB_FRAME_HI = 37;
/** Int32 words (writer, seqlocked): slot start, ns on the writer's clock, float64 as two words. */
export const HB_START_LO = 38;
/** High word of the slot start. */
export const HB_START_HI = 39;
/** Int32 words (writer, seqlocked): slot deadline (running) or next release (idle), ns. */
export const HB_DEADLINE_LO = 40;
/** High word of the deadline. */
export const HB_DEADLINE_HI = 41;
/** Int32 word (reader-written): stuck events raised by a watchdog on this heartbeat, wrapping. */
export const HB_STUCK_COUNT = 48;
/** Int32 words in the header (four 64-byte lines). */
export const HB_WORDS = 64;
/** Byte offset of the UTF-8 JSON array of task names. */
export const NAMES_BYTE_OFFSET = HB_WORDS * 4;

/** `HB_STATE`: nothing written yet. */
export const STATE_NONE = 0;
/** `HB_STATE`: a slot is running; HB_DEADLINE is its deadline. */
export const STATE_RUNNING = 1;
/** `HB_STATE`: the last slot ended; the loop is between slots of a frame. */
export const STATE_DONE = 2;
/** `HB_STATE`: the loop waits for its next release; HB_DEADLINE is that release time. */
export const STATE_IDLE = 3;

/** `HB_CLOCK`: CLOCK_MONOTONIC ns since boot (the native clock; same origin in every thread). */
export const CLOCK_MONOTONIC = 1;
/** `HB_CLOCK`: the writer thread's `performance.now()` × 1e6 (origin stored in CONST_ORIGIN_MS). */
export const CLOCK_PERFORMANCE = 2;

/** `HB_MAGIC` value ('HTHB'). */
export const HEARTBEAT_MAGIC = 0x48544842;
/** `HB_VERSION` value of this layout. */
export const HEARTBEAT_VERSION = 1;

/** Which clock the writer's time values are on. */
export type HeartbeatClock = 'monotonic' | 'performance';

/** Options of {@link Heartbeat.create}. */
export interface HeartbeatOptions {
  /**
   * Task names, indexed by the `task` argument of {@link Heartbeat.beginSlot}; stored in the
   * buffer so a watchdog can name the stuck task.
   * @default []
   */
  readonly taskNames?: readonly string[];
  /**
   * The clock of the times the writer passes in: `'monotonic'` for CLOCK_MONOTONIC ns (the
   * native clock, or {@link sharedNowNs}); `'performance'` for the writer thread's
   * `performance.now() × 1e6` (`SystemClock`). `create` must then run on the writer thread.
   * @default 'monotonic'
   */
  readonly clock?: HeartbeatClock;
}

/** One consistent reading of a heartbeat, filled in place by {@link Heartbeat.readInto}. */
export interface HeartbeatSnapshot {
  /** HB_SEQ of the write read (even). */
  seq: number;
  /** A `STATE_*` code. */
  state: number;
  /** Frame number (−1 before the first slot). */
  frame: number;
  /** Slot index within the frame (−1 when not given). */
  slot: number;
  /** Task index (−1 when not given). */
  task: number;
  /** Slot start, ns on the writer's clock. */
  startNs: number;
  /** Slot deadline (running) or next release (idle), ns on the writer's clock. */
  deadlineNs: number;
}

/** A snapshot with every field zeroed, to pass to {@link Heartbeat.readInto}. */
export function emptySnapshot(): HeartbeatSnapshot {
  return { seq: 0, state: STATE_NONE, frame: -1, slot: -1, task: -1, startNs: 0, deadlineNs: 0 };
}

/** Reads of a busy seqlock `readInto` retries before giving up. */
export const MAX_READ_ATTEMPTS = 16;

const NS_PER_MS = 1e6;

/**
 * CLOCK_MONOTONIC in ns, the clock every thread shares (same origin as the native addon's
 * `NativeClock`). Through `process.hrtime.bigint()`, so it allocates a BigInt (40 B): for
 * the watchdog and for tests, not for the RT hot path (which uses `NativeClock`).
 */
export function sharedNowNs(): number {
  return Number(process.hrtime.bigint());
}

/**
 * A heartbeat block over a SharedArrayBuffer (see the module note for layout, clock and
 * the seqlock). Writer: `beginSlot`, `endSlot`, `idle` (allocation-free). Readers:
 * `readInto`, `nowNs`, `taskName`.
 */
export class Heartbeat implements LoopHeartbeat {
  /** The shared buffer; post it to the other thread and `attach` there. */
  readonly buffer: SharedArrayBuffer;
  /** Task names, indexed by task number. */
  readonly taskNames: readonly string[];
  /** The clock time values are on. */
  readonly clock: HeartbeatClock;
  private readonly i32: Int32Array;
  /** Private (not shared) float64 ↔ two-int32 converter. */
  private readonly scratchF64: Float64Array;
  private readonly scratchI32: Int32Array;
  /** Writer only: HB_SEQ of the last completed write (even). */
  private seq: number;
  /** Writer's `performance.timeOrigin` (ms) for `'performance'`, else 0. */
  private readonly originMs: number;

  private constructor(buffer: SharedArrayBuffer) {
    this.buffer = buffer;
    this.i32 = new Int32Array(buffer, 0, HB_WORDS);
    const scratch = new ArrayBuffer(8);
    this.scratchF64 = new Float64Array(scratch);
    this.scratchI32 = new Int32Array(scratch);
    const i32 = this.i32;
    if (i32[HB_MAGIC] !== HEARTBEAT_MAGIC || i32[HB_VERSION] !== HEARTBEAT_VERSION) {
      throw new HardtickError('config_invalid', 'not a hardtick heartbeat buffer (bad magic or version)');
    }
    this.clock = i32[HB_CLOCK] === CLOCK_PERFORMANCE ? 'performance' : 'monotonic';
    this.originMs = new Float64Array(buffer, 0, HB_WORDS / 2)[CONST_ORIGIN_MS]!;
    const namesBytes = new Uint8Array(buffer, NAMES_BYTE_OFFSET, i32[HB_NAMES_BYTES]!);
    // TextDecoder refuses views on shared memory: copy first.
    this.taskNames = Object.freeze(JSON.parse(new TextDecoder().decode(namesBytes.slice())) as string[]);
    this.seq = Atomics.load(i32, HB_SEQ);
  }

  /**
   * A new heartbeat buffer. With `clock: 'performance'`, call this on the writer thread
   * (it records that thread's `performance.timeOrigin`). Cold path.
   * @throws HardtickError `config_invalid` when a task name is not a string.
   */
  static create(options: HeartbeatOptions = {}): Heartbeat {
    const names = options.taskNames ?? [];
    for (const [i, name] of names.entries()) {
      if (typeof name !== 'string') {
        throw new HardtickError('config_invalid', `heartbeat taskNames[${i}]: expected a string`);
      }
    }
    const clock = options.clock ?? 'monotonic';
    if (clock !== 'monotonic' && clock !== 'performance') {
      throw new HardtickError(
        'config_invalid',
        `heartbeat clock: expected "monotonic" or "performance", got ${String(clock)}`,
      );
    }
    const json = new TextEncoder().encode(JSON.stringify(names));
    // Rounded up to 8 bytes so any typed-array view over the whole buffer is valid.
    const buffer = new SharedArrayBuffer(NAMES_BYTE_OFFSET + Math.ceil(json.byteLength / 8) * 8);
    const i32 = new Int32Array(buffer, 0, HB_WORDS);
    i32[HB_MAGIC] = HEARTBEAT_MAGIC;
    i32[HB_VERSION] = HEARTBEAT_VERSION;
    i32[HB_CLOCK] = clock === 'performance' ? CLOCK_PERFORMANCE : CLOCK_MONOTONIC;
    i32[HB_TASK_COUNT] = names.length;
    i32[HB_NAMES_BYTES] = json.byteLength;
    i32[HB_SLOT] = -1;
    i32[HB_TASK] = -1;
    new Float64Array(buffer, 0, HB_WORDS / 2)[CONST_ORIGIN_MS] =
      clock === 'performance' ? performance.timeOrigin : 0;
    new Uint8Array(buffer, NAMES_BYTE_OFFSET).set(json);
    const hb = new Heartbeat(buffer);
    hb.writeF64(HB_FRAME_LO, -1);
    return hb;
  }

  /**
   * A view of an existing heartbeat buffer (on the watchdog thread, or the writer thread
   * when another thread created it). Cold path.
   * @throws HardtickError `config_invalid` when the buffer is not a heartbeat.
   */
  static attach(buffer: SharedArrayBuffer): Heartbeat {
    if (!(buffer instanceof SharedArrayBuffer) || buffer.byteLength < NAMES_BYTE_OFFSET) {
      throw new HardtickError('config_invalid', 'not a hardtick heartbeat buffer (too small or not shared)');
    }
    return new Heartbeat(buffer);
  }

  /**
   * Writer: slot `slot` of frame `frame` starts running task `task` at `startNs` and must end
   * by `deadlineNs` (ns on the heartbeat's clock). Allocation-free; never throws.
   */
  beginSlot(frame: number, slot: number, task: number, startNs: number, deadlineNs: number): void {
    const i32 = this.i32;
    const seq = this.seq;
    Atomics.store(i32, HB_SEQ, (seq + 1) | 0);
    Atomics.store(i32, HB_STATE, STATE_RUNNING);
    Atomics.store(i32, HB_SLOT, slot | 0);
    Atomics.store(i32, HB_TASK, task | 0);
    this.writeF64(HB_FRAME_LO, frame);
    this.writeF64(HB_START_LO, startNs);
    this.writeF64(HB_DEADLINE_LO, deadlineNs);
    const next = (seq + 2) | 0;
    Atomics.store(i32, HB_SEQ, next);
    this.seq = next;
  }

  /**
   * Writer: {@link Heartbeat.beginSlot} with the three doubles read from `src`:
   * `src[at]` = frame, `src[at + 1]` = start ns, `src[at + 2]` = deadline ns. Only Smis and
   * objects cross this call and the calls inside it, so it never boxes a double whether or
   * not V8 inlines it (the executive's hot loop is near V8's inlining budget). Allocation-free.
   */
  beginSlotAt(slot: number, task: number, src: Float64Array, at: number): void {
    const i32 = this.i32;
    const seq = this.seq;
    Atomics.store(i32, HB_SEQ, (seq + 1) | 0);
    Atomics.store(i32, HB_STATE, STATE_RUNNING);
    Atomics.store(i32, HB_SLOT, slot | 0);
    Atomics.store(i32, HB_TASK, task | 0);
    this.copyF64(HB_FRAME_LO, src, at);
    this.copyF64(HB_START_LO, src, at + 1);
    this.copyF64(HB_DEADLINE_LO, src, at + 2);
    const next = (seq + 2) | 0;
    Atomics.store(i32, HB_SEQ, next);
    this.seq = next;
  }

  /** Writer: {@link Heartbeat.idle} with the next release read from `src[at]` (see `beginSlotAt`). */
  idleAt(src: Float64Array, at: number): void {
    const i32 = this.i32;
    const seq = this.seq;
    Atomics.store(i32, HB_SEQ, (seq + 1) | 0);
    Atomics.store(i32, HB_STATE, STATE_IDLE);
    this.copyF64(HB_DEADLINE_LO, src, at);
    const next = (seq + 2) | 0;
    Atomics.store(i32, HB_SEQ, next);
    this.seq = next;
  }

  /** Writer: the running slot returned. Keeps its fields for diagnosis. Allocation-free. */
  endSlot(): void {
    const i32 = this.i32;
    const seq = this.seq;
    Atomics.store(i32, HB_SEQ, (seq + 1) | 0);
    Atomics.store(i32, HB_STATE, STATE_DONE);
    const next = (seq + 2) | 0;
    Atomics.store(i32, HB_SEQ, next);
    this.seq = next;
  }

  /** Writer: the loop now waits for its next release at `nextReleaseNs`. Allocation-free. */
  idle(nextReleaseNs: number): void {
    const i32 = this.i32;
    const seq = this.seq;
    Atomics.store(i32, HB_SEQ, (seq + 1) | 0);
    Atomics.store(i32, HB_STATE, STATE_IDLE);
    this.writeF64(HB_DEADLINE_LO, nextReleaseNs);
    const next = (seq + 2) | 0;
    Atomics.store(i32, HB_SEQ, next);
    this.seq = next;
  }

  /**
   * Reader: copies one consistent state into `out`. Returns false (leaving `out` partly
   * written) when the writer was mid-write on each of {@link MAX_READ_ATTEMPTS} tries; a
   * poller just tries again next time. Allocation-free; never throws.
   */
  readInto(out: HeartbeatSnapshot): boolean {
    const i32 = this.i32;
    for (let attempt = 0; attempt < MAX_READ_ATTEMPTS; attempt++) {
      const s1 = Atomics.load(i32, HB_SEQ);
      if ((s1 & 1) !== 0) continue;
      out.state = Atomics.load(i32, HB_STATE);
      out.slot = Atomics.load(i32, HB_SLOT);
      out.task = Atomics.load(i32, HB_TASK);
      out.frame = this.readF64(HB_FRAME_LO);
      out.startNs = this.readF64(HB_START_LO);
      out.deadlineNs = this.readF64(HB_DEADLINE_LO);
      if (Atomics.load(i32, HB_SEQ) === s1) {
        out.seq = s1;
        return true;
      }
    }
    return false;
  }

  /** "Now" on the writer's clock, from any thread. Allocates (see {@link sharedNowNs}). */
  nowNs(): number {
    if (this.clock === 'monotonic') return sharedNowNs();
    return (performance.timeOrigin - this.originMs + performance.now()) * NS_PER_MS;
  }

  /** Name of task `task`, or `task#<n>` when the heartbeat has no name for it. */
  taskName(task: number): string {
    return this.taskNames[task] ?? `task#${task}`;
  }

  /** Stuck events a watchdog raised on this heartbeat (any thread). */
  stuckCount(): number {
    return Atomics.load(this.i32, HB_STUCK_COUNT);
  }

  /** Watchdog side: counts one stuck event in the buffer. */
  countStuck(): void {
    Atomics.add(this.i32, HB_STUCK_COUNT, 1);
  }

  private writeF64(lo: number, value: number): void {
    this.scratchF64[0] = value;
    Atomics.store(this.i32, lo, this.scratchI32[0]!);
    Atomics.store(this.i32, lo + 1, this.scratchI32[1]!);
  }

  /** `writeF64(lo, src[at])` without the double crossing a call. */
  private copyF64(lo: number, src: Float64Array, at: number): void {
    this.scratchF64[0] = src[at]!;
    Atomics.store(this.i32, lo, this.scratchI32[0]!);
    Atomics.store(this.i32, lo + 1, this.scratchI32[1]!);
  }

  private readF64(lo: number): number {
    this.scratchI32[0] = Atomics.load(this.i32, lo);
    this.scratchI32[1] = Atomics.load(this.i32, lo + 1);
    return this.scratchF64[0]!;
  }
}
