/**
 * `hardtick run` (the built CLI, `node dist/cli/main.js`: run `npm run build` first) with
 * an isolated runaway task: the loop survives, the report counts `killed`, and
 * `alarms.fatal: ["killed"]` makes the run exit 1 naming it. Both thread modes.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { hardtickRun, type RunResult } from './helpers/cli.js';
import { expectRunReportShape } from './helpers/report-shape.js';

/** `hardtick run <config> --duration 2s --warmup 300ms --quiet [extra]`; it must write its report. */
async function runCli(config: string, ...extra: string[]): Promise<RunResult> {
  const r = await hardtickRun(config, ['--duration', '2s', '--warmup', '300ms', '--quiet', ...extra], {
    timeoutMs: 150_000,
  });
  // A run that ended before writing its report says why in its output.
  expect(r.report, r.transcript).not.toBeNull();
  expectRunReportShape(r.report!);
  return r;
}

describe('hardtick run with an isolated runaway task', () => {
  // The three runs are separate processes that mostly sleep (10 ms frames): started together,
  // they take the time of the longest; each test asserts its own.
  let example: Promise<RunResult>;
  const fatal: Record<string, Promise<RunResult>> = {};
  beforeAll(() => {
    example = runCli('examples/isolation/isolation.json');
    for (const thread of ['worker', 'main']) {
      fatal[thread] = runCli('test/fixtures/isolate/fatal-killed.json', '--thread', thread);
    }
    for (const p of [example, ...Object.values(fatal)]) p.catch(() => {});
  });

  it('examples/isolation: planner killed and respawned, the loop keeps running, killed in the report', async () => {
    const r = await example;
    const report = r.report!;
    // Fatal there: deadline-miss and task-error only; a busy machine may still miss a deadline.
    expect([0, 1], r.stderr).toContain(r.code);
    expect(report.fatal.occurred.every((k) => k === 'deadline-miss')).toBe(true);
    expect(report.alarms.killed).toBeGreaterThanOrEqual(1);
    expect(report.alarms['task-error']).toBe(0);
    expect(report.stopReason).toBe('duration');
    const planner = report.tasks.find((t) => t.name === 'planner')!;
    const sense = report.tasks.find((t) => t.name === 'sense')!;
    expect(planner.overruns).toBeGreaterThanOrEqual(report.alarms.killed);
    expect(planner.errors).toBe(0);
    // The loop thread's tasks ran the whole time.
    expect(sense.runs).toBeGreaterThanOrEqual(100);
    expect(sense.errors).toBe(0);
    expect(r.stderr).toMatch(
      /alarm killed: task planner frame \d+ t=[\d.]+s killed after [\d.]+ms \(isolated worker terminated, respawning\)/,
    );
  }, 180_000);

  for (const thread of ['worker', 'main'] as const) {
    it(`alarms.fatal ["killed"] (--thread ${thread}): exit 1, fatal.occurred = ["killed"]`, async () => {
      const r = await fatal[thread]!;
      const report = r.report!;
      expect(r.code, r.stderr).toBe(1);
      expect(report.fatal).toEqual({ kinds: ['killed'], occurred: ['killed'] });
      expect(report.alarms.killed).toBeGreaterThanOrEqual(1);
      expect(`${r.stdout}\n${r.stderr}`).toMatch(/FATAL: killed/);
    }, 180_000);
  }
});
