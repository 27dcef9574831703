/**
 * Allocation probe for src/stats/exec-samples.ts, run in a child process so vitest's
 * workers add no GC noise:
 *
 *   node --expose-gc --no-memory-reducer --import tsx test/helpers/exec-samples-alloc-probe.ts [iterations]
 *
 * Records whole-ns values, as the executive does (Math.round(exec): a Smi, which crosses
 * the call unboxed whether or not V8 inlines `record`; a fractional double argument would
 * be boxed at a non-inlined call site, 16 B, as for LogHistogram.record). Small buffers (block capacity 64, block
 * size 2, tail 256, reservoir 128, window 64) so every path runs many times in the window:
 * block-maxima merges (every 128 values at first, then rarer as the block size doubles:
 * the block size is reset every 50 000 values so merges keep happening), reservoir
 * replacement, tail insertion with sift-down, ring wrap. Values drift upward in a sawtooth
 * so the tail keeps accepting new values. Method: test/helpers/alloc-measure.ts. Prints one
 * JSON line: { iterations, gcEvents, heapDeltaBytes, totalHeapDeltaBytes, nsPerIteration, count }.
 */
import { ExecSamples } from '../../src/stats/exec-samples.js';
import { measureAllocation } from './alloc-measure.js';
import { printResult } from './probe-child.js';

const iterations = Number(process.argv[2] ?? 500_000);

const samples = new ExecSamples({
  blockSize: 2,
  blockCapacity: 64,
  tailSize: 256,
  reservoirSize: 128,
  windowSize: 64,
});
/** Counter in a typed array: the loop's state never boxes. */
const state = new Float64Array(2);

const run = (n: number): void => {
  for (let i = 0; i < n; i++) {
    const k = state[0]!;
    state[0] = k + 1;
    if (k % 50_000 === 0) samples.reset();
    // Sawtooth with noise: whole ns, below 2^30 (a Smi, as the executive records).
    samples.record(10_000 + (k % 9973) + ((k * 7919) % 1021));
  }
};

const m = await measureAllocation(run, iterations);
printResult({ ...m, count: samples.count });
