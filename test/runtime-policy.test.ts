import { describe, expect, it } from 'vitest';
import type { OverrunPolicy } from '../src/config/types.js';
import { type AlarmRecordView, Executive, type TaskContext, type TaskFn } from '../src/runtime/index.js';
import { ManualClock, ManualWaiter } from '../src/time/clock.js';
import { F, makeMode, makeTable, makeTask, scripted } from './helpers/runtime-fixtures.js';

const T0 = 10 * F;
const BUDGET = 100_000;
const OVER = 150_000;
const OK = 50_000;

/** One task A (1 ms, 100 µs budget) alone in a one-frame table, with `policy`. */
function single(
  execNs: number[],
  policy: Partial<OverrunPolicy>,
  extra: { degraded?: TaskFn; safeState?: TaskFn; throwOn?: number[] } = {},
) {
  const clock = new ManualClock();
  const tasks = [makeTask(0, 'A', F, BUDGET, { overrun: policy })];
  const a = scripted(clock, execNs, extra.throwOn);
  const exec = new Executive({
    clock,
    waiter: new ManualWaiter(clock),
    modes: [
      makeMode('main', makeTable(F, tasks, [[{ task: 0, job: 0 }]]), tasks, [a], {
        degraded: [extra.degraded ?? null],
        safeState: [extra.safeState ?? null],
      }),
    ],
  });
  exec.start(T0);
  return { clock, exec, a };
}

function drain(exec: Executive): string[] {
  const out: string[] = [];
  exec.drainAlarms(
    (v: AlarmRecordView) => out.push(`${v.kind} ${v.task ?? '-'} f${v.frame} ${v.value}`),
    true,
  );
  return out;
}

describe('overrun policies', () => {
  it('warn: every overrun is counted and alarmed, the loop goes on', () => {
    const { exec } = single([OVER, OK, OVER], { action: 'warn' });
    expect(exec.runFrames(3)).toBe(3);
    const t = exec.snapshot().tasks[0]!;
    expect(t).toMatchObject({ runs: 3, overruns: 2, policyTriggers: 2, skipped: 0 });
    expect(drain(exec)).toEqual(['overrun A f0 150000', 'overrun A f2 150000']);
    expect(exec.stopped).toBe(false);
  });

  it('after: N consecutive failures trigger; an on-time run resets the count', () => {
    const { exec } = single([OVER, OK, OVER, OK, OVER], { action: 'stop', after: 2 });
    expect(exec.runFrames(5)).toBe(5);
    expect(exec.stopped).toBe(false);
    expect(exec.snapshot().tasks[0]).toMatchObject({ overruns: 3, policyTriggers: 0 });
  });

  it('skip-next: the job after the trigger is not run and counts as skipped', () => {
    const { exec, a } = single([OVER, OVER, OK], { action: 'skip-next', after: 2 });
    expect(exec.runFrames(4)).toBe(4);
    expect(a.seen.map((c) => c.frameIndex)).toEqual([0, 1, 3]);
    expect(exec.snapshot().tasks[0]).toMatchObject({
      releases: 4,
      runs: 3,
      skipped: 1,
      overruns: 2,
      policyTriggers: 1,
    });
  });

  it('degrade: the degraded function runs until recoverAfter on-time runs', () => {
    const clock = new ManualClock();
    const calls: string[] = [];
    const degraded = (ctx: TaskContext) => {
      calls.push(`d${ctx.frameIndex}:${ctx.degraded}`);
      clock.advance(10_000);
    };
    const tasks = [makeTask(0, 'A', F, BUDGET, { overrun: { action: 'degrade', recoverAfter: 2 } })];
    const normal = (ctx: TaskContext) => {
      calls.push(`n${ctx.frameIndex}:${ctx.degraded}`);
      clock.advance(OVER);
    };
    const exec = new Executive({
      clock,
      waiter: new ManualWaiter(clock),
      modes: [
        makeMode('main', makeTable(F, tasks, [[{ task: 0, job: 0 }]]), tasks, [normal], {
          degraded: [degraded],
        }),
      ],
    });
    exec.start(T0);
    exec.runFrames(3);
    expect(exec.snapshot().tasks[0]!.degraded).toBe(false);
    exec.runFrames(2);
    expect(calls).toEqual(['n0:false', 'd1:true', 'd2:true', 'n3:false', 'd4:true']);
    expect(exec.snapshot().tasks[0]).toMatchObject({
      runs: 5,
      degradedRuns: 3,
      overruns: 2,
      policyTriggers: 2,
      degraded: true,
    });
    expect(exec.trace()).toEqual([]); // tracing off by default
  });

  it('safe-state: calls the safe-state function once, skips the rest of the frame, stops', () => {
    const clock = new ManualClock();
    const tasks = [
      makeTask(0, 'A', F, BUDGET, { overrun: { action: 'safe-state' } }),
      makeTask(1, 'B', F, BUDGET),
    ];
    const a = scripted(clock, [OK, OVER]);
    const b = scripted(clock, [OK]);
    const safe = scripted(clock, [20_000]);
    const exec = new Executive({
      clock,
      waiter: new ManualWaiter(clock),
      modes: [
        makeMode(
          'main',
          makeTable(F, tasks, [
            [
              { task: 0, job: 0 },
              { task: 1, job: 0 },
            ],
          ]),
          tasks,
          [a, b],
          {
            safeState: [safe, null],
          },
        ),
      ],
      traceCapacity: 8,
    });
    exec.start(T0);
    expect(exec.runFrames(5)).toBe(2);
    expect([a.calls, b.calls, safe.calls]).toEqual([2, 1, 1]);
    expect(safe.seen[0]!.frameIndex).toBe(1);
    expect(exec.stopped).toBe(true);
    expect(exec.stopReason).toBe('policy:safe-state:A');
    expect(drain(exec)).toEqual(['overrun A f1 150000', 'stopped A f1 2']);
    const last = exec.trace().at(-1)!;
    expect([last.frame, last.task, last.startNs, last.endNs, last.flags]).toEqual([
      1,
      0,
      T0 + F + OVER,
      T0 + F + OVER + 20_000,
      16,
    ]);
    expect(exec.step()).toBe(false);
  });

  it('stop with a leaky bucket {max 3, leak 0.5}: triggers when the level reaches 3', () => {
    // levels: 1, 2, 1.5, 2.5, 3 → trigger on the 5th run
    const { exec } = single([OVER, OVER, OK, OVER, OVER, OK], {
      action: 'stop',
      bucket: { max: 3, leak: 0.5 },
    });
    expect(exec.runFrames(10)).toBe(5);
    expect(exec.stopReason).toBe('policy:stop:A');
    expect(exec.snapshot().tasks[0]).toMatchObject({ runs: 5, overruns: 4, policyTriggers: 1 });
    expect(drain(exec).at(-1)).toBe('stopped A f4 1');
  });

  it('bucket level is capped at max: one on-time run below max stops re-triggering', () => {
    // levels: 1, 2, 2 (cap), 1, 2 → triggers on runs 2, 3 and 5
    const { exec } = single([OVER, OVER, OVER, OK, OVER], { action: 'warn', bucket: { max: 2, leak: 1 } });
    exec.runFrames(5);
    expect(exec.snapshot().tasks[0]!.policyTriggers).toBe(3);
  });

  it('a throw counts as a failed run for the hysteresis; errors are counted and kept', () => {
    const { exec } = single([10_000], { action: 'stop', after: 2 }, { throwOn: [0, 1] });
    expect(exec.runFrames(5)).toBe(2);
    expect(exec.stopReason).toBe('policy:stop:A');
    expect(exec.snapshot().tasks[0]).toMatchObject({ runs: 2, errors: 2, overruns: 0 });
    expect((exec.lastError(0) as Error).message).toBe('boom 1');
    expect(exec.lastError(0, 'main')).toBe(exec.lastError(0));
    expect(drain(exec)).toEqual(['task-error A f0 1', 'task-error A f1 2', 'stopped A f1 1']);
  });
});
