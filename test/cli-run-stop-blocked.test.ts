/**
 * Runs whose task blocks in a system call (a read of a FIFO no one writes to) still end,
 * with a report and the code a user expects: SIGINT, SIGTERM and SIGHUP (the loop never
 * reads its stop flag: the run ends without it, exit 128 + the signal's number), a second
 * signal at once, the default watchdog's and a configured one's stuck verdicts (the
 * process exits although its worker cannot be terminated), `onStuck: "keep-running"` stuck
 * during the warm-up (the run still ends by its duration). A main thread blocked in a
 * system call runs no JavaScript at all: the watchdog thread writes a minimal report and
 * ends it by SIGKILL. A keep-running slot that becomes stuck only after the run's deadline
 * still ends the run. Real child processes, real signals, a real FIFO. The signal and
 * watchdog tables run their cases side by side: their children wait in a FIFO read, and
 * each bound is seconds.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunReport } from '../src/report/run-report.js';
import { CLI, hardtickRun } from './helpers/cli.js';
import { requires } from './helpers/requirements.js';
import { scratchDir, taskEntry, writeTinyConfig } from './helpers/tiny-config.js';

/** A config whose task blocks reading a fresh FIFO on its 100th call (0.5 s into the run). */
function blockingConfig(extra: Record<string, unknown>): { configFile: string; reportFile: string } {
  const dir = scratchDir('hardtick-blocked-');
  const fifo = join(dir, 'never-written.fifo');
  expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
  const { configFile } = writeTinyConfig({
    dir,
    config: { name: 'blocked', tasks: [taskEntry('reader', '5ms', '1ms')], alarms: { fatal: [] }, ...extra },
    tasks: [
      "import { readFileSync } from 'node:fs';",
      'let n = 0;',
      `export function reader() { n++; if (n === 100) readFileSync(${JSON.stringify(fifo)}); }`,
    ],
  });
  return { configFile, reportFile: join(dir, 'report.json') };
}

/** What a signalled run did: its exit, output, report, and how long it took after the first signal. */
interface Ended {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly report: RunReport | null;
  readonly afterSignalMs: number;
}

/**
 * `hardtick run` in a child process; `signals` are sent once the task has blocked (1.5 s
 * after the first line), `gapMs` apart.
 */
async function runAndSignal(
  configFile: string,
  reportFile: string,
  signals: readonly NodeJS.Signals[],
  options: { readonly env?: Record<string, string>; readonly gapMs?: number } = {},
): Promise<Ended> {
  const child: ChildProcess = spawn(
    process.execPath,
    [CLI, 'run', configFile, '--duration', '0', '--warmup', '0', '--quiet', '--report', reportFile],
    { env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const killer = setTimeout(() => child.kill('SIGKILL'), 40_000);
  let signalledAt = 0;
  const started = setInterval(() => {
    if (!stdout.includes('hardtick run blocked:')) return;
    clearInterval(started);
    setTimeout(() => {
      signalledAt = performance.now();
      for (const [i, s] of signals.entries()) setTimeout(() => child.kill(s), i * (options.gapMs ?? 300));
    }, 1500);
  }, 20);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    child.once('close', (c, s) => resolve([c, s])),
  );
  clearTimeout(killer);
  clearInterval(started);
  return {
    code,
    signal,
    stdout,
    stderr,
    report: existsSync(reportFile) ? (JSON.parse(readFileSync(reportFile, 'utf8')) as RunReport) : null,
    afterSignalMs: performance.now() - signalledAt,
  };
}

describe('hardtick run: a task blocked in a system call (worker mode)', () => {
  // The exit code of a run whose loop thread cannot be ended needs the addon's exitNow;
  // without it (HARDTICK_NATIVE=0) the process ends by the signal itself: the last test.
  describe('with the native addon', requires('native'), () => {
    it.concurrent.each([
      ['SIGINT', 130],
      ['SIGTERM', 143],
      ['SIGHUP', 129],
    ] as const)(
      '%s ends the run without the loop: report from what it published, exit %d',
      async (signal, exitCode) => {
        const { configFile, reportFile } = blockingConfig({ watchdog: false });
        const r = await runAndSignal(configFile, reportFile, [signal]);
        const message = `the loop did not stop within 1000 ms of signal:${signal} (a task blocked outside JavaScript, e.g. in a system call?)`;
        expect(r.code, r.stderr).toBe(exitCode);
        // The stop grace, the report, then a second to terminate the worker before exiting around it.
        expect(r.afterSignalMs).toBeLessThan(10_000);
        // Where the loop was, from its live evidence: the 100th call of reader (frame 99 plus
        // the frames skipped before it on a busy machine).
        const frame = 99 + (r.report?.frames.skipped ?? 0);
        const line = `crashed: loop unresponsive: ${message} (loop in task reader, frame ${frame})`;
        expect(r.stderr).toContain(`hardtick run: ${line}\n`);
        expect(r.stdout).toContain(`FATAL: ${line} → exit ${exitCode}\n`);
        expect(r.stdout).toContain(`report: ${reportFile}\n`);
        expect(r.report?.stopReason).toBe('crashed');
        expect(r.report?.exitCode).toBe(exitCode);
        expect(r.report?.crash).toEqual({
          cause: 'loop-unresponsive',
          message,
          slot: { task: 'reader', mode: 'main', frame, slot: 0 },
        });
        expect(r.report?.evidence).toEqual({ source: 'live', thread: 'worker' });
        // The loop's live evidence, exact to the slot: 99 calls returned, the 100th never did
        // and every release after it up to the end was cut off.
        const reader = r.report!.tasks[0]!;
        expect(reader.jobsRun).toBe(99);
        expect(reader.notRun!.cutOff).toBeGreaterThan(1);
        expect(reader.releases).toBe(reader.jobsRun! + reader.notRun!.total);
      },
    );

    it('a second signal exits at once with its code, without a report', async () => {
      const { configFile, reportFile } = blockingConfig({ watchdog: false });
      const r = await runAndSignal(configFile, reportFile, ['SIGINT', 'SIGTERM'], { gapMs: 200 });
      expect(r.code, r.stderr).toBe(143);
      expect(r.afterSignalMs).toBeLessThan(1000);
      expect(r.stderr).toContain('hardtick: SIGTERM again: exiting now, without a report\n');
      expect(r.report).toBeNull();
    });

    it.concurrent.each([
      ['the default watchdog (no watchdog section)', {}, 1, 1000],
      [
        'a configured watchdog (grace 100ms, exitCode 75)',
        { watchdog: { grace: '100ms', exitCode: 75 } },
        75,
        100,
      ],
    ] as const)(
      '%s: stuck verdict, report, and the process exits with its code',
      async (_, extra, exitCode, graceMs) => {
        const { configFile, reportFile } = blockingConfig(extra);
        const started = performance.now();
        const r = await hardtickRun(configFile, ['--duration', '20s', '--warmup', '0', '--quiet'], {
          reportFile,
          timeoutMs: 40_000,
        });
        expect(r.code, r.transcript).toBe(exitCode);
        // Blocked 0.5 s in, + grace + the report + a second to give up on the worker: far from 20 s.
        expect(performance.now() - started).toBeLessThan(15_000);
        const seen = /^alarm stuck: task reader slot 0 frame \d+, ([\d.]+) ms past its deadline$/m.exec(
          r.stderr,
        );
        expect(Number(seen?.[1])).toBeGreaterThanOrEqual(graceMs);
        expect(r.stdout).toMatch(
          new RegExp(
            `^FATAL: stuck: task reader in frame \\d+ \\(slot 0\\), [\\d.]+ ms past its deadline → exit ${exitCode}$`,
            'm',
          ),
        );
        expect(r.report?.stopReason).toBe('stuck');
        expect(r.report?.exitCode).toBe(exitCode);
        expect(r.report?.stuck?.map((e) => [e.task, e.recoveredNs])).toEqual([['reader', null]]);
      },
    );
  });

  it('without the native addon the process still ends, by the signal itself, after the report', async () => {
    const { configFile, reportFile } = blockingConfig({ watchdog: false });
    const r = await runAndSignal(configFile, reportFile, ['SIGTERM'], { env: { HARDTICK_NATIVE: '0' } });
    expect(r.signal, r.stderr).toBe('SIGTERM');
    expect(r.stderr).toContain(
      'hardtick: a thread of this process is blocked outside JavaScript; ending it by SIGTERM, not with exit code 143 ' +
        '(the native addon is not available: disabled by HARDTICK_NATIVE=0)\n',
    );
    expect(r.report?.exitCode).toBe(143);
    expect(r.report?.crash?.cause).toBe('loop-unresponsive');
  });
});

describe('hardtick run: a task stuck during the warm-up with onStuck "keep-running"', () => {
  // One at a time: each child's task spins a core.
  it.each(['worker', 'main'] as const)(
    '%s thread: a 1 s run still ends, as stuck, with its report',
    async (thread) => {
      const { configFile } = writeTinyConfig({
        config: {
          name: 'keep-running-warmup',
          tasks: [taskEntry('spin', '5ms', '1ms')],
          alarms: { fatal: [] },
          watchdog: { grace: '50ms', onStuck: 'keep-running' },
        },
        // Stuck in a real warm-up frame (a 5 ms deadline), not in a JIT drive's compressed one.
        tasks: [
          'let n = 0;',
          'export function spin(ctx) { n++; if (n >= 300 && ctx.deadlineNs - ctx.releaseNs > 1e6) for (;;) {} }',
        ],
      });
      const started = performance.now();
      const r = await hardtickRun(
        configFile,
        ['--duration', '1s', '--warmup', '2s', '--quiet', '--thread', thread],
        {
          timeoutMs: 40_000,
        },
      );
      // Warm-up 2 s + duration 1 s + 2 s allowance + start and exit: not 40 s.
      expect(performance.now() - started).toBeLessThan(15_000);
      expect(r.code, r.transcript).toBe(1);
      expect(r.report?.stopReason).toBe('stuck (during warm-up)');
      expect(r.report?.stuck?.map((e) => [e.task, e.recoveredNs])).toEqual([['spin', null]]);
      expect(r.stdout).toMatch(
        /^FATAL: stuck: task spin in frame \d+ \(slot 0\), [\d.]+ ms past its deadline → exit 1$/m,
      );
    },
  );
});

describe('hardtick run: a slot that becomes stuck only after the run should have ended', () => {
  it('worker thread, onStuck "keep-running", grace 3 s: the run still ends, as stuck, and the process exits', async () => {
    // Stuck at 0.75 s of a 1 s run: the run's deadline (its end + 2 s) passes while the slot
    // is still within its grace, so no stuck event is open then; the verdict comes at
    // deadline + grace, ~3.75 s. (This run used to print its report and never exit.)
    const { configFile } = writeTinyConfig({
      config: {
        name: 'late-stuck',
        tasks: [taskEntry('spin', '5ms', '1ms')],
        alarms: { fatal: [] },
        watchdog: { grace: '3s', onStuck: 'keep-running' },
      },
      tasks: ['let n = 0;', 'export function spin() { n++; if (n === 150) for (;;) {} }'],
    });
    const started = performance.now();
    const r = await hardtickRun(configFile, ['--duration', '1s', '--warmup', '0', '--quiet'], {
      timeoutMs: 40_000,
    });
    expect(performance.now() - started).toBeLessThan(15_000);
    expect([r.code, r.signal], r.transcript).toEqual([1, null]);
    expect(r.report?.stopReason).toBe('stuck');
    expect(r.report?.stuck?.map((e) => [e.task, e.slot, e.recoveredNs])).toEqual([['spin', 0, null]]);
    expect(r.report!.stuck![0]!.overrunNs).toBeGreaterThanOrEqual(3e9);
    expect(r.stdout).toMatch(
      /^FATAL: stuck: task spin in frame \d+ \(slot 0\), [\d.]+ ms past its deadline → exit 1$/m,
    );
  });
});

describe('hardtick run: a task stuck in a warm-up JIT drive (no heartbeat there), onStuck "keep-running"', () => {
  it('worker thread: the run still ends at its deadline, as unresponsive, and the process exits', async () => {
    // JIT drives run on compressed frames (200 µs) and write no heartbeat, so the watchdog
    // cannot name this task; at the run's deadline (warm-up + duration + 2 s) the loop is
    // asked to stop and, not answering, ends as unresponsive 1 s later. (It used to hang.)
    const { configFile } = writeTinyConfig({
      config: {
        name: 'stuck-in-jit-drive',
        tasks: [taskEntry('spin', '5ms', '1ms')],
        alarms: { fatal: [] },
        watchdog: { grace: '50ms', onStuck: 'keep-running' },
      },
      tasks: [
        "export function spin(ctx) { if (ctx.phase === 'warmup' && ctx.deadlineNs - ctx.releaseNs < 1e6) for (;;) {} }",
      ],
    });
    const started = performance.now();
    const r = await hardtickRun(configFile, ['--duration', '1s', '--warmup', '2s', '--quiet'], {
      timeoutMs: 40_000,
    });
    expect(performance.now() - started).toBeLessThan(15_000);
    expect([r.code, r.signal], r.transcript).toEqual([2, null]);
    expect(r.report?.stopReason).toBe('crashed');
    expect(r.report?.crash).toEqual({
      cause: 'loop-unresponsive',
      message:
        'the loop did not stop within 1000 ms of the end of its run (in no slot the watchdog sees: a task stuck in a warm-up drive, or blocked outside JavaScript?)',
    });
  });
});

describe('hardtick run --thread main: a main thread blocked in a system call', () => {
  it('runs no JavaScript: the watchdog writes the minimal report and ends the process by SIGKILL', async () => {
    const { configFile, reportFile } = blockingConfig({});
    const r = await hardtickRun(
      configFile,
      ['--duration', '20s', '--warmup', '0', '--quiet', '--thread', 'main'],
      {
        reportFile,
        timeoutMs: 40_000,
      },
    );
    expect(r.signal, r.transcript).toBe('SIGKILL');
    expect(r.stderr).toContain('hardtick watchdog: task "reader"');
    expect(r.stderr).toContain(`wrote a minimal report (hardtick.stuck/v1) to ${reportFile}`);
    const minimal = r.report as unknown as { schema: string; stopReason: string; endedBy: string };
    expect([minimal.schema, minimal.stopReason, minimal.endedBy]).toEqual([
      'hardtick.stuck/v1',
      'stuck',
      'SIGKILL',
    ]);
  });
});

describe('hardtick run: stop signals are listened to before any task module is imported', () => {
  it.each(['worker', 'main'] as const)(
    '%s thread: a SIGTERM sent while a task module loads stops the run, with its report',
    async (thread) => {
      const { configFile } = writeTinyConfig({
        config: { name: 'signal-at-import', tasks: [taskEntry('t', '5ms', '1ms')], alarms: { fatal: [] } },
        tasks: ["process.kill(process.pid, 'SIGTERM');", 'export function t() {}'],
      });
      const r = await hardtickRun(configFile, [
        '--duration',
        '5s',
        '--warmup',
        '0',
        '--quiet',
        '--thread',
        thread,
      ]);
      expect([r.code, r.signal], r.transcript).toEqual([0, null]);
      expect(r.report?.stopReason).toBe('signal:SIGTERM');
      expect(r.report?.frames.count).toBe(0);
    },
  );
});
