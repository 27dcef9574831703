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
  emptyEvidence,
  evidenceSize,
  KIND_OVERRUN,
  KIND_TASK_ERROR,
  RC_ELAPSED_NS,
  RC_FRAME_INDEX,
  RC_FRAME_NS,
  RC_FRAME_OVERRUNS,
  RC_FRAMES_RUN,
  RC_FRAMES_SKIPPED,
  RC_KIND_TOTALS,
  RC_MODE,
  RC_SIZE,
  RC_START_NS,
  RC_STOP_CODE,
  RC_STOP_TASK,
  STOP_REQUESTED,
  snapshotFromEvidence,
  TS_DEADLINE_MISSES,
  TS_DEGRADED,
  TS_DEGRADED_RUNS,
  TS_ERRORS,
  TS_EXEC_MAX_FRAME,
  TS_EXEC_MAX_NS,
  TS_OVERRUNS,
  TS_POLICY_TRIGGERS,
  TS_RELEASES,
  TS_RUNS,
  TS_SIZE,
  TS_SKIPPED,
} from '../src/runtime/index.js';
import { EMPTY_DISTRIBUTION } from '../src/stats/distribution.js';
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
  it('taskCountersInto copies every counter at TS_SIZE stride, exact', () => {
    const { exec } = setup();
    expect(exec.taskCount).toBe(2);
    expect(exec.frameNs).toBe(F);
    exec.runFrames(4); // A runs 4× (100, 150, 120, 90 µs), B 2× (200 µs, 250 µs + throw)
    const out = new Float64Array(1 + 2 * TS_SIZE).fill(-7);
    exec.taskCountersInto(out, 1);
    expect(out[0]).toBe(-7); // before the offset: untouched
    const a = 1;
    const b = 1 + TS_SIZE;
    expect([
      out[a + TS_RELEASES],
      out[a + TS_RUNS],
      out[a + TS_OVERRUNS],
      out[a + TS_DEADLINE_MISSES],
      out[a + TS_ERRORS],
      out[a + TS_SKIPPED],
      out[a + TS_DEGRADED_RUNS],
      out[a + TS_EXEC_MAX_NS],
      out[a + TS_EXEC_MAX_FRAME],
      out[a + TS_POLICY_TRIGGERS],
      out[a + TS_DEGRADED],
    ]).toEqual([4, 4, 2, 0, 0, 0, 0, 150_000, 1, 2, 0]); // the default policy triggers on each overrun
    expect([out[b + TS_RELEASES], out[b + TS_RUNS], out[b + TS_ERRORS], out[b + TS_EXEC_MAX_NS]]).toEqual([
      2, 2, 1, 250_000,
    ]);
    // Same figures as the cold snapshot.
    const snap = exec.snapshot();
    for (const [g, t] of snap.tasks.entries()) {
      const o = 1 + g * TS_SIZE;
      expect([out[o + TS_RELEASES], out[o + TS_RUNS], out[o + TS_OVERRUNS], out[o + TS_ERRORS]]).toEqual([
        t.releases,
        t.runs,
        t.overruns,
        t.errors,
      ]);
      expect(out[o + TS_POLICY_TRIGGERS]).toBe(t.policyTriggers);
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
    expect(() => exec.taskCountersInto(new Float64Array(TS_SIZE))).toThrow(
      /2 task\(s\) need 38 doubles at offset 0, the array has 19/,
    );
  });
});

describe('the evidence block (counters.ts) from the executive to its snapshot', () => {
  it('runCountersInto: frames, mode, frame size, start, elapsed, stop code, alarm totals (RC_*)', () => {
    const { exec } = setup([0, 5_000, 20_000, 0, 0, 0]);
    const before = new Float64Array(RC_SIZE);
    exec.runCountersInto(before);
    expect([before[RC_STOP_CODE], before[RC_STOP_TASK], before[RC_FRAMES_RUN]]).toEqual([-1, -1, 0]);
    expect(before[RC_START_NS]).toBe(T0);
    exec.runFrames(6);
    exec.requestStop();
    exec.runFrames(1);
    const out = new Float64Array(1 + RC_SIZE).fill(-9);
    exec.runCountersInto(out, 1);
    expect(out[0]).toBe(-9);
    const snap = exec.snapshot();
    expect([
      out[1 + RC_FRAMES_RUN],
      out[1 + RC_FRAME_INDEX],
      out[1 + RC_FRAME_OVERRUNS],
      out[1 + RC_FRAMES_SKIPPED],
      out[1 + RC_MODE],
      out[1 + RC_FRAME_NS],
      out[1 + RC_START_NS],
      out[1 + RC_ELAPSED_NS],
      out[1 + RC_STOP_CODE],
      out[1 + RC_STOP_TASK],
    ]).toEqual([6, 6, 0, 0, 0, F, T0, snap.elapsedNs, STOP_REQUESTED, -1]);
    expect(out[1 + RC_KIND_TOTALS + KIND_OVERRUN]).toBe(snap.alarms.overrun);
    expect(out[1 + RC_KIND_TOTALS + KIND_TASK_ERROR]).toBe(1);
    expect(snap.stopReason).toBe('requested');
  });

  it('snapshotFromEvidence over a copied block gives the executive snapshot, histogram extras aside', () => {
    const { exec } = setup([0, 5_000, 20_000, 0]);
    exec.runFrames(4);
    const block = new Float64Array(2 + evidenceSize(exec.taskCount));
    exec.evidenceInto(block, 2);
    const copy = block.slice(); // what another thread would read
    const layout = { modes: [{ name: 'main', tasks: exec.snapshot().tasks }] };
    const fromBlock = snapshotFromEvidence(copy, 2, layout);
    const direct = exec.snapshot();
    expect({ ...fromBlock, tasks: [] }).toEqual({ ...direct, tasks: [] });
    for (const [g, t] of fromBlock.tasks.entries()) {
      const d = direct.tasks[g]!;
      const { responseNs, execHistogram, execSamples, ...counters } = d;
      // The block carries the response-time distribution too (not the histogram buckets).
      expect(t).toEqual({ ...counters, responseNs, execHistogram: [] });
      expect(execHistogram.length).toBeGreaterThan(0);
      expect(responseNs.count).toBe(d.jobsRun);
      expect(execSamples?.count).toBe(d.runs);
    }
  });

  it('an empty block reads as not started and not stopped', () => {
    const snap = snapshotFromEvidence(emptyEvidence(1, F), 0, {
      modes: [{ name: 'main', tasks: [{ name: 'A', budgetNs: 1, deadlineNs: 2, periodNs: 3 }] }],
    });
    expect([snap.stopped, snap.stopReason, snap.startNs, snap.frameNs, snap.mode]).toEqual([
      false,
      null,
      null,
      F,
      'main',
    ]);
    expect(snap.tasks[0]!.execMaxFrame).toBe(-1);
    expect(snap.tasks[0]!.execNs).toEqual(EMPTY_DISTRIBUTION);
  });
});
