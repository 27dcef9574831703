/**
 * `hardtick/worker`: what a task module (and the program on the other side of its channels)
 * imports. Named exports only (types kept apart). Light on purpose: channels and the ring
 * they sit on, and the task-side `Pool` and `Ring` (docs/memory.md); no config or planner code.
 *
 * ```ts
 * import { openChannel } from 'hardtick/worker';
 * const samples = openChannel('samples', { recordSize: 2, capacity: 1024, direction: 'to-main' });
 * ```
 */

export type { PoolOptions } from '../memory/pool.js';
export { Pool } from '../memory/pool.js';
export { Ring } from '../memory/ring.js';
export type {
  OverflowPolicy,
  RecordConsumer,
  RecordProducer,
  RecordRing,
  RingOptions,
} from '../memory/ring-options.js';
export type { ChannelHandler, ChannelHubOptions, ChannelSummary } from './channel-hub.js';
export { ChannelHub } from './channel-hub.js';
export type {
  ChannelDescriptor,
  ChannelDirection,
  ChannelOptions,
  ChannelReader,
  ChannelWriter,
} from './channels.js';
export { attachChannel, listChannels, openChannel } from './channels.js';
