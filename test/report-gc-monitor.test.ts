import { describe, expect, it } from 'vitest';
import { GcMonitor } from '../src/gc/monitor.js';

describe('GcMonitor', () => {
  it('is all zeros before anything was observed', () => {
    const summary = new GcMonitor().stop();
    expect(summary).toEqual({
      count: 0,
      maxPauseNs: 0,
      totalPauseNs: 0,
      unplanned: 0,
      byKind: { minor: 0, major: 0, incremental: 0, weakcb: 0, other: 0 },
      events: [],
      planned: 0,
      unplannedEvents: [],
      overlaps: [],
      governance: null,
    });
  });

  it('counts the collections that garbage causes, all as unplanned', async () => {
    const monitor = new GcMonitor();
    monitor.start();
    let sink = 0;
    for (let round = 0; round < 20; round++) {
      // ~40 MB of short-lived arrays: several scavenges whatever the young-generation size.
      for (let i = 0; i < 20_000; i++) sink += new Array(256).fill(i).length;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    const summary = monitor.stop();
    expect(sink).toBeGreaterThan(0);
    expect(summary.count).toBeGreaterThan(0);
    expect(summary.unplanned).toBe(summary.count);
    expect(summary.maxPauseNs).toBeGreaterThan(0);
    expect(summary.totalPauseNs).toBeGreaterThanOrEqual(summary.maxPauseNs);
    const byKind = Object.values(summary.byKind).reduce((a, b) => a + b, 0);
    expect(byKind).toBe(summary.count);
    expect(summary.events.length).toBe(Math.min(summary.count, 100));
    // Stopped: later garbage is not counted.
    for (let i = 0; i < 20_000; i++) sink += new Array(256).fill(i).length;
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(monitor.summary().count).toBe(summary.count);
  });
});
