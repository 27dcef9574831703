/**
 * GcMonitor's planned/unplanned split on real collections: a forced `gc({ type: 'minor' })`
 * (what PlannedGc runs) is planned, collections caused by garbage are unplanned; and
 * withGcEvidence/findGcOverlaps pair misses with the collection that overlapped them.
 */
import { describe, expect, it } from 'vitest';
import { obtainGcFunction } from '../src/gc/gc-function.js';
import { withGcEvidence } from '../src/gc/governance.js';
import { emptyGcSummary, GcMonitor } from '../src/gc/monitor.js';
import { findGcOverlaps, MissSightings } from '../src/gc/overlaps.js';

const turn = () => new Promise<void>((resolve) => setTimeout(resolve, 20));

describe('GcMonitor classification', () => {
  it('forced minor collections count as planned, garbage-driven ones as unplanned', async () => {
    const { gc } = obtainGcFunction();
    const monitor = new GcMonitor();
    monitor.start();
    for (let i = 0; i < 5; i++) gc({ type: 'minor' });
    await turn();
    const afterForced = monitor.summary();
    expect(afterForced.planned).toBe(5);
    expect(afterForced.unplanned).toBe(afterForced.count - 5);
    let sink = 0;
    for (let round = 0; round < 10; round++) {
      for (let i = 0; i < 20_000; i++) sink += new Array(256).fill(i).length;
      await turn();
    }
    const s = monitor.stop();
    expect(sink).toBeGreaterThan(0);
    expect(s.planned).toBe(5);
    expect(s.unplanned).toBeGreaterThan(0);
    expect(s.planned! + s.unplanned).toBe(s.count);
    expect(s.events.filter((e) => e.planned).length).toBe(5);
    expect(s.unplannedEvents!.every((e) => e.planned === false)).toBe(true);
    expect(s.unplannedEvents!.length).toBe(Math.min(s.unplanned, 1000));
  });
});

describe('GC overlaps', () => {
  const gcs = [
    { atNs: 1_000_000, pauseNs: 300_000, kind: 'minor' as const, planned: false },
    { atNs: 5_000_000, pauseNs: 800_000, kind: 'minor' as const, planned: true },
  ];
  it('pairs each miss with the collection inside its window, per kind', () => {
    const misses = new MissSightings();
    // Slot [0.9, 1.5] ms: overlaps the first GC.
    misses.add({
      kind: 'overrun',
      task: 'a',
      mode: 'main',
      frame: 1,
      atNs: 1_500_000,
      valueNs: 600_000,
      frameNs: 1e6,
    });
    // Slot [1.4, 1.5] ms: after the first GC ended (1.3 ms): no overlap.
    misses.add({
      kind: 'overrun',
      task: 'a',
      mode: 'main',
      frame: 1,
      atNs: 1_500_000,
      valueNs: 100_000,
      frameNs: 1e6,
    });
    // Deadline miss at 6 ms by 0.2 ms: window one frame back, [5, 6] ms: the planned GC.
    misses.add({
      kind: 'deadline-miss',
      task: 'b',
      mode: 'main',
      frame: 5,
      atNs: 6_000_000,
      valueNs: 200_000,
      frameNs: 1e6,
    });
    // Frame overrun ending at 7 ms, 0.5 ms over: window [5.5, 7] ms: the planned GC (until 5.8).
    misses.add({
      kind: 'frame-overrun',
      task: null,
      mode: 'main',
      frame: 5,
      atNs: 7_000_000,
      valueNs: 500_000,
      frameNs: 1e6,
    });
    // Other kinds are not kept.
    expect(
      misses.add({ kind: 'pause', task: null, mode: 'main', frame: 0, atNs: 0, valueNs: 0, frameNs: 1e6 }),
    ).toBe(false);
    expect(findGcOverlaps(misses.list(), gcs)).toEqual([
      {
        kind: 'overrun',
        task: 'a',
        frame: 1,
        atNs: 1_500_000,
        gcKind: 'minor',
        gcAtNs: 1_000_000,
        gcPauseNs: 300_000,
        planned: false,
      },
      {
        kind: 'deadline-miss',
        task: 'b',
        frame: 5,
        atNs: 6_000_000,
        gcKind: 'minor',
        gcAtNs: 5_000_000,
        gcPauseNs: 800_000,
        planned: true,
      },
      {
        kind: 'frame-overrun',
        task: null,
        frame: 5,
        atNs: 7_000_000,
        gcKind: 'minor',
        gcAtNs: 5_000_000,
        gcPauseNs: 800_000,
        planned: true,
      },
    ]);
  });

  it('withGcEvidence converts event times to run time before pairing, and adds governance', () => {
    const summary = {
      ...emptyGcSummary(),
      count: 1,
      unplanned: 1,
      events: [{ ...gcs[0]!, atNs: 101_000_000 }],
    };
    const misses = new MissSightings();
    misses.add({
      kind: 'overrun',
      task: 'a',
      mode: 'main',
      frame: 1,
      atNs: 1_500_000,
      valueNs: 600_000,
      frameNs: 1e6,
    });
    const out = withGcEvidence(summary, {
      governance: null,
      sightings: misses.list(),
      gcToRunNs: -100_000_000,
    });
    expect(out.overlaps).toHaveLength(1);
    expect(out.overlaps![0]!.gcAtNs).toBe(1_000_000);
    expect(out.governance).toBeNull();
    expect(out.count).toBe(1);
  });
});
