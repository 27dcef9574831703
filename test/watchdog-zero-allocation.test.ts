/**
 * Allocation gate of the heartbeat writer: after warm-up, 500 000 frames of 3 × (beginSlot
 * + endSlot) + idle cause no GC and no young-generation growth. Runs in a child process
 * (`node --expose-gc --import tsx test/helpers/watchdog-alloc-probe.ts`), away from
 * vitest's GC noise; see the probe for the method.
 */
import { describe, expect, it } from 'vitest';
import { runProbe } from './helpers/alloc-probe.js';

/** Young-generation growth allowed: the PerformanceObserver's own bookkeeping (~2.3 KB). */
const NOISE_BYTES = 16 * 1024;

describe('heartbeat writer allocates nothing after warm-up', () => {
  it('beginSlot / endSlot / idle: no GC, no heap growth', async () => {
    const r = await runProbe<{ gcEvents: number; heapDeltaBytes: number; nsPerIteration: number }>(
      'watchdog-alloc-probe.ts',
      [500_000],
    );
    console.log(
      `heartbeat writer: ${r.nsPerIteration.toFixed(0)} ns per frame (3 slots + idle), ${r.heapDeltaBytes} B`,
    );
    expect(r.gcEvents).toBe(0);
    expect(r.heapDeltaBytes).toBeLessThan(NOISE_BYTES);
  });
});
