/**
 * Declaring and attaching channels on one thread: same name + same shape returns the same
 * ring, a different shape is a `config_invalid` naming the channel and both shapes; every
 * bad input of openChannel / attachChannel / ChannelHub fails with its code and a message a
 * user can act on; the hub's delivery, send and loss counting on one thread (as in
 * `--thread main`). Names are unique per test: the registry is per isolate.
 */
import { describe, expect, it } from 'vitest';
import { HardtickError } from '../src/errors.js';
import { SpscRing } from '../src/memory/spsc-ring.js';
import { ChannelHub } from '../src/worker/channel-hub.js';
import {
  attachChannel,
  CHANNEL_REGISTRY_KEY,
  type ChannelDescriptor,
  listChannels,
  openChannel,
} from '../src/worker/channels.js';

function thrown(fn: () => unknown): HardtickError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(HardtickError);
    return e as HardtickError;
  }
  throw new Error('expected a HardtickError');
}

function descriptor(name: string): ChannelDescriptor {
  const d = listChannels().find((c) => c.name === name);
  if (d === undefined) throw new Error(`no channel ${name}`);
  return d;
}

describe('openChannel', () => {
  it('returns the same ring for the same name and shape, and lists it once', () => {
    const a = openChannel('same', { recordSize: 2, capacity: 16, direction: 'to-main' });
    const b = openChannel('same', {
      recordSize: 2,
      capacity: 16,
      direction: 'to-main',
      overflow: 'drop-newest',
    });
    expect(b).toBe(a);
    const d = descriptor('same');
    expect(listChannels().filter((c) => c.name === 'same')).toHaveLength(1);
    expect(d).toEqual({
      name: 'same',
      direction: 'to-main',
      recordSize: 2,
      capacity: 16,
      overflow: 'drop-newest',
      buffer: (a as SpscRing).buffer,
    });
    expect(Object.isFrozen(d)).toBe(true);
    // postMessage-safe: a structured clone shares the ring's memory.
    const clone = structuredClone(d);
    expect(clone.buffer).toBeInstanceOf(SharedArrayBuffer);
    a.tryPush(Float64Array.of(7, 8), 0);
    expect(SpscRing.attach(clone.buffer).size()).toBe(1);
  });

  it('keeps the registry on globalThis under Symbol.for("hardtick.channels")', () => {
    openChannel('global', { recordSize: 1, capacity: 1, direction: 'from-main' });
    expect(CHANNEL_REGISTRY_KEY).toBe(Symbol.for('hardtick.channels'));
    const r = (globalThis as Record<symbol, { version: number; channels: Map<string, unknown> }>)[
      CHANNEL_REGISTRY_KEY
    ];
    expect(r?.version).toBe(1);
    expect(r?.channels.has('global')).toBe(true);
  });

  it('refuses a different shape under the same name, naming the channel and both shapes', () => {
    openChannel('shaped', { recordSize: 4, capacity: 64, direction: 'to-main' });
    const e = thrown(() =>
      openChannel('shaped', { recordSize: 3, capacity: 64, direction: 'to-main', overflow: 'overwrite' }),
    );
    expect(e.code).toBe('config_invalid');
    expect(e.path).toBe('openChannel("shaped")');
    expect(e.message).toBe(
      "channel 'shaped' is already open as { direction: 'to-main', recordSize: 4, capacity: 64, overflow: 'drop-newest' }; " +
        "it cannot be opened again as { direction: 'to-main', recordSize: 3, capacity: 64, overflow: 'overwrite' } " +
        '(open it with the same shape everywhere, or use another name)',
    );
    const flipped = thrown(() =>
      openChannel('shaped', { recordSize: 4, capacity: 64, direction: 'from-main' }),
    );
    expect(flipped.message).toContain("cannot be opened again as { direction: 'from-main', recordSize: 4");
  });

  it('rejects bad names and options with the option named', () => {
    const cases: [() => unknown, string | undefined, string][] = [
      [
        () => openChannel('', { recordSize: 1, capacity: 1, direction: 'to-main' }),
        'name',
        'openChannel: channel name: expected a non-empty string of at most 128 characters, got ""',
      ],
      [
        () => openChannel(42 as unknown as string, { recordSize: 1, capacity: 1, direction: 'to-main' }),
        'name',
        'openChannel: channel name: expected a non-empty string of at most 128 characters, got 42',
      ],
      [
        () => openChannel('bad-cap', { recordSize: 1, capacity: 1000, direction: 'to-main' }),
        'openChannel("bad-cap").capacity',
        'openChannel("bad-cap").capacity: expected a power of two between 1 and 2^30 (e.g. 1024), got 1000',
      ],
      [
        () => openChannel('bad-size', { recordSize: 0, capacity: 8, direction: 'to-main' }),
        'openChannel("bad-size").recordSize',
        'openChannel("bad-size").recordSize: expected an integer between 1 and 65536, got 0',
      ],
      [
        () =>
          openChannel('bad-policy', {
            recordSize: 1,
            capacity: 8,
            direction: 'to-main',
            overflow: 'drop-all' as 'overwrite',
          }),
        'openChannel("bad-policy").overflow',
        'openChannel("bad-policy").overflow: expected one of "drop-newest", "drop-oldest", "overwrite", got "drop-all"',
      ],
      [
        () => openChannel('bad-dir', { recordSize: 1, capacity: 8, direction: 'sideways' as 'to-main' }),
        'openChannel("bad-dir").direction',
        `openChannel("bad-dir").direction: expected 'to-main' or 'from-main', got "sideways"`,
      ],
      [
        () => openChannel('no-options', undefined as never),
        'openChannel("no-options")',
        'openChannel("no-options"): expected options { recordSize, capacity, direction, overflow? }, got undefined',
      ],
    ];
    for (const [fn, path, message] of cases) {
      const e = thrown(fn);
      expect(e.code).toBe('config_invalid');
      expect(e.path).toBe(path);
      expect(e.message).toBe(message);
    }
    // Nothing half-registered.
    expect(listChannels().map((c) => c.name)).not.toContain('bad-cap');
  });
});

describe('attachChannel', () => {
  it('returns a separate end on the same buffer', () => {
    const rt = openChannel('attach-ok', { recordSize: 2, capacity: 4, direction: 'to-main' });
    const main = attachChannel(descriptor('attach-ok') as ChannelDescriptor<'to-main'>);
    expect(main).not.toBe(rt);
    expect(rt.tryPush(Float64Array.of(1.5, 2.5), 0)).toBe(true);
    const dst = new Float64Array(2);
    expect(main.tryPop(dst, 0)).toBe(true);
    expect([...dst]).toEqual([1.5, 2.5]);
  });

  it('rejects malformed descriptors and shape disagreements', () => {
    openChannel('attach-bad', { recordSize: 2, capacity: 4, direction: 'to-main' });
    const d = descriptor('attach-bad');
    const other = SpscRing.create({ capacity: 8, recordSize: 2 });
    const cases: [unknown, string][] = [
      [null, 'attachChannel: expected a channel descriptor from listChannels(), got null'],
      [
        { ...d, name: '' },
        'attachChannel: channel name: expected a non-empty string of at most 128 characters, got ""',
      ],
      [
        { ...d, direction: 'up' },
        `attachChannel("attach-bad").direction: expected 'to-main' or 'from-main', got "up"`,
      ],
      [
        { ...d, buffer: new SharedArrayBuffer(8) },
        'attachChannel("attach-bad"): SpscRing.attach: buffer of 8 bytes is too small to hold a ring header',
      ],
      [
        { ...d, buffer: other.buffer },
        `attachChannel("attach-bad"): the descriptor says { direction: 'to-main', recordSize: 2, capacity: 4, overflow: 'drop-newest' } ` +
          `but its buffer holds a ring of { direction: 'to-main', recordSize: 2, capacity: 8, overflow: 'drop-newest' }`,
      ],
    ];
    for (const [bad, message] of cases) {
      const e = thrown(() => attachChannel(bad as ChannelDescriptor));
      expect(e.code).toBe('config_invalid');
      expect(e.message).toBe(message);
    }
  });
});

describe('ChannelHub on one thread (as in --thread main)', () => {
  it('delivers to-main records in order, reusing one buffer, and counts drops exactly', () => {
    const rt = openChannel('hub-in', { recordSize: 2, capacity: 8, direction: 'to-main' });
    const hub = new ChannelHub({ batchRecords: 3 });
    const seen: number[] = [];
    const buffers = new Set<Float64Array>();
    hub.on('hub-in', (r, name) => {
      expect(name).toBe('hub-in');
      buffers.add(r);
      seen.push(r[0]!, r[1]!);
    });
    hub.add(listChannels());
    hub.add(listChannels()); // again: ignored
    const rec = new Float64Array(2);
    let refused = 0;
    for (let i = 0; i < 11; i++) {
      rec[0] = i;
      rec[1] = i * 10;
      if (!rt.tryPush(rec, 0)) refused++;
    }
    expect(refused).toBe(3);
    expect(hub.lost('hub-in')).toBe(3);
    expect(hub.pollOnce()).toBe(8);
    expect(seen).toEqual([0, 0, 1, 10, 2, 20, 3, 30, 4, 40, 5, 50, 6, 60, 7, 70]);
    expect(buffers.size).toBe(1);
    expect(hub.records('hub-in')).toBe(8);
  });

  it('leaves channels without a handler alone and lists handlers without a channel', () => {
    const rt = openChannel('hub-unhandled', { recordSize: 1, capacity: 2, direction: 'to-main' });
    const hub = new ChannelHub().add(listChannels());
    hub.on('hub-typo', () => {});
    rt.tryPush(Float64Array.of(1), 0);
    expect(hub.pollOnce()).toBe(0);
    expect(rt.freeSlots()).toBe(1);
    expect(hub.unattachedHandlers()).toEqual(['hub-typo']);
  });

  it('sends from-main records and counts refusals', () => {
    const rt = openChannel('hub-out', { recordSize: 3, capacity: 2, direction: 'from-main' });
    const hub = new ChannelHub().add(listChannels());
    expect(hub.freeSlots('hub-out')).toBe(2);
    expect(hub.send('hub-out', [1, 2, 3])).toBe(true);
    expect(hub.send('hub-out', Float64Array.of(4, 5, 6))).toBe(true);
    expect(hub.send('hub-out', [7, 8, 9])).toBe(false);
    expect(hub.lost('hub-out')).toBe(1);
    expect(hub.records('hub-out')).toBe(2);
    const dst = new Float64Array(3);
    expect(rt.tryPop(dst, 0)).toBe(true);
    expect([...dst]).toEqual([1, 2, 3]);
    expect(rt.tryPop(dst, 0)).toBe(true);
    expect([...dst]).toEqual([4, 5, 6]);
    expect(rt.tryPop(dst, 0)).toBe(false);
    expect(rt.lost()).toBe(1);
  });

  it('rethrows a handler error after delivering the rest of the batch', () => {
    const rt = openChannel('hub-throw', { recordSize: 1, capacity: 4, direction: 'to-main' });
    const hub = new ChannelHub();
    const seen: number[] = [];
    hub.on('hub-throw', (r) => {
      seen.push(r[0]!);
      if (r[0] === 1) throw new Error('boom');
    });
    hub.add(listChannels());
    for (let i = 0; i < 4; i++) rt.tryPush(Float64Array.of(i), 0);
    expect(() => hub.pollOnce()).toThrow('boom');
    expect(seen).toEqual([0, 1, 2, 3]);
    expect(hub.pollOnce()).toBe(0);
  });

  it('rejects misuse with the channel named', () => {
    openChannel('hub-err-in', { recordSize: 2, capacity: 4, direction: 'to-main' });
    openChannel('hub-err-out', { recordSize: 2, capacity: 4, direction: 'from-main' });
    const hub = new ChannelHub().add(listChannels());
    hub.on('hub-err-in', () => {});
    const cases: [() => unknown, string][] = [
      [() => hub.send('nope', [1, 2]), "ChannelHub: no channel 'nope' is attached (yet); attached: "],
      [
        () => hub.send('hub-err-in', [1, 2]),
        "ChannelHub: channel 'hub-err-in' flows from the tasks to main; use on('hub-err-in', handler)",
      ],
      [
        () => hub.send('hub-err-out', [1]),
        "ChannelHub: channel 'hub-err-out' carries records of 2 number(s), got 1",
      ],
      [
        () => hub.on('hub-err-out', () => {}),
        "ChannelHub: channel 'hub-err-out' flows from main to the tasks; use send('hub-err-out', values)",
      ],
      [() => hub.on('hub-err-in', () => {}), "ChannelHub: channel 'hub-err-in' already has a handler"],
      [() => hub.lost('nope'), "ChannelHub: no channel 'nope' is attached; attached: "],
      [
        () => hub.freeSlots('hub-err-in'),
        "ChannelHub: channel 'hub-err-in' flows from the tasks to main; only send() has free slots",
      ],
      [
        () =>
          hub.add([
            { ...descriptor('hub-err-in'), buffer: SpscRing.create({ capacity: 4, recordSize: 2 }).buffer },
          ]),
        "ChannelHub: channel 'hub-err-in' is already attached to another ring",
      ],
      [
        () => new ChannelHub().on('hub-err-out', () => {}).add(listChannels()),
        "ChannelHub: channel 'hub-err-out' flows from main to the tasks; use send('hub-err-out', values), not on()",
      ],
      [
        () => new ChannelHub({ batchRecords: 0 }),
        'ChannelHub.batchRecords: expected a positive integer, got 0',
      ],
    ];
    for (const [fn, message] of cases) {
      const e = thrown(fn);
      expect(e.code).toBe('config_invalid');
      expect(e.message.startsWith(message), `${e.message}\n  should start with\n${message}`).toBe(true);
    }
  });
});
