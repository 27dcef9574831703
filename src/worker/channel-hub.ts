/**
 * The non-real-time side of declared channels (see channels.ts): attaches the other end of
 * every channel the real-time side lists, delivers `'to-main'` records to handlers and
 * sends records on `'from-main'` channels.
 *
 * Cold side: runs on the main thread (or any non-real-time thread), polled from a timer —
 * `hardtick run` polls it with its alarm and stats rings. Allocation: `add`/`on` allocate
 * (per channel: its end, one record buffer, one batch buffer); `pollOnce`, `send`,
 * `freeSlots`, `lost` and `records` allocate nothing of their own (a handler may; pinned by
 * test/channels-zero-allocation.test.ts). One thread owns a hub: it holds the non-real-time
 * end of each ring.
 */
import { HardtickError } from '../errors.js';
import {
  attachChannel,
  type ChannelDescriptor,
  type ChannelDirection,
  type ChannelReader,
  type ChannelWriter,
} from './channels.js';

/**
 * Receives one `'to-main'` record. `record` is the hub's one buffer for that channel,
 * overwritten by the next record: read it during the call, copy it (`Float64Array.from`,
 * `set`) to keep it.
 */
export type ChannelHandler = (record: Float64Array, name: string) => void;

/** Options of {@link ChannelHub}. */
export interface ChannelHubOptions {
  /**
   * Records drained from a ring in one batch (one acquire load and one release store per
   * batch). Per poll a channel delivers at most its capacity, so a producer faster than the
   * poll cannot keep `pollOnce` busy forever.
   * @default 256
   */
  readonly batchRecords?: number;
}

/** One channel's counters, for status lines and reports. */
export interface ChannelSummary {
  readonly name: string;
  readonly direction: ChannelDirection;
  /** `'to-main'`: records delivered to the handler; `'from-main'`: records sent. */
  readonly records: number;
  /** See {@link ChannelHub.lost}. */
  readonly lost: number;
}

interface HubChannel {
  readonly descriptor: ChannelDescriptor;
  readonly reader: ChannelReader | null;
  readonly writer: ChannelWriter | null;
  /** One record: what handlers see (`'to-main'`), the staging record of `send` (`'from-main'`). */
  readonly record: Float64Array;
  /** `'to-main'` only: drain target, `batchRecords` records. */
  readonly batch: Float64Array;
  /** [records delivered or sent, sends refused by a full drop-newest ring]. */
  readonly counts: Float64Array;
  /** `'to-main'`: the handler, once `on` set one. */
  handler: ChannelHandler | null;
}

const COUNT_RECORDS = 0;
const COUNT_REFUSED = 1;

const DEFAULT_BATCH_RECORDS = 256;

function hubError(message: string, name: string): HardtickError {
  return new HardtickError('config_invalid', `ChannelHub: ${message}`, { path: `channels.${name}` });
}

/**
 * Main-side end of every declared channel.
 *
 * ```ts
 * const hub = new ChannelHub();
 * hub.on('samples', (r) => { sum += r[1]!; n++; });  // before or after add()
 * worker.on('message', (m) => { if (m.type === 'channels') hub.add(m.channels); });
 * setInterval(() => hub.pollOnce(), 50);
 * ```
 */
export class ChannelHub {
  private readonly channels = new Map<string, HubChannel>();
  /** The same channels, in `add` order: `pollOnce` walks this (a Map iterator would allocate). */
  private readonly list: HubChannel[] = [];
  private readonly handlers = new Map<string, ChannelHandler>();
  private readonly batchRecords: number;

  /** An empty hub: `add` the channels the real-time side lists, `on` the handlers. */
  constructor(options: ChannelHubOptions = {}) {
    const batch = options.batchRecords ?? DEFAULT_BATCH_RECORDS;
    if (!Number.isInteger(batch) || batch < 1)
      throw new HardtickError(
        'config_invalid',
        `ChannelHub.batchRecords: expected a positive integer, got ${String(batch)}`,
        { path: 'ChannelHub.batchRecords' },
      );
    this.batchRecords = batch;
  }

  /**
   * Attaches the non-real-time end of each listed channel not attached yet (a descriptor of
   * an already attached channel with the same buffer is ignored, so a list may be added
   * again after more channels appeared).
   *
   * @throws HardtickError `config_invalid`: a malformed descriptor (see `attachChannel`), a
   *   known name with a different buffer, or a handler registered for a `'from-main'` channel.
   */
  add(descriptors: readonly ChannelDescriptor[]): this {
    for (const d of descriptors) {
      const known = this.channels.get(d.name);
      if (known !== undefined) {
        if (known.descriptor.buffer === d.buffer) continue;
        throw hubError(`channel '${d.name}' is already attached to another ring`, d.name);
      }
      if (d.direction === 'from-main' && this.handlers.has(d.name))
        throw hubError(
          `channel '${d.name}' flows from main to the tasks; use send('${d.name}', values), not on()`,
          d.name,
        );
      const end = attachChannel(d);
      const toMain = d.direction === 'to-main';
      const ch: HubChannel = {
        descriptor: d,
        reader: toMain ? (end as ChannelReader) : null,
        writer: toMain ? null : (end as ChannelWriter),
        record: new Float64Array(d.recordSize),
        batch: new Float64Array(toMain ? d.recordSize * Math.min(this.batchRecords, d.capacity) : 0),
        counts: new Float64Array(2),
        handler: this.handlers.get(d.name) ?? null,
      };
      this.channels.set(d.name, ch);
      this.list.push(ch);
    }
    return this;
  }

  /** True once a channel of that name is attached. */
  has(name: string): boolean {
    return this.channels.has(name);
  }

  /** Names of the attached channels, in the order they were added. */
  names(): string[] {
    return [...this.channels.keys()];
  }

  /** Names that have a handler but no attached channel (a typo, or a channel never opened). */
  unattachedHandlers(): string[] {
    return [...this.handlers.keys()].filter((n) => !this.channels.has(n));
  }

  /**
   * Sets the handler of a `'to-main'` channel; may be called before the channel is added.
   * Only channels with a handler are drained: records of the others stay in their ring
   * (and once it is full, further ones are lost and counted, per its overflow policy).
   *
   * @throws HardtickError `config_invalid` when the channel flows from main, or already
   *   has a handler.
   */
  on(name: string, handler: ChannelHandler): this {
    const ch = this.channels.get(name);
    if (ch !== undefined && ch.writer !== null)
      throw hubError(`channel '${name}' flows from main to the tasks; use send('${name}', values)`, name);
    if (this.handlers.has(name)) throw hubError(`channel '${name}' already has a handler`, name);
    this.handlers.set(name, handler);
    if (ch !== undefined) ch.handler = handler;
    return this;
  }

  /**
   * Sends one record (`recordSize` numbers) on a `'from-main'` channel. Returns false when a
   * full drop-newest ring refuses it (counted in {@link lost}).
   *
   * @throws HardtickError `config_invalid` for an unknown channel (check {@link has}: the
   *   list may not have arrived yet), a `'to-main'` channel, or a wrong record length.
   */
  send(name: string, values: ArrayLike<number>): boolean {
    const ch = this.channels.get(name);
    if (ch === undefined)
      throw hubError(`no channel '${name}' is attached (yet); attached: ${this.describeNames()}`, name);
    const writer = ch.writer;
    if (writer === null)
      throw hubError(`channel '${name}' flows from the tasks to main; use on('${name}', handler)`, name);
    const rec = ch.record;
    if (values.length !== rec.length)
      throw hubError(
        `channel '${name}' carries records of ${rec.length} number(s), got ${values.length}`,
        name,
      );
    for (let i = 0; i < rec.length; i++) rec[i] = values[i]!;
    if (writer.tryPush(rec, 0)) {
      ch.counts[COUNT_RECORDS]!++;
      return true;
    }
    ch.counts[COUNT_REFUSED]!++;
    return false;
  }

  /**
   * Records a `'from-main'` channel can take now without a drop-newest refusal (a lower
   * bound). For a sender that would rather wait than lose: a refused {@link send} is a
   * counted loss, so retrying one until it succeeds inflates {@link lost}.
   *
   * @throws HardtickError `config_invalid` for an unknown or a `'to-main'` channel.
   */
  freeSlots(name: string): number {
    const writer = this.channel(name).writer;
    if (writer === null)
      throw hubError(`channel '${name}' flows from the tasks to main; only send() has free slots`, name);
    return writer.freeSlots();
  }

  /**
   * Drains every `'to-main'` channel that has a handler, calling it once per record in
   * push order, at most `capacity` records per channel per call. Returns the records
   * delivered. A handler that throws does not lose the rest of the batch: delivery goes on
   * and the first error is rethrown once every channel was polled.
   */
  pollOnce(): number {
    let delivered = 0;
    let failed = false;
    let firstError: unknown;
    const list = this.list;
    for (let c = 0; c < list.length; c++) {
      const ch = list[c]!;
      const reader = ch.reader;
      const handler = ch.handler;
      if (reader === null || handler === null) continue;
      const name = ch.descriptor.name;
      const rec = ch.record;
      const batch = ch.batch;
      const n = rec.length;
      const batchMax = batch.length / n;
      let budget = ch.descriptor.capacity;
      while (budget > 0) {
        const k = reader.drain(batch, Math.min(batchMax, budget));
        if (k === 0) break;
        budget -= k;
        ch.counts[COUNT_RECORDS]! += k;
        delivered += k;
        for (let r = 0; r < k; r++) {
          const o = r * n;
          for (let i = 0; i < n; i++) rec[i] = batch[o + i]!;
          try {
            handler(rec, name);
          } catch (error) {
            if (!failed) {
              failed = true;
              firstError = error;
            }
          }
        }
      }
    }
    if (failed) throw firstError;
    return delivered;
  }

  /**
   * Records lost on a channel so far. `'to-main'`: dropped or overwritten before this hub
   * read them (exact; see SpscRing `lost()`). `'from-main'`: sends refused by a full
   * drop-newest ring; with drop-oldest/overwrite, losses happen on the task's side and
   * only its end's `lost()` knows them.
   *
   * @throws HardtickError `config_invalid` for an unknown channel.
   */
  lost(name: string): number {
    const ch = this.channel(name);
    return ch.reader === null ? ch.counts[COUNT_REFUSED]! : ch.reader.lost();
  }

  /**
   * `'to-main'`: records delivered to the handler; `'from-main'`: records sent.
   *
   * @throws HardtickError `config_invalid` for an unknown channel.
   */
  records(name: string): number {
    return this.channel(name).counts[COUNT_RECORDS]!;
  }

  /** Counters of every attached channel (cold: allocates). */
  summary(): ChannelSummary[] {
    return this.names().map((name) => ({
      name,
      direction: this.channel(name).descriptor.direction,
      records: this.records(name),
      lost: this.lost(name),
    }));
  }

  private channel(name: string): HubChannel {
    const ch = this.channels.get(name);
    if (ch === undefined)
      throw hubError(`no channel '${name}' is attached; attached: ${this.describeNames()}`, name);
    return ch;
  }

  private describeNames(): string {
    return this.channels.size === 0 ? '(none)' : this.names().join(', ');
  }
}
