import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { captureIo } from '../src/cli/io.js';
import { runCommand } from '../src/cli/run.js';
import { loadNative } from '../src/native/binding.js';
import type { RunReport } from '../src/report/run-report.js';

/** True when runs use the native clock/waiter here. */
const NATIVE = loadNative() !== null;
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const badTasks = (name: string): string => join(ROOT, 'examples/bad-tasks', name);
const dir = mkdtempSync(join(tmpdir(), 'hardtick-cli-run-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A tiny config: two cheap tasks at 2 ms and 4 ms. */
function writeTinyConfig(extra: Record<string, unknown> = {}): string {
  writeFileSync(
    join(dir, 'tasks.mjs'),
    [
      'const cell = new Float64Array(1);',
      'export function fast() { cell[0] += 1; }',
      'export function slow() { for (let i = 0; i < 100; i++) cell[0] += i; }',
    ].join('\n'),
  );
  const file = join(dir, 'tiny.json');
  writeFileSync(
    file,
    JSON.stringify({
      name: 'tiny',
      tasks: [
        { name: 'fast', period: '2ms', budget: '500us', run: './tasks.mjs#fast' },
        { name: 'slow', period: '4ms', budget: '500us', run: './tasks.mjs#slow' },
      ],
      ...extra,
    }),
  );
  return file;
}

async function run(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const io = captureIo();
  const code = await runCommand(argv, io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

/** Checks every contract field of `hardtick.run/v1`. */
function expectContractFields(report: RunReport, taskNames: readonly string[]): void {
  expect(report.schema).toBe('hardtick.run/v1');
  for (const key of ['node', 'platform', 'arch', 'kernel', 'clock', 'waiter', 'schedulingPolicy'] as const) {
    expect(typeof report.environment[key], key).toBe('string');
  }
  // The backend selectClockAndWaiter picks: native when the addon loads (HARDTICK_NATIVE=0 forces JS).
  expect(report.environment.clock).toBe(NATIVE ? 'native' : 'performance.now');
  expect(report.environment.waiter).toBe(NATIVE ? 'native-abs' : 'hybrid');
  expect(report.environment.backend).toBe(NATIVE ? 'native' : 'js');
  expect(report.environment.nativeAddon?.available).toBe(NATIVE);
  for (const key of ['count', 'overruns', 'skipped'] as const)
    expect(typeof report.frames[key]).toBe('number');
  for (const key of ['min', 'p50', 'p99', 'p999', 'max'] as const) {
    expect(typeof report.release.latenessNs[key], key).toBe('number');
  }
  expect(report.tasks.map((t) => t.name)).toEqual(taskNames);
  for (const task of report.tasks) {
    for (const key of ['budgetNs', 'releases', 'overruns', 'deadlineMisses', 'errors'] as const) {
      expect(typeof task[key], key).toBe('number');
    }
    for (const key of ['min', 'mean', 'p50', 'p99', 'p999', 'max'] as const) {
      expect(typeof task.execNs[key], key).toBe('number');
    }
  }
  for (const key of ['count', 'maxPauseNs', 'unplanned'] as const)
    expect(typeof report.gc[key]).toBe('number');
  for (const kind of [
    'overrun',
    'deadline-miss',
    'frame-overrun',
    'release-late',
    'task-error',
    'skipped-frames',
  ]) {
    expect(typeof report.alarms[kind as keyof RunReport['alarms']], kind).toBe('number');
  }
}

describe('hardtick run: options', () => {
  it('--help prints the usage and exits 0', async () => {
    const r = await run('--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: hardtick run <config> [options]');
    expect(r.stdout).toContain('--duration');
    expect(r.stdout).toContain('--report');
    expect(r.stdout).toContain('node --import tsx');
  });

  it('an unknown option exits 2 and names it', async () => {
    const r = await run(writeTinyConfig(), '--bogus');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('hardtick run: unknown option --bogus; the options are --duration, --report,');
    expect(r.stderr).toContain('hardtick run --help');
  });

  it('a bad duration exits 2 and says why', async () => {
    const r = await run(writeTinyConfig(), '--duration', '10');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--duration:');
    expect(r.stderr).toContain('missing the unit');
    const negative = await run(writeTinyConfig(), '--margin=-5us');
    expect(negative.code).toBe(2);
    expect(negative.stderr).toContain('--margin: expected a non-negative duration');
  });

  it('no config file exits 2', async () => {
    const r = await run();
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('missing the config file');
  });

  it('a report path that cannot be written exits 2 before running', async () => {
    const r = await run(writeTinyConfig(), '--report', dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--report: cannot write ${dir}: it is a directory`);
    expect(r.stdout).toBe('');
  });

  it('a config that does not exist exits 2', async () => {
    const r = await run(join(dir, 'nope.json'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('nope.json');
  });
});

describe('hardtick run: bad task modules exit 2 before the loop starts', () => {
  it.each([
    ['missing-export.json', "has no export 'contrl' (did you mean 'control'?)"],
    ['not-a-function.json', "'./tasks.mjs#gain'"],
    ['module-not-found.json', 'module not found'],
    ['throws-at-import.json', 'sensor bus /dev/i2c-1 is not available'],
    ['bad-degraded.json', 'overrun.degraded'],
  ])('%s', async (config, text) => {
    const r = await run(badTasks(config), '--duration', '100ms');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^hardtick run: task 'control'/);
    expect(r.stderr).toContain(text);
    expect(r.stdout).toBe('');
  });
});

describe('hardtick run: infeasible schedule', () => {
  it('exits 2 with the planner diagnostics', async () => {
    const file = join(dir, 'overload.json');
    writeFileSync(
      file,
      JSON.stringify({
        name: 'overload',
        tasks: [
          { name: 'a', period: '1ms', budget: '600us', run: './tasks.mjs#fast' },
          { name: 'b', period: '1ms', budget: '600us', run: './tasks.mjs#slow' },
        ],
      }),
    );
    writeTinyConfig();
    const r = await run(file);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('the schedule of overload is infeasible');
    expect(r.stderr).toMatch(/\n {2}\w+: /);
  });
});

describe('hardtick run: on the real clock', () => {
  it('runs ~0.5 s, prints the summary and writes a hardtick.run/v1 report', async () => {
    const reportFile = join(dir, 'out', 'run.json');
    const r = await run(
      writeTinyConfig(),
      '--duration',
      '500ms',
      '--warmup',
      '100ms',
      '--report',
      reportFile,
    );
    expect(r.stdout).toContain('hardtick run tiny:');
    expect(r.stdout).toMatch(/^task\s+budget\s+runs/m);
    expect(r.stdout).toMatch(/^fast\s+500\.0\s+\d+/m);
    expect(r.stdout).toMatch(/^slow\s+500\.0\s+\d+/m);
    expect(r.stdout).toContain('release lateness (µs');
    expect(r.stdout).toContain(`report: ${reportFile}`);
    const report = JSON.parse(readFileSync(reportFile, 'utf8')) as RunReport;
    expectContractFields(report, ['fast', 'slow']);
    // The exit code is the evidence's verdict: 1 exactly when a fatal kind occurred (a busy
    // machine may miss a deadline), and then the summary names it.
    expect(r.code, r.stdout).toBe(report.fatal.occurred.length > 0 ? 1 : 0);
    if (r.code === 1) expect(r.stdout).toContain(`FATAL: ${report.fatal.occurred.join(', ')}`);
    else expect(r.stdout).not.toContain('FATAL');
    expect(report.exitCode).toBe(r.code);
    // 500 ms at a 2 ms frame is 250 frames; generous bounds only.
    expect(report.frames.count + report.frames.skipped).toBeGreaterThanOrEqual(200);
    expect(report.frames.count + report.frames.skipped).toBeLessThanOrEqual(260);
    const [fast, slow] = report.tasks;
    expect(fast!.releases).toBeGreaterThan(slow!.releases);
    expect(fast!.execNs.min).toBeGreaterThan(0);
    expect(fast!.execNs.max).toBeLessThan(100_000_000);
    expect(report.release.latenessNs.p50).toBeLessThan(50_000_000);
    expect(report.stopReason).toBe('duration');
    expect(report.warmup.frames).toBeGreaterThan(0);
    expect(report.requestedDurationNs).toBe(500_000_000);
  });

  it('exits 1 and names the kind when an alarm marked fatal occurs', async () => {
    // Every run is an overrun of a 1 ns budget: fatal by config.
    const file = writeTinyConfig({ alarms: { fatal: ['overrun'] } });
    const json = JSON.parse(readFileSync(file, 'utf8')) as { tasks: { budget: string }[] };
    json.tasks[0]!.budget = '1ns';
    writeFileSync(file, JSON.stringify(json));
    const reportFile = join(dir, 'fatal.json');
    const r = await run(file, '--duration', '200ms', '--warmup', '0', '--quiet', '--report', reportFile);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('FATAL: overrun');
    expect(r.stderr).toContain('alarm overrun: task fast');
    const report = JSON.parse(readFileSync(reportFile, 'utf8')) as RunReport;
    expect(report.exitCode).toBe(1);
    expect(report.fatal.occurred).toEqual(['overrun']);
    expect(report.tasks[0]!.overruns).toBe(report.tasks[0]!.runs);
    expect(report.warmup).toEqual({ frames: 0, durationNs: 0 });
  });
});

describe('hardtick run: SIGINT', () => {
  it('stops after the current frame, still prints the summary and writes the report', async () => {
    const config = writeTinyConfig();
    const reportFile = join(dir, 'sigint.json');
    const child = spawnCli(['run', config, '--duration', '0', '--warmup', '50ms', '--report', reportFile]);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    // The first status line (printed once a second) shows the loop is measuring.
    await waitFor(
      () => /^ +\d+\.\d s {2}frames \d+/m.test(stdout),
      20_000,
      () => `no status line; stdout: ${stdout} stderr: ${stderr}`,
    );
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    expect(stderr).not.toContain('internal error');
    expect(stdout).toContain('stopped: signal:SIGINT');
    expect(stdout).toMatch(/^fast\s+500\.0/m);
    expect(existsSync(reportFile)).toBe(true);
    const report = JSON.parse(readFileSync(reportFile, 'utf8')) as RunReport;
    expectContractFields(report, ['fast', 'slow']);
    expect(report.stopReason).toBe('signal:SIGINT');
    expect(report.requestedDurationNs).toBeNull();
    expect(report.frames.count).toBeGreaterThan(100);
    // A stop by signal is no failure by itself: the exit code is the evidence's verdict.
    expect(code, stdout).toBe(report.fatal.occurred.length > 0 ? 1 : 0);
    expect(report.exitCode).toBe(code);
  });
});

/** The CLI in a child process: the built dist when present, else the sources through tsx. */
function spawnCli(args: string[]): ChildProcess {
  const dist = join(ROOT, 'dist/cli/main.js');
  const argv = existsSync(dist)
    ? [dist, ...args]
    : [
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        "const { main } = await import('./src/cli/main.ts'); process.exitCode = await main(process.argv.slice(1));",
        ...args,
      ];
  return spawn(process.execPath, argv, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
}

async function waitFor(condition: () => boolean, timeoutMs: number, describe: () => string): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out: ${describe()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('hardtick run: the shared flag parser', () => {
  it('a flag given twice exits 2 and says so; an unknown one gets a did-you-mean', async () => {
    const twice = await run(writeTinyConfig(), '--duration', '1s', '--duration', '2s');
    expect(twice.code).toBe(2);
    expect(twice.stderr).toContain('hardtick run: --duration given twice (1s, then 2s); give it once');
    const typo = await run(writeTinyConfig(), '--durration', '2s');
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('hardtick run: unknown option --durration (did you mean --duration?)');
  });
});
