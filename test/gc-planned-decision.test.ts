/**
 * PlannedGc's decision on ManualClock (exact values): when a planned minor GC runs (due
 * by frame count or by young-generation fill, and only when the slack exceeds what it
 * needs), what it records, and the early warnings. `gc` here is a stand-in that spends
 * clock time like a collection would; the real collector is exercised by
 * gc-planned-run.test.ts and gc-zero-allocation.test.ts.
 */
import { describe, expect, it } from 'vitest';
import {
  type HeapFigures,
  HP_OLD_USED,
  HP_SIZE,
  HP_YOUNG_CAPACITY,
  HP_YOUNG_USED,
} from '../src/gc/heap-probe.js';
import { AUTO_MARGIN_NS, FORCE_FILL, PlannedGc, type PlannedGcSettings } from '../src/gc/planned-gc.js';
import { Executive } from '../src/runtime/index.js';
import { ManualClock, ManualWaiter } from '../src/time/clock.js';
import { makeMode, makeTable, makeTask } from './helpers/runtime-fixtures.js';

const F = 1_000_000;
/** First release: 10 ms, so calibration (at t = 0) ends before it. */
const T0 = 10 * F;
const MB = 1024 * 1024;

/** Heap figures the test sets by hand: young capacity 1 MiB. */
class FakeHeap implements HeapFigures {
  readonly values = new Float64Array(HP_SIZE);
  readonly allocationFree = true;
  constructor() {
    this.values[HP_YOUNG_CAPACITY] = MB;
  }
  update(): void {}
}

interface Rig {
  clock: ManualClock;
  heap: FakeHeap;
  pgc: PlannedGc;
  exec: Executive;
  gcCalls: number[];
}

/**
 * One task per 1 ms frame spending `spend(frame)` ns (and "allocating" `allocBytes`
 * into the fake young generation); the fake collection costs `gcCostNs()` and empties it.
 */
function rig(opts: {
  planned?: Partial<PlannedGcSettings>;
  warn?: { enabled: boolean; youngFill: number; oldGrowthBytes: number };
  spend?: (frame: number) => number;
  gcCostNs?: () => number;
  alloc?: { bytes: number };
}): Rig {
  const clock = new ManualClock(0);
  const heap = new FakeHeap();
  const gcCalls: number[] = [];
  const cost = opts.gcCostNs ?? (() => 100_000);
  const pgc = new PlannedGc({
    clock,
    gc: (o) => {
      expect(o).toEqual({ type: 'minor' });
      gcCalls.push(clock.nowNs());
      clock.advance(cost());
      heap.values[HP_YOUNG_USED] = 0;
    },
    planned: { enabled: true, everyFrames: null, minSlackNs: null, youngFill: 0.5, ...opts.planned },
    warn: opts.warn ?? { enabled: false, youngFill: 0.85, oldGrowthBytes: 8 * MB },
    probe: heap,
  });
  const tasks = [makeTask(0, 'a', F, 950_000)];
  const table = makeTable(F, tasks, [[{ task: 0, job: 0 }]]);
  let frame = 0;
  const spend = opts.spend ?? (() => 200_000);
  const exec = new Executive({
    clock,
    waiter: new ManualWaiter(clock),
    modes: [
      makeMode('main', table, tasks, [
        () => {
          clock.advance(spend(frame++));
          heap.values[HP_YOUNG_USED] = heap.values[HP_YOUNG_USED]! + (opts.alloc?.bytes ?? 0);
        },
      ]),
    ],
    slackHook: pgc,
  });
  exec.start(T0);
  return { clock, heap, pgc, exec, gcCalls };
}

describe('PlannedGc decision (ManualClock)', () => {
  it('every N frames: collects right after the frame, in its slack, and logs start, duration and slack left', () => {
    const r = rig({ planned: { everyFrames: 4 } });
    r.pgc.calibrate(2); // 2 × 100 µs, at t = 0
    r.pgc.reset();
    r.exec.runFrames(12);
    // Frame k ends at T0 + k·1ms + 200 µs; the 4th, 8th, 12th frames (k = 3, 7, 11) collect.
    expect(r.gcCalls.slice(2)).toEqual([T0 + 3_200_000, T0 + 7_200_000, T0 + 11_200_000]);
    const s = r.pgc.summary(0).planned;
    expect(s.count).toBe(3);
    expect(s.deferred).toBe(0);
    expect(s.late).toBe(0);
    expect(s.costEstimateNs).toBe(100_000);
    expect(s.totalPauseNs).toBe(300_000);
    expect(r.pgc.summary(T0).planned.events).toEqual([
      { atNs: 3_200_000, durationNs: 100_000, slackLeftNs: 700_000, frame: 4 },
      { atNs: 7_200_000, durationNs: 100_000, slackLeftNs: 700_000, frame: 8 },
      { atNs: 11_200_000, durationNs: 100_000, slackLeftNs: 700_000, frame: 12 },
    ]);
    // The executive saw no lateness: every collection ended before the next release.
    expect(r.exec.snapshot().release.latenessNs.max).toBe(0);
  });

  it('auto: collects once the young generation reaches youngFill, never before', () => {
    // 150 KiB a frame into 1 MiB: 4 frames reach 600 KiB ≥ 50 %.
    const r = rig({ alloc: { bytes: 150 * 1024 } });
    r.exec.runFrames(10);
    expect(r.gcCalls).toEqual([T0 + 3_200_000, T0 + 7_200_000]);
    expect(r.pgc.plannedCount).toBe(2);
  });

  it('defers while the slack is short of estimate + max(25 %, 50 µs), and collects in the first frame with enough', () => {
    // Estimate 100 µs → needs 150 µs. Frames 0–5 leave 100 µs, frame 6 leaves 800 µs.
    const r = rig({ planned: { everyFrames: 1 }, spend: (k) => (k < 6 ? 900_000 : 200_000) });
    r.pgc.calibrate(1);
    r.pgc.reset();
    expect(100_000 + AUTO_MARGIN_NS).toBe(150_000);
    r.exec.runFrames(7);
    expect(r.gcCalls.slice(1)).toEqual([T0 + 6_200_000]);
    const s = r.pgc.summary(0).planned;
    expect(s.deferred).toBe(6);
    expect(s.count).toBe(1);
  });

  it('a fixed minSlack is honoured, and never below the measured cost', () => {
    const fixed = rig({ planned: { everyFrames: 1, minSlackNs: 850_000 } });
    fixed.pgc.calibrate(1);
    fixed.pgc.reset();
    fixed.exec.runFrames(3); // 800 µs of slack < 850 µs
    expect(fixed.pgc.summary(0).planned).toMatchObject({ count: 0, deferred: 3, minSlackNs: 850_000 });

    // minSlack 10 µs, but the collection costs 700 µs: 800 µs of slack is enough, 750 µs (frame 1) too,
    // 650 µs (frame 2) is not.
    const small = rig({
      planned: { everyFrames: 1, minSlackNs: 10_000 },
      gcCostNs: () => 700_000,
      spend: (k) => [200_000, 250_000, 350_000][k] ?? 200_000,
    });
    small.pgc.calibrate(1);
    small.pgc.reset();
    small.exec.runFrames(3);
    expect(small.pgc.summary(0).planned).toMatchObject({ count: 2, deferred: 1, late: 0 });
  });

  it('the estimate is a running max that ignores the two worst (third largest of the last 8)', () => {
    const costs = [100_000, 2_000_000, 100_000, 3_000_000, 100_000];
    let i = 0;
    const r = rig({ planned: { everyFrames: 1 }, gcCostNs: () => costs[i++] ?? 100_000 });
    r.pgc.calibrate(2); // 100 µs, 2 ms: fewer than three samples → the largest
    expect(r.pgc.costEstimateNs).toBe(2_000_000);
    r.pgc.calibrate(3); // 100 µs, 3 ms, 100 µs → third largest 100 µs
    expect(r.pgc.costEstimateNs).toBe(100_000);
    r.pgc.reset();
    r.exec.runFrames(2);
    expect(r.pgc.summary(0).planned).toMatchObject({
      count: 2,
      costMaxNs: 3_000_000,
      costEstimateNs: 100_000,
    });
    // Three slow ones make it the estimate: 2 ms never fits in a 1 ms frame, so planning defers.
    const slow = rig({ planned: { everyFrames: 1 }, gcCostNs: () => 2_000_000 });
    slow.pgc.calibrate(3);
    slow.pgc.reset();
    slow.exec.runFrames(3);
    expect(slow.pgc.summary(0).planned).toMatchObject({ count: 0, deferred: 3, costEstimateNs: 2_000_000 });
  });

  it('auto: once the young generation is FORCE_FILL full, a deferred collection runs anyway and measures the cost again', () => {
    // Calibration saw three 2 ms collections (preempted): the estimate (2 ms) never fits the
    // 800 µs of slack. The real cost is 100 µs. 150 KiB a frame into 1 MiB: due from 58.6 %
    // (frame 4), deferred, then forced at 87.9 % (frame 6), and so every 6 frames, until six
    // 100 µs costs have pushed two of the three 2 ms ones out of the last 8: the estimate is
    // 100 µs again, and the next collection is planned at 58.6 % (frame 40).
    expect(FORCE_FILL).toBe(0.8);
    let calibrating = 3;
    const r = rig({
      alloc: { bytes: 150 * 1024 },
      gcCostNs: () => (calibrating-- > 0 ? 2_000_000 : 100_000),
    });
    r.pgc.calibrate(3);
    expect(r.pgc.costEstimateNs).toBe(2_000_000);
    r.pgc.reset();
    r.exec.runFrames(40);
    expect(r.gcCalls.slice(3)).toEqual([5, 11, 17, 23, 29, 35, 39].map((k) => T0 + k * F + 200_000));
    expect(r.pgc.summary(0).planned).toMatchObject({
      count: 7,
      forced: 6,
      deferred: 12,
      late: 0,
      costEstimateNs: 100_000,
    });
  });

  it('a collection that runs past the next release counts as late', () => {
    let n = 0;
    // Calibration 100 µs; the planned one takes 1.5 ms (e.g. preempted).
    const r = rig({ planned: { everyFrames: 2 }, gcCostNs: () => (n++ === 0 ? 100_000 : 1_500_000) });
    r.pgc.calibrate(1);
    r.pgc.reset();
    r.exec.runFrames(2);
    const s = r.pgc.summary(0).planned;
    expect(s.late).toBe(1);
    expect(r.pgc.summary(T0).planned.events[0]).toEqual({
      atNs: 1_200_000,
      durationNs: 1_500_000,
      slackLeftNs: -700_000,
      frame: 2,
    });
  });

  it('is not called after a frame that stopped the loop, and off-by-default settings never collect', () => {
    const r = rig({ planned: { everyFrames: 1 } });
    r.exec.requestStop();
    r.exec.runFrames(3);
    expect(r.gcCalls).toEqual([]);
    expect(r.pgc.summary(0).planned.count).toBe(0);
  });

  it('warnings: young fill crossing warn.youngFill counts once per episode; old growth every oldGrowthBytes', () => {
    const alloc = { bytes: 100 * 1024 };
    const r = rig({
      planned: { enabled: false },
      warn: { enabled: true, youngFill: 0.85, oldGrowthBytes: 4 * MB },
      alloc,
    });
    r.heap.values[HP_OLD_USED] = 10 * MB;
    r.pgc.reset();
    // Probed after every frame: the 9th frame brings it to 900 KiB ≥ 85 % of 1 MiB (at 8.2 ms).
    r.exec.runFrames(16);
    r.heap.values[HP_OLD_USED] = 15 * MB; // +5 MiB, seen after the 17th frame (16.2 ms)
    r.exec.runFrames(16); // young still above: the same episode
    r.heap.values[HP_YOUNG_USED] = 0; // a scavenge
    alloc.bytes = 0;
    r.exec.runFrames(16); // probed below the threshold: the episode ends
    alloc.bytes = 100 * 1024;
    r.exec.runFrames(16); // above again: a second episode
    const w = r.pgc.summary(T0).warn;
    expect(w.warnings).toEqual([
      { kind: 'young-nearly-full', count: 2, firstAtNs: 8_200_000, worst: 3200 / 1024 },
      { kind: 'old-growth', count: 1, firstAtNs: 16_200_000, worst: 5 * MB },
    ]);
    expect(r.gcCalls).toEqual([]);
    // Each episode is one gc-warn alarm, raised in the slack of the frame that found it
    // (value 1: young nearly full; 2: old growth).
    const alarms: string[] = [];
    r.exec.drainAlarms((a) => {
      if (a.kind === 'gc-warn') alarms.push(`f${a.frame} t${a.timeNs - T0} v${a.value}`);
    }, true);
    expect(alarms).toEqual(['f8 t8200000 v1', 'f16 t16200000 v2', 'f56 t56200000 v1']);
    expect(r.exec.snapshot().alarms['gc-warn']).toBe(3);
  });

  it('rejects bad settings with a RangeError naming the field', () => {
    const base = { clock: new ManualClock(0), gc: () => {}, probe: new FakeHeap() };
    const warn = { enabled: false, youngFill: 0.85, oldGrowthBytes: MB };
    expect(
      () =>
        new PlannedGc({
          ...base,
          warn,
          planned: { enabled: true, everyFrames: 0, minSlackNs: null, youngFill: 0.5 },
        }),
    ).toThrow('PlannedGc: everyFrames must be an integer >= 1, got 0');
    expect(
      () =>
        new PlannedGc({
          ...base,
          warn,
          planned: { enabled: true, everyFrames: null, minSlackNs: null, youngFill: 0 },
        }),
    ).toThrow('PlannedGc: planned.youngFill must be in (0, 1], got 0');
  });
});
