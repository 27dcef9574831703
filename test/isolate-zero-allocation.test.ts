/**
 * Allocation gate of the isolated-task release path: an executive frame with an in-thread
 * task and an isolated one (a real worker answering through shared memory), 20 000 frames
 * after warm-up: no GC, no young-generation growth. Runs in a child process
 * (`node --expose-gc --import tsx test/helpers/isolate-alloc-probe.ts`); see the probe.
 *
 * Checked by hand that it fails on a real per-release allocation: before the blocking wait
 * moved into its own method (`IsolatedTask.waitDone`), `call` deoptimised ~190 times in the
 * window ("insufficient type feedback" on the rarely taken wait path) and the probe showed
 * 20–40 KB of young growth (~1 B/frame); a `Math.floor` timeout boxed 16 B per long wait.
 */
import { describe, expect, it } from 'vitest';
import { runProbeWithRetry } from './helpers/alloc-probe.js';

/** Young growth allowed: the PerformanceObserver's own bookkeeping (~2.3 KB) and noise; 16 B per frame would be 320 KB. */
const NOISE_BYTES = 16 * 1024;

interface ProbeResult {
  frames: number;
  gcEvents: number;
  youngDeltaBytes: number;
  nsPerFrame: number;
  unavailable: number;
  kills: number;
  errors: number;
}

describe('isolated task release path allocates nothing after warm-up', () => {
  it('20 000 frames with a cross-thread release each: no GC, no young-generation growth', async () => {
    // One retry: a recompile a loaded machine delays into the window happens once; a real
    // per-release allocation shows up every time.
    const r = await runProbeWithRetry<ProbeResult>(
      'isolate-alloc-probe.ts',
      [20_000],
      (p) => p.gcEvents === 0 && p.youngDeltaBytes < NOISE_BYTES,
      { timeoutMs: 120_000 },
    );
    console.log(`isolated release: ${(r.nsPerFrame / 1000).toFixed(1)} µs per frame, ${r.youngDeltaBytes} B`);
    expect(r.frames).toBe(20_000);
    // Every release really went to the worker and came back.
    expect(r.unavailable).toBe(0);
    expect(r.kills).toBe(0);
    expect(r.errors).toBe(0);
    expect(r.gcEvents).toBe(0);
    expect(r.youngDeltaBytes).toBeLessThan(NOISE_BYTES);
  }, 300_000);
});
