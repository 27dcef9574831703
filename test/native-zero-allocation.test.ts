/**
 * Allocation gate for the native backend: after warm-up, 10^6 NativeClock reads and 10^4
 * NativeWaiter waits with past deadlines (plus 20 real short waits, and 300 of a waiter
 * learning its margin) cause no GC and no heap growth. For scale: performance.now() would allocate 16 MB over the same reads.
 * Runs in a child process (test/helpers/native-alloc-probe.ts) to keep vitest's own
 * allocation out of the figure.
 */
import { describe, expect, it } from 'vitest';
import { runProbe } from './helpers/alloc-probe.js';
import { requires } from './helpers/requirements.js';

/** The probe with `env`; it must write nothing to stderr. */
function probe(env: NodeJS.ProcessEnv): Promise<Record<string, unknown>> {
  return runProbe<Record<string, unknown>>('native-alloc-probe.ts', [1_000_000, 10_000], {
    env,
    quietStderr: true,
  });
}

describe('native backend allocation', () => {
  it.runIf(process.platform === 'linux')(
    'allocates nothing per clock read or wait (no GC, heap growth < 16 KB)',
    requires('native'),
    async () => {
      const out = await probe(process.env);
      expect(out.native).toBe(true);
      expect(out.pastDeadline).toBe(10_000);
      expect(out.sleeps).toBe(20);
      expect(out.autoSleeps).toBe(300);
      // two wait lengths, two classes (a third when a stall shortens a wait below 64 µs)
      expect(out.autoClasses as number).toBeGreaterThanOrEqual(2);
      expect(out.gcEvents).toBe(0);
      expect(out.heapDeltaBytes as number).toBeLessThan(16 * 1024);
    },
  );

  it('with HARDTICK_NATIVE=0 the probe reports the fallback instead of failing', async () => {
    const out = await probe({ ...process.env, HARDTICK_NATIVE: '0' });
    expect(out).toEqual({ native: false, reason: 'disabled by HARDTICK_NATIVE=0' });
  });
});
