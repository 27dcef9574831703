/**
 * Planned GC end to end: `hardtick run` in a child process (real clock, real thread, real
 * collector), an allocating task (~10 KB of short-lived objects per 1 ms frame) and
 * `gc: { planned: true, warn: true }`, in both thread modes.
 *
 * Asserted: collections happened; every one the loop's isolate saw was planned (forced, in
 * slack: `gc.unplanned` 0, every listed event `planned`), which means none ran inside a
 * task slot (the loop is one thread: a planned collection runs between the frame's last
 * slot and the next release, an unplanned scavenge is the one an allocation inside a task
 * triggers); the governance record agrees with the monitor (same count); every planned
 * collection was logged. The same config without `gc` shows only unplanned collections.
 * Timing is not asserted (the box is shared): a collection stretched past the next
 * release by a preemption is counted in `governance.planned.late`, not failed.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunReport } from '../src/report/run-report.js';
import { hardtickRun } from './helpers/cli.js';
import { expectRunReportShape } from './helpers/report-shape.js';
import { scratchDir, taskEntry, writeTinyConfig } from './helpers/tiny-config.js';

const dir = scratchDir('hardtick-gc-run-');
const TASKS = [
  'const cell = new Float64Array(1);',
  'let keep = null;',
  // ~200 small objects per call; the last array survives until the next call.
  'export function alloc() { const a = []; for (let i = 0; i < 200; i++) a.push({ i, v: i * 2 }); keep = a; cell[0] += keep.length; }',
];

/** A 4 s run (2 ms frames, the allocating task) with `gc` as given; its report. */
async function runReport(name: string, gc: unknown, thread: 'worker' | 'main'): Promise<RunReport> {
  const { configFile } = writeTinyConfig({
    dir,
    file: `${name}.json`,
    tasks: TASKS,
    config: {
      name,
      frame: '2ms',
      tasks: [taskEntry('alloc', '2ms', '500us')],
      alarms: { fatal: [] },
      ...(gc === undefined ? {} : { gc }),
    },
  });
  const r = await hardtickRun(configFile, ['--duration', '4s', '--quiet', '--thread', thread]);
  // No alarm is fatal here (`alarms.fatal: []`): the run exits 0 whatever the machine does.
  expect(r.code, r.transcript).toBe(0);
  expectRunReportShape(r.report!, ['alloc']);
  return r.report!;
}

describe('planned GC in a real run', () => {
  // The ungoverned run asserts only which kind of collections it met, not their timing: it
  // runs beside the first governed one. The governed runs, whose verdict depends on the
  // slack each frame really has, run one at a time.
  let ungoverned: Promise<RunReport>;
  beforeAll(() => {
    ungoverned = runReport('ungoverned', undefined, 'worker');
    ungoverned.catch(() => {});
  });

  for (const thread of ['worker', 'main'] as const) {
    it(`--thread ${thread}: every collection is planned, in slack, and counted twice alike`, async () => {
      const r = await runReport(`planned-${thread}`, { planned: true, warn: true }, thread);
      const gc = r.gc;
      const why = JSON.stringify({ ...gc, events: gc.events.slice(0, 5) });
      expect(r.frames.count).toBeGreaterThan(500);
      expect(gc.count, why).toBeGreaterThan(0);
      expect(gc.planned, why).toBe(gc.count);
      expect(gc.unplanned, why).toBe(0);
      expect(gc.unplannedEvents, why).toEqual([]);
      expect(
        gc.events.every((e) => e.planned === true && e.kind === 'minor'),
        why,
      ).toBe(true);
      expect(gc.overlaps, why).toEqual([]);
      const gov = gc.governance!;
      expect(gov.planned).toMatchObject({ enabled: true, every: 'auto', minSlackNs: 'auto', youngFill: 0.5 });
      expect(gov.planned.count, why).toBe(gc.planned);
      expect(gov.planned.costEstimateNs).toBeGreaterThan(0);
      expect(gov.heapProbe).toBe('binding');
      expect(gov.planned.events.length).toBe(Math.min(gov.planned.count, 100));
      // In order, within the measured run, each in a frame's slack after it.
      let previous = Number.NEGATIVE_INFINITY;
      for (const e of gov.planned.events) {
        expect(e.durationNs).toBeGreaterThan(0);
        expect(e.atNs).toBeGreaterThan(previous);
        expect(e.atNs).toBeLessThan(r.durationNs);
        previous = e.atNs;
      }
      // Late = stretched past the next release by a preemption mid-collection (seen: 2 of 5
      // at load average 10, 0 on a calmer run): how many is not asserted, what it counts is,
      // the logged collections that ended after the next release (slack left < 0).
      if (gov.planned.count <= 100)
        expect(gov.planned.late).toBe(gov.planned.events.filter((e) => e.slackLeftNs < 0).length);
      else expect(gov.planned.late).toBeLessThanOrEqual(gov.planned.count);
    }, 90_000);
  }

  it('without gc governance the same task only meets unplanned collections', async () => {
    const r = await ungoverned;
    expect(r.gc.count).toBeGreaterThan(0);
    expect(r.gc.planned).toBe(0);
    expect(r.gc.unplanned).toBe(r.gc.count);
    expect(r.gc.governance).toBeNull();
  }, 90_000);
});
