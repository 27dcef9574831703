/**
 * Pause attribution in `hardtick run --thread main`: the unit-level call the main-thread
 * runner makes (src/run/session.ts `attributeRunPauses`: GC entries converted from the performance
 * timeline to run time, steal over the run), and a real run of dist's CLI stopped with
 * SIGSTOP/SIGCONT whose report lists the pause in `pauses.events` (`npm run build` first).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunReport } from '../src/report/run-report.js';
import { attributeRunPauses } from '../src/run/session.js';
import { describePause } from '../src/run/text.js';
import { expectStopPause } from './helpers/pause-expect.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'hardtick-main-pause-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('attributeRunPauses (the main-thread runner’s attribution call)', () => {
  // Run started at performance-timeline 1000 ms → gcToRunNs = −1000 ms.
  const gcToRunNs = -1000e6;
  const gcEvents = [{ atNs: 1000e6 + 48e6, pauseNs: 4e6, kind: 'minor' as const }];

  it('a pause covered by a GC (after conversion to run time) is attributed to it', () => {
    const p = attributeRunPauses({
      count: 2,
      sightings: [
        { atNs: 52e6, lengthNs: 5e6 },
        { atNs: 500e6, lengthNs: 300e6 },
      ],
      gcEvents,
      gcToRunNs,
      stealAtStartNs: 100e6,
      stealAtEndNs: 100e6,
    });
    expect(p.count).toBe(2);
    expect(p.events[0]).toMatchObject({ atNs: 52e6, lengthNs: 5e6, cause: 'gc', gc: { kind: 'minor' } });
    expect(p.events[1]!.cause).toBe('unknown');
    expect(describePause(p.events[0]!)).toBe('pause at t=0.052s (5.0ms): gc minor 4.0ms');
  });

  it('without the conversion the GC does not match; steal explains when large enough', () => {
    const p = attributeRunPauses({
      count: 1,
      sightings: [{ atNs: 52e6, lengthNs: 5e6 }],
      gcEvents,
      gcToRunNs: 0,
      stealAtStartNs: 0,
      stealAtEndNs: 10e6,
    });
    expect(p.events[0]).toMatchObject({ cause: 'steal', stealNs: 10e6 });
    const unknown = attributeRunPauses({
      count: 1,
      sightings: [{ atNs: 52e6, lengthNs: 5e6 }],
      gcEvents: [],
      gcToRunNs: 0,
      stealAtStartNs: null,
      stealAtEndNs: 10e6,
    });
    expect(unknown.events[0]!.cause).toBe('unknown');
  });
});

describe('hardtick run --thread main: a real SIGSTOP/SIGCONT', () => {
  it('a 300 ms SIGSTOP is listed in pauses.events (~300 ms, cause unknown)', async () => {
    writeFileSync(
      join(dir, 'tasks.mjs'),
      'const cell = new Float64Array(1);\nexport function fast() { cell[0] += 1; }\n',
    );
    const config = join(dir, 'tiny.json');
    writeFileSync(
      config,
      JSON.stringify({
        name: 'tiny',
        tasks: [{ name: 'fast', period: '2ms', budget: '500us', run: './tasks.mjs#fast' }],
      }),
    );
    const reportFile = join(dir, 'report-main.json');
    const child = spawn(
      process.execPath,
      [
        'dist/cli/main.js',
        'run',
        config,
        '--duration',
        '2s',
        '--warmup',
        '0',
        '--thread',
        'main',
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
    while (!stdout.includes('\n')) {
      if (Date.now() - start > 20_000) throw new Error(`no output: ${stdout} ${stderr}`);
      await sleep(20);
    }
    await sleep(500);
    process.kill(child.pid!, 'SIGSTOP');
    await sleep(300);
    process.kill(child.pid!, 'SIGCONT');
    const code = await exited;
    expect(code, stderr).not.toBe(null);
    const report = JSON.parse(readFileSync(reportFile, 'utf8')) as RunReport;
    expect(report.environment.thread).toBe('main');
    const longest = expectStopPause(report, stderr);
    expect(longest.atNs).toBeGreaterThan(0);
    expect(longest.atNs).toBeLessThan(2.5e9);
    expect(stderr).toMatch(/pause at t=[\d.]+s \([\d.]+ms\): unknown/);
    console.log(
      `main: SIGSTOP 300 ms → pause ${(longest.lengthNs / 1e6).toFixed(1)} ms at t=${(longest.atNs / 1e9).toFixed(3)}s`,
    );
  }, 30_000);
});
