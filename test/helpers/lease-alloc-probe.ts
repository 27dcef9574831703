/**
 * Allocation probe for the lease guard on the RT side, run in a child process:
 *
 *   node --expose-gc --no-memory-reducer --import tsx test/helpers/lease-alloc-probe.ts <variant> [iterations]
 *
 * - `executive`: an executive on a Float64Array clock (fractional, non-Smi times, as a
 *   native clock gives) with a lease guard; every slot calls `ctx.lease.valid()`,
 *   `ctx.lease.token()` and `ctx.lease.tokenInto()`. Iterations are frames.
 * - `guard`: the RT-side guard calls in a tight loop, from one call site each, as the
 *   executive makes them: `valid()`, `token()`, `tokenInto()` and `notePauseAt` (Atomics
 *   stores and an add) per iteration, so `valid()` answers both ways (a pause blocks it
 *   until the next renewal, written once per measured call from the cold side).
 * - `standby`: the same executive as `executive`, lease-gated (`leaseGate`: the hot-standby
 *   frame gate): 64-frame stretches alternately leading and standby (the keeper's
 *   grant/revoke between them), every other standby stretch opening with a wake 3.5 frames
 *   late (the standby catch-up). Iterations are frames (run or standby).
 * Why the executive's pause path is not measured here: raising any alarm (`pause`,
 * `release-late`, `skipped-frames`) from that executive loop showed ~120 B per alarm with
 * or without a lease guard (a rare branch run in unoptimised code), which is the
 * executive's own figure, not the guard's; see the report.
 * Method: test/helpers/alloc-measure.ts. Prints one JSON line: { iterations, gcEvents,
 * heapDeltaBytes, nsPerIteration, validTrue, validFalse }.
 */
import { LeaseGuard } from '../../src/lease/guard.js';
import { Executive, type TaskContext } from '../../src/runtime/index.js';
import type { Clock, Waiter } from '../../src/time/clock.js';
import { measureAllocation } from './alloc-measure.js';
import { compileEachFunctionAlone, printResult } from './probe-child.js';
import { F, makeMode, makeTable, makeTask } from './runtime-fixtures.js';

compileEachFunctionAlone();
const variant = process.argv[2] ?? 'executive';
const iterations = Number(process.argv[3] ?? 200_000);

class BufferClock implements Clock {
  readonly kind = 'buffer';
  readonly buf = new Float64Array(1);
  constructor(startNs: number) {
    this.buf[0] = startNs;
  }
  nowNs(): number {
    return this.buf[0]!;
  }
  spend(ns: number): void {
    this.buf[0] = this.buf[0]! + ns;
  }
}
/**
 * Wakes 0.375 ns late (a native clock's fractional times; no alarm), plus `extra[0]` ns
 * once when it is set (a late wake; consumed).
 */
class LateWaiter implements Waiter {
  readonly kind = 'buffer';
  readonly extra = new Float64Array(1);
  constructor(private readonly clock: BufferClock) {}
  waitUntil(deadlineNs: number): void {
    const b = this.clock.buf;
    if (b[0]! < deadlineNs) b[0] = deadlineNs + 0.375 + this.extra[0]!;
    this.extra[0] = 0;
  }
}

const clock = new BufferClock(30 * 86_400e9 + 0.5);
const guard = LeaseGuard.create({ clock: 'monotonic' });
const counts = new Float64Array(3); // valid true, valid false, token sum
const tok = new Float64Array(1);
const act = (spendNs: number) => (ctx: TaskContext) => {
  if (ctx.lease.valid()) counts[0]!++;
  else counts[1]!++;
  ctx.lease.tokenInto(tok, 0);
  counts[2] = counts[2]! + ctx.lease.token() + tok[0]!;
  clock.spend(spendNs);
};
const tasks = [makeTask(0, 'a', F, 200_000), makeTask(1, 'b', 2 * F, 300_000)];
const table = makeTable(F, tasks, [
  [
    { task: 0, job: 0 },
    { task: 1, job: 0 },
  ],
  [{ task: 0, job: 1 }],
]);
const waiter = new LateWaiter(clock);
const exec = new Executive({
  clock,
  waiter,
  modes: [makeMode('main', table, tasks, [act(100_000.25), act(150_000.125)])],
  lease: guard,
});
exec.start();

function runExecutive(n: number): void {
  exec.runFrames(n);
}

const gatedGuard = LeaseGuard.create({ clock: 'monotonic' });
const gated = new Executive({
  clock,
  waiter,
  modes: [makeMode('main', table, tasks, [act(100_000.25), act(150_000.125)])],
  lease: gatedGuard,
  leaseGate: gatedGuard,
});
/** Frames per leading or standby stretch of the `standby` variant. */
const STRETCH = 64;
/** [stretches so far]. */
const stretches = new Float64Array(1);
function runStandby(n: number): void {
  for (let done = 0; done < n; done += STRETCH) {
    const k = stretches[0]!;
    stretches[0] = k + 1;
    // The keeper's writes, between frames (cold side; allocation-free too).
    if (k % 2 === 0) gatedGuard.grant(k + 1, Number.POSITIVE_INFINITY, 0);
    else {
      gatedGuard.revoke();
      if (k % 4 === 3) waiter.extra[0] = 3_500_000; // standby catch-up: 3.5 frames late, no pause alarm
    }
    gated.runUntil(gated.nextReleaseNs() + STRETCH * 1_000_000);
  }
}

/** The slot window (fields start as non-integer doubles, as in the executive's context). */
class Slot {
  sliceStartNs = 30 * 86_400e9 + 0.5;
  budgetNs = 200_000.5;
}
const slot = new Slot();
const lease = guard.taskLease(slot);
const wake = new Float64Array(1);
function runGuard(n: number): void {
  // The keeper's renewal (cold side, once per call): sent now, valid far ahead.
  // Sent after the last noted pause: the first iteration of each call may act, the rest not.
  guard.renew(slot.sliceStartNs + 1e15, slot.sliceStartNs + 1);
  for (let i = 0; i < n; i++) {
    slot.sliceStartNs += 1_000_000.25;
    if (lease.valid()) counts[0]!++;
    else counts[1]!++;
    lease.tokenInto(tok, 0);
    counts[2] = counts[2]! + lease.token() + tok[0]!;
    // Every frame "detects a pause" (the rare case made common, so no branch stays cold).
    wake[0] = slot.sliceStartNs;
    guard.notePauseAt(wake, 0);
  }
}

guard.grant(123_456, clock.nowNs() + 1e15, clock.nowNs());
let run: (n: number) => void;
if (variant === 'executive') run = runExecutive;
else if (variant === 'guard') run = runGuard;
else if (variant === 'standby') {
  gated.start();
  run = runStandby;
} else throw new Error(`unknown variant ${variant}`);
const m = await measureAllocation(run, iterations);
printResult({
  ...m,
  validTrue: counts[0],
  validFalse: counts[1],
  framesRun: gated.framesRun,
  standbyFrames: gated.standbyFrames,
});
