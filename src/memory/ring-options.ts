/**
 * Record model and overflow policies shared by {@link Ring} (one thread) and
 * {@link SpscRing} (two threads over a SharedArrayBuffer), and their setup-time validation.
 * Nothing here runs in the loop.
 */
import { HardtickError } from '../errors.js';

/**
 * What a ring does with a record pushed while it is full. Every lost record is counted in
 * the consumer-readable `lost()`.
 * - `'drop-newest'`: the new record is refused (`tryPush` → false, `claim` → −1); the queue
 *   keeps the oldest records. The right choice when the start of a burst explains it (alarms).
 * - `'drop-oldest'`: the new record is stored and the oldest queued one is discarded; the
 *   queue keeps the newest `capacity` records (samples, where only the latest matter).
 * - `'overwrite'`: the producer writes over the oldest slot. Observably identical to
 *   `'drop-oldest'` in both rings (the newest `capacity` records win, losses are counted); it
 *   is an alias kept so configs can say what they mean.
 */
export type OverflowPolicy = 'drop-newest' | 'drop-oldest' | 'overwrite';

/** Numeric code of each policy, as stored in a {@link SpscRing} header (`HDR_POLICY`). */
export const POLICY_DROP_NEWEST = 0;
/** @see POLICY_DROP_NEWEST */
export const POLICY_DROP_OLDEST = 1;
/** @see POLICY_DROP_NEWEST */
export const POLICY_OVERWRITE = 2;

/** Policy names indexed by their `POLICY_*` code. */
export const OVERFLOW_POLICIES: readonly OverflowPolicy[] = ['drop-newest', 'drop-oldest', 'overwrite'];

/** Largest ring capacity (records): indices are 32-bit wrapping counters, see SpscRing. */
export const MAX_RING_CAPACITY = 2 ** 30;
/** Largest record size (doubles per record). */
export const MAX_RECORD_SIZE = 2 ** 16;

/** Options of {@link Ring} (and of the shared-memory `SpscRing.create` that channels use). */
export interface RingOptions {
  /** Records the ring holds; a power of two (1, 2, 4, … 2^30) so slots are found with a mask. */
  readonly capacity: number;
  /** Doubles per record (1 … 65 536). */
  readonly recordSize: number;
  /**
   * What a push into a full ring does.
   * @default 'drop-newest'
   */
  readonly overflow?: OverflowPolicy;
}

/** {@link RingOptions} after validation, every default filled in. */
export interface ResolvedRingOptions {
  readonly capacity: number;
  readonly recordSize: number;
  readonly overflow: OverflowPolicy;
  /** `POLICY_*` code of `overflow`. */
  readonly policyCode: number;
}

/** Producer side of a record ring: never allocates, never throws. */
export interface RecordProducer {
  /** Doubles per record. */
  readonly recordSize: number;
  /** The ring's storage; `claim()` returns offsets into it. */
  readonly data: Float64Array;
  /** Copies `recordSize` doubles from `src` at `srcOffset` as one record; false if dropped. */
  tryPush(src: Float64Array, srcOffset?: number): boolean;
  /** Reserves the next slot: its offset in `data`, or −1 when the record is dropped. */
  claim(): number;
  /** Makes the record written into the last claimed slot visible to the consumer. */
  publish(): void;
  /** Records that can be pushed now without a loss (a lower bound on SpscRing). */
  freeSlots(): number;
}

/** Consumer side of a record ring: never allocates, never throws. */
export interface RecordConsumer {
  /** Moves the oldest available record into `dst` at `dstOffset`; false when none. */
  tryPop(dst: Float64Array, dstOffset?: number): boolean;
  /** Moves up to `maxRecords` records into `dst` back to back; returns how many. */
  drain(dst: Float64Array, maxRecords: number): number;
  /** Records currently queued. */
  size(): number;
  /** Records lost (dropped or overwritten) since the ring was created. */
  lost(): number;
}

/** A record ring seen from both sides. */
export interface RecordRing extends RecordProducer, RecordConsumer {
  /** Records the ring holds. */
  readonly capacity: number;
  /** Overflow policy. */
  readonly policy: OverflowPolicy;
}

function invalid(path: string, message: string): HardtickError {
  return new HardtickError('config_invalid', `${path}: ${message}`, { path });
}

/** True when `n` is an integer power of two in [1, max]. */
export function isPowerOfTwo(n: number, max: number): boolean {
  return Number.isInteger(n) && n >= 1 && n <= max && (n & (n - 1)) === 0;
}

/**
 * Validates ring options (setup only). Throws {@link HardtickError} `config_invalid` whose
 * `path` names the bad option.
 */
export function resolveRingOptions(options: RingOptions, owner: string): ResolvedRingOptions {
  const { capacity, recordSize } = options;
  if (!isPowerOfTwo(capacity, MAX_RING_CAPACITY))
    throw invalid(
      `${owner}.capacity`,
      `expected a power of two between 1 and 2^30 (e.g. 1024), got ${String(capacity)}`,
    );
  if (!Number.isInteger(recordSize) || recordSize < 1 || recordSize > MAX_RECORD_SIZE)
    throw invalid(
      `${owner}.recordSize`,
      `expected an integer between 1 and ${MAX_RECORD_SIZE}, got ${String(recordSize)}`,
    );
  const overflow = options.overflow ?? 'drop-newest';
  const policyCode = OVERFLOW_POLICIES.indexOf(overflow);
  if (policyCode < 0)
    throw invalid(
      `${owner}.overflow`,
      `expected one of ${OVERFLOW_POLICIES.map((p) => `"${p}"`).join(', ')}, got ${JSON.stringify(overflow)}`,
    );
  return { capacity, recordSize, overflow, policyCode };
}
