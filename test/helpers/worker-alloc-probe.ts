/**
 * Allocation probe of the worker-mode loop (src/worker/rt-loop.ts `runRtWorker`: warm-up,
 * measured drive, alarm/command polling, statistics records), run on the main thread of
 * a child process so vitest adds no GC noise:
 *
 *   node --import tsx test/helpers/worker-alloc-probe.ts <frames> [statsIntervalMs] [trace] [overrunEvery]
 *
 * Allocation-free tasks at a 200 µs frame; statistics records every `statsIntervalMs`
 * (default 10 ms: 100× the CLI's rate, to stress the record path); `trace` > 0 runs with
 * `--trace trace` (records forwarded through the trace ring); `overrunEvery` > 0 makes every
 * that-many-th job of task b spin far past its budget and the frame (overrun, frame-overrun,
 * skipped-frames and release-late alarms raised in the measured window). Prints one JSON line:
 * { frames, gcEvents, heapDeltaBytes, clock, waiter, traceRecords, … }.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { SpscRing } from '../../src/memory/spsc-ring.js';
import {
  AL_SIZE,
  ALARM_RING_CAPACITY,
  CMD_SIZE,
  COMMAND_RING_CAPACITY,
  type RtWorkerMessage,
  STATS_RING_CAPACITY,
  statsRecordSize,
  TR_SIZE,
  traceRingCapacity,
} from '../../src/worker/protocol.js';
import { runRtWorker } from '../../src/worker/rt-loop.js';

// As in runtime-alloc-probe.ts: compile each function on its own when it gets hot, so a
// Sparkplug batch cannot land in the measured window.
setFlagsFromString('--no-baseline-batch-compilation');

const frames = Number(process.argv[2] ?? 50_000);
const statsIntervalMs = Number(process.argv[3] ?? 10);
const traceCapacity = Number(process.argv[4] ?? 0);
const overrunEvery = Number(process.argv[5] ?? 0);
const FRAME_NS = 200_000;
const dir = mkdtempSync(join(tmpdir(), 'hardtick-worker-alloc-'));
writeFileSync(
  join(dir, 'tasks.mjs'),
  [
    'const cell = new Float64Array(3);',
    `const OVER = ${overrunEvery};`,
    'export function a() { cell[0] += 1; }',
    'export function b() {',
    '  for (let i = 0; i < 20; i++) cell[1] += i;',
    '  // Every OVER-th job: ~0.3-1 ms of arithmetic, far past the 40 us budget and the 200 us frame.',
    '  if (OVER > 0 && ++cell[2] % OVER === 0) for (let i = 0; i < 400000; i++) cell[1] += i * 0.5;',
    '}',
  ].join('\n'),
);
const config = join(dir, 'alloc.json');
writeFileSync(
  config,
  JSON.stringify({
    name: 'alloc',
    tasks: [
      { name: 'a', period: '200us', budget: '40us', run: './tasks.mjs#a' },
      { name: 'b', period: '400us', budget: '40us', run: './tasks.mjs#b' },
    ],
    // Timing alarms are expected on a shared machine: they travel through the alarm ring too.
    alarms: { fatal: [] },
  }),
);
const stats = SpscRing.create({
  capacity: STATS_RING_CAPACITY,
  recordSize: statsRecordSize(2),
  overflow: 'overwrite',
});
const trace =
  traceCapacity > 0
    ? SpscRing.create({
        capacity: traceRingCapacity(traceCapacity),
        recordSize: TR_SIZE,
        overflow: 'overwrite',
      })
    : null;
const messages: RtWorkerMessage[] = [];
await runRtWorker(
  {
    configFile: config,
    // +0.5 frame: the last release lands inside the window.
    durationNs: frames * FRAME_NS + FRAME_NS / 2,
    warmupNs: 2_000_000_000,
    marginNs: -1,
    statsIntervalNs: statsIntervalMs * 1e6,
    stopFlag: new SharedArrayBuffer(4),
    alarmRing: SpscRing.create({ capacity: ALARM_RING_CAPACITY, recordSize: AL_SIZE }).buffer,
    statsRing: stats.buffer,
    commandRing: SpscRing.create({ capacity: COMMAND_RING_CAPACITY, recordSize: CMD_SIZE }).buffer,
    traceCapacity,
    traceRing: trace?.buffer ?? null,
  },
  { postMessage: (m) => messages.push(m) },
);
rmSync(dir, { recursive: true, force: true });
const done = messages.find((m) => m.type === 'done');
const ready = messages.find((m) => m.type === 'ready');
if (done?.type !== 'done' || ready?.type !== 'ready') {
  throw new Error(`no done/ready message: ${JSON.stringify(messages.map((m) => m.type))}`);
}
process.stdout.write(
  `${JSON.stringify({
    frames: done.snapshot.frames.count,
    gcEvents: done.gc.count,
    gcEventsList: done.gc.events,
    heapDeltaBytes: done.heap.afterBytes - done.heap.beforeBytes,
    clock: ready.info.clock,
    waiter: ready.info.waiter,
    lateP99Ns: done.snapshot.release.latenessNs.p99,
    alarms: done.snapshot.alarms,
    traceRecords:
      trace === null ? 0 : trace.drain(new Float64Array(trace.capacity * TR_SIZE), trace.capacity),
  })}\n`,
);
