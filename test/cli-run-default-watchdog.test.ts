/**
 * No watchdog configured is not no watchdog: a `while (true) {}` task in a config without
 * a `watchdog` section ends the run with a stuck verdict naming the task (after the default
 * grace, the larger of 1 s and 10 frames), a report and exit 1, in both thread modes. The
 * summary then agrees with the stuck frame (frames run + skipped = the stuck frame's index;
 * the time up to it), lists `stuck` among the alarms and its FATAL line names the exit code.
 * The built CLI in child processes.
 */
import { describe, expect, it } from 'vitest';
import { hardtickRun } from './helpers/cli.js';
import { taskEntry, writeTinyConfig } from './helpers/tiny-config.js';

describe('hardtick run: the default watchdog', () => {
  it.each(['worker', 'main'] as const)(
    '%s thread: a task that never returns is named, the run ends, exit 1',
    async (thread) => {
      const { configFile } = writeTinyConfig({
        config: { name: 'spins', tasks: [taskEntry('spin', '5ms', '1ms')], alarms: { fatal: [] } },
        tasks: ['let n = 0;', 'export function spin() { n++; if (n === 200) while (true) {} }'],
      });
      const started = performance.now();
      const r = await hardtickRun(
        configFile,
        ['--duration', '30s', '--warmup', '0', '--quiet', '--thread', thread],
        {
          timeoutMs: 60_000,
        },
      );
      // Stuck 1 s in, + the 1 s grace + the report: nowhere near the 30 s asked for.
      expect(performance.now() - started).toBeLessThan(15_000);
      expect(r.code, r.transcript).toBe(1);
      const report = r.report!;
      expect(report.stopReason).toBe('stuck');
      expect(report.exitCode).toBe(1);
      expect(report.stuck).toHaveLength(1);
      const stuck = report.stuck![0]!;
      expect([stuck.task, stuck.slot, stuck.recoveredNs]).toEqual(['spin', 0, null]);
      // The default grace: 1 s (the larger of 1 s and 10 frames of 5 ms).
      expect(stuck.overrunNs).toBeGreaterThanOrEqual(1_000_000_000);
      expect(stuck.overrunNs).toBeLessThan(2_000_000_000);
      expect(r.stderr).toMatch(
        new RegExp(
          `^alarm stuck: task spin slot 0 frame ${stuck.frame}, 1\\d\\d\\d\\.\\d ms past its deadline$`,
          'm',
        ),
      );
      // The summary agrees with the stuck frame.
      expect(report.frames.count + report.frames.skipped).toBe(stuck.frame);
      expect(report.durationNs).toBeGreaterThanOrEqual(stuck.frame * 5_000_000);
      expect(report.durationNs).toBeLessThan(stuck.frame * 5_000_000 + 50_000_000);
      expect(r.stdout).toContain(
        `spins: ${report.frames.count} frames of 5000 µs in ${(report.durationNs / 1e9).toFixed(2)} s (mode main; stopped: stuck)\n`,
      );
      expect(r.stdout).toMatch(/^alarms: (?:[a-z-]+ \d+, )*stuck 1$/m);
      expect(r.stdout).toContain(
        `FATAL: stuck: task spin in frame ${stuck.frame} (slot 0), ${(stuck.overrunNs / 1e6).toFixed(1)} ms past its deadline → exit 1\n`,
      );
    },
  );
});
