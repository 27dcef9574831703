/**
 * The watchdog wired into `hardtick run --thread main`, end to end with a real child process
 * (dist's CLI, so `npm run build` first): examples/bad-tasks/spin-forever.json has a task that
 * spins forever after ~300 ms, `watchdog: { grace: 50ms, failSafe, exitCode: 75 }`. The stuck
 * thread is the main thread, so no report is written: the watchdog runs the fail-safe
 * (marker file), prints its stderr line naming the task and ends the process — with the code
 * when the main thread can still run `process.exit`, otherwise (the usual case: it spins)
 * with SIGKILL after `killAfterNs` (watchdog-worker.ts). Both clocks.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

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
    it(`${name}: the watchdog names the task, runs the fail-safe and ends the process`, async () => {
      const r = await runStuckMain(name, env);
      expect(r.stderr).toMatch(
        /hardtick watchdog: task "control" \(frame \d+, slot 0\) still running [\d.]+ ms past its deadline; exiting with code 75/,
      );
      // The main thread spins: `process.exit(75)` cannot run there, so SIGKILL is the fallback.
      expect(r.code === 75 || r.signal === 'SIGKILL', `code ${r.code} signal ${r.signal}: ${r.stderr}`).toBe(
        true,
      );
      expect(r.wallMs).toBeLessThan(WALL_BOUND_MS);
      expect(existsSync(r.marker)).toBe(true);
      expect((JSON.parse(readFileSync(r.marker, 'utf8')) as { taskName: string }).taskName).toBe('control');
      // No report in main-thread mode: the thread that would write it is the stuck one.
      expect(existsSync(r.reportFile)).toBe(false);
      console.log(
        `main-thread watchdog (${name}): ended by ${r.signal ?? `exit ${r.code}`} after ${r.wallMs} ms wall`,
      );
    }, 30_000);
  }
});
