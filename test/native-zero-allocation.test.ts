/**
 * Allocation gate for the native backend: after warm-up, 10^6 NativeClock reads and 10^4
 * NativeWaiter waits with past deadlines (plus 20 real short waits, and 300 of a waiter
 * learning its margin) cause no GC and no heap growth. For scale: performance.now() would allocate 16 MB over the same reads.
 * Runs in a child process (test/helpers/native-alloc-probe.ts) to keep vitest's own
 * allocation out of the figure.
 */
import { describe, expect, it } from 'vitest';
import { runProbeWithRetry } from './helpers/alloc-probe.js';
import { requires } from './helpers/requirements.js';

/**
 * The probe with `env`; it must write nothing to stderr. Once more when it saw a GC or
 * growth, as the other gates do: an allocation per read or wait shows in every run, a
 * recompile a loaded machine delays into the window (code space: whole-heap growth) once.
 */
function probe(env: NodeJS.ProcessEnv): Promise<Record<string, unknown>> {
  return runProbeWithRetry<Record<string, unknown>>(
    'native-alloc-probe.ts',
    [1_000_000, 10_000],
    (r) => r.native !== true || (r.gcEvents === 0 && (r.heapDeltaBytes as number) < 16 * 1024),
    { env, quietStderr: true },
  );
}

describe('native backend allocation', () => {
  it.runIf(process.platform === 'linux')(
    'allocates nothing per clock read or wait (no GC, heap growth < 16 KB)',
    requires('native'),
    async () => {
      const out = await probe(process.env);
      expect(out.native).toBe(true);
      // The 10^4 past deadlines, and each of the 20 real short waits either slept or, when a
      // loaded machine preempted the thread before it, found its deadline passed.
      expect(out.pastDeadline as number).toBeGreaterThanOrEqual(10_000);
      expect((out.pastDeadline as number) - 10_000 + (out.sleeps as number)).toBe(20);
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
