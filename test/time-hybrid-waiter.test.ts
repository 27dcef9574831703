import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SPIN_READ_INTERVAL_NS,
  HybridWaiter,
  TIMEOUT_TABLE_MAX_NS,
} from '../src/time/hybrid-waiter.js';
import { systemClock } from '../src/time/system-clock.js';

/**
 * Generous bounds: a shared 2-vCPU VM running other test files stalls a thread for tens
 * of ms now and then (seen: 96 ms), so single waits get 1 s and the median 50 ms.
 */
const ABSURDLY_LATE_NS = 1e9;
const TYPICAL_LATE_NS = 50e6;

function median(values: Float64Array): number {
  return values.slice().sort()[values.length >> 1]!;
}

function lateness(waiter: HybridWaiter, aheadNs: (i: number) => number, n: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const deadline = systemClock.nowNs() + aheadNs(i);
    waiter.waitUntil(deadline);
    out[i] = systemClock.nowNs() - deadline;
  }
  return out;
}

describe('HybridWaiter on the real clock', () => {
  for (const mode of ['hybrid', 'sleep', 'spin'] as const) {
    it(`${mode}: returns at or after the deadline and not absurdly late`, () => {
      const w = new HybridWaiter({ mode, marginNs: 100_000 });
      expect(w.kind).toBe(mode);
      // deadlines 0–1.5 ms ahead: below and above the margin, several table entries
      const late = lateness(w, (i) => (i * 37_000) % 1_500_000, 300);
      for (const l of late) {
        expect(l).toBeGreaterThanOrEqual(0);
        expect(l).toBeLessThan(ABSURDLY_LATE_NS);
      }
      expect(median(late)).toBeLessThan(TYPICAL_LATE_NS);
      expect(w.stats.waits).toBe(300);
      if (mode === 'spin') expect(w.stats.sleeps).toBe(0);
      else expect(w.stats.sleeps).toBeGreaterThan(0);
      if (mode === 'sleep') expect(w.stats.spinIterations).toBe(0);
    });
  }

  it('returns at once for a deadline already passed, counting it', () => {
    const w = new HybridWaiter();
    const now = systemClock.nowNs();
    const t = performance.now();
    w.waitUntil(now - 1e9);
    w.waitUntil(0);
    w.waitUntil(Number.NEGATIVE_INFINITY);
    expect(performance.now() - t).toBeLessThan(50);
    expect(w.stats).toEqual({ waits: 3, pastDeadline: 3, sleeps: 0, spinIterations: 0, overslept: 0 });
  });

  it('waits longer than the timeout table in whole-millisecond sleeps of at most 1 s', () => {
    const w = new HybridWaiter();
    const deadline = systemClock.nowNs() + 60 * TIMEOUT_TABLE_MAX_NS; // 1.2 s: 1000 ms + the rest
    w.waitUntil(deadline);
    const late = systemClock.nowNs() - deadline;
    expect(late).toBeGreaterThanOrEqual(0);
    expect(late).toBeLessThan(ABSURDLY_LATE_NS);
    expect(w.stats.sleeps).toBeGreaterThanOrEqual(2);
  });

  it('spends most of a hybrid wait asleep, not spinning', () => {
    const w = new HybridWaiter({ marginNs: 200_000 });
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    lateness(w, () => 5e6, 20); // 100 ms of 5 ms waits: ~4 % spin
    const wallMs = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const cpuShare = (cpu.user + cpu.system) / 1000 / wallMs;
    expect(cpuShare).toBeLessThan(0.6); // generous: a pure spin would be ~1
  });

  it('spins with far fewer clock reads at the default read interval than back to back', () => {
    const strided = new HybridWaiter({ mode: 'spin' });
    const backToBack = new HybridWaiter({ mode: 'spin', spinReadIntervalNs: 0 });
    expect(backToBack.spinStride).toBe(1);
    for (let round = 0; round < 2; round++) {
      // interleaved, so both see the same machine load; round 0 lets the stride calibrate
      strided.resetStats();
      backToBack.resetStats();
      for (let i = 0; i < 20; i++) {
        for (const w of [strided, backToBack]) {
          const deadline = systemClock.nowNs() + 200_000;
          w.waitUntil(deadline);
          expect(systemClock.nowNs()).toBeGreaterThanOrEqual(deadline);
        }
      }
    }
    expect(strided.spinStride).toBeGreaterThan(1);
    // ~1 read/µs vs one read per ~50–100 ns (~15× fewer when quiet); generous for a loaded machine
    expect(strided.stats.spinIterations * 2).toBeLessThan(backToBack.stats.spinIterations);
  });

  it('rejects a bad spin read interval', () => {
    expect(() => new HybridWaiter({ spinReadIntervalNs: -1 })).toThrow(
      'HybridWaiter: spinReadIntervalNs must be a finite number >= 0, got -1',
    );
    expect(() => new HybridWaiter({ spinReadIntervalNs: Number.POSITIVE_INFINITY })).toThrow(RangeError);
  });

  it('rejects a bad margin or mode', () => {
    expect(() => new HybridWaiter({ marginNs: -1 })).toThrow(
      "HybridWaiter: marginNs must be a finite number >= 0 or 'auto', got -1",
    );
    expect(() => new HybridWaiter({ marginNs: Number.NaN })).toThrow(RangeError);
    expect(() => new HybridWaiter({ mode: 'nap' as never })).toThrow(
      "HybridWaiter: mode must be 'hybrid', 'sleep' or 'spin', got nap",
    );
  });

  it('has the documented defaults and resets its stats', () => {
    const w = new HybridWaiter();
    expect(w.kind).toBe('hybrid');
    expect(w.marginNs).toBe(200_000);
    expect(w.adaptive).toBe(true);
    expect(w.clock).toBe(systemClock);
    expect(w.spinReadIntervalNs).toBe(DEFAULT_SPIN_READ_INTERVAL_NS);
    expect(DEFAULT_SPIN_READ_INTERVAL_NS).toBe(1000);
    expect(new HybridWaiter({ mode: 'sleep', marginNs: 5 }).marginNs).toBe(0);
    w.waitUntil(systemClock.nowNs() + 300_000);
    expect(w.stats.waits).toBe(1);
    w.resetStats();
    expect(w.stats).toEqual({ waits: 0, pastDeadline: 0, sleeps: 0, spinIterations: 0, overslept: 0 });
  });
});
