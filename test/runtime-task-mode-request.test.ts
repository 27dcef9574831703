/** `ctx.requestMode(name)`: a task asks for a mode switch (e.g. its sensor failed). */
import { describe, expect, it } from 'vitest';
import { Executive, type TaskContext } from '../src/runtime/index.js';
import { ManualClock, ManualWaiter } from '../src/time/clock.js';
import { F, makeMode, makeTable, makeTask } from './helpers/runtime-fixtures.js';

const T0 = 10 * F;

/** main: 1 ms frames, 2 per hyperperiod, task S (requests `target` in frame `at`); limp: 1 frame, task L. */
function loop(target: string, at: number) {
  const clock = new ManualClock();
  const log: string[] = [];
  const sense = (ctx: TaskContext) => {
    log.push(`${ctx.modeName}/S f${ctx.frameIndex}`);
    if (ctx.frameIndex === at) ctx.requestMode(target);
    clock.advance(10_000);
  };
  const limp = (ctx: TaskContext) => {
    log.push(`${ctx.modeName}/L f${ctx.frameIndex}`);
    clock.advance(10_000);
  };
  const main = [makeTask(0, 'S', F, 100_000)];
  const alt = [makeTask(0, 'L', F, 100_000)];
  const exec = new Executive({
    clock,
    waiter: new ManualWaiter(clock),
    modes: [
      makeMode('main', makeTable(F, main, [[{ task: 0, job: 0 }], [{ task: 0, job: 1 }]]), main, [sense]),
      makeMode('limp', makeTable(F, alt, [[{ task: 0, job: 0 }]]), alt, [limp]),
    ],
  });
  return { exec, log };
}

describe('ctx.requestMode', () => {
  it('switches at the next hyperperiod boundary, with a mode-change alarm', () => {
    const { exec, log } = loop('limp', 0);
    exec.start(T0);
    exec.runFrames(4);
    expect(log).toEqual(['main/S f0', 'main/S f1', 'limp/L f2', 'limp/L f3']);
    const alarms: string[] = [];
    exec.drainAlarms((a) => alarms.push(`${a.kind} ${a.mode} f${a.frame}`), true);
    expect(alarms).toEqual(['mode-change limp f2']);
  });

  it('requesting the current mode changes nothing', () => {
    const { exec, log } = loop('main', 0);
    exec.start(T0);
    exec.runFrames(4);
    expect(log).toEqual(['main/S f0', 'main/S f1', 'main/S f2', 'main/S f3']);
    expect(exec.snapshot().tasks[0]!.errors).toBe(0);
  });

  it('an unknown mode is the task’s error, naming the modes; the loop goes on', () => {
    const { exec, log } = loop('nope', 1);
    exec.start(T0);
    exec.runFrames(3);
    expect(log).toEqual(['main/S f0', 'main/S f1', 'main/S f2']);
    expect(exec.snapshot().tasks[0]!.errors).toBe(1);
    expect(String(exec.lastError(0))).toContain("unknown mode 'nope' (modes: main, limp)");
  });
});
