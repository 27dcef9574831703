/**
 * A task that returns a Promise (an `async function`) under `hardtick run` (dist's CLI:
 * `npm run build` first), both thread modes: every call is a task error saying why, its
 * rejection never becomes an unhandled one (the run neither crashes nor dies), the run
 * exits 1 (task-error is fatal by default) and `hardtick check` fails the task.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { hardtickRun, hardtickSync, type RunResult } from './helpers/cli.js';
import { writeTinyConfig } from './helpers/tiny-config.js';

describe('a task that returns a Promise', () => {
  const runs: Record<string, Promise<RunResult>> = {};
  beforeAll(() => {
    const { configFile } = writeTinyConfig({
      config: {
        name: 'async-task',
        tasks: [
          { name: 'victim', period: '5ms', budget: '1ms', run: './tasks.mjs#victim' },
          { name: 'steady', period: '5ms', budget: '1ms', run: './tasks.mjs#steady' },
        ],
      },
      tasks: [
        "export async function victim() { throw new Error('async boom'); }",
        'export function steady() {}',
      ],
    });
    for (const thread of ['worker', 'main'])
      runs[thread] = hardtickRun(configFile, ['--duration', '500ms', '--warmup', '0', '--thread', thread], {
        timeoutMs: 60_000,
      });
    for (const p of Object.values(runs)) p.catch(() => {});
  });

  for (const thread of ['worker', 'main'] as const) {
    it(`--thread ${thread}: each call a task error naming why; the run ends by itself, exit 1; check fails it`, async () => {
      const r = await runs[thread]!;
      expect(r.code, r.transcript).toBe(1);
      const report = r.report!;
      expect(report.stopReason).toBe('duration');
      expect(report.crash).toBeUndefined();
      const victim = report.tasks.find((t) => t.name === 'victim')!;
      expect(victim.runs).toBeGreaterThan(50);
      expect(victim.errors).toBe(victim.runs);
      expect(report.tasks.find((t) => t.name === 'steady')!.errors).toBe(0);
      expect(report.fatal.occurred).toContain('task-error');
      expect(r.stderr).toMatch(
        // Its first call: frame 0, or a later one when a busy machine skipped the first frames.
        /alarm task-error: task victim frame \d+ t=[\d.]+s threw \(error #1\): HardtickError: task 'victim' returned a Promise \(or another thenable\): a task is a synchronous function/,
      );
      expect(`${r.stdout}${r.stderr}`).not.toMatch(/unhandled|UnhandledPromiseRejection|async boom/i);
      const check = hardtickSync(['check', r.reportFile]);
      expect(check.code, check.transcript).toBe(1);
      expect(check.stdout).toMatch(/FAIL {2}victim +task-error +the task threw \d+ time\(s\)/);
    }, 90_000);
  }
});
