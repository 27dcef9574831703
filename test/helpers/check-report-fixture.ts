/**
 * Hand-built `hardtick.run/v1` reports for the check and report-render tests: exact
 * figures (no clock involved), with every contract field and the extras the renderers
 * draw. `makeReport` takes per-task overrides and top-level overrides.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LoadedRunReport } from '../../src/report/read.js';
import { parseRunReport } from '../../src/report/read.js';

/** Per-task figures a test cares about (the rest get plausible defaults). */
export interface TaskFixture {
  name: string;
  budgetNs?: number;
  p50?: number;
  p99?: number;
  max?: number;
  overruns?: number;
  deadlineMisses?: number;
  errors?: number;
  runs?: number;
  mode?: string;
  pwcet?: unknown;
  histogram?: [number, number, number][];
}

/** The environment of a fixture report (a second machine differs in the fields given). */
export function fixtureEnvironment(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    hardtick: '0.1.0',
    node: 'v20.20.2',
    v8: '11.3',
    platform: 'linux',
    arch: 'x64',
    kernel: '6.18.0',
    kernelVersion: '#1 SMP PREEMPT_DYNAMIC',
    cpus: { count: 2, model: 'AMD EPYC', governor: 'performance', frequencyMhz: 2100, maxFrequencyMhz: 3000 },
    clock: 'native',
    waiter: 'native-abs',
    waiterMarginNs: 100000,
    schedulingPolicy: 'SCHED_FIFO (priority 80)',
    scheduling: { policy: 'SCHED_FIFO', priority: 80, nice: 0 },
    timerSlack: { applied: true, ns: 1 },
    execArgv: [],
    v8Flags: [],
    realtime: { threadId: 1, cpusAllowed: '1', preemption: 'PREEMPT_RT', isolatedCpus: '1' },
    thread: 'worker',
    ...over,
  };
}

function task(t: TaskFixture): Record<string, unknown> {
  const budgetNs = t.budgetNs ?? 100_000;
  const max = t.max ?? 60_000;
  // Defaults never exceed a given max: a report's percentiles are in order.
  const p99 = t.p99 ?? Math.min(40_000, max);
  const p50 = t.p50 ?? Math.min(10_000, p99);
  const runs = t.runs ?? 1000;
  const dist = {
    min: Math.min(1000, p50),
    mean: p50,
    p50,
    p99,
    p999: Math.max(p99, max - 1),
    max,
    count: runs,
  };
  return {
    name: t.name,
    budgetNs,
    releases: runs,
    overruns: t.overruns ?? 0,
    deadlineMisses: t.deadlineMisses ?? 0,
    errors: t.errors ?? 0,
    execNs: dist,
    mode: t.mode ?? 'main',
    deadlineNs: 1_000_000,
    periodNs: 1_000_000,
    runs,
    skipped: 0,
    degradedRuns: 0,
    execMaxFrame: 42,
    policyTriggers: 0,
    degradedAtEnd: false,
    execMaxBudgetRatio: max / budgetNs,
    responseNs: { ...dist },
    execHistogram:
      t.histogram ??
      (runs === 0
        ? []
        : [
            [Math.min(1000, p50), Math.min(1000, p50) + 16, 10],
            [p50, p50 + 64, Math.max(0, runs - 20)],
            [p99, p99 + 256, 9],
            [max, max + 512, 1],
          ]),
    ...(t.pwcet === undefined ? {} : { pwcet: t.pwcet }),
  };
}

/** A valid report (as plain JSON) with the given tasks; `over` replaces top-level fields. */
export function makeReportJson(
  tasks: readonly TaskFixture[],
  over: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    schema: 'hardtick.run/v1',
    environment: fixtureEnvironment(),
    frames: { count: 1000, overruns: 0, skipped: 0 },
    release: {
      latenessNs: { min: 50, p50: 400, p99: 20_000, p999: 60_000, max: 90_000, mean: 900, count: 1000 },
    },
    tasks: tasks.map(task),
    gc: { count: 0, maxPauseNs: 0, totalPauseNs: 0, unplanned: 0, byKind: {}, events: [] },
    pauses: { count: 0, events: [] },
    alarms: { overrun: 0, 'deadline-miss': 0, 'frame-overrun': 0, pause: 0 },
    config: { name: 'fixture', file: null, modes: ['main'], initialMode: 'main' },
    mode: 'main',
    frameNs: 1_000_000,
    startedAt: '2026-01-01T00:00:00.000Z',
    endedAt: '2026-01-01T00:00:01.000Z',
    durationNs: 1_000_000_000,
    requestedDurationNs: 1_000_000_000,
    warmup: { frames: 0, durationNs: 0 },
    alarmsDropped: 0,
    stopReason: 'duration',
    fatal: { kinds: ['deadline-miss', 'frame-overrun', 'task-error'], occurred: [] },
    exitCode: 0,
    ...over,
  };
}

/** {@link makeReportJson}, validated through the real loader. */
export function makeReport(
  tasks: readonly TaskFixture[],
  over: Record<string, unknown> = {},
): LoadedRunReport {
  return parseRunReport(makeReportJson(tasks, over), 'fixture.json');
}

/** A fresh temp directory. */
export function tempDir(prefix = 'hardtick-check-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Writes `value` as JSON (or `text` verbatim) into `dir/name`; returns the path. */
export function writeJson(dir: string, name: string, value: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, typeof value === 'string' ? value : `${JSON.stringify(value, null, 2)}\n`);
  return file;
}

/** A pWCET section shaped like src/pwcet's result. */
export function fixturePwcet(base: number): Record<string, unknown> {
  return {
    samples: 5000,
    model: 'gumbel',
    params: { mu: base, beta: base / 10 },
    pwcetNs: {
      '1e-3': base * 1.2,
      '1e-4': base * 1.4,
      '1e-5': base * 1.6,
      '1e-6': base * 1.8,
      '1e-7': base * 2.0,
      '1e-8': base * 2.2,
      '1e-9': base * 2.4,
    },
    fitsBudget: true,
    diagnostics: { ok: true, warnings: ['few block maxima'] },
  };
}
