/**
 * Allocation gate of ExecSamples.record (the pWCET buffers the executive fills per slot):
 * after warm-up, 500 000 records — block-maxima merges, reservoir replacements, tail
 * sift-downs and ring wraps included — cause no GC and no young-generation growth. Runs in
 * a child process (test/helpers/exec-samples-alloc-probe.ts) away from vitest's GC noise.
 * The executive's own gate (test/runtime-zero-allocation.test.ts) covers the call in runOne.
 *
 * Checked by hand that this fails when an allocation is added: a `[x]` array stored into a
 * field in `record` gives GC events and megabytes of young-generation growth.
 */
import { describe, expect, it } from 'vitest';
import { runProbeWithRetry } from './helpers/alloc-probe.js';

interface ProbeResult {
  iterations: number;
  gcEvents: number;
  heapDeltaBytes: number;
  nsPerIteration: number;
  count: number;
}

/** The PerformanceObserver's own bookkeeping is a few KB; 16 B per record would be 8 MB. */
const NOISE_BYTES = 16 * 1024;

describe('ExecSamples.record allocates nothing after warm-up', () => {
  it('500k records with merges, reservoir replacement and tail insertion: no GC, no heap growth', async () => {
    // One retry: a V8 recompile delayed into the window on a loaded machine happens once;
    // a real allocation repeats.
    const r = await runProbeWithRetry<ProbeResult>(
      'exec-samples-alloc-probe.ts',
      [500_000],
      (p) => p.gcEvents === 0 && p.heapDeltaBytes < NOISE_BYTES,
    );
    expect(r.iterations).toBe(500_000);
    expect(r.gcEvents, JSON.stringify(r)).toBe(0);
    expect(r.heapDeltaBytes, JSON.stringify(r)).toBeLessThan(NOISE_BYTES);
  });
});
