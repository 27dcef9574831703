/**
 * Both sleeping waiters feed their learner the oversleep of each sleep and, with the
 * default `marginNs: 'auto'`, sleep to `deadline − learned margin`. Deterministic: the
 * native waiter runs on a fake addon whose clock only moves when read or slept on; the
 * hybrid waiter on a scripted clock that jumps to "the end of the requested timeout +
 * oversleep" after each real (short) `Atomics.wait`.
 */
import { describe, expect, it } from 'vitest';
import type { NativeBinding } from '../src/native/binding.js';
import { NativeClock, NativeWaiter } from '../src/native/native-clock.js';
import type { Clock } from '../src/time/clock.js';
import { HybridWaiter, TIMEOUT_STEP_NS } from '../src/time/hybrid-waiter.js';

/** The addon's clock and sleep, simulated: each read advances 1 µs; a sleep ends `oversleepNs` after its target. */
class FakeAddon {
  t = 5e9;
  oversleepNs = 30_000;
  readonly sleptTo: number[] = [];
  private cell: Float64Array | null = null;
  bindClock(f64: Float64Array): void {
    this.cell = f64;
  }
  readClock(): void {
    this.t += 1000;
    this.cell![0] = this.t;
  }
  sleepUntil(f64: Float64Array): void {
    this.sleptTo.push(f64[0]!);
    this.t = Math.max(this.t, f64[0]!) + this.oversleepNs;
  }
}

/**
 * Reads advance 1 µs; the first read after a sleep returns the end of that sleep's timeout
 * (from the waiter's own last margin and the table step) + `oversleepNs`.
 */
class ScriptedClock implements Clock {
  readonly kind = 'scripted';
  t = 0;
  oversleepNs = 30_000;
  deadlineNs = 0;
  waiter: HybridWaiter | null = null;
  private sleeps = 0;
  nowNs(): number {
    const w = this.waiter!;
    if (w.stats.sleeps !== this.sleeps) {
      this.sleeps = w.stats.sleeps;
      const entryNs = 1000; // the wait's first read, after the test set t = 0
      const steps = Math.floor((this.deadlineNs - w.learner!.lastMarginNs - entryNs) / TIMEOUT_STEP_NS);
      this.t = entryNs + steps * TIMEOUT_STEP_NS + this.oversleepNs;
    } else {
      this.t += 1000;
    }
    return this.t;
  }
}

describe('NativeWaiter learns its margin', () => {
  it('sleeps to deadline − 10 µs (the minimum; 0.5 % of the wait is less) before any sample, then to deadline − p99 of the oversleep', () => {
    const addon = new FakeAddon();
    const waiter = new NativeWaiter(new NativeClock(addon as unknown as NativeBinding));
    expect(waiter.adaptive).toBe(true);
    const deadlines: number[] = [];
    for (let i = 0; i < 102; i++) {
      const deadline = addon.t + 1000 + 1_000_000; // the entry read adds 1 µs: a wait of exactly 1 ms
      deadlines.push(deadline);
      waiter.waitUntil(deadline);
      expect(addon.t).toBeGreaterThanOrEqual(deadline);
    }
    // no sample yet: the initial 100 µs margin, at most 0.5 % of the wait, at least 10 µs
    expect(addon.sleptTo[0]).toBe(deadlines[0]! - 10_000);
    // every sleep woke 31 µs after its target (30 µs + the 1 µs read): bucket [30, 31] µs,
    // whose 2 µs of mean spin fit the 5 µs budget
    expect(addon.sleptTo.slice(1).every((t, i) => t === deadlines[i + 1]! - 31_000)).toBe(true);
    expect(waiter.learner.lastMarginNs).toBe(31_000);
    expect(waiter.marginNsFor(1_000_000)).toBe(31_000);
    expect(waiter.marginNsFor(20_000_000)).toBe(100_000); // an unseen wait length: the initial margin
    // the first wait woke 21 µs past its deadline; the others exactly at it (no spin)
    expect(waiter.stats).toEqual({ waits: 102, pastDeadline: 0, sleeps: 102, spinReads: 0, overslept: 1 });
    const summary = waiter.marginSummary();
    expect(summary.mode).toBe('auto');
    expect(summary.classes).toEqual([
      {
        waitFromNs: 512_000,
        waitToNs: 1_024_000,
        samples: 102,
        windowSamples: 102,
        oversleepNs: { p50: 31_000, quantile: 31_000, max: 31_000 },
        marginNs: 31_000,
        lastMarginNs: 31_000,
      },
    ]);
  });

  it('raises the margin when wake-ups get later, and a fixed margin only observes', () => {
    const addon = new FakeAddon();
    const waiter = new NativeWaiter(new NativeClock(addon as unknown as NativeBinding), {
      autoMargin: { maxSpinShare: 1 },
    });
    for (let i = 0; i < 100; i++) waiter.waitUntil(addon.t + 1000 + 10_000_000);
    expect(waiter.marginNsFor(10_000_000)).toBe(31_000);
    addon.oversleepNs = 250_000; // the machine got busy
    waiter.waitUntil(addon.t + 1000 + 10_000_000);
    waiter.waitUntil(addon.t + 1000 + 10_000_000); // 2 of 102 late: p99 (rank 101) is one of them
    expect(waiter.marginNsFor(10_000_000)).toBe(255_000); // 251 µs lies in [240, 255] µs

    const fixedAddon = new FakeAddon();
    const fixed = new NativeWaiter(new NativeClock(fixedAddon as unknown as NativeBinding), {
      marginNs: 20_000,
    });
    expect(fixed.adaptive).toBe(false);
    const deadline = fixedAddon.t + 1000 + 1_000_000;
    for (let i = 0; i < 150; i++) fixed.waitUntil(fixedAddon.t + 1000 + 1_000_000);
    expect(fixedAddon.sleptTo[0]).toBe(deadline - 20_000);
    expect(fixed.marginNsFor(1_000_000)).toBe(20_000);
    expect(fixed.marginSummary()).toMatchObject({
      mode: 'fixed',
      fixedMarginNs: 20_000,
      classes: [{ samples: 150, oversleepNs: { quantile: 31_000 }, marginNs: 31_000 }],
    });
  });

  it('rejects a bad margin, naming the option', () => {
    const clock = new NativeClock(new FakeAddon() as unknown as NativeBinding);
    expect(() => new NativeWaiter(clock, { marginNs: -1 })).toThrow(
      "NativeWaiter: marginNs must be a finite number >= 0 or 'auto', got -1",
    );
    expect(() => new NativeWaiter(clock, { autoMargin: { quantile: 2 } })).toThrow(
      'MarginLearner: quantile must be in (0, 1), got 2',
    );
  });
});

describe('HybridWaiter learns its margin', () => {
  it('measures the oversleep against the end of its own timeout and takes the learned margin from the second wait on', () => {
    const clock = new ScriptedClock();
    const waiter = new HybridWaiter({ clock });
    clock.waiter = waiter;
    expect(waiter.adaptive).toBe(true);
    expect(waiter.marginNs).toBe(200_000); // before the first sample (then at most 0.5 % of the wait)
    const margins: number[] = [];
    for (let i = 0; i < 5; i++) {
      clock.t = 0;
      clock.deadlineNs = 1000 + 1_000_000;
      waiter.waitUntil(clock.deadlineNs);
      expect(clock.t).toBeGreaterThanOrEqual(clock.deadlineNs);
      margins.push(waiter.learner!.lastMarginNs);
    }
    // 10 µs (0.5 % of the 1 ms wait, raised to the minimum), then 31 µs: each sleep woke exactly 30 µs after its timeout ended
    expect(margins).toEqual([10_000, 31_000, 31_000, 31_000, 31_000]);
    expect(waiter.stats.sleeps).toBe(5);
    expect(waiter.marginSummary()!.classes).toMatchObject([
      { waitFromNs: 512_000, samples: 5, oversleepNs: { quantile: 31_000 } },
    ]);
  });

  it('learns nothing in sleep or spin mode; a fixed margin stays fixed', () => {
    expect(new HybridWaiter({ mode: 'sleep' }).learner).toBeNull();
    expect(new HybridWaiter({ mode: 'spin' }).marginSummary()).toBeNull();
    const fixed = new HybridWaiter({ marginNs: 120_000 });
    expect(fixed.adaptive).toBe(false);
    expect(fixed.marginNsFor(1_000_000)).toBe(120_000);
    expect(() => new HybridWaiter({ marginNs: -1 })).toThrow(
      "HybridWaiter: marginNs must be a finite number >= 0 or 'auto', got -1",
    );
  });
});
