/**
 * Memory for the loop: record rings (one thread, or two threads over a SharedArrayBuffer)
 * and a fixed-capacity object pool. Everything here allocates at construction only.
 */

export type { PoolOptions } from './pool.js';
export { Pool } from './pool.js';
export { Ring } from './ring.js';
export type {
  OverflowPolicy,
  RecordConsumer,
  RecordProducer,
  RecordRing,
  ResolvedRingOptions,
  RingOptions,
} from './ring-options.js';
export {
  MAX_RECORD_SIZE,
  MAX_RING_CAPACITY,
  OVERFLOW_POLICIES,
  POLICY_DROP_NEWEST,
  POLICY_DROP_OLDEST,
  POLICY_OVERWRITE,
  resolveRingOptions,
} from './ring-options.js';
export type { SpscRingLayout } from './spsc-ring.js';
export {
  ACC_BYTE_OFFSET,
  ACC_DROPPED_SEEN,
  ACC_LOST,
  ACC_WORDS,
  HDR_CAPACITY,
  HDR_DROPPED,
  HDR_MAGIC,
  HDR_POLICY,
  HDR_READ,
  HDR_RECORD_SIZE,
  HDR_SLEEPING,
  HDR_VERSION,
  HDR_WORDS,
  HDR_WRITE,
  MAX_POP_ATTEMPTS,
  SEQ_BUSY,
  SEQ_BYTE_OFFSET,
  SPSC_MAGIC,
  SPSC_VERSION,
  SpscRing,
  spscRingLayout,
} from './spsc-ring.js';
