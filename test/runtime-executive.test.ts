import { describe, expect, it } from 'vitest';
import { HardtickError } from '../src/errors.js';
import { Executive, type TaskContext } from '../src/runtime/index.js';
import { ManualClock, ManualWaiter } from '../src/time/clock.js';
import {
  CountingClock,
  F,
  makeMode,
  makeTable,
  makeTask,
  ScriptedWaiter,
  scripted,
} from './helpers/runtime-fixtures.js';

const T0 = 10 * F;

/** A: 1 ms period, 200 µs budget; B: 2 ms period, 300 µs budget. Frames: [A0 B0] [A1]. */
function twoTasks(aExec: number[], bExec: number[], lateNs: number[] = [0]) {
  const clock = new CountingClock();
  const tasks = [makeTask(0, 'A', F, 200_000), makeTask(1, 'B', 2 * F, 300_000)];
  const table = makeTable(F, tasks, [
    [
      { task: 0, job: 0 },
      { task: 1, job: 0 },
    ],
    [{ task: 0, job: 1 }],
  ]);
  const a = scripted(clock, aExec);
  const b = scripted(clock, bExec);
  const exec = new Executive({
    clock,
    waiter: new ScriptedWaiter(clock, lateNs),
    modes: [makeMode('main', table, tasks, [a, b])],
    traceCapacity: 64,
  });
  return { clock, exec, a, b };
}

describe('Executive: frames, measurement, statistics', () => {
  it('releases frames at t0 + k·f and fills the context', () => {
    const { exec, a, b } = twoTasks([100_000], [300_000]);
    exec.start(T0);
    expect(exec.nextReleaseNs()).toBe(T0);
    expect(exec.runFrames(3)).toBe(3);
    expect(exec.nextReleaseNs()).toBe(T0 + 3 * F);
    expect(a.seen.map((c) => [c.frameIndex, c.jobIndex, c.releaseNs, c.deadlineNs, c.sliceStartNs])).toEqual([
      [0, 0, T0, T0 + F, T0],
      [1, 1, T0 + F, T0 + 2 * F, T0 + F],
      [2, 0, T0 + 2 * F, T0 + 3 * F, T0 + 2 * F],
    ]);
    expect(b.seen.map((c) => [c.frameIndex, c.jobIndex, c.releaseNs, c.deadlineNs, c.sliceStartNs])).toEqual([
      [0, 0, T0, T0 + 2 * F, T0 + 100_000],
      [2, 0, T0 + 2 * F, T0 + 4 * F, T0 + 2 * F + 100_000],
    ]);
    const c = b.seen[0]!;
    expect([c.taskIndex, c.taskName, c.modeName, c.slice, c.budgetNs, c.degraded]).toEqual([
      1,
      'B',
      'main',
      0,
      300_000,
      false,
    ]);
  });

  it('reads the clock N+1 times per frame (shared timestamps)', () => {
    const { clock, exec } = twoTasks([100_000], [300_000]);
    exec.start(T0);
    clock.reads = 0;
    exec.step(); // frame 0: wake + A + B
    expect(clock.reads).toBe(3);
    exec.step(); // frame 1: wake + A
    expect(clock.reads).toBe(5);
  });

  it('hands the same context object to every call; remainingNs = slice start + budget − now', () => {
    const clock = new ManualClock();
    const tasks = [makeTask(0, 'A', F, 200_000), makeTask(1, 'B', F, 300_000)];
    const table = makeTable(F, tasks, [
      [
        { task: 0, job: 0 },
        { task: 1, job: 0 },
      ],
    ]);
    const ctxs: TaskContext[] = [];
    const remaining: number[] = [];
    const fn = (spend: number) => (ctx: TaskContext) => {
      ctxs.push(ctx);
      remaining.push(ctx.remainingNs());
      clock.advance(spend);
      remaining.push(ctx.remainingNs());
      expect(ctx.clock).toBe(clock);
    };
    const exec = new Executive({
      clock,
      waiter: new ManualWaiter(clock),
      modes: [makeMode('main', table, tasks, [fn(50_000), fn(400_000)])],
    });
    exec.start(T0);
    exec.step();
    expect(ctxs[0]).toBe(ctxs[1]);
    expect(remaining).toEqual([200_000, 150_000, 300_000, -100_000]);
  });

  it('pins exec min/mean/max, the high-water frame, response time and lateness', () => {
    // A: 100, 250, 150, 120 µs; B: 300, 350 µs; wake-ups late by 0, 5, 0, 20 µs.
    const { exec } = twoTasks(
      [100_000, 250_000, 150_000, 120_000],
      [300_000, 350_000],
      [0, 5_000, 0, 20_000],
    );
    exec.start(T0);
    exec.runFrames(4);
    const s = exec.snapshot();
    const [a, b] = s.tasks;
    expect(a).toMatchObject({
      name: 'A',
      mode: 'main',
      releases: 4,
      runs: 4,
      overruns: 1,
      deadlineMisses: 0,
    });
    expect(a!.execNs).toMatchObject({ count: 4, min: 100_000, max: 250_000, mean: 155_000 });
    expect(a!.execMaxFrame).toBe(1);
    // Response = completion − job release: lateness + exec (A is first in its frames).
    expect(a!.responseNs).toMatchObject({ count: 4, min: 100_000, max: 255_000 });
    expect(a!.responseNs.mean).toBe((100_000 + 255_000 + 150_000 + 140_000) / 4);
    // B runs after A: response = exec(A) + exec(B) (+ lateness).
    expect(b).toMatchObject({ releases: 2, runs: 2, overruns: 1, execMaxFrame: 2 });
    expect(b!.execNs).toMatchObject({ min: 300_000, max: 350_000, mean: 325_000 });
    expect(b!.responseNs).toMatchObject({ min: 400_000, max: 500_000 });
    expect(s.release.latenessNs).toMatchObject({ count: 4, min: 0, max: 20_000, mean: 25_000 / 4 });
    expect(s.frames).toEqual({ count: 4, overruns: 0, skipped: 0, lostToPause: 0, cutOff: 0, standby: 0 });
    expect(s.alarms.overrun).toBe(2);
    expect(s.elapsedNs).toBe(3 * F + 20_000 + 120_000);
    expect(s.startNs).toBe(T0);
    expect(s.nextFrameIndex).toBe(4);
    expect(a!.execHistogram.reduce((n, [, , c]) => n + c, 0)).toBe(4);
  });

  it('runUntil runs the frames released before endNs; step returns false once stopped', () => {
    const { exec } = twoTasks([100_000], [100_000]);
    exec.start(T0);
    expect(exec.runUntil(T0 + 5 * F)).toBe(5);
    expect(exec.runUntil(T0 + 5 * F)).toBe(0);
    expect(exec.step()).toBe(true);
    exec.requestStop();
    expect(exec.stopped).toBe(false);
    expect(exec.step()).toBe(false);
    expect(exec.stopped).toBe(true);
    expect(exec.stopReason).toBe('requested');
    expect(exec.snapshot().frames.count).toBe(6);
    expect(exec.runFrames(10)).toBe(0);
  });

  it('requestStop from inside a task stops after the current frame', () => {
    const clock = new ManualClock();
    const tasks = [makeTask(0, 'A', F, 200_000), makeTask(1, 'B', F, 200_000)];
    const table = makeTable(F, tasks, [
      [
        { task: 0, job: 0 },
        { task: 1, job: 0 },
      ],
    ]);
    let bCalls = 0;
    const exec: Executive = new Executive({
      clock,
      waiter: new ManualWaiter(clock),
      modes: [makeMode('main', table, tasks, [() => exec.requestStop(), () => void bCalls++])],
    });
    exec.start(T0);
    expect(exec.runFrames(5)).toBe(1);
    expect(bCalls).toBe(1);
    expect(exec.stopReason).toBe('requested');
  });

  it('a shared stop flag stops the loop before the next frame with reason "signal"', () => {
    const { exec } = twoTasks([1], [1]);
    const flag = new Int32Array(new SharedArrayBuffer(4));
    const clock = new ManualClock();
    const tasks = [makeTask(0, 'A', F, 200_000)];
    const e2 = new Executive({
      clock,
      waiter: new ManualWaiter(clock),
      modes: [makeMode('main', makeTable(F, tasks, [[{ task: 0, job: 0 }]]), tasks, [() => {}])],
      stopFlag: flag,
    });
    e2.start(T0);
    expect(e2.runFrames(3)).toBe(3);
    Atomics.store(flag, 0, 1);
    expect(e2.step()).toBe(false);
    expect(e2.stopReason).toBe('signal');
    expect(e2.snapshot().frames.count).toBe(3);
    expect(exec.stopped).toBe(false);
  });

  it('start() defaults t0 to now rounded up to a frame plus one frame', () => {
    const clock = new ManualClock(5 * F + 1);
    const tasks = [makeTask(0, 'A', F, 200_000)];
    const exec = new Executive({
      clock,
      waiter: new ManualWaiter(clock),
      modes: [makeMode('main', makeTable(F, tasks, [[{ task: 0, job: 0 }]]), tasks, [() => {}])],
    });
    exec.start();
    expect(exec.nextReleaseNs()).toBe(7 * F);
  });

  it('records the last slots in the trace ring', () => {
    const { exec } = twoTasks([100_000], [300_000]);
    exec.start(T0);
    exec.runFrames(2);
    expect(exec.trace().map((r) => [r.frame, r.slot, r.task, r.startNs, r.endNs])).toEqual([
      [0, 0, 0, T0, T0 + 100_000],
      [0, 1, 1, T0 + 100_000, T0 + 400_000],
      [1, 0, 0, T0 + F, T0 + F + 100_000],
    ]);
  });
});

describe('Executive: bad input', () => {
  const clock = new ManualClock();
  const waiter = new ManualWaiter(clock);
  const tasks = [makeTask(0, 'A', F, 200_000)];
  const table = makeTable(F, tasks, [[{ task: 0, job: 0 }]]);
  const mode = makeMode('main', table, tasks, [() => {}]);

  function usageError(fn: () => unknown): HardtickError {
    try {
      fn();
    } catch (e) {
      expect(e).toBeInstanceOf(HardtickError);
      expect((e as HardtickError).code).toBe('usage');
      return e as HardtickError;
    }
    throw new Error('expected a throw');
  }

  it('rejects an empty mode list', () => {
    expect(usageError(() => new Executive({ clock, waiter, modes: [] })).message).toBe(
      'Executive: at least one mode is required',
    );
  });
  it('rejects duplicate mode names', () => {
    expect(usageError(() => new Executive({ clock, waiter, modes: [mode, mode] })).message).toBe(
      "Executive: duplicate mode name 'main'",
    );
  });
  it('rejects missing functions', () => {
    expect(usageError(() => new Executive({ clock, waiter, modes: [{ ...mode, fns: [] }] })).message).toBe(
      "Executive: mode 'main': fns, degraded and safeState must have one entry per task (1)",
    );
  });
  it('rejects degrade/safe-state policies without their function', () => {
    const d = [makeTask(0, 'A', F, 1, { overrun: { action: 'degrade' } })];
    expect(
      usageError(() => new Executive({ clock, waiter, modes: [makeMode('main', table, d, [() => {}])] }))
        .message,
    ).toBe("Executive: mode 'main': task 'A' has policy 'degrade' but no degraded function");
    const s = [makeTask(0, 'A', F, 1, { overrun: { action: 'safe-state' } })];
    expect(
      usageError(() => new Executive({ clock, waiter, modes: [makeMode('main', table, s, [() => {}])] }))
        .message,
    ).toBe("Executive: mode 'main': task 'A' has policy 'safe-state' but no safe-state function");
  });
  it('rejects a slot naming a task the mode lacks', () => {
    const two = [makeTask(0, 'A', F, 1), makeTask(1, 'B', F, 1)];
    const t2 = makeTable(F, two, [[{ task: 1, job: 0 }]]);
    expect(
      usageError(() => new Executive({ clock, waiter, modes: [makeMode('main', t2, tasks, [() => {}])] }))
        .message,
    ).toBe("Executive: mode 'main': slot 0 names task 1, but the mode has 1");
  });
  it('rejects bad options', () => {
    expect(usageError(() => new Executive({ clock, waiter, modes: [mode], initialMode: 1 })).message).toBe(
      'Executive: initialMode 1 is not a mode index (0..0)',
    );
    expect(
      usageError(
        () => new Executive({ clock, waiter, modes: [mode], catchUp: { policy: 'run', maxFrames: -1 } }),
      ).message,
    ).toBe('Executive: catchUp.maxFrames must be an integer >= 0, got -1');
    expect(usageError(() => new Executive({ clock, waiter, modes: [mode], alarmCapacity: 0 })).message).toBe(
      'Executive: alarmCapacity must be an integer >= 1, got 0',
    );
    expect(
      usageError(() => new Executive({ clock, waiter, modes: [mode], traceCapacity: 1.5 })).message,
    ).toBe('Executive: traceCapacity must be an integer >= 0, got 1.5');
    expect(usageError(() => new Executive({ clock, waiter, modes: [mode], releaseLateNs: -1 })).message).toBe(
      'Executive: releaseLateNs must be >= 0, got -1',
    );
  });
  it('rejects a second start and an unknown mode', () => {
    const exec = new Executive({ clock, waiter, modes: [mode] });
    exec.start(T0);
    expect(usageError(() => exec.start(T0)).message).toBe('Executive.start: already started');
    expect(usageError(() => exec.requestMode('nope')).message).toBe(
      "Executive.requestMode: unknown mode 'nope' (modes: main)",
    );
  });
});
