/**
 * How often the worker-mode host drains the loop's rings (alarms, trace, statistics, the
 * channels): every 50 frames of the fastest mode, within 50–250 ms.
 */
import { describe, expect, it } from 'vitest';
import {
  hostTraceCapacity,
  MAX_POLL_INTERVAL_MS,
  MIN_POLL_INTERVAL_MS,
  pollIntervalMs,
} from '../src/run/worker-host.js';

const MS = 1e6;

describe('the host poll interval', () => {
  it('is 50 frames of the fastest mode, at least 50 ms and at most 250 ms', () => {
    expect([MIN_POLL_INTERVAL_MS, MAX_POLL_INTERVAL_MS]).toEqual([50, 250]);
    expect(pollIntervalMs(0.2 * MS)).toBe(50);
    expect(pollIntervalMs(1 * MS)).toBe(50);
    expect(pollIntervalMs(2 * MS)).toBe(100);
    expect(pollIntervalMs(4 * MS)).toBe(200);
    expect(pollIntervalMs(5 * MS)).toBe(250);
    expect(pollIntervalMs(100 * MS)).toBe(250);
  });
});

describe('the trace ring in worker mode', () => {
  it('holds twice the records the loop can push between two drains, at least what --trace keeps', () => {
    // Two slots in a 2 ms frame: a drain every 100 ms, 51 hyperperiods touched, 102 records.
    const twoSlots = { frameNs: 2 * MS, hyperperiodNs: 2 * MS, slotCount: 2 };
    expect(hostTraceCapacity(10, [twoSlots])).toBe(256);
    // One slot at 1 ms: a drain every 50 ms, 51 records.
    const oneSlot = { frameNs: 1 * MS, hyperperiodNs: 1 * MS, slotCount: 1 };
    expect(hostTraceCapacity(10, [oneSlot])).toBe(128);
    expect(hostTraceCapacity(1000, [oneSlot])).toBe(1024);
    // The fastest mode sets the drain; every mode's slots count.
    expect(
      hostTraceCapacity(10, [oneSlot, { frameNs: 10 * MS, hyperperiodNs: 20 * MS, slotCount: 30 }]),
    ).toBe(256);
  });
});
