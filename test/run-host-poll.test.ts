/**
 * How often the worker-mode host drains the loop's rings (alarms, trace, statistics, the
 * channels): every 50 frames of the fastest mode, within 50–250 ms.
 */
import { describe, expect, it } from 'vitest';
import { MAX_POLL_INTERVAL_MS, MIN_POLL_INTERVAL_MS, pollIntervalMs } from '../src/run/worker-host.js';

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
