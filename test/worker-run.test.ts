/**
 * `hardtick run` in its real-time worker thread (the default) against `--thread main`:
 * real threads, real clock, generous bounds only.
 */
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
import { hardtickSync } from './helpers/cli.js';

/** True when runs use the native clock/waiter here. */
const NATIVE = loadNative() !== null;
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const badTasks = (name: string): string => join(ROOT, 'examples/bad-tasks', name);
const dir = mkdtempSync(join(tmpdir(), 'hardtick-worker-run-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type ThreadReport = RunReport & { environment: RunReport['environment'] & { thread: string } };

const TASKS = [
  'const cell = new Float64Array(1);',
  'let calls = 0;',
  'export function fast() { cell[0] += 1; }',
  'export function slow() { for (let i = 0; i < 100; i++) cell[0] += i; }',
  'export function spin() { const end = performance.now() + 0.3; while (performance.now() < end) cell[0]++; }',
  "export function flaky() { calls++; if (calls % 50 === 0) throw new RangeError('sensor out of range'); }",
].join('\n');

/** A config in `dir`; `tasks` defaults to the tiny two-task set (2 ms and 4 ms). */
function writeConfig(name: string, extra: Record<string, unknown> = {}): string {
  writeFileSync(join(dir, 'tasks.mjs'), TASKS);
  const file = join(dir, `${name}.json`);
  writeFileSync(
    file,
    JSON.stringify({
      name,
      tasks: [
        { name: 'fast', period: '2ms', budget: '500us', run: './tasks.mjs#fast' },
        { name: 'slow', period: '4ms', budget: '500us', run: './tasks.mjs#slow' },
      ],
      // Timing alarms on a shared machine must not decide these tests' exit codes.
      alarms: { fatal: ['task-error'] },
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

function readReport(file: string): ThreadReport {
  return JSON.parse(readFileSync(file, 'utf8')) as ThreadReport;
}

/** Every contract field of `hardtick.run/v1`. */
function expectContractFields(report: RunReport, taskNames: readonly string[]): void {
  expect(report.schema).toBe('hardtick.run/v1');
  for (const key of ['node', 'platform', 'arch', 'kernel', 'clock', 'waiter', 'schedulingPolicy'] as const) {
    expect(typeof report.environment[key], key).toBe('string');
  }
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

describe('hardtick run: where the loop runs', () => {
  it.each([
    ['worker', []],
    ['main', ['--thread', 'main']],
  ] as const)('%s: runs ~0.5 s and writes a full report naming the thread', async (thread, flag) => {
    const reportFile = join(dir, `tiny-${thread}.json`);
    const r = await run(
      writeConfig('tiny'),
      '--duration',
      '500ms',
      '--warmup',
      '100ms',
      '--report',
      reportFile,
      ...flag,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`hardtick run tiny:`);
    expect(r.stdout).toContain(thread === 'worker' ? 'worker thread' : 'main thread');
    expect(r.stdout).toMatch(/^fast\s+500\.0\s+\d+/m);
    expect(r.stdout).toContain(`report: ${reportFile}`);
    const report = readReport(reportFile);
    expectContractFields(report, ['fast', 'slow']);
    expect(report.environment.thread).toBe(thread);
    expect(report.environment.clock).toBe(NATIVE ? 'native' : 'performance.now');
    expect(report.environment.waiterMarginNs).toBe(NATIVE ? 100_000 : 200_000);
    expect(report.environment.v8Flags).toEqual([
      '--no-memory-reducer',
      '--gc-memory-reducer-start-delay-ms=2147483647',
    ]);
    expect(report.frames.count + report.frames.skipped).toBeGreaterThanOrEqual(200);
    expect(report.frames.count + report.frames.skipped).toBeLessThanOrEqual(260);
    expect(report.stopReason).toBe('duration');
    expect(report.warmup.frames).toBeGreaterThan(0);
    expect(report.tasks[0]!.releases).toBeGreaterThan(report.tasks[1]!.releases);
    expect(report.tasks[0]!.execNs.max).toBeGreaterThan(0);
  });

  it('an unknown --thread value exits 2', async () => {
    const r = await run(writeConfig('tiny'), '--thread', 'gpu');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--thread: expected 'worker' or 'main', got 'gpu'");
  });
});

describe('hardtick run: bad task modules fail the same way in the worker', () => {
  it.each(['missing-export.json', 'not-a-function.json', 'module-not-found.json', 'throws-at-import.json'])(
    '%s',
    async (config) => {
      const worker = await run(badTasks(config), '--duration', '100ms');
      const main = await run(badTasks(config), '--duration', '100ms', '--thread', 'main');
      expect(worker.code).toBe(2);
      expect(main.code).toBe(2);
      expect(worker.stderr).toMatch(/^hardtick run: task 'control'/);
      expect(worker.stderr).toBe(main.stderr);
      expect(worker.stdout).toBe('');
    },
  );

  it('an infeasible schedule is reported from the worker as from the main thread', async () => {
    const file = writeConfig('overload', {
      tasks: [
        { name: 'a', period: '1ms', budget: '600us', run: './tasks.mjs#fast' },
        { name: 'b', period: '1ms', budget: '600us', run: './tasks.mjs#slow' },
      ],
    });
    const worker = await run(file);
    const main = await run(file, '--thread', 'main');
    expect(worker.code).toBe(2);
    expect(worker.stderr).toContain('the schedule of overload is infeasible');
    expect(worker.stderr).toBe(main.stderr);
  });
});

describe('hardtick run: worker ↔ main thread through the rings', () => {
  it('alarms raised in the worker are printed by the main thread, task errors with their message', async () => {
    const file = writeConfig('alarming', {
      tasks: [
        { name: 'spin', period: '4ms', budget: '100us', run: './tasks.mjs#spin' },
        { name: 'flaky', period: '2ms', budget: '500us', run: './tasks.mjs#flaky' },
      ],
      alarms: { fatal: [] },
    });
    const reportFile = join(dir, 'alarming.report.json');
    const r = await run(file, '--duration', '400ms', '--warmup', '0', '--quiet', '--report', reportFile);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^alarm overrun: task spin frame \d+ t=\d+\.\d{3}s ran /m);
    expect(r.stderr).toMatch(
      /^alarm task-error: task flaky frame \d+ .*threw \(error #1\): RangeError: sensor out of range$/m,
    );
    const report = readReport(reportFile);
    expect(report.environment.thread).toBe('worker');
    expect(report.tasks[0]!.overruns).toBeGreaterThan(0);
    expect(report.tasks[1]!.errors).toBeGreaterThan(0);
  });

  it('a mode command sent through the command ring switches the mode', async () => {
    const file = writeConfig('modal', {
      modes: {
        degraded: { tasks: [{ name: 'fast', period: '2ms', budget: '500us', run: './tasks.mjs#fast' }] },
      },
    });
    const reportFile = join(dir, 'modal.report.json');
    const r = await run(
      file,
      '--duration',
      '600ms',
      '--warmup',
      '0',
      '--quiet',
      '--mode-after',
      '200ms:degraded',
      '--report',
      reportFile,
    );
    expect(r.code, r.stderr).toBe(0);
    const report = readReport(reportFile);
    expect(report.mode).toBe('degraded');
    expect(report.alarms['mode-change' as keyof RunReport['alarms']]).toBe(1);
    expect(r.stderr).toMatch(/^alarm mode-change: frame \d+ t=0\.[2-5]\d\ds switched to mode #1$/m);
    // The degraded mode's task ran too (every task of every mode is in the report).
    const degradedFast = report.tasks.find(
      (t) => t.name === 'fast' && (t as { mode?: string }).mode === 'degraded',
    );
    expect(degradedFast?.releases ?? 0).toBeGreaterThan(0);
  });

  it('--mode-after naming an unknown mode exits 2 before running', async () => {
    const r = await run(writeConfig('tiny'), '--mode-after', '100ms:nope');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--mode-after: unknown mode 'nope' (modes: main)");
  });

  it('SIGTERM (in-process) sets the shared stop flag; the worker stops and the report is written', async () => {
    const reportFile = join(dir, 'sigterm.json');
    const io = signalAtFirstStatus('SIGTERM');
    const code = await runCommand(
      [writeConfig('tiny'), '--duration', '0', '--warmup', '0', '--report', reportFile],
      io,
    );
    expect(code, io.stderr).toBe(0);
    const report = readReport(reportFile);
    expect(report.stopReason).toBe('signal:SIGTERM');
    expect(report.environment.thread).toBe('worker');
    expect(report.durationNs).toBeGreaterThan(200_000_000);
    expect(report.durationNs).toBeLessThan(5_000_000_000);
  });
});

describe('hardtick run: a task calls process.exit mid-run', () => {
  it.each([
    ['worker', []],
    ['main', ['--thread', 'main']],
  ] as const)(
    '%s: the run ends as crashed at once, names the call, writes the full report, exits 2',
    async (thread, extra) => {
      const reportFile = join(dir, `crash-${thread}.json`);
      const r = await run(
        badTasks('crash-mid-run.json'),
        '--duration',
        '5s',
        '--warmup',
        '0',
        '--quiet',
        '--report',
        reportFile,
        ...extra,
      );
      const module = join(ROOT, 'examples/bad-tasks/crash-mid-run.mjs');
      const line = `crashed: process exit in task control (${module}:12): process.exit(3) called`;
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(`hardtick run: ${line}\n`);
      // The call threw inside the task: also a task error, fatal by default (timing alarms
      // on a busy machine may join it).
      const fatal = r.stdout.split('\n').find((l) => l.startsWith('FATAL: '));
      expect(fatal).toMatch(/; (?:[a-z-]+, )*task-error(?:, [a-z-]+)* \(config alarms\.fatal\) → exit 2$/);
      expect(fatal?.startsWith(`FATAL: ${line}; `)).toBe(true);
      expect(r.stdout).toContain(`report: ${reportFile}`);
      const report = readReport(reportFile);
      expectContractFields(report, ['control']);
      expect(report.stopReason).toBe('crashed');
      expect(report.exitCode).toBe(2);
      expect(report.crash).toEqual({
        cause: 'process-exit',
        message: 'process.exit(3) called',
        task: 'control',
        at: `${module}:12`,
      });
      expect(report.environment.thread).toBe(thread);
      // The loop stopped at the next frame, with its own final figures: the 100 calls, the
      // last one counted as the task's error (the call threw instead of exiting).
      expect(report.tasks[0]!.runs).toBe(100);
      expect(report.tasks[0]!.errors).toBe(1);
      expect(report.tasks[0]!.releases).toBe(report.tasks[0]!.jobsRun! + report.tasks[0]!.notRun!.total);
      expect(report.evidence).toEqual({ source: 'final', thread });
      const check = hardtickSync(['check', reportFile]);
      expect(check.code, check.transcript).toBe(1);
      expect(check.stdout).toMatch(/FAIL {2}\(run\) +crashed +the run crashed: /);
      expect(check.stdout).toContain(`the run ${line}; exit code 2\n`);
    },
  );
});

describe('hardtick run: SIGINT to a child process in worker mode', () => {
  it('stops the worker, prints the summary and writes the report', async () => {
    const reportFile = join(dir, 'sigint-child.json');
    const child = spawnCli([
      'run',
      writeConfig('tiny'),
      '--duration',
      '0',
      '--warmup',
      '50ms',
      '--report',
      reportFile,
    ]);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    await waitFor(
      () => /^ +\d+\.\d s {2}frames \d+/m.test(stdout),
      20_000,
      () => `no status line; stdout: ${stdout} stderr: ${stderr}`,
    );
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    expect(stderr).not.toContain('internal error');
    expect(code).toBe(0);
    expect(stdout).toContain('worker thread');
    expect(stdout).toContain('stopped: signal:SIGINT');
    const report = readReport(reportFile);
    expectContractFields(report, ['fast', 'slow']);
    expect(report.environment.thread).toBe('worker');
    expect(report.stopReason).toBe('signal:SIGINT');
    expect(report.frames.count).toBeGreaterThan(100);
  });
});

/**
 * A capturing io that emits `signal` on this process `delayMs` after the run's first line
 * (printed once the worker is set up: starting it from the TypeScript sources takes a
 * while under vitest, and a signal before that would stop the run before it measures).
 */
/** A capturing io that emits `signal` at the first status line (a second into the measurement). */
function signalAtFirstStatus(signal: NodeJS.Signals): ReturnType<typeof captureIo> {
  const io = captureIo();
  const out = io.out.bind(io);
  let armed = false;
  io.out = (text: string) => {
    out(text);
    if (!armed && /^ +\d+\.\d s {2}frames \d+/m.test(io.stdout)) {
      armed = true;
      setImmediate(() => process.emit(signal, signal));
    }
  };
  return io;
}

/** The CLI in a child process: the built dist when present, else the sources through tsx. */
function spawnCli(args: string[]): ChildProcess {
  const dist = join(ROOT, 'dist/cli/main.js');
  const argv = existsSync(join(ROOT, 'dist/worker/rt-worker.js'))
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
