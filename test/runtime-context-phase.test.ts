/**
 * `ctx.phase`: what the executive's `phase` option says, on every call of every task of the
 * executive (warm-up executives a runner throws away say 'warmup'; the default is
 * 'measure'). ManualClock, exact.
 */
import { describe, expect, it } from 'vitest';
import { Executive, type RunPhase, type TaskContext } from '../src/index.js';
import { ManualClock, ManualWaiter } from '../src/time/clock.js';
import { F, makeMode, makeTable, makeTask } from './helpers/runtime-fixtures.js';

function phasesSeen(phase: RunPhase | undefined): string[] {
  const clock = new ManualClock();
  const tasks = [makeTask(0, 'A', F, 100_000), makeTask(1, 'B', 2 * F, 100_000)];
  const table = makeTable(F, tasks, [
    [
      { task: 0, job: 0 },
      { task: 1, job: 0 },
    ],
    [{ task: 0, job: 1 }],
  ]);
  const seen: string[] = [];
  const record = (ctx: TaskContext): void => {
    seen.push(`${ctx.taskName}:${ctx.phase}`);
  };
  const exec = new Executive({
    clock,
    waiter: new ManualWaiter(clock),
    modes: [makeMode('main', table, tasks, [record, record])],
    ...(phase === undefined ? {} : { phase }),
  });
  exec.start(10 * F);
  exec.runFrames(2);
  return seen;
}

describe('ctx.phase', () => {
  it("an executive with phase 'warmup' shows it to every task call", () => {
    expect(phasesSeen('warmup')).toEqual(['A:warmup', 'B:warmup', 'A:warmup']);
  });

  it("'measure' when asked, and by default", () => {
    expect(phasesSeen('measure')).toEqual(['A:measure', 'B:measure', 'A:measure']);
    expect(phasesSeen(undefined)).toEqual(['A:measure', 'B:measure', 'A:measure']);
  });
});
