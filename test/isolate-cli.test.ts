/**
 * `hardtick run` (the built CLI, `node dist/cli/main.js`: run `npm run build` first) with
 * an isolated runaway task: the loop survives, its worker is killed and respawned, the
 * report counts the kills (censored executions, kept out of the pWCET samples) and the
 * releases that found no worker (`unavailable`: not runs, no ~0 ns samples, deadline
 * misses); `alarms.fatal: ["killed"]` makes the run exit 1 naming it. Both thread modes.
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

  it('examples/isolation: planner killed and respawned, killed again, each kill censored and its next job dropped', async () => {
    const r = await example;
    const report = r.report!;
    const planner = report.tasks.find((t) => t.name === 'planner')!;
    const sense = report.tasks.find((t) => t.name === 'sense')!;
    // Each worker loops forever on its 10th release: a second kill needs a respawned worker.
    expect(report.alarms.killed, r.transcript).toBeGreaterThanOrEqual(2);
    expect(planner.censored).toBe(report.alarms.killed);
    // skip-next drops the job after each overrun, every kill among them (the last one's
    // may fall after the end).
    expect(planner.notRun!.policy).toBeGreaterThanOrEqual(report.alarms.killed - 1);
    expect(planner.notRun!.policy).toBeLessThanOrEqual(planner.overruns);
    // A dropped job is a deadline miss, and deadline-miss is fatal in the example: exit 1.
    expect(planner.deadlineMisses).toBeGreaterThanOrEqual(planner.notRun!.policy);
    expect(r.code, r.stderr).toBe(1);
    expect(report.fatal.occurred).toContain('deadline-miss');
    expect(report.alarms['task-error']).toBe(0);
    expect(report.stopReason).toBe('duration');
    expect(planner.overruns).toBeGreaterThanOrEqual(report.alarms.killed);
    expect(planner.errors).toBe(0);
    // The killed executions are not pWCET samples.
    expect((planner.execSamples as { count: number } | undefined)?.count).toBe(
      planner.runs - planner.censored!,
    );
    // The loop thread's tasks ran the whole time.
    expect(sense.runs).toBeGreaterThanOrEqual(100);
    expect(sense.errors).toBe(0);
    expect(r.stderr).toMatch(
      /alarm killed: task planner frame \d+ t=[\d.]+s killed after [\d.]+ms \(isolated worker terminated, respawning\)/,
    );
  }, 180_000);

  for (const thread of ['worker', 'main'] as const) {
    it(`alarms.fatal ["killed"] (--thread ${thread}): exit 1, fatal.occurred = ["killed"]; respawns leave releases unavailable, no ~0 ns samples`, async () => {
      const r = await fatal[thread]!;
      const report = r.report!;
      expect(r.code, r.stderr).toBe(1);
      expect(report.fatal).toEqual({ kinds: ['killed'], occurred: ['killed'] });
      expect(report.alarms.killed).toBeGreaterThanOrEqual(1);
      expect(`${r.stdout}\n${r.stderr}`).toMatch(/FATAL: killed/);
      const planner = report.tasks.find((t) => t.name === 'planner')!;
      // While a worker respawns (a new thread: tens of ms), 10 ms releases find none.
      expect(planner.notRun!.unavailable, r.transcript).toBeGreaterThanOrEqual(1);
      expect(planner.releases).toBe(planner.jobsRun! + planner.notRun!.total);
      expect(planner.runs).toBe(planner.jobsRun);
      // Every execution measured is real work (the task spins a tenth of its 2 ms budget):
      // no release that found no worker left a ~0 ns sample.
      expect(planner.execNs.min).toBeGreaterThanOrEqual(150_000);
      expect(planner.censored).toBe(report.alarms.killed);
    }, 180_000);
  }
});
