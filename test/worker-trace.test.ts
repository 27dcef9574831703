/**
 * `hardtick run --trace N`: the last N executed slots in the report's `trace`, in both
 * thread modes (worker: forwarded through the trace SpscRing in frame slack; main: read
 * from the executive at the end). Real clock, tiny config, generous bounds only.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { captureIo } from '../src/cli/io.js';
import { runCommand } from '../src/cli/run.js';
import type { RunReport } from '../src/report/run-report.js';

const dir = mkdtempSync(join(tmpdir(), 'hardtick-worker-trace-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Two cheap tasks at 2 ms and 4 ms (a 2 ms frame: ~250 frames in 0.5 s). */
function writeTinyConfig(): string {
  writeFileSync(
    join(dir, 'tasks.mjs'),
    [
      'const cell = new Float64Array(1);',
      'export function fast() { cell[0] += 1; }',
      'export function slow() { for (let i = 0; i < 100; i++) cell[0] += i; }',
    ].join('\n'),
  );
  const file = join(dir, 'tiny.json');
  writeFileSync(
    file,
    JSON.stringify({
      name: 'tiny',
      tasks: [
        { name: 'fast', period: '2ms', budget: '500us', run: './tasks.mjs#fast' },
        { name: 'slow', period: '4ms', budget: '500us', run: './tasks.mjs#slow' },
      ],
      alarms: { fatal: [] },
    }),
  );
  return file;
}

async function run(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const io = captureIo();
  const code = await runCommand(argv, io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

describe('hardtick run --trace', () => {
  for (const thread of ['worker', 'main'] as const) {
    it(`${thread} thread: the last 100 slots, ordered by start, every task, relative times within the run`, async () => {
      const config = writeTinyConfig();
      const reportFile = join(dir, `trace-${thread}.json`);
      const r = await run(
        config,
        '--duration',
        '500ms',
        '--warmup',
        '100ms',
        '--thread',
        thread,
        '--trace',
        '100',
        '--quiet',
        '--report',
        reportFile,
      );
      expect(r.code, r.stderr).toBe(0);
      const report = JSON.parse(readFileSync(reportFile, 'utf8')) as RunReport;
      const trace = report.trace;
      expect(trace, 'report.trace').toBeDefined();
      expect(trace!.length).toBeGreaterThan(0);
      expect(trace!.length).toBeLessThanOrEqual(100);
      // 500 ms of 2 ms frames with 1.5 slots each: far more than 100 slots ran.
      expect(trace!.length).toBe(100);
      expect(new Set(trace!.map((e) => e.task))).toEqual(new Set(['fast', 'slow']));
      // The last frame ends just after the measured duration (a frame in flight finishes).
      const limitNs = report.durationNs + report.frameNs;
      let previousStart = Number.NEGATIVE_INFINITY;
      for (const e of trace!) {
        expect(e.mode).toBe('main');
        expect(Number.isInteger(e.frame) && e.frame >= 0).toBe(true);
        expect(e.startNs).toBeGreaterThanOrEqual(previousStart);
        expect(e.startNs).toBeLessThanOrEqual(e.endNs);
        expect(e.startNs).toBeGreaterThanOrEqual(0);
        expect(e.endNs).toBeLessThanOrEqual(limitNs);
        expect(e.flags & ~31).toBe(0);
        previousStart = e.startNs;
      }
      // The newest slots are kept: the last one is in the run's final frames.
      expect(trace!.at(-1)!.startNs).toBeGreaterThan(report.durationNs / 2);
    });
  }

  it('no --trace: no trace field in the report', async () => {
    const config = writeTinyConfig();
    const reportFile = join(dir, 'no-trace.json');
    const r = await run(config, '--duration', '100ms', '--warmup', '0', '--quiet', '--report', reportFile);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(readFileSync(reportFile, 'utf8')) as RunReport;
    expect('trace' in report).toBe(false);
  });

  it('a bad --trace is a usage error', async () => {
    const config = writeTinyConfig();
    const r = await run(config, '--trace', 'many');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--trace: expected a whole number of slots from 0 to 1000000, got 'many'");
  });
});
