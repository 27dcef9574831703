import { describe, expect, it } from 'vitest';
import { ManualClock, ManualWaiter } from '../src/time/clock.js';
import { SystemClock, systemClock } from '../src/time/system-clock.js';

describe('ManualClock', () => {
  it('starts at 0 or the given time and only moves when told', () => {
    expect(new ManualClock().nowNs()).toBe(0);
    const c = new ManualClock(2_592_000_000_000_000);
    expect(c.kind).toBe('manual');
    expect(c.nowNs()).toBe(2_592_000_000_000_000);
    expect(c.nowNs()).toBe(2_592_000_000_000_000);
    c.advance(1);
    expect(c.nowNs()).toBe(2_592_000_000_000_001);
    c.advance(0);
    expect(c.nowNs()).toBe(2_592_000_000_000_001);
    c.set(2_592_000_000_000_500);
    expect(c.nowNs()).toBe(2_592_000_000_000_500);
  });

  it('refuses to go backwards or advance by a negative or NaN amount', () => {
    const c = new ManualClock(100);
    expect(() => c.advance(-1)).toThrow('ManualClock.advance: expected ns >= 0, got -1');
    expect(() => c.advance(Number.NaN)).toThrow('ManualClock.advance: expected ns >= 0, got NaN');
    expect(() => c.set(99)).toThrow('ManualClock.set: time cannot go backwards (100 -> 99)');
    expect(c.nowNs()).toBe(100);
  });
});

describe('ManualWaiter', () => {
  it('advances the clock exactly to a future deadline', () => {
    const c = new ManualClock(1000);
    const w = new ManualWaiter(c);
    expect(w.kind).toBe('manual');
    w.waitUntil(5000);
    expect(c.nowNs()).toBe(5000);
  });

  it('leaves the clock alone when the deadline is now or past', () => {
    const c = new ManualClock(1000);
    const w = new ManualWaiter(c);
    w.waitUntil(1000);
    expect(c.nowNs()).toBe(1000);
    w.waitUntil(10);
    expect(c.nowNs()).toBe(1000);
  });
});

describe('SystemClock', () => {
  it('reads performance.now() in ns and is monotonic', () => {
    expect(systemClock).toBeInstanceOf(SystemClock);
    expect(systemClock.kind).toBe('performance.now');
    const beforeMs = performance.now();
    const ns = systemClock.nowNs();
    const afterMs = performance.now();
    expect(ns).toBeGreaterThanOrEqual(beforeMs * 1e6);
    expect(ns).toBeLessThanOrEqual(afterMs * 1e6);
    let last = systemClock.nowNs();
    for (let i = 0; i < 10_000; i++) {
      const t = systemClock.nowNs();
      expect(t >= last).toBe(true);
      last = t;
    }
  });
});
