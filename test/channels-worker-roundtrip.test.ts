/**
 * Declared channels across a real worker thread: the worker opens channels at top level
 * and lists them; the main side attaches them with a ChannelHub. 100 000 records arrive in
 * order, complete, with lost() = 0 when the ring is big enough, and with exact loss counts
 * when a drop-newest ring is overflowed on purpose; commands sent from main reach the
 * worker and are answered; a second instance of channels.ts in the worker sees the same
 * registry. The worker is test/helpers/channels-worker.ts.
 */
import type { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { ChannelHub } from '../src/worker/channel-hub.js';
import type { ChannelDescriptor } from '../src/worker/channels.js';
import { startTsWorker } from './helpers/memory-ts-worker.js';

const RECORDS = 100_000;

interface ChannelsMessage {
  type: 'channels';
  channels: ChannelDescriptor[];
  sameRing: boolean;
  distinctModules: boolean;
}

let worker: Worker | null = null;
afterEach(async () => {
  await worker?.terminate();
  worker = null;
});

function start(seqCapacity: number): Worker {
  worker = startTsWorker(new URL('./helpers/channels-worker.ts', import.meta.url), {
    workerData: { seqCapacity, records: RECORDS },
  });
  worker.on('error', (e) => {
    throw e;
  });
  return worker;
}

function next<T>(w: Worker, type: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: { type: string }) => {
      if (m.type !== type) return;
      w.off('message', onMessage);
      w.off('error', reject);
      resolve(m as T);
    };
    w.on('message', onMessage);
    w.once('error', reject);
  });
}

const turn = () => new Promise<void>((r) => setImmediate(r));

/** Checks each 'seq' record against the expected sequence; counts what is off. */
function sequenceChecker() {
  const s = { expected: 0, mismatches: 0 };
  const handler = (r: Float64Array) => {
    const i = s.expected++;
    if (r[0] !== i || r[1] !== i / 2 + 0.25 || r[2] !== -i) s.mismatches++;
  };
  return { s, handler };
}

describe('channels between a worker and the main thread', () => {
  it('100 000 records arrive in order and complete while the worker pushes; commands round-trip', async () => {
    const w = start(1 << 17);
    const listed = await next<ChannelsMessage>(w, 'channels');
    expect(listed.channels.map((c) => [c.name, c.direction, c.recordSize, c.capacity, c.overflow])).toEqual([
      ['seq', 'to-main', 3, 1 << 17, 'drop-newest'],
      ['cmd', 'from-main', 2, 64, 'drop-newest'],
      ['ack', 'to-main', 2, 64, 'drop-newest'],
    ]);
    expect(listed.distinctModules).toBe(true);
    expect(listed.sameRing).toBe(true);

    const hub = new ChannelHub({ batchRecords: 64 });
    const { s, handler } = sequenceChecker();
    hub.on('seq', handler);
    hub.add(listed.channels);
    const pushed = next<{ refused: number }>(w, 'pushed');
    let done = false;
    void pushed.then(() => {
      done = true;
    });
    w.postMessage('go');
    // Poll concurrently with the worker's pushes (as the CLI's interval would).
    while (!done) {
      hub.pollOnce();
      await turn();
    }
    while (hub.pollOnce() > 0) {}
    expect((await pushed).refused).toBe(0);
    expect(s.mismatches).toBe(0);
    expect(s.expected).toBe(RECORDS);
    expect(hub.records('seq')).toBe(RECORDS);
    expect(hub.lost('seq')).toBe(0);

    // from-main: 200 commands (more than the ring holds; the worker answers as they come).
    const acks: number[][] = [];
    hub.on('ack', (r) => acks.push([r[0]!, r[1]!]));
    const finished = next<{ commands: number; cmdLost: number }>(w, 'done');
    for (let i = 0; i < 200; i++) {
      // Wait for room: a refused send would be a counted loss.
      while (hub.freeSlots('cmd') === 0) {
        hub.pollOnce();
        await turn();
      }
      expect(hub.send('cmd', [i, i + 0.5])).toBe(true);
    }
    while (acks.length < 200) {
      hub.pollOnce();
      await turn();
    }
    expect(hub.send('cmd', [200, -1])).toBe(true);
    const end = await finished;
    hub.pollOnce();
    expect(end.commands).toBe(200);
    expect(end.cmdLost).toBe(0);
    expect(acks).toEqual(Array.from({ length: 200 }, (_, i) => [i, (i + 0.5) * 2]));
    expect(hub.records('cmd')).toBe(201);
    expect(hub.lost('ack')).toBe(0);
    expect(hub.summary()).toEqual([
      { name: 'seq', direction: 'to-main', records: RECORDS, lost: 0 },
      { name: 'cmd', direction: 'from-main', records: 201, lost: 0 },
      { name: 'ack', direction: 'to-main', records: 200, lost: 0 },
    ]);
  });

  it('an overflowed drop-newest channel keeps the first records and counts every loss exactly', async () => {
    const capacity = 1024;
    const w = start(capacity);
    const listed = await next<ChannelsMessage>(w, 'channels');
    const hub = new ChannelHub();
    const { s, handler } = sequenceChecker();
    hub.add(listed.channels).on('seq', handler);
    const pushed = next<{ refused: number }>(w, 'pushed');
    w.postMessage('go');
    // Nobody drains while the worker pushes 100 000 records into 1024 slots.
    const { refused } = await pushed;
    expect(refused).toBe(RECORDS - capacity);
    expect(hub.lost('seq')).toBe(RECORDS - capacity);
    expect(hub.pollOnce()).toBe(capacity);
    expect(hub.pollOnce()).toBe(0);
    expect(s.mismatches).toBe(0);
    expect(s.expected).toBe(capacity);
    // received + lost = pushed
    expect(hub.records('seq') + hub.lost('seq')).toBe(RECORDS);
    hub.send('cmd', [0, -1]);
    await next(w, 'done');
  });
});
