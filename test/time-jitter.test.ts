import { describe, expect, it } from 'vitest';
import { HardtickError } from '../src/errors.js';
import { LogHistogram } from '../src/stats/histogram.js';
import { type Clock, ManualClock, ManualWaiter, type Waiter } from '../src/time/clock.js';
import { HybridWaiter } from '../src/time/hybrid-waiter.js';
import { measureJitter } from '../src/time/jitter.js';
import { systemClock } from '../src/time/system-clock.js';

/** A ManualWaiter that wakes `latenessNs(call)` after the deadline, to script lateness. */
class LateWaiter implements Waiter {
  readonly kind = 'scripted';
  calls = 0;
  constructor(
    private readonly clock: ManualClock,
    private readonly latenessNs: (call: number) => number,
  ) {}
  waitUntil(deadlineNs: number): void {
    const target = deadlineNs + this.latenessNs(this.calls++);
    if (this.clock.nowNs() < target) this.clock.set(target);
  }
}

describe('measureJitter on ManualClock (exact)', () => {
  it('records zero lateness with a perfect waiter, one release per period', () => {
    const clock = new ManualClock(5e15);
    const r = measureJitter({ periodNs: 1e6, durationNs: 1e9, clock, waiter: new ManualWaiter(clock) });
    expect(r).toEqual({
      periodNs: 1e6,
      count: 1000,
      latenessNs: { min: 0, p50: 0, p99: 0, p999: 0, max: 0 },
      details: {
        missedPeriods: 0,
        meanNs: 0,
        saturated: 0,
        elapsedNs: 1e9,
        clock: 'manual',
        waiter: 'manual',
      },
    });
    expect(clock.nowNs()).toBe(5e15 + 1e9); // last release = t0 + 999·period, t0 = start + period
  });

  it('measures scripted lateness and skips releases that passed while late', () => {
    const clock = new ManualClock(0);
    // release 3 wakes 2.5 periods late: releases 4 and 5 have passed, 6 is next
    const waiter = new LateWaiter(clock, (call) => (call === 3 ? 2_500_000 : call * 10));
    const r = measureJitter({ periodNs: 1e6, durationNs: 10e6, clock, waiter });
    expect(r.details.missedPeriods).toBe(2);
    expect(r.count).toBe(8);
    expect(r.latenessNs.max).toBe(2_500_000);
    expect(r.latenessNs.min).toBe(0);
    // lateness values: 0,10,20,2.5e6,40,50,60,70 → p50 = 4th smallest = 40
    expect(r.latenessNs.p50).toBe(40);
    expect(r.details.meanNs).toBe((0 + 10 + 20 + 2_500_000 + 40 + 50 + 60 + 70) / 8);
    // releases stay on the grid: the last one is t0 + 9·period, woken 70 ns late
    expect(clock.nowNs()).toBe(1e6 + 9e6 + 70);
  });

  it('counts skipped releases only up to the end of the run', () => {
    const clock = new ManualClock(0);
    const waiter = new LateWaiter(clock, (call) => (call === 1 ? 50e6 : 0));
    const r = measureJitter({ periodNs: 1e6, durationNs: 5e6, clock, waiter });
    expect(r.count).toBe(2);
    expect(r.details.missedPeriods).toBe(3);
  });

  it('warm-up releases are not recorded; a shared histogram accumulates', () => {
    const clock = new ManualClock(0);
    const histogram = new LogHistogram();
    const waiter = new LateWaiter(clock, (call) => (call < 5 ? 999_999 : 7));
    const r = measureJitter({ periodNs: 1e6, durationNs: 3e6, clock, waiter, histogram, warmupPeriods: 5 });
    expect(r.count).toBe(3);
    expect(r.latenessNs).toEqual({ min: 7, p50: 7, p99: 7, p999: 7, max: 7 });
    const r2 = measureJitter({ periodNs: 1e6, durationNs: 2e6, clock, waiter, histogram });
    expect(r2.count).toBe(2);
    expect(histogram.count).toBe(5);
  });

  it('always measures at least one release', () => {
    const clock = new ManualClock(0);
    expect(
      measureJitter({ periodNs: 1e6, durationNs: 1, clock, waiter: new ManualWaiter(clock) }).count,
    ).toBe(1);
  });

  it('rejects bad periods, durations and warm-ups with a usage error', () => {
    const clock: Clock = new ManualClock(0);
    const waiter = new ManualWaiter(clock as ManualClock);
    const bad = (o: Partial<Parameters<typeof measureJitter>[0]>, message: string) => {
      let caught: unknown;
      try {
        measureJitter({ periodNs: 1e6, durationNs: 1e7, clock, waiter, ...o });
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(HardtickError);
      expect((caught as HardtickError).code).toBe('usage');
      expect((caught as HardtickError).message).toBe(message);
    };
    bad({ periodNs: 0 }, 'measureJitter: periodNs must be a positive finite number, got 0');
    bad({ periodNs: Number.NaN }, 'measureJitter: periodNs must be a positive finite number, got NaN');
    bad({ durationNs: -1 }, 'measureJitter: durationNs must be a positive finite number, got -1');
    bad(
      { durationNs: Number.POSITIVE_INFINITY },
      'measureJitter: durationNs must be a positive finite number, got Infinity',
    );
    bad({ warmupPeriods: 1.5 }, 'measureJitter: warmupPeriods must be an integer >= 0, got 1.5');
  });
});

describe('measureJitter on the real clock', () => {
  it('measures ~100 releases at 1 ms with the hybrid waiter within generous bounds', () => {
    const waiter = new HybridWaiter();
    const r = measureJitter({
      periodNs: 1e6,
      durationNs: 100e6,
      clock: systemClock,
      waiter,
      warmupPeriods: 10,
    });
    expect(r.count + r.details.missedPeriods).toBe(100);
    expect(r.count).toBeGreaterThan(50);
    expect(r.latenessNs.min).toBeGreaterThanOrEqual(0);
    expect(r.latenessNs.p50).toBeLessThan(50e6);
    expect(r.details.clock).toBe('performance.now');
    expect(r.details.waiter).toBe('hybrid');
    expect(r.details.elapsedNs).toBeGreaterThan(90e6);
  });
});
