/**
 * Allocation gate of the executive's loop. The measurement runs in a child process
 * (`node --expose-gc --import tsx test/helpers/runtime-alloc-probe.ts <variant>`) so
 * vitest's own workers add no GC noise; see the probe for warm-up and method.
 *
 * Checked by hand that this test fails when an allocation is added to the loop (an
 * `[frame]` array literal stored into a field in `runOne`): manual-like/fake-rt then
 * report GC events and ~16–32 B/frame.
 *
 * Measured, not asserted (Node 20.20, this machine): a `performance.now()` clock costs
 * 16 B per read, i.e. 16 × (1 + slots per frame) B per frame (44 B/frame for the probe's
 * 1.75 slots/frame); src/time's ManualClock currently allocates 16 B per `advance`/`set`
 * (its `timeNs` field starts as `undefined` under ES2022 class-field semantics, so V8
 * keeps it tagged and boxes every new value) — the `manual` case asserts the executive
 * adds nothing on top of that.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

interface ProbeResult {
  variant: string;
  frames: number;
  gcEvents: number;
  heapDeltaBytes: number;
  bytesPerFrame: number;
  slotsPerFrame: number;
  clockBytesPerCall: number;
}

const root = fileURLToPath(new URL('..', import.meta.url));

function probe(variant: string, frames: number, extraFlags: string[] = []): ProbeResult {
  const out = execFileSync(
    process.execPath,
    [
      '--expose-gc',
      '--no-memory-reducer',
      ...extraFlags,
      '--import',
      'tsx',
      'test/helpers/runtime-alloc-probe.ts',
      variant,
      String(frames),
    ],
    { cwd: root, encoding: 'utf8', timeout: 60_000 },
  );
  return JSON.parse(out.trim().split('\n').at(-1)!) as ProbeResult;
}

const NOISE_BYTES = 64 * 1024;

describe('executive loop allocates nothing after warm-up', () => {
  it('ManualClock-like clock (Float64Array), tasks advancing it: 200k frames, no GC, no heap growth', () => {
    const r = probe('manual-like', 200_000);
    expect(r.frames).toBe(200_000);
    expect(r.gcEvents).toBe(0);
    expect(r.heapDeltaBytes).toBeLessThan(NOISE_BYTES);
  });

  it('real-time-ish fake clock/waiter with fractional ns: 200k frames, no GC, no heap growth', () => {
    const r = probe('fake-rt', 200_000);
    expect(r.frames).toBe(200_000);
    expect(r.gcEvents).toBe(0);
    expect(r.heapDeltaBytes).toBeLessThan(NOISE_BYTES);
  });

  it('src/time ManualClock: the executive adds nothing to what the clock allocates itself', () => {
    // Large young generation so the clock's own garbage does not trigger a scavenge and the
    // heap delta counts every byte.
    const r = probe('manual', 100_000, ['--min-semi-space-size=64', '--max-semi-space-size=64']);
    expect(r.gcEvents).toBe(0);
    const clockBytesPerFrame = r.clockBytesPerCall * (1 + r.slotsPerFrame); // waiter set + one advance per slot
    expect(r.bytesPerFrame).toBeLessThan(clockBytesPerFrame + 0.5);
  });
});
