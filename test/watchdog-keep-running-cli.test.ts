/**
 * `watchdog.onStuck: "keep-running"` and `watchdog.failSafeParams`, end to end with real
 * child processes (dist's CLI, so `npm run build` first). test/fixtures/watchdog-keep-running:
 * `control` (2 ms period) busy-waits 250 ms twice (its 150th and 400th call), each time past
 * deadline + grace (50 ms), then returns. The watchdog must raise two stuck events — the
 * second after the loop came back from the first — run the fail-safe once per event with
 * the config's params, print each event's end, and the report must list both (exit 75).
 * With the second one never returning (HARDTICK_STUCK_FOREVER=1), the worker-mode run ends
 * as stuck shortly after its duration, listing both events.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunReport } from '../src/report/run-report.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CONFIG = join(ROOT, 'test/fixtures/watchdog-keep-running/hardtick.json');
const dir = mkdtempSync(join(tmpdir(), 'hardtick-wd-keep-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PARAMS = { outputs: [{ pin: 4, safe: 0 }], label: 'valve' };

async function run(name: string, args: string[], env: Record<string, string> = {}) {
  const reportFile = join(dir, `report-${name}.json`);
  const log = join(dir, `failsafe-${name}.log`);
  const started = Date.now();
  const child = spawn(
    process.execPath,
    ['dist/cli/main.js', 'run', CONFIG, '--warmup', '0', '--report', reportFile, '--quiet', ...args],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...env, HARDTICK_FAILSAFE_LOG: log },
    },
  );
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  child.stdout.resume();
  const timer = setTimeout(() => child.kill('SIGKILL'), 40_000);
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  clearTimeout(timer);
  const failSafeRuns = existsSync(log)
    ? readFileSync(log, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { ordinal: number; task: string; params: unknown })
    : [];
  const report = existsSync(reportFile) ? (JSON.parse(readFileSync(reportFile, 'utf8')) as RunReport) : null;
  return { code, stderr, failSafeRuns, report, wallMs: Date.now() - started };
}

describe('watchdog onStuck "keep-running": a loop that gets stuck twice and comes back', () => {
  for (const thread of ['worker', 'main'] as const) {
    it(`${thread} thread: two stuck events, the fail-safe once per event with its params, both in the report`, async () => {
      const r = await run(thread, ['--thread', thread, '--duration', '2500ms']);
      expect(r.code, r.stderr).toBe(75);
      const stuckLines = r.stderr.match(
        /alarm stuck: task control slot 0 frame \d+, [\d.]+ ms past its deadline/g,
      );
      expect(stuckLines, r.stderr).toHaveLength(2);
      expect(r.stderr).toMatch(/stuck event 1 over: the slot returned, at most [\d.]+ ms past its deadline/);
      expect(r.stderr).toMatch(/stuck event 2 over: the slot returned/);
      expect(r.failSafeRuns).toEqual([
        { ordinal: 1, task: 'control', params: PARAMS },
        { ordinal: 2, task: 'control', params: PARAMS },
      ]);
      const report = r.report!;
      expect(report.stopReason).toBe('duration');
      expect(report.exitCode).toBe(75);
      expect(report.stuck).toHaveLength(2);
      for (const [i, s] of report.stuck!.entries()) {
        expect(s).toMatchObject({ task: 'control', slot: 0, failSafe: 'ran', ordinal: i + 1 });
        expect(s.overrunNs).toBeGreaterThanOrEqual(50e6);
        // The slot busy-waited 250 ms from its start (deadline = start + 2 ms); seen by polling.
        expect(s.recoveredNs).toBeGreaterThanOrEqual(200e6);
        expect(s.recoveredNs).toBeLessThan(2000e6);
      }
      expect(report.stuck![1]!.frame).toBeGreaterThan(report.stuck![0]!.frame);
      console.log(
        `keep-running (${thread}): stuck events at frames ${report.stuck!.map((s) => s.frame).join(', ')}, ` +
          `seen ${report.stuck!.map((s) => (s.overrunNs / 1e6).toFixed(1)).join(', ')} ms past the deadline, ` +
          `ended ${report.stuck!.map((s) => ((s.recoveredNs ?? 0) / 1e6).toFixed(1)).join(', ')} ms past it`,
      );
    }, 45_000);
  }

  it('worker thread: still stuck when the run should end → ends as stuck, both events listed', async () => {
    const r = await run('forever', ['--duration', '2s'], { HARDTICK_STUCK_FOREVER: '1' });
    expect(r.code, r.stderr).toBe(75);
    const report = r.report!;
    expect(report.stopReason).toBe('stuck');
    expect(report.exitCode).toBe(75);
    expect(report.stuck).toHaveLength(2);
    expect(report.stuck![0]!.recoveredNs).toBeGreaterThan(0);
    expect(report.stuck![1]).toMatchObject({ ordinal: 2, failSafe: 'ran', recoveredNs: null });
    expect(r.failSafeRuns.map((f) => f.ordinal)).toEqual([1, 2]);
    // Duration 2 s + STUCK_EXIT_AFTER_MS (2 s) + start-up; generous.
    expect(r.wallMs).toBeLessThan(20_000);
  }, 45_000);
});
