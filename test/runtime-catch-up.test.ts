import { describe, expect, it } from 'vitest';
import { Executive, type ExecutiveOptions } from '../src/runtime/index.js';
import { ManualClock, ManualWaiter } from '../src/time/clock.js';
import { F, makeMode, makeTable, makeTask, scripted } from './helpers/runtime-fixtures.js';

const T0 = 10 * F;

/** A (1 ms), B (2 ms): frames [A0 B0] [A1]; frame 1's A takes 3.6 frames (ends at 4.6 F). */
function scenario(catchUp: ExecutiveOptions['catchUp']) {
  const clock = new ManualClock();
  const tasks = [makeTask(0, 'A', F, 4 * F), makeTask(1, 'B', 2 * F, 100_000)];
  const a = scripted(clock, [100_000, 3_600_000, 100_000]);
  const b = scripted(clock, [10_000]);
  const table = makeTable(F, tasks, [
    [
      { task: 0, job: 0 },
      { task: 1, job: 0 },
    ],
    [{ task: 0, job: 1 }],
  ]);
  const exec = new Executive({
    clock,
    waiter: new ManualWaiter(clock),
    modes: [makeMode('main', table, tasks, [a, b])],
    ...(catchUp ? { catchUp } : {}),
  });
  exec.start(T0);
  return { exec, a, b };
}

function alarms(exec: Executive): string[] {
  const out: string[] = [];
  exec.drainAlarms(
    (v) => out.push(`${v.kind} ${v.task ?? '-'} f${v.frame} t${v.timeNs - T0} v${v.value}`),
    true,
  );
  return out;
}

describe('catch-up', () => {
  it('skip: jumps to the first frame whose window is open and runs it at once', () => {
    const { exec, a } = scenario(undefined);
    expect(exec.runFrames(4)).toBe(4); // frames 0, 1, then 4 (2 and 3 skipped), 5
    expect(a.seen.map((c) => [c.frameIndex, c.releaseNs - T0, c.sliceStartNs - T0])).toEqual([
      [0, 0, 0],
      [1, F, F],
      [4, 4 * F, 4_600_000],
      [5, 5 * F, 5 * F],
    ]);
    expect(alarms(exec)).toEqual([
      'deadline-miss A f1 t4600000 v2600000',
      'frame-overrun - f1 t4600000 v2600000',
      'skipped-frames - f2 t4600000 v2',
      'release-late - f4 t4600000 v600000',
    ]);
    const s = exec.snapshot();
    expect(s.frames).toEqual({ count: 4, overruns: 1, skipped: 2, lostToPause: 0, cutOff: 0, standby: 0 });
    // Skipped frames 2 ([A0 B0]) and 3 ([A1]): A 2 jobs skipped, B 1.
    expect(s.tasks[0]).toMatchObject({ releases: 6, runs: 4, skipped: 2 });
    expect(s.tasks[1]).toMatchObject({ releases: 3, runs: 2, skipped: 1 });
    expect(s.release.latenessNs).toMatchObject({ count: 4, max: 600_000 });
    expect(exec.nextReleaseNs()).toBe(T0 + 6 * F);
  });

  it('run: late frames run back to back, at most maxFrames in a row, then the rest is skipped', () => {
    const { exec, a } = scenario({ policy: 'run', maxFrames: 1 });
    expect(exec.runFrames(5)).toBe(5); // 0, 1, 2 (late, run), 3 late again → skipped, 4, 5
    expect(a.seen.map((c) => [c.frameIndex, c.sliceStartNs - T0])).toEqual([
      [0, 0],
      [1, F],
      [2, 4_600_000],
      [4, 4_710_000],
      [5, 5 * F],
    ]);
    expect(alarms(exec)).toEqual([
      'deadline-miss A f1 t4600000 v2600000',
      'frame-overrun - f1 t4600000 v2600000',
      'release-late - f2 t4600000 v2600000',
      'deadline-miss A f2 t4700000 v1700000',
      'deadline-miss B f2 t4710000 v710000',
      'frame-overrun - f2 t4710000 v1710000',
      'skipped-frames - f3 t4710000 v1',
      'release-late - f4 t4710000 v710000',
    ]);
    expect(exec.snapshot().frames).toEqual({
      count: 5,
      overruns: 2,
      skipped: 1,
      lostToPause: 0,
      cutOff: 0,
      standby: 0,
    });
  });

  it('runUntil does not run a frame reached by skipping whose release is at or past endNs', () => {
    const { exec } = scenario(undefined);
    expect(exec.runUntil(T0 + 4 * F)).toBe(2);
    expect(exec.snapshot().frames.skipped).toBe(2);
    expect(exec.nextReleaseNs()).toBe(T0 + 4 * F);
  });

  it('runUntil and step(endNs) skip no further than endNs: a release at or past it is not counted', () => {
    // Frame 1 ends at 4.6 F; the run ends at 3 F: frame 2 is skipped (released 2 F), frame 3
    // (released 3 F) is not this run's, run or skipped.
    for (const drive of [
      (exec: Executive) => exec.runUntil(T0 + 3 * F),
      (exec: Executive) => {
        let ran = 0;
        while (!exec.stopped && exec.nextReleaseNs() < T0 + 3 * F) {
          const before = exec.framesRun;
          exec.step(T0 + 3 * F);
          ran += exec.framesRun - before;
        }
        return ran;
      },
    ]) {
      const { exec } = scenario(undefined);
      expect(drive(exec)).toBe(2);
      const s = exec.snapshot();
      expect(s.frames.skipped).toBe(1);
      expect(exec.nextReleaseNs()).toBe(T0 + 3 * F);
      // A: frames 0, 1, 2 (2 skipped); B: frames 0 and 2 (2 skipped).
      expect(s.tasks[0]).toMatchObject({ releases: 3, runs: 2, skipped: 1 });
      expect(s.tasks[1]).toMatchObject({ releases: 2, runs: 1, skipped: 1 });
    }
  });
});

describe('catch-up after a pause of many hyperperiods', () => {
  it('counts releases and skipped jobs exactly', () => {
    const clock = new ManualClock();
    const tasks = [makeTask(0, 'A', F, 100_000), makeTask(1, 'B', 2 * F, 100_000)];
    let pause = true;
    const a = (): void => {
      if (pause) {
        pause = false;
        clock.advance(1000 * F + 300_000); // a 1000-frame stall inside frame 0
      }
    };
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
            [{ task: 0, job: 1 }],
          ]),
          tasks,
          [a, () => {}],
        ),
      ],
    });
    exec.start(T0);
    exec.runFrames(2); // frame 0 (stalls to 1000.3 F), then frames 1..999 skipped, frame 1000 runs
    const s = exec.snapshot();
    expect(s.frames).toMatchObject({ count: 2, skipped: 999 });
    expect(s.tasks[0]).toMatchObject({ releases: 1001, runs: 2, skipped: 999 });
    expect(s.tasks[1]).toMatchObject({ releases: 501, runs: 2, skipped: 499 });
  });
});
