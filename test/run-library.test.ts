/**
 * The runner as a library: `import { run } from 'hardtick'` (the built package, in a child
 * process) runs a config file for 1 s in both thread modes and resolves to its report; the
 * handle of `startRun` (in process, from the sources) gives ready, live snapshots, events,
 * a mode request and stop; a config object works like a file; `ctx.phase` tells warm-up
 * from measurement. Real clock, real threads: generous bounds only (`npm run build` first).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import {
  defineConfig,
  HardtickError,
  type RunAlarm,
  type RunEvent,
  type RunReport,
  type RunStatus,
  run,
  startRun,
} from '../src/index.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'hardtick-run-library-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

writeFileSync(
  join(dir, 'tasks.mjs'),
  [
    'const cell = new Float64Array(1);',
    '/** Calls per phase, and the index of each phase change (main-thread runs read it). */',
    "export const seen = { warmup: 0, measure: 0, order: '' };",
    'export function fast(ctx) {',
    '  cell[0] += 1;',
    '  seen[ctx.phase]++;',
    '  const last = seen.order.at(-1);',
    "  const mark = ctx.phase === 'warmup' ? 'w' : 'm';",
    '  if (last !== mark) seen.order += mark;',
    '}',
    'export function slow() { for (let i = 0; i < 100; i++) cell[0] += i; }',
  ].join('\n'),
);

/** The config object (as `defineConfig` types it): two tasks at 2 ms and 4 ms, a second mode. */
const CONFIG = defineConfig({
  name: 'library',
  tasks: [
    { name: 'fast', period: '2ms', budget: '500us', run: './tasks.mjs#fast' },
    { name: 'slow', period: '4ms', budget: '500us', run: './tasks.mjs#slow' },
  ],
  modes: { quiet: { tasks: [{ name: 'fast', period: '2ms', budget: '500us', run: './tasks.mjs#fast' }] } },
  // Timing alarms on a shared machine must not decide these tests' outcome.
  alarms: { fatal: ['task-error'] },
});
const configFile = join(dir, 'library.json');
writeFileSync(configFile, JSON.stringify(CONFIG));

describe("import { run } from 'hardtick' (the built package)", () => {
  for (const thread of ['worker', 'main'] as const) {
    it(`${thread} thread: runs the config file for 1 s and resolves to its report, the one --report writes`, () => {
      const reportFile = join(dir, `pkg-${thread}.json`);
      const script = [
        "import { run } from 'hardtick';",
        `const report = await run(${JSON.stringify(configFile)}, { duration: '1s', warmup: '200ms', thread: ${JSON.stringify(thread)}, report: ${JSON.stringify(reportFile)} });`,
        'process.stdout.write(JSON.stringify(report));',
      ].join('\n');
      const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
        cwd: ROOT,
        encoding: 'utf8',
        timeout: 60_000,
      });
      const resolved = JSON.parse(out) as RunReport & { environment: { thread: string } };
      const written = JSON.parse(readFileSync(reportFile, 'utf8')) as RunReport;
      expect(resolved).toEqual(written);
      expect(resolved.schema).toBe('hardtick.run/v1');
      expect(resolved.environment.thread).toBe(thread);
      // The doctor's checks at the start of the run, judged from the steps the run took.
      expect(resolved.environment.doctor?.schema).toBe('hardtick.doctor/v1');
      expect(resolved.environment.doctor?.checks.length).toBeGreaterThanOrEqual(8);
      expect(resolved.requestedDurationNs).toBe(1_000_000_000);
      expect(resolved.stopReason).toBe('duration');
      expect(resolved.durationNs).toBeGreaterThan(900_000_000);
      expect(resolved.durationNs).toBeLessThan(1_100_000_000);
      // 1 s of 2 ms frames: 500 releases of `fast` (run or skipped by catch-up).
      expect(resolved.tasks.find((t) => t.name === 'fast' && t.mode === 'main')!.releases).toBe(500);
      expect(resolved.warmup.frames).toBeGreaterThan(0);
      expect(resolved.exitCode).toBe(0);
    }, 90_000);
  }
});

describe('startRun: the handle', () => {
  it('worker: ready, live snapshots, status and events while it runs, a mode request, stop', async () => {
    const events: RunEvent[] = [];
    const statuses: RunStatus[] = [];
    const alarms: RunAlarm[] = [];
    const handle = startRun(configFile, {
      duration: 0,
      warmup: '100ms',
      onEvent: (e) => events.push(e),
      onStatus: (s) => statuses.push(s),
    }).on('alarm', (a) => alarms.push(a));
    const ready = await handle.ready;
    expect(ready.thread).toBe('worker');
    expect(ready.frameNs).toBe(2_000_000);
    expect(ready.leaseGuard).toBeNull();
    expect(ready.environment.node).toBe(process.version);
    // Asked before the measurement starts: applied 300 ms after it starts.
    handle.requestMode('quiet', 300_000_000);
    expect(() => handle.requestMode('nope')).toThrow("requestMode: unknown mode 'nope' (modes: main, quiet)");
    await new Promise((r) => setTimeout(r, 2500));
    const live = handle.snapshot();
    expect(live).not.toBeNull();
    expect(live!.frames.count).toBeGreaterThan(100);
    expect(live!.mode).toBe('quiet');
    handle.stop('test:stop');
    const report = await handle.done;
    expect(report.stopReason).toBe('test:stop');
    expect(report.mode).toBe('quiet');
    expect(report.alarms['mode-change']).toBe(1);
    expect(alarms.some((a) => a.kind === 'mode-change' && a.value === 1)).toBe(true);
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['start', 'warmup', 'measuring']));
    expect(events.find((e) => e.type === 'start')!.text).toMatch(
      /^hardtick run library: 2 mode\(s\), frame 2\.00ms, until stopped/,
    );
    // The status's seconds and frames come from one record of the loop: frames ≈ elapsed / 2 ms.
    expect(statuses.length).toBeGreaterThan(0);
    for (const s of statuses) {
      expect(s.frames + s.skipped).toBeLessThanOrEqual(Math.floor(s.elapsedNs / 2_000_000) + 1);
      expect(s.frames + s.skipped).toBeGreaterThanOrEqual(Math.floor(s.elapsedNs / 2_000_000) - 1);
      expect(s.text).toContain(` s  frames ${s.frames}`);
      // The waiter's margin at its last wait (learned: the default), also in the line.
      expect(s.marginNs).toBeGreaterThan(0);
      expect(s.marginNs).toBeLessThanOrEqual(1_000_000);
      expect(s.text).toMatch(/ {2}margin \d+(?:\.\d+)? µs/);
    }
  }, 30_000);

  it('main thread, a config object: tasks see ctx.phase warmup, then measure, never back', async () => {
    const { seen } = (await import(pathToFileURL(join(dir, 'tasks.mjs')).href)) as {
      seen: { warmup: number; measure: number; order: string };
    };
    const report = await run(CONFIG, { duration: '300ms', warmup: '600ms', thread: 'main', baseDir: dir });
    expect(report.config.file).toBeNull();
    expect(report.stopReason).toBe('duration');
    // 600 ms of warm-up, ~320 ms of it on the real 2 ms frames: ~160 calls; 300 ms measured.
    expect(seen.warmup).toBeGreaterThan(50);
    expect(seen.measure).toBe(report.tasks[0]!.runs);
    expect(seen.order).toBe('wm');
  }, 30_000);

  it('an AbortSignal stops the run; its string reason is the stopReason', async () => {
    const controller = new AbortController();
    const handle = startRun(configFile, { duration: 0, warmup: 0, signal: controller.signal });
    await handle.ready;
    setTimeout(() => controller.abort('shutdown'), 300);
    const report = await handle.done;
    expect(report.stopReason).toBe('shutdown');
    expect(report.frames.count).toBeGreaterThan(50);
  }, 30_000);

  it('bad input rejects done (and ready) with the HardtickError: an infeasible config, a bad option', async () => {
    const infeasible = startRun(
      {
        name: 'x',
        tasks: [
          { name: 'a', period: '1ms', budget: '600us', run: './tasks.mjs#fast' },
          { name: 'b', period: '1ms', budget: '600us', run: './tasks.mjs#slow' },
        ],
      },
      { baseDir: dir },
    );
    await expect(infeasible.done).rejects.toMatchObject({ code: 'schedule_infeasible' });
    await expect(infeasible.ready).rejects.toBeInstanceOf(HardtickError);
    await expect(run(configFile, { duration: 'soon' })).rejects.toThrow(/^duration: /);
    await expect(run(configFile, { trace: -1 })).rejects.toThrow(
      'trace: expected a whole number of slots from 0 to 1000000, got -1',
    );
  });
});

describe('alarm values are the integers they are', () => {
  it('performance.now() clock (HARDTICK_NATIVE=0), main thread: every alarm value and time is a whole ns', async () => {
    const saved = process.env.HARDTICK_NATIVE;
    process.env.HARDTICK_NATIVE = '0';
    try {
      const alarms: RunAlarm[] = [];
      // A 1 ns budget: every run of `fast` overruns, with its fractional performance.now() execution time.
      const report = await run(
        defineConfig({
          ...CONFIG,
          tasks: [{ name: 'fast', period: '2ms', budget: '1ns', run: './tasks.mjs#fast' }],
          modes: {},
          alarms: { fatal: [], ratePerSecond: 1000 },
        }),
        { duration: '200ms', warmup: 0, thread: 'main', baseDir: dir, onAlarm: (a) => alarms.push(a) },
      );
      expect(report.environment.clock).toBe('performance.now');
      const overruns = alarms.filter((a) => a.kind === 'overrun' && a.suppressed === 0);
      expect(overruns.length).toBeGreaterThan(20);
      for (const a of alarms) {
        expect(Number.isInteger(a.value), a.text).toBe(true);
        expect(Number.isInteger(a.sinceStartNs), a.text).toBe(true);
      }
    } finally {
      if (saved === undefined) delete process.env.HARDTICK_NATIVE;
      else process.env.HARDTICK_NATIVE = saved;
    }
  }, 30_000);
});

describe('the trust model through the runner', () => {
  it("a task module outside the config's project is refused unless allowOutsideProject", async () => {
    const elsewhere = mkdtempSync(join(tmpdir(), 'hardtick-run-elsewhere-'));
    try {
      writeFileSync(join(elsewhere, 'far.mjs'), 'export function far() {}\n');
      const config = defineConfig({
        name: 'far',
        tasks: [{ name: 'far', period: '2ms', budget: '500us', run: `${join(elsewhere, 'far.mjs')}#far` }],
      });
      const refused = run(config, { baseDir: dir, duration: '100ms', warmup: 0, thread: 'main' });
      await expect(refused).rejects.toBeInstanceOf(HardtickError);
      await expect(refused).rejects.toThrow(/outside|project/);
      const report = await run(config, {
        baseDir: dir,
        duration: '100ms',
        warmup: 0,
        thread: 'main',
        allowOutsideProject: true,
      });
      expect(report.tasks[0]!.runs).toBeGreaterThan(10);
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  }, 30_000);
});
