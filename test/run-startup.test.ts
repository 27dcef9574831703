/**
 * Start-up is bounded by time, not by frames: `hardtick run` (the built CLI, a child
 * process) reaches its first measured frame within the declared warm-up plus about a second
 * whatever the frame size, 250 ms frames included, and a 20 ms frame's `--duration 1s` run
 * with the default warm-up ends within seconds. Busy-machine bounds only; the figures are
 * in bench/startup.ts. First measured frame: the report's `endedAt − durationNs`.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunReport } from '../src/report/run-report.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'hardtick-startup-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(
  join(dir, 'tasks.mjs'),
  'const cell = new Float64Array(1);\nexport function tick() { cell[0] += 1; }\n',
);

interface Started {
  /** Process start → first measured frame, s. */
  readonly startupS: number;
  /** Process start → exit, s. */
  readonly wallS: number;
  readonly report: RunReport;
  readonly stdout: string;
}

/** `hardtick run` of a one-task config with frame `frame`, 1 s measured. */
async function start(frame: string, warmup: string[]): Promise<Started> {
  const config = join(dir, `f-${frame}.json`);
  const reportFile = join(dir, `f-${frame}-${warmup.join('')}.report.json`);
  writeFileSync(
    config,
    JSON.stringify({
      name: `startup-${frame}`,
      tasks: [{ name: 'tick', period: frame, budget: '200us', run: './tasks.mjs#tick' }],
      alarms: { fatal: [] },
    }),
  );
  const spawnedAtMs = Date.now();
  const child = spawn(
    process.execPath,
    [
      join(ROOT, 'dist/cli/main.js'),
      'run',
      config,
      '--duration',
      '1s',
      ...warmup,
      '--quiet',
      '--report',
      reportFile,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  const code = await new Promise<number | null>((resolveExit) => child.on('exit', resolveExit));
  const wallS = (Date.now() - spawnedAtMs) / 1000;
  expect(code, stdout).toBe(0);
  const report = JSON.parse(readFileSync(reportFile, 'utf8')) as RunReport;
  const firstFrameMs = Date.parse(report.endedAt) - report.durationNs / 1e6;
  return { startupS: (firstFrameMs - spawnedAtMs) / 1000, wallS, report, stdout };
}

describe('start-up is bounded by time, whatever the frame', () => {
  it('1 ms and 250 ms frames, --warmup 500ms: first measured frame within the warm-up + 2 s, and alike', async () => {
    const small = await start('1ms', ['--warmup', '500ms']);
    const large = await start('250ms', ['--warmup', '500ms']);
    for (const s of [small, large]) {
      expect(s.startupS, s.stdout).toBeLessThan(0.5 + 2);
      // What the warm-up took in all, as reported: the JIT drives on compressed frames and
      // the rehearsal fit in it (what follows the real frames is planned for in advance, so
      // the whole may come out a little short), the real frames get at least a quarter.
      expect(s.report.warmup.totalNs).toBeGreaterThanOrEqual(300_000_000);
      expect(s.report.warmup.totalNs).toBeLessThan(500_000_000 + 1_500_000_000);
      expect(s.report.warmup.frames).toBeGreaterThanOrEqual(1);
      expect(s.stdout).toMatch(
        /^warm-up: [\d.]+m?s: [\d.]+(ns|µs|ms|s) on the real frames \(\d+ frame\(s\)\) \+ [\d.]+ms of JIT drives/m,
      );
    }
    // The real part of 500 ms of warm-up is hundreds of 1 ms frames but 1 or 2 of 250 ms.
    expect(small.report.warmup.frames).toBeGreaterThan(100);
    expect(small.report.warmup.durationNs).toBeGreaterThanOrEqual(100_000_000);
    expect(large.report.warmup.frames).toBeLessThanOrEqual(2);
    // Before, 250 ms frames cost 2 × 30 drives × 10 frames = 150 s of start-up.
    expect(Math.abs(large.startupS - small.startupS)).toBeLessThan(2);
  }, 60_000);

  it('a 20 ms frame: hardtick run --duration 1s with the default warm-up (2 s) ends within 6 s', async () => {
    const s = await start('20ms', []);
    // The default warm-up at 20 ms: 2 s in all, most of it on the real frames.
    expect(s.report.warmup.totalNs).toBeGreaterThan(1_900_000_000);
    expect(s.report.warmup.totalNs).toBeLessThan(2_600_000_000);
    expect(s.report.warmup.durationNs).toBeGreaterThan(1_000_000_000);
    expect(s.startupS, s.stdout).toBeLessThan(2 + 1.5);
    expect(s.wallS, s.stdout).toBeLessThan(6);
  }, 60_000);
});
