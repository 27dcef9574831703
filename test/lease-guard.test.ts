/**
 * The lease guard as tasks see it (`ctx.lease`), on ManualClock: exact valid-until edges
 * against the slot's budget end, the token, the pause re-check (a detected pause blocks
 * output until a renewal sent after it), revoke, and the guard's bad-input errors.
 */
import { describe, expect, it } from 'vitest';
import {
  LEASE_LEADER,
  LEASE_NONE,
  LEASE_PASSIVE,
  LeaseGuard,
  type LeaseGuardSnapshot,
  UNGUARDED_LEASE,
} from '../src/lease/index.js';
import { Executive, type TaskContext } from '../src/runtime/index.js';
import { ManualClock, type Waiter } from '../src/time/clock.js';
import { F, makeMode, makeTable, makeTask } from './helpers/runtime-fixtures.js';

const T0 = 1_000 * F;
const BUDGET = 200_000;

/** Waiter that wakes on time, except `extraNs[frame]` late (a pause before that frame). */
class PausingWaiter implements Waiter {
  readonly kind = 'pausing';
  private i = 0;
  constructor(
    private readonly clock: ManualClock,
    private readonly extraNs: Record<number, number>,
  ) {}
  waitUntil(deadlineNs: number): void {
    const extra = this.extraNs[this.i++] ?? 0;
    if (this.clock.nowNs() < deadlineNs + extra) this.clock.set(deadlineNs + extra);
  }
}

interface Seen {
  frame: number;
  start: number;
  valid: boolean;
  token: number;
}

/** `beforeStep(i, guard)` runs before the i-th `step()` (the keeper's writes between frames). */
function setup(extraNs: Record<number, number> = {}, beforeStep?: (step: number, guard: LeaseGuard) => void) {
  const clock = new ManualClock(T0 - F);
  const guard = LeaseGuard.create({ clock: 'monotonic' });
  const seen: Seen[] = [];
  const out = new Float64Array(1);
  const task = (ctx: TaskContext) => {
    const valid = ctx.lease.valid();
    ctx.lease.tokenInto(out, 0);
    expect(ctx.lease.token()).toBe(out[0]);
    seen.push({ frame: ctx.frameIndex, start: ctx.sliceStartNs, valid, token: out[0]! });
    clock.advance(50_000);
  };
  const tasks = [makeTask(0, 'act', F, BUDGET)];
  const exec = new Executive({
    clock,
    waiter: new PausingWaiter(clock, extraNs),
    modes: [makeMode('main', makeTable(F, tasks, [[{ task: 0, job: 0 }]]), tasks, [task])],
    lease: guard,
  });
  exec.start(T0);
  const run = (frames: number) => {
    for (let i = 0; i < frames; i++) {
      beforeStep?.(i, guard);
      exec.step();
    }
  };
  return { clock, guard, exec, seen, run };
}

describe('ctx.lease (lease guard, ManualClock)', () => {
  it('is false before any grant, then true exactly while valid-until covers the slot budget end', () => {
    const { guard, seen, run } = setup({}, (frame, g) => {
      // Frame k starts at T0 + k·F (wake on time, the slot starts at the wake read).
      // Valid-until = end of frame 2's budget exactly: frames 1 and 2 may act, 3 may not.
      if (frame === 1) g.grant(7, T0 + 2 * F + BUDGET, T0 + F - 1);
    });
    run(4);
    expect(seen.map((s) => [s.frame, s.valid])).toEqual([
      [0, false],
      [1, true],
      [2, true],
      [3, false],
    ]);
    expect(seen.map((s) => s.token)).toEqual([0, 7, 7, 7]);
    expect(guard.deniedCount()).toBe(2);
  });

  it('one ns short of the budget end is not enough', () => {
    const { seen, run } = setup({}, (frame, g) => {
      if (frame === 0) g.grant(3, T0 + BUDGET - 1, T0 - 1);
    });
    run(1);
    expect(seen[0]!.valid).toBe(false);
  });

  it('revoke makes it false at once; the last token stays readable', () => {
    const { guard, seen, run } = setup({}, (frame, g) => {
      if (frame === 0) g.grant(11, T0 + 100 * F, T0 - 1);
      if (frame === 2) g.revoke();
    });
    run(4);
    expect(seen.map((s) => s.valid)).toEqual([true, true, false, false]);
    expect(seen.map((s) => s.token)).toEqual([11, 11, 11, 11]);
    const snap: LeaseGuardSnapshot = { state: -1, term: -1, token: -1, validUntilNs: 0, renewSentNs: 0 };
    expect(guard.readInto(snap)).toBe(true);
    expect(snap).toEqual({
      state: LEASE_PASSIVE,
      term: 1,
      token: 11,
      validUntilNs: Number.NEGATIVE_INFINITY,
      renewSentNs: T0 - 1,
    });
  });

  it('after a detected pause, stays false until a renewal SENT after the pause succeeds', () => {
    const PAUSE = 30 * F; // 30 ms lost before frame 2's wake (pause threshold: 5 ms)
    let pauseAt = Number.NaN;
    const { guard, exec, seen, run } = setup({ 2: PAUSE }, (step, g) => {
      if (step === 0) g.grant(5, T0 + 1000 * F, T0 - 1); // valid for a whole second
      if (step === 3) {
        pauseAt = g.pauseAtNs();
        // A renewal sent before the pause (however late it is confirmed) does not count…
        g.renew(T0 + 2000 * F, pauseAt - 1);
      }
      // …one sent after it does.
      if (step === 4) g.renew(T0 + 2000 * F, pauseAt + 1);
    });
    const seq0 = guard.pauseSeq();
    run(5);
    // Step 2 woke 30 ms after frame 2's release (catch-up then skipped to frame 32, whose
    // window is open, and ran it at once): the pause is noted at that wake.
    expect(pauseAt).toBe(T0 + 2 * F + PAUSE);
    expect(seen.map((s) => s.frame)).toEqual([0, 1, 32, 33, 34]);
    expect(guard.pauseSeq()).toBe(seq0 + 1);
    expect(exec.snapshot().alarms.pause).toBe(1);
    // The lease itself (valid for 1 s) would have covered every slot: only the pause blocks.
    expect(seen.map((s) => s.valid)).toEqual([true, true, false, false, true]);
  });

  it('a loop without a guard is the only writer: valid() always true, token 0', () => {
    const clock = new ManualClock(T0 - F);
    const got: boolean[] = [];
    const tasks = [makeTask(0, 'act', F, BUDGET)];
    const exec = new Executive({
      clock,
      waiter: new PausingWaiter(clock, {}),
      modes: [
        makeMode('main', makeTable(F, tasks, [[{ task: 0, job: 0 }]]), tasks, [
          (ctx) => got.push(ctx.lease.valid() && ctx.lease.token() === 0 && ctx.lease === UNGUARDED_LEASE),
        ]),
      ],
    });
    exec.runFrames(3);
    expect(got).toEqual([true, true, true]);
  });

  it('a second guard object attached to the buffer sees the keeper writes (state, term, token)', () => {
    const rt = LeaseGuard.create({ clock: 'performance' });
    const keeper = LeaseGuard.attach(rt.buffer);
    expect(keeper.clock).toBe('performance');
    const snap: LeaseGuardSnapshot = { state: -1, term: -1, token: -1, validUntilNs: 0, renewSentNs: 0 };
    rt.readInto(snap);
    expect(snap.state).toBe(LEASE_NONE);
    keeper.grant(41, 5e9, 1e9);
    keeper.grant(42, 6e9, 2e9);
    keeper.renew(7e9, 3e9);
    rt.readInto(snap);
    expect(snap).toEqual({ state: LEASE_LEADER, term: 2, token: 42, validUntilNs: 7e9, renewSentNs: 3e9 });
    // "Now" on the RT thread's clock, from the attached object: same thread here, so ≈ performance.now().
    const diffMs = Math.abs(keeper.nowNs() / 1e6 - performance.now());
    expect(diffMs).toBeLessThan(5);
  });

  it('bad input: attach to something that is not a guard, create with an unknown clock', () => {
    expect(() => LeaseGuard.attach(new SharedArrayBuffer(8))).toThrow(
      expect.objectContaining({
        code: 'usage',
        message: 'not a hardtick lease guard buffer (too small or not shared)',
      }),
    );
    expect(() => LeaseGuard.attach(new SharedArrayBuffer(256))).toThrow(
      expect.objectContaining({
        code: 'usage',
        message: 'not a hardtick lease guard buffer (bad magic or version)',
      }),
    );
    expect(() => LeaseGuard.create({ clock: 'wall' as 'monotonic' })).toThrow(
      expect.objectContaining({
        code: 'usage',
        message: 'LeaseGuard.create: clock must be "monotonic" or "performance", got wall',
      }),
    );
  });
});
