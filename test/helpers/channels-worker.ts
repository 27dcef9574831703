/**
 * Worker side of test/channels-worker-roundtrip.test.ts: plays the real-time side of
 * declared channels in a real worker thread (started by `startTsWorker`).
 *
 * workerData: { seqCapacity, records }.
 * 1. Opens 'seq' (to-main, 3 doubles, `seqCapacity`, drop-newest), 'cmd' (from-main, 2
 *    doubles) and 'ack' (to-main, 2 doubles); re-opens 'seq' through a second instance of
 *    channels.ts (`?copy`) to check that both see one registry; posts
 *    { type: 'channels', channels: listChannels(), sameRing, distinctModules }.
 * 2. On 'go': pushes `records` records [i, i / 2 + 0.25, −i] on 'seq' with `tryPush` (no
 *    backpressure, like a task), posts { type: 'pushed', refused }.
 * 3. Then spins on 'cmd': each command [seq, arg] is answered on 'ack' with [seq, arg · 2];
 *    arg −1 ends the spin; posts { type: 'done', commands, cmdLost }.
 */
import { parentPort, workerData } from 'node:worker_threads';
import * as channels from '../../src/worker/channels.js';

const port = parentPort!;
const { seqCapacity, records } = workerData as { seqCapacity: number; records: number };

const seqShape = { recordSize: 3, capacity: seqCapacity, direction: 'to-main' } as const;
const seq = channels.openChannel('seq', seqShape);
const cmd = channels.openChannel('cmd', { recordSize: 2, capacity: 64, direction: 'from-main' });
const ack = channels.openChannel('ack', { recordSize: 2, capacity: 64, direction: 'to-main' });

// A second instance of the module (what a task module importing dist/ gives next to a
// runtime running from src/): it must find the same registry on globalThis.
const copyUrl = `${new URL('../../src/worker/channels.ts', import.meta.url).href}?copy=1`;
const copy = (await import(copyUrl)) as typeof channels;

port.postMessage({
  type: 'channels',
  channels: channels.listChannels(),
  sameRing: copy.openChannel('seq', seqShape) === seq,
  distinctModules: copy.openChannel !== channels.openChannel,
});

port.once('message', () => {
  const rec = new Float64Array(3);
  let refused = 0;
  for (let i = 0; i < records; i++) {
    rec[0] = i;
    rec[1] = i / 2 + 0.25;
    rec[2] = -i;
    if (!seq.tryPush(rec, 0)) refused++;
  }
  port.postMessage({ type: 'pushed', refused });

  const c = new Float64Array(2);
  const a = new Float64Array(2);
  let commands = 0;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (cmd.tryPop(c, 0)) {
      if (c[1] === -1) break;
      commands++;
      a[0] = c[0]!;
      a[1] = c[1]! * 2;
      // Backpressure for the test (a retried tryPush would count each refusal as lost).
      while (ack.freeSlots() === 0 && Date.now() < deadline) {}
      ack.tryPush(a, 0);
    } else if (Date.now() > deadline) break;
  }
  port.postMessage({ type: 'done', commands, cmdLost: cmd.lost() });
});
