/**
 * The allocation-free path stays allocation-free with GC governance off AND on: the
 * worker-mode loop (runRtWorker, native clock and waiter) with allocation-free tasks, 25k
 * frames after warm-up, in a child process (test/helpers/gc-alloc-probe.ts). With
 * `gc: { planned: true, warn: true }` the slack hook runs after every frame and reads the
 * young generation through the allocation-free HeapProbe; no collection becomes due (the
 * tasks allocate nothing), so any GC or young-generation growth would be the hook's own.
 * Same bounds as worker-loop-allocation.test.ts: 0 GC events, growth < 64 KiB (one 16-byte
 * box per frame would be ≥ 160 KB over the ≥ 10k frames that run even on a loaded box).
 *
 * One retry, as in runtime-zero-allocation.test.ts: a real per-frame allocation shows in
 * every run, while a recompile that a fully loaded machine delays into the window happens
 * once (seen here: 0.2–0.35 MB once, 0 GCs, with the same code passing the next run).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { inParallel, runProbeWithRetry } from './helpers/alloc-probe.js';
import { requires } from './helpers/requirements.js';

interface ProbeResult {
  frames: number;
  gcEvents: number;
  heapDeltaBytes: number;
  clock: string;
  waiter: string;
  governance: {
    planned: { count: number; enabled: boolean };
    heapProbe: string;
    warn: { enabled: boolean };
  } | null;
}

/** One probe, and a second one only when the first saw a GC or young growth (see the note). */
function probeWithRetry(gc: unknown): Promise<ProbeResult> {
  return runProbeWithRetry<ProbeResult>(
    'gc-alloc-probe.ts',
    [25_000, JSON.stringify(gc)],
    (r) => r.gcEvents === 0 && r.heapDeltaBytes < 64 * 1024,
    { exposeGc: false },
  );
}

const VARIANTS: unknown[] = [
  null,
  { planned: true, warn: true },
  { planned: { every: 1_000_000 }, warn: true },
];

describe('GC governance keeps the allocation-free loop allocation-free', requires('native'), () => {
  // One probe at a time. (Three at once on two cores made both tries of one probe miss
  // many deadlines and show the ~3 MB young-generation growth that
  // worker-loop-allocation.test.ts describes; two at a time did it once more, in a CI run:
  // 157 misses, 2.6 MB, both tries.)
  let results: Promise<ProbeResult>[] = [];
  beforeAll(() => {
    results = inParallel(
      VARIANTS.map((gc) => () => probeWithRetry(gc)),
      1,
    );
  });

  for (const [i, gc] of VARIANTS.entries()) {
    it(`gc ${JSON.stringify(gc)}: 25k frames, 0 GC events, young growth < 64 KiB`, async () => {
      const r = await results[i]!;
      const why = JSON.stringify(r);
      expect([r.clock, r.waiter]).toEqual(['native', 'native-abs']);
      // Frames skipped by catch-up on a loaded machine do not run (seen: 40 % skipped).
      expect(r.frames).toBeGreaterThan(10_000);
      expect(r.gcEvents, why).toBe(0);
      expect(r.heapDeltaBytes, why).toBeLessThan(64 * 1024);
      if (gc === null) expect(r.governance).toBeNull();
      else {
        expect(r.governance?.planned.enabled).toBe(true);
        expect(r.governance?.warn.enabled).toBe(true);
        expect(r.governance?.planned.count).toBe(0);
        expect(r.governance?.heapProbe).toBe('binding');
      }
    }, 150_000);
  }
});
