/**
 * The executive's lease gate (hot standby), on ManualClock: a frame whose wake finds the
 * loop not leading keeps the grid but runs no task and counts as a standby frame, not a
 * frame run or skipped; its jobs are not releases; a late wake while standby moves on
 * without `skipped-frames`; a sliced job cut off by losing the lease is not run (cut off, a
 * deadline miss), and one released in a standby frame is passed over uncounted when
 * leadership returns.
 */
import { describe, expect, it } from 'vitest';
import { LeaseGuard } from '../src/lease/index.js';
import { EV_RUN, Executive, evidenceSize, RC_STANDBY_FRAMES } from '../src/runtime/index.js';
import { ManualClock, type Waiter } from '../src/time/clock.js';
import { F, makeMode, makeTable, makeTask, scripted } from './helpers/runtime-fixtures.js';

const T0 = 1_000 * F;

/** Wakes on time, except `extraNs[i]` late on the i-th wait. */
class PausingWaiter implements Waiter {
  readonly kind = 'pausing';
  private i = 0;
  constructor(
    private readonly clock: ManualClock,
    private readonly extraNs: Record<number, number> = {},
  ) {}
  waitUntil(deadlineNs: number): void {
    const extra = this.extraNs[this.i++] ?? 0;
    if (this.clock.nowNs() < deadlineNs + extra) this.clock.set(deadlineNs + extra);
  }
}

/** An executive running `act` every frame under `guard` (as ctx.lease, and as the gate unless `gate` is false). */
function oneTask(guard: LeaseGuard, extraNs: Record<number, number> = {}, gate = true) {
  const clock = new ManualClock(T0 - F);
  const act = scripted(clock, [100_000]);
  const tasks = [makeTask(0, 'act', F, 200_000)];
  const exec = new Executive({
    clock,
    waiter: new PausingWaiter(clock, extraNs),
    modes: [makeMode('main', makeTable(F, tasks, [[{ task: 0, job: 0 }]]), tasks, [act])],
    lease: guard,
    ...(gate ? { leaseGate: guard } : {}),
  });
  exec.start(T0);
  return { exec, act };
}

/** Steps the executive once per entry, granting ('L') or revoking ('S') the lease before each. */
function drive(exec: Executive, guard: LeaseGuard, roles: string): void {
  let token = 0;
  for (const role of roles) {
    if (role === 'L' && !guard.leading()) guard.grant(++token, Number.POSITIVE_INFINITY, 0);
    if (role === 'S' && guard.leading()) guard.revoke();
    exec.step();
  }
}

describe('lease gate (ExecutiveOptions.leaseGate)', () => {
  it('runs tasks only in frames that lead; the others are standby frames, not runs, skips or releases', () => {
    const guard = LeaseGuard.create();
    const { exec, act } = oneTask(guard);
    drive(exec, guard, 'SSLLLSSL');
    expect(act.seen.map((c) => c.frameIndex)).toEqual([2, 3, 4, 7]);
    const s = exec.snapshot();
    expect(s.frames).toEqual({ count: 4, overruns: 0, skipped: 0, lostToPause: 0, cutOff: 0, standby: 4 });
    expect(s.standbyFrames).toBe(4);
    expect(s.nextFrameIndex).toBe(8);
    expect(exec.standbyFrames).toBe(4);
    expect(s.tasks[0]).toMatchObject({ releases: 4, runs: 4, skipped: 0, deadlineMisses: 0, overruns: 0 });
    // Release lateness covers the frames run only.
    expect(s.release.latenessNs.count).toBe(4);
    expect(Object.values(s.alarms).reduce((a, b) => a + b, 0)).toBe(0);
    // The evidence block carries the count at RC_STANDBY_FRAMES.
    const ev = new Float64Array(evidenceSize(1));
    exec.evidenceInto(ev, 0);
    expect(ev[EV_RUN + RC_STANDBY_FRAMES]).toBe(4);
    // The grid is kept: frame 7 was released at T0 + 7 frames.
    expect(act.seen.at(-1)!.sliceStartNs).toBe(T0 + 7 * F);
  });

  it('a late wake while standby moves on to the open frame: the frames passed are standby, no skipped-frames', () => {
    const guard = LeaseGuard.create();
    // Frame 1's wake comes 30.5 frames late.
    const { exec, act } = oneTask(guard, { 1: 30 * F + F / 2 });
    const pauses = guard.pauseSeq();
    drive(exec, guard, 'SSL');
    // Frames 0 and 1..31 standby (frame 31's window was open at the wake: it is passed
    // too), then frame 32 leads.
    expect(act.seen.map((c) => c.frameIndex)).toEqual([32]);
    const s = exec.snapshot();
    expect(s.frames).toEqual({ count: 1, overruns: 0, skipped: 0, lostToPause: 0, cutOff: 0, standby: 32 });
    expect(s.standbyFrames).toBe(32);
    expect(s.alarms['skipped-frames']).toBe(0);
    expect(s.alarms.pause).toBe(1);
    // The pause still reaches the guard: authority waits for a renewal sent after it.
    expect(guard.pauseSeq()).toBe(pauses + 1);
    expect(s.tasks[0]).toMatchObject({ releases: 1, runs: 1, skipped: 0, deadlineMisses: 0 });
  });

  it('a sliced job cut off by standby is not run (cut off, a miss); one released in standby is passed over uncounted', () => {
    const clock = new ManualClock(T0 - F);
    const guard = LeaseGuard.create();
    const b = scripted(clock, [100_000]);
    // One job per two frames, in two slices (frames 0 and 1 of the hyperperiod).
    const tasks = [makeTask(0, 'b', 2 * F, 400_000)];
    const table = makeTable(F, tasks, [
      [{ task: 0, job: 0, slice: 0, budgetNs: 200_000, last: false }],
      [{ task: 0, job: 0, slice: 1, budgetNs: 200_000, last: true }],
    ]);
    const exec = new Executive({
      clock,
      waiter: new PausingWaiter(clock),
      modes: [makeMode('main', table, tasks, [b])],
      lease: guard,
      leaseGate: guard,
    });
    exec.start(T0);
    // Job 0: slice 0 leads, slice 1 standby (cut off). Job 1: slice 0 standby, slice 1
    // leads (not run: never released). Job 2: both slices lead.
    drive(exec, guard, 'LSSLLL');
    expect(b.seen.map((c) => [c.frameIndex, c.slice])).toEqual([
      [0, 0],
      [4, 0],
      [5, 1],
    ]);
    const s = exec.snapshot();
    // Job 0 never completes: cut off by losing the lease, a deadline miss; not `skipped`
    // (catch-up, pause and skip-next drops only).
    expect(s.tasks[0]).toMatchObject({ releases: 2, runs: 3, jobsRun: 1, skipped: 0, deadlineMisses: 1 });
    expect(s.tasks[0]!.notRun).toEqual({ policy: 0, catchUp: 0, pause: 0, unavailable: 0, cutOff: 1 });
    expect(s.frames).toEqual({ count: 4, overruns: 0, skipped: 0, lostToPause: 0, cutOff: 0, standby: 2 });
    expect(s.standbyFrames).toBe(2);
  });

  it('without a gate nothing changes: the guard alone only answers ctx.lease', () => {
    const guard = LeaseGuard.create();
    const { exec, act } = oneTask(guard, {}, false);
    drive(exec, guard, 'SSL');
    expect(act.calls).toBe(3);
    expect(exec.snapshot().frames).toEqual({
      count: 3,
      overruns: 0,
      skipped: 0,
      lostToPause: 0,
      cutOff: 0,
      standby: 0,
    });
    expect(exec.snapshot().standbyFrames).toBe(0);
  });
});
