/**
 * The shape every `hardtick.run/v1` report has, whatever the run did: the contract fields
 * with their types, counts that are whole and non-negative, distributions whose figures
 * are ordered (min ≤ p50 ≤ p99 ≤ p99.9 ≤ max, the mean inside), one task entry per task
 * and every alarm kind listed. Tests assert what their run did on top of this.
 */
import { expect } from 'vitest';
import type { RunReport } from '../../src/report/run-report.js';
import { ALARM_KINDS } from '../../src/runtime/alarm-kinds.js';

function expectCount(value: unknown, what: string): void {
  expect(Number.isSafeInteger(value) && (value as number) >= 0, `${what} = ${String(value)}`).toBe(true);
}

/** Ordered figures of a distribution with `count` values (no ordering to check when empty). */
function expectDistribution(
  d: Readonly<Record<string, number>>,
  keys: readonly string[],
  what: string,
): void {
  for (const k of keys) expect(typeof d[k], `${what}.${k}`).toBe('number');
  if (d.count === 0) return;
  const ordered = ['min', 'p50', 'p99', 'p999', 'max'].map((k) => d[k]!);
  expect(
    ordered.every((v, i) => i === 0 || ordered[i - 1]! <= v),
    `${what} out of order: ${JSON.stringify(d)}`,
  ).toBe(true);
  if ('mean' in d)
    expect(d.mean! >= d.min! && d.mean! <= d.max!, `${what}.mean: ${JSON.stringify(d)}`).toBe(true);
}

/**
 * Asserts the report's shape (see the module note); `taskNames`, when given, must be the
 * tasks in report order.
 */
export function expectRunReportShape(report: RunReport, taskNames?: readonly string[]): void {
  expect(report.schema).toBe('hardtick.run/v1');
  for (const key of ['node', 'platform', 'arch', 'kernel', 'clock', 'waiter', 'schedulingPolicy'] as const) {
    expect(typeof report.environment[key], `environment.${key}`).toBe('string');
  }
  for (const key of ['count', 'overruns', 'skipped'] as const)
    expectCount(report.frames[key], `frames.${key}`);
  expectDistribution(
    report.release.latenessNs as unknown as Record<string, number>,
    ['min', 'p50', 'p99', 'p999', 'max'],
    'release.latenessNs',
  );
  if (taskNames !== undefined) expect(report.tasks.map((t) => t.name)).toEqual(taskNames);
  for (const task of report.tasks) {
    expect(Number.isSafeInteger(task.budgetNs) && task.budgetNs > 0, `${task.name}.budgetNs`).toBe(true);
    for (const key of ['releases', 'overruns', 'deadlineMisses', 'errors'] as const) {
      expectCount(task[key], `${task.name}.${key}`);
    }
    expectDistribution(
      task.execNs as unknown as Record<string, number>,
      ['min', 'mean', 'p50', 'p99', 'p999', 'max'],
      `${task.name}.execNs`,
    );
  }
  for (const key of ['count', 'unplanned'] as const) expectCount(report.gc[key], `gc.${key}`);
  expect(typeof report.gc.maxPauseNs, 'gc.maxPauseNs').toBe('number');
  expect(Object.keys(report.alarms).sort()).toEqual([...ALARM_KINDS].sort());
  for (const [kind, n] of Object.entries(report.alarms)) expectCount(n, `alarms.${kind}`);
}
