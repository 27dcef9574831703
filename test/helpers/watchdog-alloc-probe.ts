/**
 * Allocation probe for the heartbeat writer (src/watchdog/heartbeat.ts), run in a child
 * process so vitest's workers add no GC noise:
 *
 *   node --expose-gc --no-memory-reducer --import tsx test/helpers/watchdog-alloc-probe.ts [iterations]
 *
 * Each iteration is what the executive does per frame: a loop of three slots, each
 * beginSlot (fractional, non-Smi times; a frame number past 2^31) + endSlot, then idle. Method as
 * test/helpers/memory-alloc-probe.ts (warm up, settle, full GC, measured run with GC
 * events observed, young-generation growth). Prints one JSON line: { iterations, gcEvents,
 * heapDeltaBytes, nsPerIteration }.
 */
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { getHeapSpaceStatistics } from 'node:v8';
import { Heartbeat } from '../../src/watchdog/heartbeat.js';

const iterations = Number(process.argv[2] ?? 500_000);
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with --expose-gc');

const hb = Heartbeat.create({ taskNames: ['a', 'b', 'c'] });
const base = 6_700_000_000_000.25;

function run(n: number): void {
  for (let i = 0; i < n; i++) {
    const frame = 3_000_000_000 + i;
    const t = base + i * 1_000_000.5;
    // One call site per method, in a slot loop, as in the executive (three unrolled
    // beginSlot call sites exceed V8's inlining budget for this function, and a call that
    // is not inlined boxes its non-Smi double arguments: 16 B each).
    for (let slot = 0; slot < 3; slot++) {
      const startNs = t + slot * 200_000.5;
      hb.beginSlot(frame, slot, slot, startNs, startNs + 150_000);
      hb.endSlot();
    }
    hb.idle(t + 1_000_000.5);
  }
}

function youngBytes(): number {
  for (const s of getHeapSpaceStatistics()) if (s.space_name === 'new_space') return s.space_used_size;
  throw new Error('no new_space in v8.getHeapSpaceStatistics()');
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

for (let i = 0; i < 200; i++) run(10);
for (let i = 0; i < 20; i++) run(5_000);
await sleep(100);
for (let i = 0; i < 10; i++) run(5_000);
for (let i = 0; i < 20; i++) {
  await sleep(20);
  gc();
  const h0 = youngBytes();
  run(20_000);
  if (youngBytes() - h0 < 1024) break;
}

const gcStarts: number[] = [];
const obs = new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcStarts.push(e.startTime);
});
obs.observe({ entryTypes: ['gc'] });
gc();
gc();
const youngBefore = youngBytes();
const t0 = performance.now();
run(iterations);
const t1 = performance.now();
const youngAfter = youngBytes();
await sleep(50);
obs.disconnect();
process.stdout.write(
  `${JSON.stringify({
    iterations,
    gcEvents: gcStarts.filter((s) => s >= t0 && s <= t1).length,
    heapDeltaBytes: youngAfter - youngBefore,
    nsPerIteration: ((t1 - t0) * 1e6) / iterations,
  })}\n`,
);
