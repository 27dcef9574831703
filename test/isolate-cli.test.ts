/**
 * `hardtick run` (the built CLI, `node dist/cli/main.js`: run `npm run build` first) with
 * an isolated runaway task: the loop survives, the report counts `killed`, and
 * `alarms.fatal: ["killed"]` makes the run exit 1 naming it. Both thread modes.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunReport } from '../src/report/run-report.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'hardtick-isolate-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function runCli(config: string, report: string, ...extra: string[]) {
  const r = spawnSync(
    process.execPath,
    [
      'dist/cli/main.js',
      'run',
      config,
      '--duration',
      '2s',
      '--warmup',
      '300ms',
      '--quiet',
      '--report',
      report,
      ...extra,
    ],
    { cwd: ROOT, encoding: 'utf8', timeout: 150_000 },
  );
  // A run that ended before writing its report says why in its output.
  expect(existsSync(report), `exit ${r.status}\n${r.stdout}\n${r.stderr}`).toBe(true);
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('hardtick run with an isolated runaway task', () => {
  it('examples/isolation: planner killed and respawned, the loop keeps running, killed in the report', () => {
    const file = join(dir, 'example.json');
    const r = runCli('examples/isolation/isolation.json', file);
    const report = JSON.parse(readFileSync(file, 'utf8')) as RunReport;
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
    it(`alarms.fatal ["killed"] (--thread ${thread}): exit 1, fatal.occurred = ["killed"]`, () => {
      const file = join(dir, `fatal-${thread}.json`);
      const r = runCli('test/fixtures/isolate/fatal-killed.json', file, '--thread', thread);
      const report = JSON.parse(readFileSync(file, 'utf8')) as RunReport;
      expect(r.code, r.stderr).toBe(1);
      expect(report.fatal).toEqual({ kinds: ['killed'], occurred: ['killed'] });
      expect(report.alarms.killed).toBeGreaterThanOrEqual(1);
      expect(`${r.stdout}\n${r.stderr}`).toMatch(/FATAL: killed/);
    }, 180_000);
  }
});
