/**
 * The watchdog wired into `hardtick run` (worker mode), end to end with real threads and a
 * real child process (dist's CLI, so `npm run build` first): examples/bad-tasks/spin-forever.json
 * has a task that spins forever after ~300 ms, `watchdog: { grace: 50ms, failSafe, exitCode: 75 }`.
 * The main thread must print the stuck alarm, write the report naming the task with
 * `stopReason: 'stuck'`, and exit 75; the fail-safe (run in the watchdog thread) writes a
 * marker file. Detection (overrunNs = time past the job's deadline when the watchdog saw
 * it) must be within grace + a generous margin; the measured figures are printed.
 * Both clocks: native (CLOCK_MONOTONIC heartbeat) and `HARDTICK_NATIVE=0` (performance.now()
 * heartbeat, the writer's time origin stored in the buffer).
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
const dir = mkdtempSync(join(tmpdir(), 'hardtick-watchdog-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const GRACE_NS = 50e6;
/** Detection margin past deadline + grace: wake-up latency is µs; this allows a loaded CI box. */
const MARGIN_NS = 250e6;

interface Marker {
  taskName: string;
  deadlineNs: number;
  detectedNs: number;
  overrunNs: number;
  atNs: number;
}

async function runStuck(name: string, env: Record<string, string>) {
  const reportFile = join(dir, `report-${name}.json`);
  const marker = join(dir, `marker-${name}.json`);
  const started = Date.now();
  const child = spawn(
    process.execPath,
    [
      'dist/cli/main.js',
      'run',
      CONFIG,
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
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  return { code, stdout, stderr, reportFile, marker, wallMs: Date.now() - started };
}

describe('hardtick run with a watchdog: a task that spins forever (worker mode)', () => {
  for (const [name, env] of [
    ['native', {}],
    ['js-clock', { HARDTICK_NATIVE: '0' }],
  ] as const) {
    it(`${name}: stuck alarm, fail-safe ran, report names the task, exit 75`, async () => {
      const r = await runStuck(name, env);
      expect(r.code, r.stderr).toBe(75);
      expect(r.stderr).toMatch(/alarm stuck: task control slot 0 frame \d+, [\d.]+ ms past its deadline/);
      expect(r.stderr).toMatch(/fail-safe: outputs driven safe \(task control stuck\)/);
      expect(existsSync(r.reportFile)).toBe(true);
      const report = JSON.parse(readFileSync(r.reportFile, 'utf8')) as RunReport;
      expect(report.stopReason).toBe('stuck');
      expect(report.exitCode).toBe(75);
      expect(report.stuck).toHaveLength(1);
      const stuck = report.stuck![0]!;
      expect(stuck).toMatchObject({ task: 'control', slot: 0, failSafe: 'ran' });
      expect(report.alarms.pause).toBeLessThan(1000); // the stats record's alarm counts are sane
      expect(existsSync(r.marker)).toBe(true);
      const m = JSON.parse(readFileSync(r.marker, 'utf8')) as Marker;
      expect(m.taskName).toBe('control');
      expect(stuck.overrunNs).toBeGreaterThanOrEqual(GRACE_NS);
      expect(stuck.overrunNs).toBeLessThan(GRACE_NS + MARGIN_NS);
      const failSafeAfterDeadline = report.environment.clock.startsWith('native')
        ? (m.atNs - m.deadlineNs) / 1e6
        : null;
      if (failSafeAfterDeadline !== null)
        expect(failSafeAfterDeadline * 1e6).toBeLessThan(GRACE_NS + MARGIN_NS);
      console.log(
        `watchdog (${name}, clock ${report.environment.clock}): stuck seen ${(stuck.overrunNs / 1e6).toFixed(2)} ms past the deadline ` +
          `(grace 50 ms: detection latency ${((stuck.overrunNs - GRACE_NS) / 1e6).toFixed(2)} ms)` +
          (failSafeAfterDeadline === null
            ? ''
            : `, fail-safe done ${failSafeAfterDeadline.toFixed(2)} ms after the deadline`) +
          `; process ended after ${r.wallMs} ms wall`,
      );
    }, 30_000);
  }
});
