import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../src/config/load.js';
import type { AlarmKindName, ResolvedConfig } from '../src/config/types.js';
import { GcMonitor } from '../src/gc/monitor.js';
import { buildScheduleTable } from '../src/plan/table.js';
import type { PlannedSlot, PlanResult } from '../src/plan/types.js';
import { collectEnvironment, describeSchedStat } from '../src/report/environment.js';
import { buildRunReport, RUN_REPORT_SCHEMA, type RunReport } from '../src/report/run-report.js';
import { formatLateness, formatRunSummary, formatWcetTable } from '../src/report/summary.js';
import { ALARM_KINDS, Executive, type ExecutiveSnapshot, type TaskContext } from '../src/runtime/index.js';
import { ManualClock, ManualWaiter } from '../src/time/clock.js';

const US = 1000;
const MS = 1_000_000;
const T0 = 1e9;

/** Tasks a (1 ms, budget 100 µs) and b (2 ms, budget 300 µs); frame 1 ms, hyperperiod 2 ms. */
function tinyConfig(): ResolvedConfig {
  return resolveConfig(
    {
      name: 'tiny',
      tasks: [
        { name: 'a', period: '1ms', budget: '100us', run: './t.mjs#a' },
        { name: 'b', period: '2ms', budget: '300us', run: './t.mjs#b' },
      ],
    },
    { baseDir: '/tmp' },
  );
}

function slot(
  task: string,
  taskIndex: number,
  job: number,
  budgetNs: number,
  releaseNs: number,
  deadlineNs: number,
): PlannedSlot {
  return { task, taskIndex, job, slice: 0, budgetNs, releaseNs, deadlineNs, last: true };
}

/** The plan the planner makes for {@link tinyConfig}, written out so this test does not depend on it. */
const PLAN: PlanResult = {
  feasible: true,
  hyperperiodNs: 2 * MS,
  frameNs: 1 * MS,
  frames: [
    {
      index: 0,
      startNs: 0,
      loadNs: 400 * US,
      slots: [slot('a', 0, 0, 100 * US, 0, MS), slot('b', 1, 0, 300 * US, 0, 2 * MS)],
    },
    { index: 1, startNs: MS, loadNs: 100 * US, slots: [slot('a', 0, 1, 100 * US, MS, 2 * MS)] },
  ],
  slices: {},
  diagnostics: [],
};

/**
 * Runs 4 frames on ManualClock: `a` spends 50 µs and throws on its 3rd run; `b` spends
 * 200 µs, then 400 µs (an overrun of its 300 µs budget).
 */
function runTiny(): { report: RunReport; config: ResolvedConfig } {
  const config = tinyConfig();
  const clock = new ManualClock(T0 - 123_456);
  const waiter = new ManualWaiter(clock);
  let aRuns = 0;
  let bRuns = 0;
  const a = (_ctx: TaskContext): void => {
    clock.advance(50 * US);
    if (++aRuns === 3) throw new Error('boom');
  };
  const b = (_ctx: TaskContext): void => {
    clock.advance(++bRuns === 1 ? 200 * US : 400 * US);
  };
  const exec = new Executive({
    clock,
    waiter,
    modes: [
      {
        name: 'main',
        table: buildScheduleTable(PLAN),
        tasks: config.modes[0]!.tasks,
        fns: [a, b],
        degraded: [null, null],
        safeState: [null, null],
      },
    ],
  });
  exec.start(T0);
  expect(exec.runFrames(4)).toBe(4);
  const report = buildRunReport({
    config,
    snapshot: exec.snapshot(),
    environment: collectEnvironment({ clock: clock.kind, waiter: waiter.kind, timerSlackApplied: false }),
    gc: new GcMonitor().summary(),
    startedAt: new Date('2025-01-02T03:04:05.000Z'),
    endedAt: new Date('2025-01-02T03:04:05.004Z'),
    requestedDurationNs: 4 * MS,
    warmup: { frames: 0, durationNs: 0 },
  });
  return { report, config };
}

/** A stopped executive's snapshot with nothing in it but the given alarm totals. */
function emptySnapshot(alarms: Partial<Record<AlarmKindName, number>> = {}): ExecutiveSnapshot {
  return {
    mode: 'main',
    frameNs: MS,
    frames: { count: 0, overruns: 0, skipped: 0, lostToPause: 0, cutOff: 0, standby: 0 },
    release: { latenessNs: { count: 0, min: 0, mean: 0, p50: 0, p99: 0, p999: 0, max: 0 } },
    tasks: [],
    alarms: {
      ...(Object.fromEntries(ALARM_KINDS.map((k) => [k, 0])) as Record<AlarmKindName, number>),
      ...alarms,
    },
    alarmsDropped: 0,
    stopped: true,
    stopReason: 'requested',
    elapsedNs: 0,
    startNs: null,
    nextFrameIndex: 0,
  };
}

describe('buildRunReport (ManualClock executive)', () => {
  const { report } = runTiny();

  it('has the hardtick.run/v1 schema and environment', () => {
    expect(report.schema).toBe(RUN_REPORT_SCHEMA);
    expect(report.schema).toBe('hardtick.run/v1');
    const env = report.environment;
    expect(env.clock).toBe('manual');
    expect(env.waiter).toBe('manual');
    expect(env.node).toBe(process.version);
    expect(env.platform).toBe(process.platform);
    expect(env.arch).toBe(process.arch);
    expect(typeof env.kernel).toBe('string');
    expect(env.schedulingPolicy).toMatch(/^SCHED_/);
    expect(env.timerSlack.applied).toBe(false);
    expect(env.cpus.count).toBeGreaterThan(0);
  });

  it('counts frames, releases and lateness exactly', () => {
    expect(report.frames).toEqual({
      count: 4,
      overruns: 0,
      skipped: 0,
      lostToPause: 0,
      cutOff: 0,
      standby: 0,
    });
    expect(report.release.latenessNs).toEqual({ min: 0, p50: 0, p99: 0, p999: 0, max: 0, mean: 0, count: 4 });
    expect(report.durationNs).toBe(3 * MS + 50 * US);
    expect(report.frameNs).toBe(MS);
    expect(report.mode).toBe('main');
    expect(report.stopReason).toBeNull();
  });

  it('reports per-task evidence exactly', () => {
    const [a, b] = report.tasks;
    expect(a).toMatchObject({
      name: 'a',
      mode: 'main',
      budgetNs: 100 * US,
      deadlineNs: MS,
      periodNs: MS,
      releases: 4,
      runs: 4,
      overruns: 0,
      deadlineMisses: 0,
      errors: 1,
      skipped: 0,
      degradedRuns: 0,
      execMaxBudgetRatio: 0.5,
    });
    expect(a!.execNs).toEqual({
      min: 50 * US,
      mean: 50 * US,
      p50: 50 * US,
      p99: 50 * US,
      p999: 50 * US,
      max: 50 * US,
      count: 4,
    });
    expect(b).toMatchObject({
      name: 'b',
      budgetNs: 300 * US,
      deadlineNs: 2 * MS,
      periodNs: 2 * MS,
      releases: 2,
      runs: 2,
      overruns: 1,
      deadlineMisses: 0,
      errors: 0,
      execMaxFrame: 2,
    });
    expect(b!.execNs.min).toBe(200 * US);
    expect(b!.execNs.max).toBe(400 * US);
    expect(b!.execNs.mean).toBe(300 * US);
    expect(b!.execNs.count).toBe(2);
    // Percentiles come from the log-linear histogram (≤ 0.4 % error), clamped to min/max.
    expect(Math.abs(b!.execNs.p50 - 200 * US) / (200 * US)).toBeLessThan(0.005);
    expect(b!.execNs.p999).toBe(400 * US);
    expect(b!.execMaxBudgetRatio).toBeCloseTo(4 / 3, 12);
    // Response = completion − release: b ran after a (50 µs) in frames 0 and 2.
    expect(b!.responseNs.min).toBe(250 * US);
    expect(b!.responseNs.max).toBe(450 * US);
    const counted = b!.execHistogram.reduce((n, [, , c]) => n + c, 0);
    expect(counted).toBe(2);
  });

  it('counts every alarm kind and derives the exit code from alarms.fatal', () => {
    expect(report.alarms).toEqual({
      overrun: 1,
      'deadline-miss': 0,
      'frame-overrun': 0,
      'release-late': 0,
      'task-error': 1,
      'skipped-frames': 0,
      'mode-change': 0,
      stopped: 0,
      pause: 0,
      killed: 0,
      'gc-warn': 0,
    });
    expect(report.fatal).toEqual({
      kinds: ['deadline-miss', 'frame-overrun', 'task-error'],
      occurred: ['task-error'],
    });
    expect(report.exitCode).toBe(1);
  });

  it('carries the run metadata', () => {
    expect(report.config).toEqual({ name: 'tiny', file: null, modes: ['main'], initialMode: 'main' });
    expect(report.startedAt).toBe('2025-01-02T03:04:05.000Z');
    expect(report.endedAt).toBe('2025-01-02T03:04:05.004Z');
    expect(report.requestedDurationNs).toBe(4 * MS);
    expect(report.gc).toMatchObject({ count: 0, maxPauseNs: 0, unplanned: 0 });
    expect(report.alarmsDropped).toBe(0);
  });

  it('survives a JSON round trip unchanged', () => {
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  });

  it('is clean (exit 0) when no fatal kind occurred', () => {
    const config = tinyConfig();
    const clean = buildRunReport({
      config: { ...config, alarms: { ...config.alarms, fatal: ['deadline-miss'] } },
      snapshot: emptySnapshot({ overrun: 3, stopped: 1 }),
      environment: report.environment,
      gc: report.gc,
      startedAt: new Date(0),
      endedAt: new Date(0),
      stopReason: 'signal:SIGINT',
    });
    expect(clean.exitCode).toBe(0);
    expect(clean.fatal.occurred).toEqual([]);
    expect(clean.stopReason).toBe('signal:SIGINT');
    expect(clean.warmup).toEqual({ frames: 0, durationNs: 0 });
  });

  it('a pause during the warm-up is fatal when pause is; a crash is never exit 0', () => {
    const config = tinyConfig();
    const input = {
      config: { ...config, alarms: { ...config.alarms, fatal: ['pause' as const] } },
      snapshot: emptySnapshot(),
      environment: report.environment,
      gc: report.gc,
      startedAt: new Date(0),
      endedAt: new Date(0),
    };
    const warm = buildRunReport({
      ...input,
      warmup: {
        frames: 300,
        durationNs: 1.5e9,
        alarms: { pause: 1 },
        pauses: [{ atNs: 5e8, lengthNs: 6e8 }],
      },
    });
    expect(warm.alarms.pause).toBe(0);
    expect(warm.fatal.occurred).toEqual(['pause']);
    expect(warm.exitCode).toBe(1);
    expect(warm.warmup.pauses).toEqual([{ atNs: 5e8, lengthNs: 6e8 }]);
    const crashed = buildRunReport({
      ...input,
      exitCode: 0,
      crash: { cause: 'worker-error', message: 'Error: the worker failed' },
    });
    expect(crashed.exitCode).toBe(1);
    expect(crashed.crash).toEqual({ cause: 'worker-error', message: 'Error: the worker failed' });
  });
});

describe('run summary text', () => {
  const { report } = runTiny();

  it('prints the WCET table in µs with budget use and counters', () => {
    const table = formatWcetTable(report).split('\n');
    expect(table[0]).toMatch(
      /^task\s+budget\s+runs\s+min\s+p50\s+p99\s+p99\.9\s+max\s+max\/budget\s+overruns\s+misses\s+not run\s+errors$/,
    );
    expect(table[2]).toMatch(
      /^a\s+100\.0\s+4\s+50\.0\s+50\.0\s+50\.0\s+50\.0\s+50\.0\s+50\.0 %\s+0\s+0\s+0\s+1$/,
    );
    expect(table[3]).toMatch(
      /^b\s+300\.0\s+2\s+200\.0\s+\d+\.\d\s+400\.0\s+400\.0\s+400\.0\s+133\.3 %\s+1\s+0\s+0\s+0$/,
    );
  });

  it('prints lateness percentiles and the fatal verdict', () => {
    expect(formatLateness(report)).toBe(
      'release lateness (µs, 4 releases): min 0  p50 0  p99 0  p99.9 0  max 0\n',
    );
    const text = formatRunSummary(report);
    expect(text).toContain('tiny: 4 frames of 1000 µs');
    expect(text).toContain('alarms: overrun 1, task-error 1');
    expect(text).toContain('FATAL: task-error');
    expect(text).toContain('gc: 0 collections');
  });
});

describe('environment helpers', () => {
  it('reads the policy out of /proc/<pid>/stat', () => {
    const fields = (policy: number, rtPrio: number, nice: number): string => {
      const f = Array.from({ length: 50 }, () => '0');
      f[16] = String(nice);
      f[37] = String(rtPrio);
      f[38] = String(policy);
      return `123 (node (x) y) ${f.join(' ')}`;
    };
    expect(describeSchedStat(fields(0, 0, -5))).toBe('SCHED_OTHER (nice -5)');
    expect(describeSchedStat(fields(1, 80, 0))).toBe('SCHED_FIFO (priority 80)');
    expect(describeSchedStat(fields(2, 10, 0))).toBe('SCHED_RR (priority 10)');
    expect(describeSchedStat('garbage')).toBeNull();
  });
});
