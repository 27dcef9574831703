import { describe, expect, it } from 'vitest';
import { type AlarmRecordView, Executive, type ExecutiveOptions, KIND_PAUSE } from '../src/runtime/index.js';
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

function one(lateNs: number[], execNs: number[] = [10_000], opts: Partial<ExecutiveOptions> = {}) {
  const clock = new CountingClock();
  const tasks = [makeTask(0, 'A', F, 100_000, { deadlineNs: F })];
  const exec = new Executive({
    ...opts,
    clock,
    waiter: new ScriptedWaiter(clock, lateNs),
    modes: [makeMode('main', makeTable(F, tasks, [[{ task: 0, job: 0 }]]), tasks, [scripted(clock, execNs)])],
  });
  exec.start(T0);
  return { clock, exec };
}

function pauses(exec: Executive): Array<{ frame: number; timeNs: number; value: number }> {
  const out: Array<{ frame: number; timeNs: number; value: number }> = [];
  exec.drainAlarms((a: AlarmRecordView) => {
    if (a.kind === 'pause') out.push({ frame: a.frame, timeNs: a.timeNs, value: a.value });
  }, true);
  return out;
}

describe('pause alarm (wake-to-wake gap beyond the frame spacing)', () => {
  it('a 312.4 ms stall between two wakes is exactly one pause of 312.4 ms, at the late wake', () => {
    // Frames 0..2 on time; frame 3 wakes 312.4 ms late (a SIGSTOP in the wait), then on time.
    const { exec } = one([0, 0, 0, 312_400_000, 0]);
    exec.runFrames(10);
    const wake = T0 + 3 * F + 312_400_000;
    expect(pauses(exec)).toEqual([{ frame: 3, timeNs: wake, value: 312_400_000 }]);
    const snap = exec.snapshot();
    expect(snap.alarms.pause).toBe(1);
    expect(exec.alarmTotal(KIND_PAUSE)).toBe(1);
    // The catch-up still happens as before: the stall skipped 312 frames.
    expect(snap.alarms['skipped-frames']).toBe(1);
    expect(snap.frames.skipped).toBe(312);
  });

  it('is not raised for lost time at or below the threshold (default 5 ms)', () => {
    const { exec } = one([0, 4_000_000, 0, 5_000_000, 0]);
    exec.runFrames(20);
    expect(pauses(exec)).toEqual([]);
    expect(exec.snapshot().alarms.pause).toBe(0);
  });

  it('measures lost time, not lateness: a constant lateness is no pause', () => {
    const { exec } = one([0, 8_000_000], [10_000], { catchUp: { policy: 'run', maxFrames: 1000 } });
    exec.runFrames(20);
    // Only the step from 0 to 8 ms late loses time; later frames keep the 1 ms spacing.
    expect(pauses(exec).map((p) => p.value)).toEqual([8_000_000]);
  });

  it('follows pauseThresholdNs', () => {
    const { exec } = one([0, 0, 2_000_000, 0], [10_000], { pauseThresholdNs: 1_000_000 });
    exec.runFrames(10);
    expect(pauses(exec)).toEqual([{ frame: 2, timeNs: T0 + 2 * F + 2_000_000, value: 2_000_000 }]);
  });

  it('counts a previous frame that ran long (it also raises frame-overrun)', () => {
    const { exec } = one([0], [10_000, 10_000, 9_000_000, 10_000]);
    exec.runFrames(6);
    const snap = exec.snapshot();
    expect(snap.alarms['frame-overrun']).toBe(1);
    // Frame 2 woke at T0+2F and ended 9 ms later; frame 3 woke then: lost 8 ms.
    expect(pauses(exec).map((p) => p.value)).toEqual([8_000_000]);
  });

  it('rejects a negative threshold', () => {
    expect(() => one([0], [0], { pauseThresholdNs: -1 })).toThrow(
      'Executive: pauseThresholdNs must be >= 0, got -1',
    );
  });
});
