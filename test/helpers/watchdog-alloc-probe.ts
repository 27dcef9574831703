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
import { Heartbeat } from '../../src/watchdog/heartbeat.js';
import { measureAllocation } from './alloc-measure.js';
import { printResult } from './probe-child.js';

const iterations = Number(process.argv[2] ?? 500_000);

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

const m = await measureAllocation(run, iterations);
printResult(m);
