/**
 * The task module of docs/memory.md (its first `js` block, run as written): what it
 * computes, and that its loop (ten `sense`, one `control`, one `actuate`, with the pool's
 * exhaustion path) allocates nothing after warm-up: no GC and no young-generation growth
 * over 200 000 frames, measured in a child process.
 */
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runAllocProbe } from './helpers/alloc-probe-run.js';
import { type DocTasks, writeDocTaskModule } from './helpers/memory-doc-module.js';

const FRAMES = 200_000;
/** Young-generation growth allowed (the PerformanceObserver's own bookkeeping), as in memory-zero-allocation. */
const NOISE_BYTES = 16 * 1024;

describe('docs/memory.md task pattern', () => {
  it('control averages what sense queued since its last run; actuate writes it out and frees the command', async () => {
    const tasks = (await import(pathToFileURL(writeDocTaskModule()).href)) as DocTasks;
    for (let i = 0; i < 10; i++) {
      tasks.input[0] = i; // 0 … 9: mean 4.5
      tasks.sense({ releaseNs: 1e9 + i * 1e6 });
    }
    tasks.control({ releaseNs: 1e9 + 10e6 });
    tasks.actuate();
    expect([...tasks.output]).toEqual([4.5, 0]);
    // Five controls without an actuate: the pool holds four commands, the fifth is counted.
    for (let i = 0; i < 5; i++) tasks.control({ releaseNs: 1e9 + 20e6 });
    expect(tasks.output[1]).toBe(1);
    tasks.actuate();
    // Nothing queued since: the setpoint holds at the last average.
    expect(tasks.output[0]).toBe(4.5);
    // Every command came back: four more fit again.
    for (let i = 0; i < 4; i++) tasks.control({ releaseNs: 1e9 + 30e6 });
    expect(tasks.output[1]).toBe(1);
  });

  it('allocates nothing in the loop: no GC, no heap growth', () => {
    const r = runAllocProbe<{
      iterations: number;
      gcEvents: number;
      heapDeltaBytes: number;
      dropped: number;
    }>('test/helpers/memory-doc-probe.ts', [String(FRAMES)]);
    const seen = JSON.stringify(r);
    expect(r.iterations, seen).toBe(FRAMES);
    expect(r.gcEvents, seen).toBe(0);
    expect(r.heapDeltaBytes, seen).toBeLessThan(NOISE_BYTES);
    // The exhaustion path ran: one dropped command per 1000 frames, warm-up included.
    expect(r.dropped, seen).toBeGreaterThan(FRAMES / 1000);
  });
});
