import { describe, expect, it } from 'vitest';
import {
  ALARM_KINDS,
  type AlarmRecordView,
  Executive,
  type ExecutiveOptions,
  KIND_OVERRUN,
} from '../src/runtime/index.js';
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

function one(
  execNs: number[],
  opts: { budgetNs?: number; deadlineNs?: number; lateNs?: number[] } & Partial<ExecutiveOptions> = {},
) {
  const clock = new CountingClock();
  const tasks = [makeTask(0, 'A', F, opts.budgetNs ?? 100_000, { deadlineNs: opts.deadlineNs ?? F })];
  const a = scripted(clock, execNs);
  const exec = new Executive({
    ...opts,
    clock,
    waiter: new ScriptedWaiter(clock, opts.lateNs ?? [0]),
    modes: [makeMode('main', makeTable(F, tasks, [[{ task: 0, job: 0 }]]), tasks, [a])],
  });
  exec.start(T0);
  return { clock, exec, a };
}

function records(exec: Executive, flush = true): Array<Omit<AlarmRecordView, 'kindId' | 'modeIndex'>> {
  const out: Array<Omit<AlarmRecordView, 'kindId' | 'modeIndex'>> = [];
  exec.drainAlarms(({ kindId: _k, modeIndex: _m, ...rest }) => out.push({ ...rest }), flush);
  return out;
}

describe('alarm kinds', () => {
  it('has stable numeric ids', () => {
    expect(ALARM_KINDS).toEqual([
      'overrun',
      'deadline-miss',
      'frame-overrun',
      'release-late',
      'task-error',
      'skipped-frames',
      'mode-change',
      'stopped',
      'pause',
      'killed',
      'gc-warn',
    ]);
    expect(ALARM_KINDS[KIND_OVERRUN]).toBe('overrun');
  });

  it('overrun: value = execution time, at the slot end', () => {
    const { exec } = one([150_000]);
    exec.step();
    expect(records(exec)).toEqual([
      {
        kind: 'overrun',
        mode: 'main',
        taskIndex: 0,
        task: 'A',
        frame: 0,
        timeNs: T0 + 150_000,
        value: 150_000,
        suppressed: 0,
        firstFrame: 0,
        firstTimeNs: T0 + 150_000,
      },
    ]);
  });

  it('deadline-miss: value = completion − absolute deadline (no overrun within budget)', () => {
    const { exec } = one([600_000], { budgetNs: 700_000, deadlineNs: 500_000 });
    exec.step();
    const r = records(exec);
    expect(r.map((a) => [a.kind, a.timeNs, a.value])).toEqual([['deadline-miss', T0 + 600_000, 100_000]]);
    expect(exec.snapshot().tasks[0]!.deadlineMisses).toBe(1);
  });

  it('frame-overrun: value = frame end − next release; the next frame starts late', () => {
    const { exec } = one([1_200_000, 10_000], { budgetNs: 2 * F });
    exec.runFrames(2);
    const r = records(exec);
    expect(r.map((a) => [a.kind, a.task, a.frame, a.timeNs, a.value])).toEqual([
      ['deadline-miss', 'A', 0, T0 + 1_200_000, 200_000],
      ['frame-overrun', null, 0, T0 + 1_200_000, 200_000],
    ]);
    const s = exec.snapshot();
    expect(s.frames.overruns).toBe(1);
    expect(s.release.latenessNs).toMatchObject({ min: 0, max: 200_000 });
  });

  it('release-late: lateness above releaseLateNs (strictly), value = lateness', () => {
    const { exec } = one([10_000], { lateNs: [500_000, 500_001], releaseLateNs: 500_000 });
    exec.runFrames(2);
    expect(records(exec).map((a) => [a.kind, a.frame, a.timeNs, a.value])).toEqual([
      ['release-late', 1, T0 + F + 500_001, 500_001],
    ]);
  });

  it('task-error: value = the task error count', () => {
    const clock = new ManualClock();
    const tasks = [makeTask(0, 'A', F, 100_000)];
    const exec = new Executive({
      clock,
      waiter: new ManualWaiter(clock),
      modes: [
        makeMode('main', makeTable(F, tasks, [[{ task: 0, job: 0 }]]), tasks, [
          () => {
            throw new TypeError('bad');
          },
        ]),
      ],
    });
    exec.start(T0);
    exec.runFrames(2);
    expect(records(exec).map((a) => [a.kind, a.frame, a.value])).toEqual([
      ['task-error', 0, 1],
      ['task-error', 1, 2],
    ]);
    expect(exec.lastError(0)).toBeInstanceOf(TypeError);
    expect(exec.stopped).toBe(false);
  });

  it('stopped: value = STOP_REQUESTED (0), no task, at the last clock read', () => {
    const { exec } = one([10_000]);
    exec.step();
    exec.requestStop();
    exec.step();
    expect(records(exec).map((a) => [a.kind, a.taskIndex, a.frame, a.timeNs, a.value])).toEqual([
      ['stopped', -1, 1, T0 + 10_000, 0],
    ]);
  });
});

describe('alarm ring and drain', () => {
  it('full ring drops the newest, counts them, keeps exact totals', () => {
    const { exec } = one([150_000], { alarmCapacity: 3 });
    exec.runFrames(5);
    expect(records(exec).map((a) => a.frame)).toEqual([0, 1, 2]);
    const s = exec.snapshot();
    expect(s.alarms.overrun).toBe(5);
    expect(s.alarmsDropped).toBe(2);
    expect(exec.alarmTotal(KIND_OVERRUN)).toBe(5);
    exec.runFrames(1);
    expect(records(exec).map((a) => a.frame)).toEqual([5]);
  });

  it('rate-limits per kind per second: first N delivered, the rest summarised (count, first, last)', () => {
    const { exec } = one([150_000], { alarmRatePerSecond: 2 });
    exec.runFrames(5);
    // Window still open (now < first alarm + 1 s) and no flush: only the first two.
    expect(records(exec, false).map((a) => [a.frame, a.suppressed])).toEqual([
      [0, 0],
      [1, 0],
    ]);
    // Flush: one summary of the 3 suppressed (frames 2..4).
    const [sum] = records(exec, true);
    expect(sum).toMatchObject({
      kind: 'overrun',
      task: 'A',
      suppressed: 3,
      firstFrame: 2,
      firstTimeNs: T0 + 2 * F + 150_000,
      frame: 4,
      timeNs: T0 + 4 * F + 150_000,
      value: 150_000,
    });
    expect(exec.snapshot().alarms.overrun).toBe(5);
  });

  it('a new window delivers the previous window summary first, then the new alarms', () => {
    const { exec } = one([150_000], { alarmRatePerSecond: 1 });
    exec.runUntil(T0 + 1000 * F + 1); // frames 0..999 in one window: 1 delivered, 999 suppressed;
    // frame 1000's alarm is 1 s after frame 0's: it opens a new window
    const r = records(exec, false);
    expect(r.map((a) => [a.frame, a.suppressed])).toEqual([
      [0, 0],
      [999, 999],
      [1000, 0],
    ]);
  });

  it('drain allocates no view per record (one reused object)', () => {
    const { exec } = one([150_000]);
    exec.runFrames(3);
    const views = new Set<AlarmRecordView>();
    expect(exec.drainAlarms((v) => views.add(v))).toBe(3);
    expect(views.size).toBe(1);
  });
});
