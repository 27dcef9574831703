import { describe, expect, it } from 'vitest';
import { Executive, type TaskContext } from '../src/runtime/index.js';
import { ManualClock, ManualWaiter } from '../src/time/clock.js';
import { F, makeMode, makeTable, makeTask } from './helpers/runtime-fixtures.js';

const T0 = 10 * F;

/** main: frame 1 ms, 2 frames, task A. alt: frame 2 ms, 1 frame, tasks A and B. */
function twoModes(initialMode?: number, traceCapacity = 0) {
  const clock = new ManualClock();
  const log: string[] = [];
  const fn = (tag: string) => (ctx: TaskContext) => {
    log.push(`${ctx.modeName}/${tag} f${ctx.frameIndex} r${ctx.releaseNs - T0}`);
    clock.advance(10_000);
  };
  const main = [makeTask(0, 'A', F, 100_000)];
  const alt = [makeTask(0, 'A', 2 * F, 200_000), makeTask(1, 'B', 2 * F, 100_000)];
  const exec = new Executive({
    clock,
    waiter: new ManualWaiter(clock),
    modes: [
      makeMode('main', makeTable(F, main, [[{ task: 0, job: 0 }], [{ task: 0, job: 1 }]]), main, [fn('A')]),
      makeMode(
        'alt',
        makeTable(2 * F, alt, [
          [
            { task: 0, job: 0 },
            { task: 1, job: 0 },
          ],
        ]),
        alt,
        [fn('A'), fn('B')],
      ),
    ],
    ...(initialMode === undefined ? {} : { initialMode }),
    traceCapacity,
  });
  return { exec, log };
}

describe('mode changes', () => {
  it('the trace records each slot’s frame at its release and measured start, across the switch of frame size', () => {
    const { exec } = twoModes(undefined, 16);
    exec.start(T0);
    exec.step();
    exec.requestMode('alt');
    exec.runFrames(3);
    // Frames 0, 1 of main (1 ms), then 2, 3 of alt (2 ms) from t0 + 2 ms: frame 3 starts at
    // 4 ms, not at 3 × 2 ms. Each slot starts 10 µs after the one before it.
    expect(
      exec.trace().map((r) => [r.frame, r.mode, r.frameReleaseNs - T0, r.frameStartNs - T0, r.startNs - T0]),
    ).toEqual([
      [0, 0, 0, 0, 0],
      [1, 0, F, F, F],
      [2, 1, 2 * F, 2 * F, 2 * F],
      [2, 1, 2 * F, 2 * F, 2 * F + 10_000],
      [3, 1, 4 * F, 4 * F, 4 * F],
      [3, 1, 4 * F, 4 * F, 4 * F + 10_000],
    ]);
  });

  it('a switch requested mid-hyperperiod applies at the next boundary and re-bases t0 there', () => {
    const { exec, log } = twoModes();
    exec.start(T0);
    exec.step(); // frame 0 of main
    exec.requestMode('alt');
    expect(exec.modeName).toBe('main');
    exec.runFrames(3); // frame 1 (main), then frames 2, 3 in alt (2 ms frames from t0 + 2 ms)
    expect(exec.modeName).toBe('alt');
    expect(log).toEqual([
      'main/A f0 r0',
      'main/A f1 r1000000',
      'alt/A f2 r2000000',
      'alt/B f2 r2000000',
      'alt/A f3 r4000000',
      'alt/B f3 r4000000',
    ]);
    expect(exec.nextReleaseNs()).toBe(T0 + 6 * F);
    const alarms: string[] = [];
    exec.drainAlarms(
      (a) => alarms.push(`${a.kind} ${a.mode} f${a.frame} t${a.timeNs - T0} v${a.value}`),
      true,
    );
    expect(alarms).toEqual(['mode-change alt f2 t2000000 v1']);
    const s = exec.snapshot();
    expect(s.mode).toBe('alt');
    expect(s.frameNs).toBe(2 * F);
    expect(s.tasks.map((t) => [t.mode, t.name, t.runs, t.budgetNs])).toEqual([
      ['main', 'A', 2, 100_000],
      ['alt', 'A', 2, 200_000],
      ['alt', 'B', 2, 100_000],
    ]);
  });

  it('a request at the last frame of a hyperperiod applies right after it', () => {
    const { exec, log } = twoModes();
    exec.start(T0);
    exec.runFrames(1);
    exec.runFrames(1); // frame 1 is the last of main's hyperperiod
    exec.requestMode('alt'); // too late for that boundary: next one
    exec.runFrames(3);
    expect(log.map((l) => l.split(' ')[0])).toEqual([
      'main/A',
      'main/A',
      'main/A',
      'main/A',
      'alt/A',
      'alt/B',
    ]);
  });

  it('requesting the current mode cancels a pending switch; before start a request applies at once', () => {
    const { exec, log } = twoModes();
    exec.start(T0);
    exec.requestMode('alt');
    exec.requestMode('main');
    exec.runFrames(4);
    expect(log.every((l) => l.startsWith('main/'))).toBe(true);
    const b = twoModes();
    b.exec.requestMode('alt');
    b.exec.start(T0);
    b.exec.step();
    expect(b.log).toEqual(['alt/A f0 r0', 'alt/B f0 r0']);
  });

  it('initialMode picks the starting mode', () => {
    const { exec } = twoModes(1);
    expect(exec.modeName).toBe('alt');
  });
});
