/**
 * How often the worker-mode host drains the loop's rings (alarms, trace, statistics, the
 * channels) on its timer: every 250 ms (the loop's doorbell brings it sooner: a real run in
 * test/cli-run-channels.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { HOST_POLL_INTERVAL_MS, hostTraceCapacity } from '../src/run/worker-host.js';

const MS = 1e6;

describe('the host poll interval', () => {
  it('is 250 ms', () => {
    expect(HOST_POLL_INTERVAL_MS).toBe(250);
  });
});

describe('the trace ring in worker mode', () => {
  it('holds twice the records the loop can push between two timed drains, at least what --trace keeps', () => {
    // Two slots in a 2 ms frame: 126 hyperperiods touched by a 250 ms drain, 252 records.
    const twoSlots = { frameNs: 2 * MS, hyperperiodNs: 2 * MS, slotCount: 2 };
    expect(hostTraceCapacity(10, [twoSlots])).toBe(512);
    // One slot at 1 ms: 251 records.
    const oneSlot = { frameNs: 1 * MS, hyperperiodNs: 1 * MS, slotCount: 1 };
    expect(hostTraceCapacity(10, [oneSlot])).toBe(512);
    expect(hostTraceCapacity(1000, [oneSlot])).toBe(1024);
    // Every mode's slots count: 30 slots per 20 ms hyperperiod, 14 of them touched, 420 records.
    expect(
      hostTraceCapacity(10, [oneSlot, { frameNs: 10 * MS, hyperperiodNs: 20 * MS, slotCount: 30 }]),
    ).toBe(1024);
  });
});
