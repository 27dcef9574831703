/**
 * `hardtick run --metrics`: a real HTTP scrape of `/metrics` during a real run, in both
 * loop placements, and the endpoint is gone once the run ends. Real clock, so only
 * generous bounds on the figures.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { captureIo } from '../src/cli/io.js';
import { runCommand } from '../src/cli/run.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'hardtick-run-metrics-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function writeConfig(): string {
  writeFileSync(
    join(dir, 'tasks.mjs'),
    [
      'const cell = new Float64Array(1);',
      'export function fast() { cell[0] += 1; }',
      'export function slow() { for (let i = 0; i < 100; i++) cell[0] += i; }',
    ].join('\n'),
  );
  const file = join(dir, 'metrics.json');
  writeFileSync(
    file,
    JSON.stringify({
      name: 'metrics',
      tasks: [
        { name: 'fast', period: '2ms', budget: '500us', run: './tasks.mjs#fast' },
        { name: 'slow', period: '4ms', budget: '500us', run: './tasks.mjs#slow' },
      ],
      alarms: { fatal: ['task-error'] },
    }),
  );
  return file;
}

/** `name{labels} value` lines of an exposition, as [name+labels, value]. */
function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    out.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return out;
}

/** Scrapes until the measured run shows frames (or gives up); returns the last body. */
async function scrapeUntilFrames(url: string, timeoutMs: number): Promise<string> {
  const start = Date.now();
  let body = '';
  while (Date.now() - start < timeoutMs) {
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    body = await response.text();
    if ((samples(body).get('hardtick_task_runs_total{task="slow",mode="main"}') ?? 0) > 0) return body;
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  return body;
}

function expectSaneMetrics(body: string): void {
  const s = samples(body);
  expect(body).toMatch(
    /^hardtick_info\{config="metrics",mode="main",clock="[^"]+",waiter="[^"]+",thread="(worker|main)"/m,
  );
  expect(s.get('hardtick_running')).toBe(1);
  const frames = s.get('hardtick_frames_total')!;
  expect(frames).toBeGreaterThan(10);
  expect(frames).toBeLessThan(2000); // 2 ms frames, < 2 s measured
  for (const task of ['fast', 'slow']) {
    const labels = `task="${task}",mode="main"`;
    const runs = s.get(`hardtick_task_runs_total{${labels}}`)!;
    expect(runs, task).toBeGreaterThan(0);
    expect(s.get(`hardtick_task_releases_total{${labels}}`)).toBeGreaterThanOrEqual(runs);
    expect(s.get(`hardtick_task_errors_total{${labels}}`)).toBe(0);
    expect(s.get(`hardtick_task_budget_seconds{${labels}}`)).toBeCloseTo(0.0005, 9);
    expect(s.get(`hardtick_task_exec_seconds_count{${labels}}`)).toBe(runs);
    for (const q of ['0.5', '0.99', '0.999']) {
      const v = s.get(`hardtick_task_exec_seconds{${labels},quantile="${q}"}`)!;
      expect(v, `${task} q${q}`).toBeGreaterThan(0);
      expect(v, `${task} q${q}`).toBeLessThan(0.5); // generous: a shared machine
    }
  }
  expect(s.get('hardtick_release_lateness_seconds_count')).toBeGreaterThan(0);
  // Quantiles in order, up to the max gauge; the median release within a frame (2 ms).
  const p50 = s.get('hardtick_release_lateness_seconds{quantile="0.5"}')!;
  const p99 = s.get('hardtick_release_lateness_seconds{quantile="0.99"}')!;
  expect(p50).toBeLessThanOrEqual(p99);
  expect(p99).toBeLessThanOrEqual(s.get('hardtick_release_lateness_max_seconds')!);
  expect(p50).toBeLessThan(0.002);
  expect(s.get('hardtick_alarms_total{kind="task-error"}')).toBe(0);
  expect(s.has('hardtick_alarms_dropped_total')).toBe(true);
  expect(s.get('hardtick_realtime_step{step="timerSlack",status="applied"}')).toBe(1);
}

describe('hardtick run --metrics', () => {
  it('worker mode (child process): a real scrape during the run; the endpoint closes at the end', async () => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        "const { main } = await import('./src/cli/main.ts'); process.exitCode = await main(process.argv.slice(1));",
        'run',
        writeConfig(),
        '--duration',
        '1500ms',
        '--warmup',
        '100ms',
        '--metrics',
        '127.0.0.1:0',
        '--quiet',
      ],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const start = Date.now();
    while (!/metrics: (http:\/\/127\.0\.0\.1:\d+\/metrics)/.test(stdout)) {
      if (Date.now() - start > 20_000) throw new Error(`no metrics URL printed:\n${stdout}\n${stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const url = /metrics: (http:\/\/127\.0\.0\.1:\d+\/metrics)/.exec(stdout)![1]!;
    const port = Number(/:(\d+)\/metrics/.exec(url)![1]);
    expect(port).toBeGreaterThan(0);
    const body = await scrapeUntilFrames(url, 10_000);
    expectSaneMetrics(body);
    expect(body).toContain('thread="worker"');
    expect(await exited, stderr).toBe(0);
    await expect(fetch(url)).rejects.toThrow();
  });

  it('main-thread mode (in process): served in the loop yields, from the cached record; closed after', async () => {
    const io = captureIo();
    const running = runCommand(
      [
        writeConfig(),
        '--thread',
        'main',
        '--duration',
        '1500ms',
        '--warmup',
        '100ms',
        '--metrics',
        '127.0.0.1:0',
        '--quiet',
      ],
      io,
    );
    const start = Date.now();
    while (!/metrics: (http:\/\/127\.0\.0\.1:\d+\/metrics)/.test(io.stdout)) {
      if (Date.now() - start > 20_000) throw new Error(`no metrics URL printed:\n${io.stdout}\n${io.stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const url = /metrics: (http:\/\/127\.0\.0\.1:\d+\/metrics)/.exec(io.stdout)![1]!;
    const body = await scrapeUntilFrames(url, 10_000);
    expectSaneMetrics(body);
    expect(body).toContain('thread="main"');
    // Main thread: GC figures are live.
    expect(body).toContain('hardtick_gc_collections_total');
    expect(await running, io.stderr).toBe(0);
    await expect(fetch(url)).rejects.toThrow();
  });

  it('rejects a bad address with exit 2 and the expected form', async () => {
    const io = captureIo();
    const code = await runCommand([writeConfig(), '--metrics', 'localhost:99999'], io);
    expect(code).toBe(2);
    expect(io.stderr).toContain('--metrics: expected [host:]port like 127.0.0.1:9464');
    expect(io.stderr).toContain('the port must be at most 65535');
  });
});
