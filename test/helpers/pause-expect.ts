/**
 * What the SIGSTOP tests assert about the pause a ~300 ms stop leaves in a report: one
 * pause of about that length, cause unknown, with the steal sampled around it (the
 * interval containing it, whole /proc/stat ticks, below half of it: why it is unknown).
 */
import { expect } from 'vitest';
import type { RunReportPause } from '../../src/report/pauses.js';
import type { RunReport } from '../../src/report/run-report.js';
import { NS_PER_STEAL_TICK } from '../../src/report/steal.js';

/** The report's longest pause, asserted to be a ~300 ms one of unknown cause with steal sampled around it. */
export function expectStopPause(report: RunReport, why: string): RunReportPause {
  expect(report.alarms.pause, why).toBeGreaterThanOrEqual(1);
  expect(report.pauses.count).toBe(report.alarms.pause);
  const longest = [...report.pauses.events].sort((a, b) => b.lengthNs - a.lengthNs)[0];
  expect(longest, why).toBeDefined();
  expect(longest!.lengthNs).toBeGreaterThan(280e6);
  expect(longest!.lengthNs).toBeLessThan(400e6);
  expect(longest!.cause).toBe('unknown');
  const around = longest!.steal;
  expect(around, JSON.stringify(longest)).toBeDefined();
  expect(around!.containing.fromNs).toBeLessThanOrEqual(longest!.atNs - longest!.lengthNs);
  expect(around!.containing.toNs).toBeGreaterThanOrEqual(longest!.atNs);
  expect(around!.containing.toNs - around!.containing.fromNs).toBeLessThan(longest!.lengthNs + 1.5e9);
  expect(around!.containing.stealNs % NS_PER_STEAL_TICK).toBe(0);
  expect(around!.containing.stealNs).toBeLessThan(0.5 * longest!.lengthNs);
  expect(longest!.stealNs).toBe(around!.containing.stealNs);
  return longest!;
}
