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
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hardtickRun, ROOT } from './helpers/cli.js';
import { expectRunReportShape } from './helpers/report-shape.js';
import { scratchDir } from './helpers/tiny-config.js';

const CONFIG = join(ROOT, 'test/fixtures/watchdog-keep-running/hardtick.json');
const dir = scratchDir('hardtick-wd-keep-');

const PARAMS = { outputs: [{ pin: 4, safe: 0 }], label: 'valve' };

/** The fixture run with `args`, its fail-safe log and its report (which it must write). */
async function run(name: string, args: string[], env: Record<string, string> = {}) {
  const log = join(dir, `failsafe-${name}.log`);
  const started = Date.now();
  const r = await hardtickRun(CONFIG, ['--warmup', '0', '--quiet', ...args], {
    env: { ...env, HARDTICK_FAILSAFE_LOG: log },
    timeoutMs: 40_000,
    reportFile: join(dir, `report-${name}.json`),
  });
  const wallMs = Date.now() - started;
  const failSafeRuns = existsSync(log)
    ? readFileSync(log, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { ordinal: number; task: string; params: unknown })
    : [];
  expect(r.report, r.transcript).not.toBeNull();
  expectRunReportShape(r.report!, ['control', 'log']);
  return { ...r, failSafeRuns, wallMs };
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
