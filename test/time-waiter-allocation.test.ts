/**
 * Allocation gate for HybridWaiter.waitUntil: with a clock that allocates nothing, a warmed
 * waiter (fixed margin, sleep-only, and learning its margin) must cause no GC and no heap
 * growth over 10^5 waits. This pins the timeout table
 * trick (a computed fractional `Atomics.wait` timeout would box a 16-byte HeapNumber per
 * call: ~1.6 MB over this run, several scavenges).
 */
import { PerformanceObserver } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import type { Clock } from '../src/time/clock.js';
import { HybridWaiter, TIMEOUT_TABLE_MAX_NS } from '../src/time/hybrid-waiter.js';
import { tryLowerTimerSlack } from '../src/time/timer-slack.js';

/**
 * A fake clock that advances `stepNs` per read and never allocates: its values stay small
 * integers (Smis, below 2^30) because the test rewinds it before each wait. Real
 * `Atomics.wait` sleeps still happen (for the timeout the fake time asks for), so fake
 * waits are kept short.
 */
class SteppingClock implements Clock {
  readonly kind = 'stepping';
  t = 0;
  stepNs = 10_000;
  nowNs(): number {
    this.t += this.stepNs;
    return this.t;
  }
}

/** Deadline of a long wait: with 20 ms steps, one whole-ms sleep of 20 ms, one table sleep. */
const LONG_DEADLINE_NS = 2 * TIMEOUT_TABLE_MAX_NS + 500_000;

/** `n` short waits of every kind, cycling, so each branch of waitUntil stays warm. */
function waitMany(waiter: HybridWaiter, clock: SteppingClock, n: number): void {
  clock.stepNs = 10_000;
  for (let i = 0; i < n; i++) {
    clock.t = 0;
    const kind = i & 3;
    if (kind === 0)
      waiter.waitUntil(0); // already passed
    else if (kind === 1)
      waiter.waitUntil(150_000); // inside the margin: spin only
    else if (kind === 2)
      waiter.waitUntil(220_000); // one table sleep of 10 µs, then spin
    else waiter.waitUntil(205_000); // less than one table step to sleep: spin only
  }
}

/** `n` short waits of a sleep-only waiter: one 20 µs table sleep (rounded up), or none. */
function waitSleepOnly(waiter: HybridWaiter, clock: SteppingClock, n: number): void {
  for (let i = 0; i < n; i++) {
    clock.t = 0;
    waiter.waitUntil((i & 1) === 0 ? 20_000 : 0);
  }
}

/**
 * `n` short waits of a learning waiter (`marginNs: 'auto'`): waits of 30 and 50 µs (two
 * wait classes), a 10 µs margin (5 % of the wait, raised to the minimum), one or more table
 * sleeps, a recorded oversleep, then a spin. With `halfWindow: 100` the learner switches
 * banks every 100 sleeps of a class, so that path runs too.
 */
function waitAuto(waiter: HybridWaiter, clock: SteppingClock, n: number): void {
  clock.stepNs = 10_000;
  for (let i = 0; i < n; i++) {
    clock.t = 0;
    waiter.waitUntil((i & 1) === 0 ? 40_000 : 60_000);
  }
}

/** `n` long waits: the whole-millisecond (Smi timeout) path; ~20 ms of real time each. */
function waitLong(waiter: HybridWaiter, clock: SteppingClock, n: number): void {
  clock.stepNs = TIMEOUT_TABLE_MAX_NS;
  for (let i = 0; i < n; i++) {
    clock.t = 0;
    waiter.waitUntil(LONG_DEADLINE_NS);
  }
  clock.stepNs = 10_000;
}

describe('HybridWaiter allocation', () => {
  it('allocates nothing per wait after warm-up (no GC, no heap growth over 10^5 waits)', async () => {
    tryLowerTimerSlack(1); // shorter real sleeps, faster test; irrelevant to allocation
    const clock = new SteppingClock();
    const waiter = new HybridWaiter({ clock, marginNs: 200_000 });
    const sleepOnly = new HybridWaiter({ clock, mode: 'sleep' });
    const auto = new HybridWaiter({ clock, autoMargin: { halfWindow: 100 } });

    // Warm-up: every path runs in the interpreter first (so the optimised code has
    // feedback for all branches and never deoptimises later), then enough calls to tier up.
    // Short waits come first: V8 allocates a function's feedback vector only after a few
    // calls, and a path taken only before that (here the long sleep) would have no
    // feedback, deopt when taken again and leave waitUntil unoptimised (boxing doubles)
    // while it re-tiers. The last round and the pause let any re-optimisation finish
    // before the measured loop.
    waitMany(waiter, clock, 100);
    waitSleepOnly(sleepOnly, clock, 100);
    waitAuto(auto, clock, 100);
    waitLong(waiter, clock, 3);
    for (let round = 0; round < 3; round++) {
      waitMany(waiter, clock, 10_000);
      waitSleepOnly(sleepOnly, clock, 5_000);
      waitAuto(auto, clock, 2_000);
    }
    waitLong(waiter, clock, 2);
    waitMany(waiter, clock, 10_000);
    waitSleepOnly(sleepOnly, clock, 5_000);
    waitAuto(auto, clock, 2_000);
    await new Promise((resolve) => setTimeout(resolve, 50));

    // Count only GCs that *start* inside the measured loop: after it, the event loop turn
    // below may run V8's idle-time memory reducer, which is not the waiter's doing.
    const gcStartsMs: number[] = [];
    const observer = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) gcStartsMs.push(entry.startTime);
    });
    observer.observe({ entryTypes: ['gc'] });
    const sleepsBefore = waiter.stats.sleeps;
    const autoSleepsBefore = auto.stats.sleeps;
    const heapBefore = process.memoryUsage().heapUsed;
    const startMs = performance.now();
    waitMany(waiter, clock, 100_000);
    waitLong(waiter, clock, 3);
    waitSleepOnly(sleepOnly, clock, 10_000);
    waitAuto(auto, clock, 10_000);
    const heapAfter = process.memoryUsage().heapUsed;
    const endMs = performance.now();
    // GC entries are delivered asynchronously: give them a turn of the event loop.
    await new Promise((resolve) => setTimeout(resolve, 50));
    observer.disconnect();

    const growth = heapAfter - heapBefore;
    const gcInLoop = gcStartsMs.filter((t) => t >= startMs && t <= endMs).length;
    // a computed double per sleep would be ≥ 16 B × 25 000 sleeps ≈ 400 KB
    expect(waiter.stats.sleeps - sleepsBefore).toBeGreaterThanOrEqual(25_000);
    // the learning waiter slept and recorded every time (two wait classes, 18 100 waits in all)
    expect(auto.stats.sleeps - autoSleepsBefore).toBeGreaterThanOrEqual(10_000);
    expect(auto.marginSummary()!.classes.map((c) => c.samples)).toEqual([9_050, 9_050]);
    expect(gcInLoop, `GC events during 10^5 waits (heap growth ${growth} B)`).toBe(0);
    expect(growth).toBeLessThan(64 * 1024);
  });
});
