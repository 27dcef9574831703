/**
 * Allocation gate of the lease guard on the RT side (child processes, see
 * test/helpers/lease-alloc-probe.ts): an executive whose every slot asks
 * `ctx.lease.valid()` / `token()` / `tokenInto()`, and the guard's RT calls in a loop with a
 * pause noted every iteration (`notePauseAt`, what the executive calls on a `pause` alarm),
 * and a lease-gated executive switching between leading and standby frames, allocate
 * nothing after warm-up.
 */
import { describe, expect, it } from 'vitest';
import { runProbeWithRetry } from './helpers/alloc-probe.js';

/** Young-generation growth allowed: the observer's bookkeeping and the one cold renewal per call. */
const NOISE_BYTES = 16 * 1024;

interface ProbeResult {
  gcEvents: number;
  heapDeltaBytes: number;
  nsPerIteration: number;
  validTrue: number;
  validFalse: number;
  framesRun: number;
  standbyFrames: number;
}

/** One retry for a recompile landing in the window (see test/helpers/alloc-probe.ts). */
function cleanProbe(variant: string): Promise<ProbeResult> {
  return runProbeWithRetry<ProbeResult>(
    'lease-alloc-probe.ts',
    [variant, 200_000],
    (r) => r.gcEvents === 0 && r.heapDeltaBytes < NOISE_BYTES,
  );
}

describe('ctx.lease allocates nothing after warm-up', () => {
  it('executive: valid(), token(), tokenInto() in every slot, 200k frames: no GC, no heap growth', async () => {
    const r = await cleanProbe('executive');
    console.log(`executive + lease: ${r.nsPerIteration.toFixed(0)} ns per frame, ${r.heapDeltaBytes} B`);
    expect(r.validTrue).toBeGreaterThan(200_000);
    expect(r.gcEvents).toBe(0);
    expect(r.heapDeltaBytes).toBeLessThan(NOISE_BYTES);
  });

  it('lease gate: 64-frame stretches leading and standby (with standby catch-up), 200k frames: no GC, no heap growth', async () => {
    const r = await cleanProbe('standby');
    console.log(`executive + lease gate: ${r.nsPerIteration.toFixed(0)} ns per frame, ${r.heapDeltaBytes} B`);
    // Both kinds of frame ran in bulk (the warm-up's and the measured window's together).
    expect(r.framesRun).toBeGreaterThan(100_000);
    expect(r.standbyFrames).toBeGreaterThan(100_000);
    expect(r.gcEvents).toBe(0);
    expect(r.heapDeltaBytes).toBeLessThan(NOISE_BYTES);
  });

  it('guard: valid() both ways, token(), tokenInto(), notePauseAt(), 200k iterations: no GC, no heap growth', async () => {
    const r = await cleanProbe('guard');
    console.log(`guard RT calls: ${r.nsPerIteration.toFixed(0)} ns per iteration, ${r.heapDeltaBytes} B`);
    expect(r.validTrue).toBeGreaterThan(0);
    expect(r.validFalse).toBeGreaterThan(100_000);
    expect(r.gcEvents).toBe(0);
    expect(r.heapDeltaBytes).toBeLessThan(NOISE_BYTES);
  });
});
