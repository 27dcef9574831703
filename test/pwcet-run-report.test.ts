/**
 * pWCET in run reports: the executive fills each task's sample buffers as it runs, the
 * report carries `tasks[i].pwcet` (or null when too few samples) and `tasks[i].execSamples`,
 * and `hardtick pwcet run.json --task NAME` refits the same figures from the file. On
 * ManualClock (exact, deterministic) and on the real clock through `hardtick run` in both
 * thread modes.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { captureIo } from '../src/cli/io.js';
import { main } from '../src/cli/main.js';
import { resolveConfig } from '../src/config/load.js';
import { GcMonitor } from '../src/gc/monitor.js';
import { buildScheduleTable } from '../src/plan/table.js';
import type { PlannedSlot, PlanResult } from '../src/plan/types.js';
import { seededUniform } from '../src/pwcet/synthetic.js';
import { collectEnvironment } from '../src/report/environment.js';
import { buildRunReport, type RunReport } from '../src/report/run-report.js';
import { Executive } from '../src/runtime/index.js';
import { ManualClock, ManualWaiter } from '../src/time/clock.js';
import { taskEntry, writeTinyConfig } from './helpers/tiny-config.js';

const US = 1_000;
const MS = 1_000_000;
const dir = mkdtempSync(join(tmpdir(), 'hardtick-pwcet-report-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function slot(
  task: string,
  taskIndex: number,
  job: number,
  budgetNs: number,
  releaseNs: number,
): PlannedSlot {
  return { task, taskIndex, job, slice: 0, budgetNs, releaseNs, deadlineNs: releaseNs + MS, last: true };
}

/**
 * Tasks a (1 ms, budget 100 µs) spending 20 µs + Exp(5 µs) (whole ns, seeded) and b
 * (1 ms, budget 300 µs) spending a constant 40 µs, for `frames` frames on ManualClock.
 */
function manualRun(frames: number): RunReport {
  const config = resolveConfig(
    {
      name: 'pw',
      tasks: [
        { name: 'a', period: '1ms', budget: '100us', run: './t.mjs#a' },
        { name: 'b', period: '1ms', budget: '300us', run: './t.mjs#b' },
      ],
    },
    { baseDir: '/tmp' },
  );
  const plan: PlanResult = {
    feasible: true,
    hyperperiodNs: MS,
    frameNs: MS,
    frames: [
      {
        index: 0,
        startNs: 0,
        loadNs: 400 * US,
        slots: [slot('a', 0, 0, 100 * US, 0), slot('b', 1, 0, 300 * US, 0)],
      },
    ],
    slices: {},
    diagnostics: [],
  };
  const clock = new ManualClock(0);
  const waiter = new ManualWaiter(clock);
  const u = seededUniform(17);
  const exec = new Executive({
    clock,
    waiter,
    modes: [
      {
        name: 'main',
        table: buildScheduleTable(plan),
        tasks: config.modes[0]!.tasks,
        fns: [
          () => clock.advance(Math.round(20 * US - 5 * US * Math.log(u()))),
          () => clock.advance(40 * US),
        ],
        degraded: [null, null],
        safeState: [null, null],
      },
    ],
  });
  exec.start(MS);
  expect(exec.runFrames(frames)).toBe(frames);
  return buildRunReport({
    config,
    snapshot: exec.snapshot(),
    environment: collectEnvironment({ clock: clock.kind, waiter: waiter.kind, timerSlackApplied: false }),
    gc: new GcMonitor().summary(),
    startedAt: new Date('2025-01-02T03:04:05.000Z'),
    endedAt: new Date('2025-01-02T03:04:25.000Z'),
  });
}

describe('pWCET in the run report (ManualClock)', () => {
  const report = manualRun(20_000);
  const [a, b] = report.tasks;

  it('per task: execSamples from the executive and a pwcet with the agreed field names', () => {
    expect(a!.execSamples!.count).toBe(20_000);
    expect(a!.execSamples!.blockSize).toBe(100);
    expect(a!.execSamples!.blockMaxima).toHaveLength(200);
    expect(a!.execSamples!.tail).toHaveLength(4096);
    expect(a!.execSamples!.tail[0]).toBe(a!.execNs.max);
    const p = a!.pwcet!;
    expect(p.samples).toBe(20_000);
    expect(['gumbel', 'gev', 'gpd']).toContain(p.model);
    expect(Object.keys(p.pwcetNs)).toEqual(['1e-3', '1e-4', '1e-5', '1e-6', '1e-7', '1e-8', '1e-9']);
    expect(p.budgetNs).toBe(100 * US);
    // Truth at 1e-9: 20 µs + 5 µs·20.72 = 123.6 µs > the 100 µs budget.
    expect(Math.abs(p.pwcetNs['1e-9'] / 123_616 - 1)).toBeLessThan(0.15);
    expect(p.fitsBudget).toBe(false);
    expect(Array.isArray(p.diagnostics.warnings)).toBe(true);
    expect(typeof p.diagnostics.ok).toBe('boolean');
  });

  it('a task with a constant execution time gets pwcet null (nothing to fit), its samples kept', () => {
    expect(b!.pwcet).toBeNull();
    expect(b!.execSamples!.count).toBe(20_000);
    expect(new Set(b!.execSamples!.blockMaxima)).toEqual(new Set([40 * US]));
  });

  it('too few samples: pwcet null', () => {
    const short = manualRun(400);
    expect(short.tasks[0]!.execSamples!.count).toBe(400);
    expect(short.tasks[0]!.pwcet).toBeNull();
  });

  it('survives JSON, and `hardtick pwcet run.json --task a` refits the same figures', async () => {
    const file = join(dir, 'run.json');
    writeFileSync(file, JSON.stringify(report));
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(report);
    const io = captureIo();
    const code = await main(['pwcet', file, '--task', 'a', '--json'], io);
    expect(io.stderr).toBe('');
    expect(code).toBe(1); // the task's own budget is the default, and the pWCET exceeds it
    const json = JSON.parse(io.stdout);
    expect(json.pwcetNs).toEqual(a!.pwcet!.pwcetNs);
    expect(json.model).toBe(a!.pwcet!.model);
    expect(json.source).toEqual({ file, task: 'a', header: null });
    const io2 = captureIo();
    expect(await main(['pwcet', file, '--task', 'a', '--budget', '1ms'], io2)).toBe(0);
    expect(io2.stdout).toContain(`pWCET of task "a" of ${file}: 20000 samples, 200 block maxima of 100 jobs`);
  });

  it('run report errors: several tasks without --task, an unknown task, a task with too few samples', async () => {
    const file = join(dir, 'run2.json');
    writeFileSync(file, JSON.stringify(report));
    const run = async (...argv: string[]) => {
      const io = captureIo();
      const code = await main(['pwcet', file, ...argv], io);
      return { code, stderr: io.stderr };
    };
    expect(await run()).toEqual({
      code: 2,
      stderr: `hardtick pwcet: ${file}: several tasks have samples (a, b): choose one with --task NAME\n`,
    });
    expect(await run('--task', 'zz')).toEqual({
      code: 2,
      stderr: `hardtick pwcet: ${file}: no task named "zz" (tasks: a, b)\n`,
    });
    const shortFile = join(dir, 'short.json');
    writeFileSync(shortFile, JSON.stringify(manualRun(400)));
    const io = captureIo();
    expect(await main(['pwcet', shortFile, '--task', 'a'], io)).toBe(2);
    expect(io.stderr).toBe(
      'hardtick pwcet: task "a": 400 samples (a fit needs 500): too few for a pWCET fit\n',
    );
    const broken = join(dir, 'broken.json');
    const bad = JSON.parse(JSON.stringify(report));
    bad.tasks[0].execSamples.blockMaxima[3] = 'x';
    writeFileSync(broken, JSON.stringify(bad));
    const io3 = captureIo();
    expect(await main(['pwcet', broken, '--task', 'a'], io3)).toBe(2);
    expect(io3.stderr).toBe(
      `hardtick pwcet: ${broken}: tasks[0] ("a").execSamples.blockMaxima[3]: expected a number >= 0, got "x"\n`,
    );
  });
});

describe('pWCET in real runs (hardtick run --report)', () => {
  /** No alarm fatal: the run's exit code is 0 whatever a loaded machine does to its timing. */
  function writeConfig(): string {
    return writeTinyConfig({
      dir,
      tasks: [
        'const cell = new Float64Array(1);',
        'export function work() { for (let i = 0; i < 200; i++) cell[0] += Math.sqrt(i); }',
      ],
      config: { name: 'pw-real', tasks: [taskEntry('work', '1ms', '500us')], alarms: { fatal: [] } },
    }).configFile;
  }

  it.each(['worker', 'main'])(
    '--thread %s: the report holds the run buffers and a pWCET (3000 executions)',
    async (thread) => {
      const config = writeConfig();
      const reportFile = join(dir, `real-${thread}.json`);
      const io = captureIo();
      const code = await main(
        [
          'run',
          config,
          '--duration',
          '3s',
          '--warmup',
          '200ms',
          '--thread',
          thread,
          '--report',
          reportFile,
          '--quiet',
        ],
        io,
      );
      expect(code, io.stderr).toBe(0);
      const report = JSON.parse(readFileSync(reportFile, 'utf8')) as RunReport;
      const task = report.tasks[0]!;
      // 3 s at 1 ms: ~3000 executions (generous: a loaded machine skips frames).
      expect(task.execSamples!.count).toBe(task.runs);
      expect(task.execSamples!.count).toBeGreaterThan(2_000);
      expect(task.execSamples!.tail[0]).toBe(task.execNs.max);
      const p = task.pwcet!;
      expect(p).not.toBeNull();
      expect(p.samples).toBe(task.runs);
      // A pWCET is at least the 1e-3 quantile of what was observed, and ordered in p.
      expect(p.pwcetNs['1e-9']).toBeGreaterThanOrEqual(p.pwcetNs['1e-3']);
      expect(p.pwcetNs['1e-3']).toBeGreaterThan(task.execNs.p50);
      expect(p.budgetNs).toBe(500 * US);
      expect(typeof p.fitsBudget).toBe('boolean');
    },
    30_000,
  );
});
