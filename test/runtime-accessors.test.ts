/**
 * The executive's allocation-free accessors (`taskCountersInto`, `execQuantilesInto`,
 * `latenessQuantilesInto`, `alarmsDropped`, `taskCount`, `frameNs`) on ManualClock: exact
 * counters, exact min/mean/max, quantiles identical to `snapshot()`'s.
 */
import { describe, expect, it } from 'vitest';
import {
  DQ_COUNT,
  DQ_MAX,
  DQ_MEAN,
  DQ_MIN,
  DQ_P50,
  DQ_P99,
  DQ_P999,
  DQ_SIZE,
  Executive,
  TC_DEADLINE_MISSES,
  TC_DEGRADED,
  TC_DEGRADED_RUNS,
  TC_ERRORS,
  TC_EXEC_MAX_FRAME,
  TC_EXEC_MAX_NS,
  TC_OVERRUNS,
  TC_POLICY_TRIGGERS,
  TC_RELEASES,
  TC_RUNS,
  TC_SIZE,
  TC_SKIPPED,
} from '../src/runtime/index.js';
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

/** A: 1 ms period, 100 µs budget; B: 2 ms, 300 µs, throws on its 2nd call. Frames: [A0 B0] [A1]. */
function setup(lateNs: number[] = [0], alarmCapacity = 4096) {
  const clock = new CountingClock();
  const tasks = [makeTask(0, 'A', F, 100_000), makeTask(1, 'B', 2 * F, 300_000)];
  const table = makeTable(F, tasks, [
    [
      { task: 0, job: 0 },
      { task: 1, job: 0 },
    ],
    [{ task: 0, job: 1 }],
  ]);
  const a = scripted(clock, [100_000, 150_000, 120_000, 90_000]);
  const b = scripted(clock, [200_000, 250_000], [1]);
  const exec = new Executive({
    clock,
    waiter: new ScriptedWaiter(clock, lateNs),
    modes: [makeMode('main', table, tasks, [a, b])],
    alarmCapacity,
  });
  exec.start(T0);
  return { clock, exec };
}

describe('Executive allocation-free accessors', () => {
  it('taskCountersInto copies every counter at TC_SIZE stride, exact', () => {
    const { exec } = setup();
    expect(exec.taskCount).toBe(2);
    expect(exec.frameNs).toBe(F);
    exec.runFrames(4); // A runs 4× (100, 150, 120, 90 µs), B 2× (200 µs, 250 µs + throw)
    const out = new Float64Array(1 + 2 * TC_SIZE).fill(-7);
    exec.taskCountersInto(out, 1);
    expect(out[0]).toBe(-7); // before the offset: untouched
    const a = 1;
    const b = 1 + TC_SIZE;
    expect([
      out[a + TC_RELEASES],
      out[a + TC_RUNS],
      out[a + TC_OVERRUNS],
      out[a + TC_DEADLINE_MISSES],
      out[a + TC_ERRORS],
      out[a + TC_SKIPPED],
      out[a + TC_DEGRADED_RUNS],
      out[a + TC_EXEC_MAX_NS],
      out[a + TC_EXEC_MAX_FRAME],
      out[a + TC_POLICY_TRIGGERS],
      out[a + TC_DEGRADED],
    ]).toEqual([4, 4, 2, 0, 0, 0, 0, 150_000, 1, 2, 0]); // the default policy triggers on each overrun
    expect([out[b + TC_RELEASES], out[b + TC_RUNS], out[b + TC_ERRORS], out[b + TC_EXEC_MAX_NS]]).toEqual([
      2, 2, 1, 250_000,
    ]);
    // Same figures as the cold snapshot.
    const snap = exec.snapshot();
    for (const [g, t] of snap.tasks.entries()) {
      const o = 1 + g * TC_SIZE;
      expect([out[o + TC_RELEASES], out[o + TC_RUNS], out[o + TC_OVERRUNS], out[o + TC_ERRORS]]).toEqual([
        t.releases,
        t.runs,
        t.overruns,
        t.errors,
      ]);
      expect(out[o + TC_POLICY_TRIGGERS]).toBe(t.policyTriggers);
    }
  });

  it('execQuantilesInto writes count, min, mean, p50, p99, p999, max (DQ_*) matching snapshot()', () => {
    const { exec } = setup();
    exec.runFrames(4);
    const out = new Float64Array(2 * DQ_SIZE);
    exec.execQuantilesInto(0, out, 0);
    exec.execQuantilesInto(1, out, DQ_SIZE);
    expect(out[DQ_COUNT]).toBe(4);
    expect(out[DQ_MIN]).toBe(90_000);
    expect(out[DQ_MEAN]).toBe((100_000 + 150_000 + 120_000 + 90_000) / 4);
    expect(out[DQ_MAX]).toBe(150_000);
    const snap = exec.snapshot();
    const a = snap.tasks[0]!.execNs;
    expect([out[DQ_P50], out[DQ_P99], out[DQ_P999]]).toEqual([a.p50, a.p99, a.p999]);
    expect(Math.abs(out[DQ_P50]! - 100_000) / 100_000).toBeLessThan(0.005); // nearest rank 2 of 4
    expect(out[DQ_P99]).toBe(150_000); // clamped to the exact max
    expect([out[DQ_SIZE + DQ_COUNT], out[DQ_SIZE + DQ_MIN], out[DQ_SIZE + DQ_MAX]]).toEqual([
      2, 200_000, 250_000,
    ]);
  });

  it('latenessQuantilesInto and alarmsDropped', () => {
    const { exec } = setup([0, 5_000, 20_000, 0, 0, 0], 2);
    exec.runFrames(6);
    const out = new Float64Array(DQ_SIZE);
    exec.latenessQuantilesInto(out);
    expect(out[DQ_COUNT]).toBe(6);
    expect(out[DQ_MIN]).toBe(0);
    expect(out[DQ_MAX]).toBe(20_000);
    expect(out[DQ_MEAN]).toBe(25_000 / 6);
    const late = exec.snapshot().release.latenessNs;
    expect([out[DQ_P50], out[DQ_P99], out[DQ_P999]]).toEqual([late.p50, late.p99, late.p999]);
    // A overruns in frames 1 and 2, B throws in frame 2: 3 alarms into a ring of 2.
    expect(exec.alarmsDropped).toBe(exec.snapshot().alarmsDropped);
    expect(exec.alarmsDropped).toBeGreaterThan(0);
  });

  it('empty histograms give zeros; bad arguments are RangeErrors naming the sizes', () => {
    const { exec } = setup();
    const out = new Float64Array(DQ_SIZE).fill(9);
    exec.execQuantilesInto(1, out);
    expect([...out]).toEqual([0, 0, 0, 0, 0, 0, 0]);
    expect(() => exec.execQuantilesInto(2, out)).toThrow(/no task 2 \(0\.\.1\)/);
    expect(() => exec.execQuantilesInto(0, out, 1)).toThrow(/needs 7 doubles at offset 1, the array has 7/);
    expect(() => exec.taskCountersInto(new Float64Array(TC_SIZE))).toThrow(
      /2 task\(s\) need 22 doubles at offset 0, the array has 11/,
    );
  });
});
