import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunReport } from '../src/report/run-report.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'hardtick-pause-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function tinyConfig(): string {
  writeFileSync(
    join(dir, 'tasks.mjs'),
    'const cell = new Float64Array(1);\nexport function fast() { cell[0] += 1; }\n',
  );
  const file = join(dir, 'tiny.json');
  writeFileSync(
    file,
    JSON.stringify({
      name: 'tiny',
      tasks: [{ name: 'fast', period: '2ms', budget: '500us', run: './tasks.mjs#fast' }],
    }),
  );
  return file;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs dist's CLI, stops the whole process with SIGSTOP for `stopMs` once it runs, and returns the report. */
async function runWithStop(
  thread: 'worker' | 'main',
  stopMs: number,
): Promise<{ report: RunReport; stderr: string }> {
  const reportFile = join(dir, `report-${thread}.json`);
  const child = spawn(
    process.execPath,
    [
      'dist/cli/main.js',
      'run',
      tinyConfig(),
      '--duration',
      '2s',
      '--warmup',
      '0',
      '--thread',
      thread,
      '--report',
      reportFile,
      '--quiet',
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const start = Date.now();
  // The first line is printed when the loop thread is ready; with --warmup 0 it measures right after.
  while (!stdout.includes('\n')) {
    if (Date.now() - start > 20_000) throw new Error(`no output: ${stdout} ${stderr}`);
    await sleep(20);
  }
  await sleep(500);
  process.kill(child.pid!, 'SIGSTOP');
  await sleep(stopMs);
  process.kill(child.pid!, 'SIGCONT');
  const code = await exited;
  expect(code, stderr).not.toBe(null);
  return { report: JSON.parse(readFileSync(reportFile, 'utf8')) as RunReport, stderr };
}

describe('pause detection with a real SIGSTOP/SIGCONT', () => {
  // Worker mode here; test/run-main-pauses.test.ts covers --thread main.
  it.each(['worker'] as const)(
    '%s thread: a 300 ms SIGSTOP is one pause of ~300 ms, cause unknown',
    async (thread) => {
      const { report, stderr } = await runWithStop(thread, 300);
      expect(report.alarms.pause, stderr).toBeGreaterThanOrEqual(1);
      expect(report.pauses.count).toBe(report.alarms.pause);
      const longest = [...report.pauses.events].sort((a, b) => b.lengthNs - a.lengthNs)[0];
      expect(longest, stderr).toBeDefined();
      expect(longest!.lengthNs).toBeGreaterThan(280e6);
      expect(longest!.lengthNs).toBeLessThan(400e6);
      expect(longest!.cause).toBe('unknown');
      // Steal was sampled around it (every ~50 ms): the interval containing the pause.
      const around = longest!.steal;
      expect(around, JSON.stringify(longest)).toBeDefined();
      expect(around!.containing.fromNs).toBeLessThanOrEqual(longest!.atNs - longest!.lengthNs);
      expect(around!.containing.toNs).toBeGreaterThanOrEqual(longest!.atNs);
      expect(around!.containing.toNs - around!.containing.fromNs).toBeLessThan(longest!.lengthNs + 1.5e9);
      expect(around!.containing.stealNs).toBeGreaterThanOrEqual(0);
      expect(longest!.stealNs).toBe(around!.containing.stealNs);
      expect(stderr).toMatch(/alarm pause: frame \d+ t=[\d.]+s paused/);
      console.log(
        `${thread}: SIGSTOP 300 ms → pause ${(longest!.lengthNs / 1e6).toFixed(1)} ms (${longest!.cause}), steal sampled over ` +
          `[${(around!.containing.fromNs / 1e6).toFixed(1)}, ${(around!.containing.toNs / 1e6).toFixed(1)}] ms: ${around!.containing.stealNs / 1e6} ms`,
      );
    },
    30_000,
  );
});
