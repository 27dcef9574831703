/**
 * The lease guard: a small SharedArrayBuffer through which the non-real-time side (the
 * {@link LeaseKeeper}, which talks to the election) tells the real-time loop whether it
 * may act, and with which fencing token.
 *
 * Allocation contract: `create`/`attach`/`taskLease` allocate (buffer, views, a private
 * 8-byte scratch). On the RT side, {@link GuardedTaskLease.valid}, `token`, `tokenInto`,
 * `leading` and `notePauseAt` never allocate and never throw (pinned by
 * test/lease-zero-allocation.test.ts). The keeper-side writers (`grant`, `renew`,
 * `revoke`) allocate nothing either, but they run on the cold side anyway.
 *
 * Threading contract: exactly one keeper thread writes line 2 (`grant`/`renew`/`revoke`);
 * exactly one RT thread writes line 3 (`notePauseAt`). Every thread makes its own
 * `LeaseGuard` over the buffer (`create` on the RT thread, `attach(buffer)` elsewhere).
 *
 * Layout (Int32 words unless said):
 *
 *   line 0  (bytes 0‥63)    written once by `create`: G_MAGIC, G_VERSION, G_CLOCK
 *   line 1  (bytes 64‥127)  Float64, written once: CONST_ORIGIN_MS (the RT thread's
 *                           `performance.timeOrigin`, for `CLOCK_PERFORMANCE` only)
 *   line 2  (bytes 128‥191) keeper-owned, seqlocked: G_SEQ, G_STATE, G_TERM, then three
 *                           float64 split over two words each: G_VALID_UNTIL (ns, RT
 *                           clock), G_TOKEN, G_RENEW_SENT (ns, RT clock)
 *   line 3  (bytes 192‥255) RT-owned: G_PAUSE_SEQ (wrapping; the keeper polls it), G_PAUSE_AT
 *                           (float64 over two words: the wake that detected the pause),
 *                           G_DENIED (wrapping count of `valid()` calls that said no)
 *
 * Time: every ns value is on the RT loop's clock. With the native clock that is
 * CLOCK_MONOTONIC, which every thread and process shares (`process.hrtime.bigint()` reads
 * it too); with `performance.now()` each isolate has its own origin, so `create` (on the
 * RT thread) records that thread's origin and the keeper converts (as the watchdog's
 * heartbeat does, src/watchdog/heartbeat.ts): {@link LeaseGuard.nowNs} is "now" on the RT
 * clock from any thread.
 *
 * When may a task act? `valid()` is true only when all hold (read in one seqlocked snapshot):
 * 1. the keeper says leader (G_STATE = `LEASE_LEADER`);
 * 2. the lease covers the end of the running slot's budget: G_VALID_UNTIL ≥
 *    `ctx.sliceStartNs + ctx.budgetNs`. The keeper computes valid-until from the time the
 *    renewal was SENT (see keeper.ts), so no network delay extends it;
 * 3. the renewal that set it was sent after the last pause the loop detected
 *    (G_RENEW_SENT > G_PAUSE_AT). A detected pause means the process may have been
 *    stopped with its clock running slow or not at all (VM suspend does not advance
 *    CLOCK_MONOTONIC): authority is re-established by a fresh renewal, not assumed.
 *    `notePauseAt` bumps G_PAUSE_SEQ, which the keeper polls (every few ms while it
 *    leads), so it renews at once. (Not `Atomics.notify`: measured here to allocate, ~2 B a
 *    call on average, and the RT side allocates nothing.)
 * Checking is not enough (a pause can fall between the check and the write): the token
 * travels with every output, and the receiver fences stale writers (src/fencing).
 *
 * Seqlock: as in heartbeat.ts, every access to line 2 is an `Atomics` load/store of an
 * Int32 word, so a reader that sees the same even G_SEQ before and after its loads read
 * one write. A reader that keeps meeting a write in progress gives up and says "not
 * valid" (the safe answer).
 */
import { HardtickError } from '../errors.js';
import type { LeaseGate, LoopLease, SlotWindow, TaskLease } from '../runtime/loop-hooks.js';

export type { SlotWindow, TaskLease } from '../runtime/loop-hooks.js';
export { UNGUARDED_LEASE, UnguardedTaskLease } from '../runtime/loop-hooks.js';

/** Int32 word: `LEASE_GUARD_MAGIC`. */
export const G_MAGIC = 0;
/** Int32 word: layout version `LEASE_GUARD_VERSION`. */
export const G_VERSION = 1;
/** Int32 word: the clock ns values are on (`GUARD_CLOCK_*`). */
export const G_CLOCK = 2;
/** Float64 index: the RT thread's `performance.timeOrigin`, ms (for `GUARD_CLOCK_PERFORMANCE`). */
export const G_ORIGIN_MS_F64 = 8;
/** Int32 word (keeper, seqlock): even = stable, odd = write in progress. Wrapping. */
export const G_SEQ = 32;
/** Int32 word (keeper, seqlocked): `LEASE_NONE`, `LEASE_LEADER` or `LEASE_PASSIVE`. */
export const G_STATE = 33;
/** Int32 word (keeper, seqlocked): leadership terms won so far (each `grant` adds one). */
export const G_TERM = 34;
/** Int32 words (keeper, seqlocked): valid-until, ns on the RT clock, float64 as two words. */
export const G_VALID_UNTIL_LO = 36;
/** Int32 words (keeper, seqlocked): the fencing token, float64 as two words. */
export const G_TOKEN_LO = 38;
/** Int32 words (keeper, seqlocked): when the renewal behind valid-until was sent, ns on the RT clock. */
export const G_RENEW_SENT_LO = 40;
/** Int32 word (RT): pauses noted (wrapping); the keeper polls it. */
export const G_PAUSE_SEQ = 48;
/** Int32 words (RT): wake time of the last detected pause, ns on the RT clock (−∞ before any). */
export const G_PAUSE_AT_LO = 50;
/** Int32 word (RT): `valid()` calls answered false (wrapping). */
export const G_DENIED = 52;
/** Int32 words in the buffer (four 64-byte lines). */
export const G_WORDS = 64;

/** `G_STATE`: no lease yet. */
export const LEASE_NONE = 0;
/** `G_STATE`: this process holds the lease (subject to valid-until). */
export const LEASE_LEADER = 1;
/** `G_STATE`: leadership lost or given up: never act. */
export const LEASE_PASSIVE = 2;

/** `G_CLOCK`: CLOCK_MONOTONIC ns (the native clock; one origin for every thread). */
export const GUARD_CLOCK_MONOTONIC = 1;
/** `G_CLOCK`: the RT thread's `performance.now() × 1e6` (origin in `G_ORIGIN_MS_F64`). */
export const GUARD_CLOCK_PERFORMANCE = 2;
/** `G_MAGIC` value ('HTLG'). */
export const LEASE_GUARD_MAGIC = 0x48544c47;
/** `G_VERSION` value of this layout. */
export const LEASE_GUARD_VERSION = 1;
/** Seqlock read attempts before `valid()` gives up (answering false). */
export const GUARD_READ_ATTEMPTS = 16;

/** Which clock the RT loop's ns values are on. */
export type LeaseGuardClock = 'monotonic' | 'performance';

/** Options of {@link LeaseGuard.create}. */
export interface LeaseGuardOptions {
  /**
   * The RT loop's clock: `'monotonic'` for the native clock (CLOCK_MONOTONIC), or
   * `'performance'` for `SystemClock` (`performance.now()`; then call `create` on the RT
   * thread, which records its time origin).
   * @default 'monotonic'
   */
  readonly clock?: LeaseGuardClock;
}

/** One consistent reading of the keeper's line, filled by {@link LeaseGuard.readInto}. */
export interface LeaseGuardSnapshot {
  /** `LEASE_NONE`, `LEASE_LEADER` or `LEASE_PASSIVE`. */
  state: number;
  /** Leadership terms won so far. */
  term: number;
  /** Fencing token of the current (or last) term; 0 before the first. */
  token: number;
  /** Valid-until, ns on the RT clock. */
  validUntilNs: number;
  /** Send time of the renewal behind valid-until, ns on the RT clock. */
  renewSentNs: number;
}

const NS_PER_MS = 1e6;
/** Int32 offsets in the RT scratch (each a float64 as two words; float64 index = offset / 2). */
const RT_PAUSE_AT = 0;
const RT_VALID_UNTIL = 2;
const RT_SENT = 4;
const RT_TOKEN = 6;

/**
 * CLOCK_MONOTONIC in ns from any thread (`process.hrtime.bigint()`: allocates a BigInt;
 * for the keeper side, never the RT loop, which uses the executive's clock).
 */
export function monotonicNowNs(): number {
  return Number(process.hrtime.bigint());
}

/** A lease guard over a SharedArrayBuffer (see the module note). */
export class LeaseGuard implements LoopLease, LeaseGate {
  /** The shared buffer: post it to the other thread and `attach` there. */
  readonly buffer: SharedArrayBuffer;
  /** The clock ns values are on. */
  readonly clock: LeaseGuardClock;
  private readonly i32: Int32Array;
  private readonly scratchF64: Float64Array;
  private readonly scratchI32: Int32Array;
  /** RT side's private scratch: four float64 (`RT_*` / 2) seen as eight int32 words. */
  private readonly rtF64: Float64Array;
  private readonly rtI32: Int32Array;
  /** Keeper only: G_SEQ of its last completed write (even). */
  private seq: number;
  private readonly originMs: number;

  private constructor(buffer: SharedArrayBuffer) {
    this.buffer = buffer;
    this.i32 = new Int32Array(buffer, 0, G_WORDS);
    const scratch = new ArrayBuffer(8);
    this.scratchF64 = new Float64Array(scratch);
    this.scratchI32 = new Int32Array(scratch);
    const rt = new ArrayBuffer(32);
    this.rtF64 = new Float64Array(rt);
    this.rtI32 = new Int32Array(rt);
    if (this.i32[G_MAGIC] !== LEASE_GUARD_MAGIC || this.i32[G_VERSION] !== LEASE_GUARD_VERSION)
      throw new HardtickError('usage', 'not a hardtick lease guard buffer (bad magic or version)');
    this.clock = this.i32[G_CLOCK] === GUARD_CLOCK_PERFORMANCE ? 'performance' : 'monotonic';
    this.originMs = new Float64Array(buffer, 0, G_WORDS / 2)[G_ORIGIN_MS_F64]!;
    this.seq = Atomics.load(this.i32, G_SEQ) & ~1;
  }

  /**
   * A new guard (state `LEASE_NONE`). With `clock: 'performance'`, call it on the RT
   * thread. Cold.
   * @throws HardtickError `usage` for an unknown clock.
   */
  static create(options: LeaseGuardOptions = {}): LeaseGuard {
    const clock = options.clock ?? 'monotonic';
    if (clock !== 'monotonic' && clock !== 'performance')
      throw new HardtickError(
        'usage',
        `LeaseGuard.create: clock must be "monotonic" or "performance", got ${String(clock)}`,
      );
    const buffer = new SharedArrayBuffer(G_WORDS * 4);
    const i32 = new Int32Array(buffer);
    i32[G_MAGIC] = LEASE_GUARD_MAGIC;
    i32[G_VERSION] = LEASE_GUARD_VERSION;
    i32[G_CLOCK] = clock === 'performance' ? GUARD_CLOCK_PERFORMANCE : GUARD_CLOCK_MONOTONIC;
    new Float64Array(buffer, 0, G_WORDS / 2)[G_ORIGIN_MS_F64] =
      clock === 'performance' ? performance.timeOrigin : 0;
    const guard = new LeaseGuard(buffer);
    guard.writeF64(G_PAUSE_AT_LO, Number.NEGATIVE_INFINITY);
    guard.writeF64(G_VALID_UNTIL_LO, Number.NEGATIVE_INFINITY);
    guard.writeF64(G_RENEW_SENT_LO, Number.NEGATIVE_INFINITY);
    return guard;
  }

  /**
   * A view of an existing guard buffer (on the keeper's thread). Cold.
   * @throws HardtickError `usage` when `buffer` is not a lease guard.
   */
  static attach(buffer: SharedArrayBuffer): LeaseGuard {
    if (!(buffer instanceof SharedArrayBuffer) || buffer.byteLength < G_WORDS * 4)
      throw new HardtickError('usage', 'not a hardtick lease guard buffer (too small or not shared)');
    return new LeaseGuard(buffer);
  }

  /** "Now" on the RT loop's clock, from any thread. Allocates (keeper side only). */
  nowNs(): number {
    if (this.clock === 'monotonic') return monotonicNowNs();
    return (performance.timeOrigin - this.originMs + performance.now()) * NS_PER_MS;
  }

  /**
   * The per-loop view tasks get as `ctx.lease`, reading the slot window from `slot` (the
   * executive's context). Cold (allocates the view).
   */
  taskLease(slot: SlotWindow): GuardedTaskLease {
    return new GuardedTaskLease(this, slot);
  }

  // --- keeper side (one thread) ---------------------------------------------------

  /** Keeper: a new term won with fencing `token`, valid until `validUntilNs` (sent at `sentNs`). */
  grant(token: number, validUntilNs: number, sentNs: number): void {
    const i32 = this.i32;
    this.beginWrite();
    Atomics.store(i32, G_STATE, LEASE_LEADER);
    Atomics.store(i32, G_TERM, (Atomics.load(i32, G_TERM) + 1) | 0);
    this.writeF64(G_TOKEN_LO, token);
    this.writeF64(G_VALID_UNTIL_LO, validUntilNs);
    this.writeF64(G_RENEW_SENT_LO, sentNs);
    this.endWrite();
  }

  /** Keeper: a renewal sent at `sentNs` succeeded; the lease is now valid until `validUntilNs`. */
  renew(validUntilNs: number, sentNs: number): void {
    this.beginWrite();
    this.writeF64(G_VALID_UNTIL_LO, validUntilNs);
    this.writeF64(G_RENEW_SENT_LO, sentNs);
    this.endWrite();
  }

  /** Keeper: leadership lost or given up: `valid()` is false from now on (the token stays readable). */
  revoke(): void {
    this.beginWrite();
    Atomics.store(this.i32, G_STATE, LEASE_PASSIVE);
    this.writeF64(G_VALID_UNTIL_LO, Number.NEGATIVE_INFINITY);
    this.endWrite();
  }

  /** Pauses noted by the RT loop so far (wrapping int32). */
  pauseSeq(): number {
    return Atomics.load(this.i32, G_PAUSE_SEQ);
  }

  /** Wake time of the last pause the RT loop noted, ns on the RT clock (−∞ before any). */
  pauseAtNs(): number {
    return this.readF64(G_PAUSE_AT_LO);
  }

  /** `valid()` calls answered false so far (wrapping int32). */
  deniedCount(): number {
    return Atomics.load(this.i32, G_DENIED);
  }

  /**
   * Copies one consistent state of the keeper's line into `out`. Returns false when a write
   * was in progress on every attempt. Allocation-free.
   */
  readInto(out: LeaseGuardSnapshot): boolean {
    const i32 = this.i32;
    for (let a = 0; a < GUARD_READ_ATTEMPTS; a++) {
      const s1 = Atomics.load(i32, G_SEQ);
      if ((s1 & 1) !== 0) continue;
      out.state = Atomics.load(i32, G_STATE);
      out.term = Atomics.load(i32, G_TERM);
      out.token = this.readF64(G_TOKEN_LO);
      out.validUntilNs = this.readF64(G_VALID_UNTIL_LO);
      out.renewSentNs = this.readF64(G_RENEW_SENT_LO);
      if (Atomics.load(i32, G_SEQ) === s1) return true;
    }
    return false;
  }

  // --- RT side (one thread) -------------------------------------------------------

  /**
   * RT: whether the keeper says this loop leads (`G_STATE` = `LEASE_LEADER`): the frame
   * gate of a lease-gated executive (`ExecutiveOptions.leaseGate`). One atomic load of one
   * word, no seqlock: the state is a single word, and `valid()` still decides each output.
   * Allocation-free; never throws.
   */
  leading(): boolean {
    return Atomics.load(this.i32, G_STATE) === LEASE_LEADER;
  }

  /**
   * RT: the loop detected a pause at `src[at]` (its wake time, ns): `valid()` stays false
   * until a renewal sent after it succeeds; the keeper sees G_PAUSE_SEQ move. Allocation-free.
   */
  notePauseAt(src: Float64Array, at: number): void {
    this.copyF64(G_PAUSE_AT_LO, src, at);
    Atomics.add(this.i32, G_PAUSE_SEQ, 1);
  }

  /**
   * RT: the decision of {@link TaskLease.valid} for a slot ending at `slot`'s budget end.
   * The words are loaded here, into the private scratch, rather than through `readF64`:
   * no double is ever returned from a call, so nothing is boxed whatever V8 inlines.
   */
  validFor(slot: SlotWindow): boolean {
    const i32 = this.i32;
    const w = this.rtI32;
    const d = this.rtF64;
    w[RT_PAUSE_AT] = Atomics.load(i32, G_PAUSE_AT_LO);
    w[RT_PAUSE_AT + 1] = Atomics.load(i32, G_PAUSE_AT_LO + 1);
    let ok = false;
    for (let a = 0; a < GUARD_READ_ATTEMPTS; a++) {
      const s1 = Atomics.load(i32, G_SEQ);
      if ((s1 & 1) !== 0) continue;
      const state = Atomics.load(i32, G_STATE);
      w[RT_VALID_UNTIL] = Atomics.load(i32, G_VALID_UNTIL_LO);
      w[RT_VALID_UNTIL + 1] = Atomics.load(i32, G_VALID_UNTIL_LO + 1);
      w[RT_SENT] = Atomics.load(i32, G_RENEW_SENT_LO);
      w[RT_SENT + 1] = Atomics.load(i32, G_RENEW_SENT_LO + 1);
      if (Atomics.load(i32, G_SEQ) !== s1) continue;
      ok =
        state === LEASE_LEADER &&
        d[RT_VALID_UNTIL / 2]! >= slot.sliceStartNs + slot.budgetNs &&
        d[RT_SENT / 2]! > d[RT_PAUSE_AT / 2]!;
      break;
    }
    if (!ok) Atomics.add(i32, G_DENIED, 1);
    return ok;
  }

  /** RT: the current token into `out[at]` (seqlocked; unchanged if always busy). Allocation-free. */
  tokenInto(out: Float64Array, at: number): void {
    const i32 = this.i32;
    const w = this.rtI32;
    for (let a = 0; a < GUARD_READ_ATTEMPTS; a++) {
      const s1 = Atomics.load(i32, G_SEQ);
      if ((s1 & 1) !== 0) continue;
      w[RT_TOKEN] = Atomics.load(i32, G_TOKEN_LO);
      w[RT_TOKEN + 1] = Atomics.load(i32, G_TOKEN_LO + 1);
      if (Atomics.load(i32, G_SEQ) === s1) {
        out[at] = this.rtF64[RT_TOKEN / 2]!;
        return;
      }
    }
  }

  private beginWrite(): void {
    Atomics.store(this.i32, G_SEQ, (this.seq + 1) | 0);
  }

  private endWrite(): void {
    const next = (this.seq + 2) | 0;
    Atomics.store(this.i32, G_SEQ, next);
    this.seq = next;
  }

  private writeF64(lo: number, value: number): void {
    this.scratchF64[0] = value;
    Atomics.store(this.i32, lo, this.scratchI32[0]!);
    Atomics.store(this.i32, lo + 1, this.scratchI32[1]!);
  }

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

/**
 * `ctx.lease` of a loop with a lease guard. One per executive, created with it.
 * Allocation-free; never throws. Threading: the RT thread only.
 */
export class GuardedTaskLease implements TaskLease {
  /** Private scratch for {@link token} (a number read through a Float64Array). */
  private readonly tok = new Float64Array(1);

  /** @internal Use {@link LeaseGuard.taskLease}. */
  constructor(
    /** The guard this view reads. */
    readonly guard: LeaseGuard,
    private readonly slot: SlotWindow,
  ) {}

  /** {@inheritDoc TaskLease.valid} */
  valid(): boolean {
    return this.guard.validFor(this.slot);
  }

  /** {@inheritDoc TaskLease.token} */
  token(): number {
    this.guard.tokenInto(this.tok, 0);
    return this.tok[0]!;
  }

  /** {@inheritDoc TaskLease.tokenInto} */
  tokenInto(out: Float64Array, at: number): void {
    this.guard.tokenInto(out, at);
  }
}
