/**
 * Declared channels: named shared-memory rings through which tasks exchange numeric
 * samples with the non-real-time side (the main thread of `hardtick run`, or an embedding
 * program) without allocating in the loop.
 *
 * - A task module calls {@link openChannel} at its top level (setup: it allocates the ring)
 *   and keeps the real-time end: a {@link ChannelWriter} for `'to-main'`, a
 *   {@link ChannelReader} for `'from-main'`. In the loop it uses only `tryPush` /
 *   `claim`+`publish` / `tryPop` / `drain` / `lost`, which never allocate (SpscRing).
 * - The runtime, after importing the task modules, calls {@link listChannels} and hands the
 *   {@link ChannelDescriptor}s (plain data, postMessage-safe) to the non-real-time side,
 *   which calls {@link attachChannel} (or lets a `ChannelHub` do it) for the other end.
 *
 * The registry lives on `globalThis[Symbol.for('hardtick.channels')]`, not in this module's
 * scope: a task module that imports `hardtick/worker` (the compiled copy) and a runtime
 * running from the TypeScript sources are two module instances in one isolate, and must
 * see the same channels. It is per isolate (a worker thread has its own `globalThis`), which
 * is exactly the scope of the task modules that fill it.
 *
 * Threading: each ring is single-producer single-consumer. The real-time end returned by
 * `openChannel` belongs to the thread that imported the task modules; several tasks of that
 * thread may share it (they run one after another). The other end must be a separate object
 * made by `attachChannel` (even on the same thread, as in `--thread main`): an SpscRing
 * object keeps private cached indices for one role.
 *
 * Cold code: everything here allocates and may throw {@link HardtickError} `config_invalid`.
 */
import { HardtickError } from '../errors.js';
import {
  type OverflowPolicy,
  type RecordConsumer,
  type RecordProducer,
  resolveRingOptions,
} from '../memory/ring-options.js';
import { SpscRing } from '../memory/spsc-ring.js';

/** Which way records flow: `'to-main'` real-time → non-real-time, `'from-main'` the reverse. */
export type ChannelDirection = 'to-main' | 'from-main';

/** Options of {@link openChannel}: the channel's shape. */
export interface ChannelOptions<D extends ChannelDirection = ChannelDirection> {
  /** Doubles per record (1 … 65 536). */
  readonly recordSize: number;
  /** Records the ring holds; a power of two (1 … 2^30). */
  readonly capacity: number;
  /**
   * What a push into a full ring does; every lost record is counted on the consumer side.
   * @default 'drop-newest'
   */
  readonly overflow?: OverflowPolicy;
  /** Which way records flow. */
  readonly direction: D;
}

/**
 * A channel as the other thread needs it: plain data, safe to `postMessage` (the buffer is
 * shared, not copied). Produced by {@link listChannels}, consumed by {@link attachChannel}.
 */
export interface ChannelDescriptor<D extends ChannelDirection = ChannelDirection> {
  /** Channel name, as given to `openChannel`. */
  readonly name: string;
  /** Which way records flow. */
  readonly direction: D;
  /** The ring's shared memory (an `SpscRing` buffer). */
  readonly buffer: SharedArrayBuffer;
  /** Doubles per record. */
  readonly recordSize: number;
  /** Records the ring holds. */
  readonly capacity: number;
  /** Overflow policy. */
  readonly overflow: OverflowPolicy;
}

/**
 * The producing end of a channel (the task's end of a `'to-main'` channel, the
 * non-real-time end of a `'from-main'` one). Never allocates, never throws.
 */
export interface ChannelWriter extends RecordProducer {
  /** Records the ring holds. */
  readonly capacity: number;
}

/**
 * The consuming end of a channel (the task's end of a `'from-main'` channel, the
 * non-real-time end of a `'to-main'` one). Never allocates, never throws.
 */
export interface ChannelReader extends RecordConsumer {
  /** Doubles per record. */
  readonly recordSize: number;
  /** Records the ring holds. */
  readonly capacity: number;
}

/** Key of the per-isolate registry on `globalThis` (shared by every copy of this module). */
export const CHANNEL_REGISTRY_KEY: unique symbol = Symbol.for('hardtick.channels');
/** Registry layout version; a copy of hardtick that finds another version refuses to mix. */
export const CHANNEL_REGISTRY_VERSION = 1;
/** Longest channel name, characters. */
export const MAX_CHANNEL_NAME_LENGTH = 128;

const DIRECTIONS: readonly ChannelDirection[] = ['to-main', 'from-main'];

/** One registered channel: what is posted, and the real-time end handed to tasks. */
interface ChannelEntry {
  readonly descriptor: ChannelDescriptor;
  readonly rtEnd: SpscRing;
}

/** What lives on `globalThis[CHANNEL_REGISTRY_KEY]`. Only ever extended compatibly within a version. */
interface ChannelRegistry {
  readonly version: number;
  /** In `openChannel` order (the order `listChannels` reports). */
  readonly channels: Map<string, ChannelEntry>;
}

function registry(): ChannelRegistry {
  const g = globalThis as { [CHANNEL_REGISTRY_KEY]?: ChannelRegistry };
  let r = g[CHANNEL_REGISTRY_KEY];
  if (r === undefined) {
    r = { version: CHANNEL_REGISTRY_VERSION, channels: new Map() };
    Object.defineProperty(g, CHANNEL_REGISTRY_KEY, { value: r, enumerable: false, writable: false });
  } else if (r.version !== CHANNEL_REGISTRY_VERSION) {
    throw new HardtickError(
      'config_invalid',
      `hardtick channels: this isolate already holds a channel registry of version ${String(r.version)} ` +
        `(this copy of hardtick uses version ${CHANNEL_REGISTRY_VERSION}); two incompatible hardtick ` +
        `versions are loaded — make the task modules and the runtime use the same one.`,
    );
  }
  return r;
}

function describeShape(s: {
  direction: string;
  recordSize: number;
  capacity: number;
  overflow: string;
}): string {
  return `{ direction: '${s.direction}', recordSize: ${s.recordSize}, capacity: ${s.capacity}, overflow: '${s.overflow}' }`;
}

function checkName(name: unknown, owner: string): string {
  if (typeof name !== 'string' || name.length === 0 || name.length > MAX_CHANNEL_NAME_LENGTH)
    throw new HardtickError(
      'config_invalid',
      `${owner}: channel name: expected a non-empty string of at most ${MAX_CHANNEL_NAME_LENGTH} characters, ` +
        `got ${typeof name === 'string' ? JSON.stringify(name) : String(name)}`,
      { path: 'name' },
    );
  return name;
}

function checkDirection(direction: unknown, owner: string): ChannelDirection {
  if (!DIRECTIONS.includes(direction as ChannelDirection))
    throw new HardtickError(
      'config_invalid',
      `${owner}.direction: expected 'to-main' or 'from-main', got ${JSON.stringify(direction) ?? String(direction)}`,
      { path: `${owner}.direction` },
    );
  return direction as ChannelDirection;
}

/**
 * Declares a channel and returns the task's (real-time) end: the producer of a `'to-main'`
 * channel, the consumer of a `'from-main'` one. Call it at a task module's top level (it
 * allocates the ring); in the loop use only the returned object's methods.
 *
 * Opening a name again with the same shape returns the same object (ES modules run once per
 * isolate, but a module may be imported from two copies of hardtick, or a test may re-import
 * it); a different shape is an error, since the other side may already hold the first ring.
 *
 * @throws HardtickError `config_invalid`: bad name or options (the `path` names the option,
 *   e.g. `openChannel('samples').capacity`), or the name is already open with another
 *   shape (the message shows both).
 */
export function openChannel(name: string, options: ChannelOptions<'to-main'>): ChannelWriter;
export function openChannel(name: string, options: ChannelOptions<'from-main'>): ChannelReader;
export function openChannel(name: string, options: ChannelOptions): ChannelWriter | ChannelReader;
export function openChannel(name: string, options: ChannelOptions): ChannelWriter | ChannelReader {
  checkName(name, 'openChannel');
  const owner = `openChannel(${JSON.stringify(name)})`;
  if (options === null || typeof options !== 'object')
    throw new HardtickError(
      'config_invalid',
      `${owner}: expected options { recordSize, capacity, direction, overflow? }, got ${String(options)}`,
      { path: owner },
    );
  const direction = checkDirection(options.direction, owner);
  const ring = resolveRingOptions(options, owner);
  const wanted = { direction, recordSize: ring.recordSize, capacity: ring.capacity, overflow: ring.overflow };
  const channels = registry().channels;
  const existing = channels.get(name);
  if (existing !== undefined) {
    const d = existing.descriptor;
    if (
      d.direction === wanted.direction &&
      d.recordSize === wanted.recordSize &&
      d.capacity === wanted.capacity &&
      d.overflow === wanted.overflow
    )
      return existing.rtEnd;
    throw new HardtickError(
      'config_invalid',
      `channel '${name}' is already open as ${describeShape(d)}; it cannot be opened again as ` +
        `${describeShape(wanted)} (open it with the same shape everywhere, or use another name)`,
      { path: owner },
    );
  }
  const rtEnd = SpscRing.create({
    capacity: ring.capacity,
    recordSize: ring.recordSize,
    overflow: ring.overflow,
  });
  const descriptor: ChannelDescriptor = Object.freeze({ name, ...wanted, buffer: rtEnd.buffer });
  channels.set(name, { descriptor, rtEnd });
  return rtEnd;
}

/**
 * Every channel opened in this isolate so far, in opening order: what the runtime posts to
 * the non-real-time side after importing the task modules. A new array each call; the
 * descriptors are frozen plain objects (postMessage-safe: the buffers are shared).
 * Channels opened later (e.g. lazily inside a task) are not in an earlier list: open them
 * at module top level.
 */
export function listChannels(): ChannelDescriptor[] {
  const out: ChannelDescriptor[] = [];
  for (const entry of registry().channels.values()) out.push(entry.descriptor);
  return out;
}

/**
 * Opens the non-real-time end of a channel from its descriptor (on any thread): the
 * consumer of a `'to-main'` channel, the producer of a `'from-main'` one. Make one per
 * channel and keep it (a `ChannelHub` does); two objects playing one role would corrupt the
 * ring's cached indices. Records pushed before the attach are not lost: the new end starts
 * from the ring's shared indices.
 *
 * @throws HardtickError `config_invalid` when the descriptor is malformed, its buffer is
 *   not a ring, or the ring's header disagrees with the descriptor's shape.
 */
export function attachChannel(descriptor: ChannelDescriptor<'to-main'>): ChannelReader;
export function attachChannel(descriptor: ChannelDescriptor<'from-main'>): ChannelWriter;
export function attachChannel(descriptor: ChannelDescriptor): ChannelReader | ChannelWriter;
export function attachChannel(descriptor: ChannelDescriptor): ChannelReader | ChannelWriter {
  if (descriptor === null || typeof descriptor !== 'object')
    throw new HardtickError(
      'config_invalid',
      `attachChannel: expected a channel descriptor from listChannels(), got ${String(descriptor)}`,
    );
  const name = checkName(descriptor.name, 'attachChannel');
  const owner = `attachChannel(${JSON.stringify(name)})`;
  checkDirection(descriptor.direction, owner);
  let ring: SpscRing;
  try {
    ring = SpscRing.attach(descriptor.buffer);
  } catch (cause) {
    throw new HardtickError('config_invalid', `${owner}: ${(cause as Error).message}`, {
      path: `${owner}.buffer`,
      cause,
    });
  }
  if (
    ring.recordSize !== descriptor.recordSize ||
    ring.capacity !== descriptor.capacity ||
    ring.policy !== descriptor.overflow
  )
    throw new HardtickError(
      'config_invalid',
      `${owner}: the descriptor says ${describeShape(descriptor)} but its buffer holds a ring of ` +
        `${describeShape({ direction: descriptor.direction, recordSize: ring.recordSize, capacity: ring.capacity, overflow: ring.policy })}`,
      { path: `${owner}.buffer` },
    );
  return ring;
}
