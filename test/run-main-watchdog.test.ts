/**
 * The watchdog wired into `hardtick run --thread main`, end to end with a real child process
 * (dist's CLI, so `npm run build` first): examples/bad-tasks/spin-forever.json has a task that
 * spins forever after ~300 ms, `watchdog: { grace: 50ms, failSafe, exitCode: 75 }`. The stuck
 * thread is the main thread: the watchdog runs the fail-safe (marker file), prints its stderr
 * line naming the task, then interrupts the spinning main thread (in-process inspector
 * session), which writes the full report (`stopReason: 'stuck'`, the stuck entry with the
 * fail-safe's result) and exits with 75 — no SIGKILL. Both clocks.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunReport } from '../src/report/run-report.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CONFIG = join(ROOT, 'examples/bad-tasks/spin-forever.json');
const dir = mkdtempSync(join(tmpdir(), 'hardtick-main-watchdog-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Generous bound on the whole process (start, ~300 ms of frames, grace, kill). */
const WALL_BOUND_MS = 15_000;

async function runStuckMain(name: string, env: Record<string, string>) {
  const reportFile = join(dir, `report-${name}.json`);
  const marker = join(dir, `marker-${name}.json`);
  const started = Date.now();
  const child = spawn(
    process.execPath,
    [
      'dist/cli/main.js',
      'run',
      CONFIG,
      '--thread',
      'main',
      '--duration',
      '10s',
      '--warmup',
      '0',
      '--report',
      reportFile,
      '--quiet',
    ],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...env, HARDTICK_FAILSAFE_MARKER: marker },
    },
  );
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 25_000);
  const end = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  clearTimeout(timer);
  return { ...end, stderr, reportFile, marker, wallMs: Date.now() - started };
}

describe('hardtick run --thread main with a watchdog: a task that spins forever', () => {
  for (const [name, env] of [
    ['native', {}],
    ['js-clock', { HARDTICK_NATIVE: '0' }],
  ] as const) {
    it(`${name}: fail-safe, then the stuck main thread writes the report and exits 75`, async () => {
      const r = await runStuckMain(name, env);
      expect(r.stderr).toMatch(
        /hardtick watchdog: task "control" \(frame \d+, slot 0\) still running [\d.]+ ms past its deadline; ending the process with code 75/,
      );
      expect(r.stderr).toMatch(/alarm stuck: task control slot 0 frame \d+, [\d.]+ ms past its deadline/);
      // The main thread spins, yet it ran the watchdog's handler and exited with the code.
      expect(r.signal, r.stderr).toBeNull();
      expect(r.code, r.stderr).toBe(75);
      expect(r.stderr).not.toMatch(/SIGKILL|debugger/i);
      expect(r.wallMs).toBeLessThan(WALL_BOUND_MS);
      expect(existsSync(r.marker)).toBe(true);
      expect((JSON.parse(readFileSync(r.marker, 'utf8')) as { taskName: string }).taskName).toBe('control');
      // The report, written by the (stuck) main thread from the executive's state.
      const report = JSON.parse(readFileSync(r.reportFile, 'utf8')) as RunReport;
      expect(report.schema).toBe('hardtick.run/v1');
      expect(report.stopReason).toBe('stuck');
      expect(report.exitCode).toBe(75);
      expect(report.environment.thread).toBe('main');
      expect(report.stuck).toEqual([
        expect.objectContaining({ task: 'control', slot: 0, failSafe: 'ran', ordinal: 1, recoveredNs: null }),
      ]);
      expect(report.stuck![0]!.overrunNs).toBeGreaterThanOrEqual(50e6);
      // ~150 frames ran before the task got stuck; the histograms are real (not a stats record).
      const control = report.tasks.find((t) => t.name === 'control')!;
      expect(control.runs).toBeGreaterThanOrEqual(100);
      expect(control.execHistogram.length).toBeGreaterThan(0);
      console.log(
        `main-thread watchdog (${name}): stuck seen ${(report.stuck![0]!.overrunNs / 1e6).toFixed(1)} ms past the deadline, ` +
          `report written and exit 75 after ${r.wallMs} ms wall`,
      );
    }, 30_000);
  }
});
