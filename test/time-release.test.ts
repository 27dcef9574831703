import { describe, expect, it } from 'vitest';
import { ManualClock, ManualWaiter } from '../src/time/clock.js';
import { releaseTimeNs } from '../src/time/release.js';

/** 30 days of uptime in ns: release times of a long-running box are this large. */
const T0_NS = 30 * 86_400 * 1e9;
const FRAMES = 10_000_000;

describe('releaseTimeNs', () => {
  it('has zero drift over 10^7 frames at 30 days of uptime (exact vs BigInt)', () => {
    const frameNs = 1_000_000;
    const fBig = BigInt(frameNs);
    let exact = BigInt(T0_NS); // BigInt accumulation is exact
    let mismatches = 0;
    for (let k = 0; k < FRAMES; k++) {
      if (BigInt(releaseTimeNs(T0_NS, k, frameNs)) !== exact) mismatches++;
      exact += fBig;
    }
    expect(mismatches).toBe(0);
    expect(BigInt(releaseTimeNs(T0_NS, FRAMES, frameNs))).toBe(exact);
  });

  it('stays within one ulp for a non-integer frame where accumulation drifts', () => {
    // 3 kHz: 333_333.33… ns, not representable exactly; the exact release is
    // t0 + k·1e6/3, so compare 3·release with 3·t0 + k·1e6 in BigInt-free integers.
    const frameNs = 1e6 / 3;
    let accumulated = T0_NS;
    let worstComputed = 0;
    let worstAccumulated = 0;
    for (let k = 0; k <= FRAMES; k++) {
      const exact = T0_NS + (k * 1e6) / 3; // one rounding of an exact rational: reference
      const computed = releaseTimeNs(T0_NS, k, frameNs);
      worstComputed = Math.max(worstComputed, Math.abs(computed - exact));
      worstAccumulated = Math.max(worstAccumulated, Math.abs(accumulated - exact));
      accumulated += frameNs;
    }
    // one ulp at 2.6e15 is 0.5 ns
    expect(worstComputed).toBeLessThanOrEqual(1);
    // the recurrence drifts by ~1.67 ms (documents why the runtime never accumulates)
    expect(worstAccumulated).toBeGreaterThan(1e6);
  });

  it('drives a ManualClock loop to the exact release of frame 10^7', () => {
    const clock = new ManualClock(T0_NS);
    const waiter = new ManualWaiter(clock);
    const frameNs = 1_000_000;
    const t0 = clock.nowNs();
    let lateSum = 0;
    for (let k = 0; k < FRAMES; k++) {
      const r = releaseTimeNs(t0, k, frameNs);
      waiter.waitUntil(r);
      lateSum += clock.nowNs() - r;
      clock.advance(123); // the frame's work
    }
    expect(lateSum).toBe(0);
    expect(BigInt(clock.nowNs())).toBe(BigInt(T0_NS) + BigInt(FRAMES - 1) * 1_000_000n + 123n);
  });
});
