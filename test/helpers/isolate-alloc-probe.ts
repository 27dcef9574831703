/**
 * Allocation probe for the release path of an isolated task, run in a child process so
 * vitest's workers add no GC noise:
 *
 *   node --expose-gc --no-memory-reducer --import tsx test/helpers/isolate-alloc-probe.ts [frames]
 *
 * An executive over a Float64Array clock (0 B per read; frames run back to back, the waiter
 * only moves the clock) whose one frame runs an in-thread task and an isolated task (a real
 * worker, `test/fixtures/isolate/tasks.mjs#empty`): every frame is a real cross-thread
 * release (store, notify, spin, wait) and completion. Warm-up, then a full GC, then the
 * measured frames with GC events observed. Shorter than the runtime probe's: each frame is
 * a ~20–100 µs round trip. Prints one JSON line: { frames, gcEvents, youngDeltaBytes,
 * nsPerFrame, unavailable, kills }.
 */

import { PerformanceObserver, performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { getHeapSpaceStatistics } from 'node:v8';
import { closeIsolatedTasks, K_KILLS, K_UNAVAILABLE, startIsolatedTask } from '../../src/isolate/index.js';
import { Executive } from '../../src/runtime/index.js';
import type { Clock, Waiter } from '../../src/time/clock.js';
import { compileEachFunctionAlone, exposedGc, printResult } from './probe-child.js';
import { makeMode, makeTable, makeTask } from './runtime-fixtures.js';

compileEachFunctionAlone();
const frames = Number(process.argv[2] ?? 20_000);
const gc = exposedGc();

/** Clock over one double: reads never allocate; only the waiter moves it. */
class BufferClock implements Clock {
  readonly kind = 'buffer';
  readonly buf = new Float64Array([30 * 86_400e9 + 0.5]);
  nowNs(): number {
    return this.buf[0]!;
  }
}
class BufferWaiter implements Waiter {
  readonly kind = 'buffer';
  constructor(private readonly clock: BufferClock) {}
  waitUntil(deadlineNs: number): void {
    const b = this.clock.buf;
    if (b[0]! < deadlineNs) b[0] = deadlineNs + 0.375;
  }
}

function youngBytes(): number {
  for (const s of getHeapSpaceStatistics()) if (s.space_name === 'new_space') return s.space_used_size;
  throw new Error('no new_space');
}

const F = 1_000_000;
const tasks = [makeTask(0, 'local', F, 100_000), makeTask(1, 'iso', F, 500_000)];
const table = makeTable(F, tasks, [
  [
    { task: 0, job: 0 },
    { task: 1, job: 0 },
  ],
]);
const file = fileURLToPath(new URL('../fixtures/isolate/tasks.mjs', import.meta.url));
const iso = await startIsolatedTask({
  taskName: 'iso',
  modeName: 'main',
  run: { spec: './tasks.mjs#empty', file, exportName: 'empty' },
  // The buffer clock never moves during a release: no kill whatever the grace.
  graceNs: 1e9,
});
const cell = new Float64Array(1);
const clock = new BufferClock();
const exec = new Executive({
  clock,
  waiter: new BufferWaiter(clock),
  modes: [makeMode('main', table, tasks, [() => void cell[0]!++, iso.fn])],
});
exec.start();
for (let i = 0; i < 200; i++) exec.runFrames(10);
for (let i = 0; i < 10; i++) exec.runFrames(2_000);
await new Promise((r) => setTimeout(r, 100));
for (let i = 0, clean = 0; i < 6 && clean < 2; i++) {
  await new Promise((r) => setTimeout(r, 20));
  gc();
  const h0 = youngBytes();
  exec.runFrames(frames);
  clean = youngBytes() - h0 < 1024 ? clean + 1 : 0;
}

const gcStarts: number[] = [];
const obs = new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcStarts.push(e.startTime);
});
obs.observe({ entryTypes: ['gc'] });
gc();
gc();
const before = youngBytes();
const t0 = performance.now();
const ran = exec.runFrames(frames);
const t1 = performance.now();
const after = youngBytes();
await new Promise((r) => setTimeout(r, 50));
obs.disconnect();
const result = {
  frames: ran,
  gcEvents: gcStarts.filter((s) => s >= t0 && s <= t1).length,
  youngDeltaBytes: after - before,
  nsPerFrame: ((t1 - t0) * 1e6) / ran,
  unavailable: iso.counters[K_UNAVAILABLE],
  kills: iso.counters[K_KILLS],
  errors: exec.snapshot().tasks[1]?.errors,
};
await closeIsolatedTasks();
printResult(result);
