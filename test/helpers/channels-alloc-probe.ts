/**
 * Allocation probe for declared channels, run in a child process so vitest's workers add
 * no GC noise (the method of test/helpers/memory-alloc-probe.ts):
 *
 *   node --expose-gc --no-memory-reducer --import tsx test/helpers/channels-alloc-probe.ts <subject> [iterations]
 *
 * Subjects (one per process, so call sites keep their own type feedback):
 * - `rt:to-main`: the task's end from `openChannel(…, 'to-main')`: tryPush, claim + publish,
 *   freeSlots, with the attached main end draining often enough that both push paths run
 *   (and, every 4th iteration, not at all, so the full/drop path runs too);
 * - `rt:from-main`: the task's end from `openChannel(…, 'from-main')`: tryPop, drain, size,
 *   lost, fed by the attached main end;
 * - `hub`: ChannelHub.pollOnce (a handler summing into a typed array), send, freeSlots, lost,
 *   records — the non-real-time side, which also promises to allocate nothing of its own.
 *
 * Prints one JSON line: { subject, iterations, gcEvents, heapDeltaBytes (young generation),
 * totalHeapDeltaBytes, nsPerIteration }.
 */
import { ChannelHub } from '../../src/worker/channel-hub.js';
import {
  attachChannel,
  type ChannelDescriptor,
  listChannels,
  openChannel,
} from '../../src/worker/channels.js';
import { measureAllocation } from './alloc-measure.js';

const subject = process.argv[2] ?? 'rt:to-main';
const iterations = Number(process.argv[3] ?? 500_000);

/** Results land here so the JIT keeps the work (a typed array: stores never box). */
const sink = new Float64Array(1);

function descriptor(name: string): ChannelDescriptor {
  return listChannels().find((d) => d.name === name)!;
}

function toMainWorkload(): (n: number) => void {
  const rt = openChannel('probe-out', { recordSize: 4, capacity: 16, direction: 'to-main' });
  const main = attachChannel(descriptor('probe-out') as ChannelDescriptor<'to-main'>);
  const src = new Float64Array(4);
  const dst = new Float64Array(4 * 16);
  const data = rt.data;
  return (n) => {
    for (let i = 0; i < n; i++) {
      src[0] = i + 0.25;
      src[1] = i * 0.5;
      rt.tryPush(src, 0);
      const o = rt.claim();
      if (o >= 0) {
        data[o] = i * 0.5 + 0.125;
        data[o + 1] = i;
        rt.publish();
      }
      sink[0] = sink[0]! + rt.freeSlots();
      if ((i & 3) !== 0) sink[0] = sink[0]! + main.drain(dst, 16);
    }
  };
}

function fromMainWorkload(): (n: number) => void {
  const rt = openChannel('probe-in', { recordSize: 4, capacity: 16, direction: 'from-main' });
  const main = attachChannel(descriptor('probe-in') as ChannelDescriptor<'from-main'>);
  const src = new Float64Array(4);
  const dst = new Float64Array(4 * 8);
  return (n) => {
    for (let i = 0; i < n; i++) {
      src[0] = i + 0.25;
      main.tryPush(src, 0);
      main.tryPush(src, 0);
      if (rt.tryPop(dst, 0)) sink[0] = sink[0]! + dst[0]!;
      if ((i & 7) === 0) sink[0] = sink[0]! + rt.drain(dst, 8) + rt.size() + rt.lost();
    }
  };
}

function hubWorkload(): (n: number) => void {
  const out = openChannel('probe-hub-out', { recordSize: 3, capacity: 64, direction: 'to-main' });
  const inp = openChannel('probe-hub-in', { recordSize: 2, capacity: 16, direction: 'from-main' });
  const hub = new ChannelHub({ batchRecords: 8 });
  hub.on('probe-hub-out', (r) => {
    sink[0] = sink[0]! + r[0]! + r[2]!;
  });
  hub.add(listChannels());
  const src = new Float64Array(3);
  const cmd = new Float64Array(2);
  const dst = new Float64Array(2);
  return (n) => {
    for (let i = 0; i < n; i++) {
      src[0] = i + 0.5;
      src[2] = -i;
      out.tryPush(src, 0);
      out.tryPush(src, 0);
      cmd[0] = i;
      cmd[1] = 0.75;
      if (hub.freeSlots('probe-hub-in') > 0) hub.send('probe-hub-in', cmd);
      if (inp.tryPop(dst, 0)) sink[0] = sink[0]! + dst[1]!;
      if ((i & 3) === 0) {
        sink[0] =
          sink[0]! +
          hub.pollOnce() +
          hub.lost('probe-hub-out') +
          hub.lost('probe-hub-in') +
          hub.records('probe-hub-out');
      }
    }
  };
}

const workloads: Record<string, () => (n: number) => void> = {
  'rt:to-main': toMainWorkload,
  'rt:from-main': fromMainWorkload,
  hub: hubWorkload,
};
const make = workloads[subject];
if (make === undefined) throw new Error(`unknown subject ${subject}`);
const run = make();

const m = await measureAllocation(run, iterations);
process.stdout.write(`${JSON.stringify({ subject, ...m })}\n`);
