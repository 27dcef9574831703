/**
 * `hardtick run` applies the config's `realtime` section: SCHED_FIFO on the loop thread
 * (we run as root here; without the addon — HARDTICK_NATIVE=0 — the step is reported
 * `unavailable` with one warning), the default timer-slack step, refused steps warned
 * once, and the loop thread back to SCHED_OTHER (main mode) or gone (worker mode) at the
 * end. Short runs (300 ms) with the native waiter: its spin (≤ 100 µs per 2 ms frame) is
 * far below RT throttling, so FIFO here is safe.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { captureIo } from '../src/cli/io.js';
import { runCommand } from '../src/cli/run.js';
import { loadNative } from '../src/native/binding.js';
import { readSchedulingPolicy } from '../src/report/environment.js';
import type { RunReport } from '../src/report/run-report.js';

const NATIVE = loadNative() !== null;
const IS_ROOT = process.getuid?.() === 0;
const dir = mkdtempSync(join(tmpdir(), 'hardtick-run-realtime-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function writeConfig(name: string, realtime: Record<string, unknown>): string {
  writeFileSync(
    join(dir, 'tasks.mjs'),
    ['const cell = new Float64Array(1);', 'export function fast() { cell[0] += 1; }'].join('\n'),
  );
  const file = join(dir, `${name}.json`);
  writeFileSync(
    file,
    JSON.stringify({
      name,
      tasks: [{ name: 'fast', period: '2ms', budget: '200us', run: './tasks.mjs#fast' }],
      alarms: { fatal: ['task-error'] },
      realtime,
    }),
  );
  return file;
}

async function run(config: string, ...extra: string[]) {
  const io = captureIo();
  const reportFile = join(dir, `${Math.random().toString(36).slice(2)}.json`);
  const code = await runCommand(
    [config, '--duration', '300ms', '--warmup', '100ms', '--quiet', '--report', reportFile, ...extra],
    io,
  );
  const report = JSON.parse(readFileSync(reportFile, 'utf8')) as RunReport;
  return { code, io, report };
}

const step = (report: RunReport, name: string) => report.realtime.steps.find((s) => s.step === name)!;

describe.each([
  ['worker', []],
  ['main', ['--thread', 'main']],
] as const)('hardtick run realtime (%s)', (thread, flag) => {
  it('priority 80: applied on the loop thread (root + addon), reported with the throttling check', async () => {
    const { code, io, report } = await run(writeConfig(`fifo-${thread}`, { priority: 80 }), ...flag);
    expect(code, io.stderr).toBe(0);
    expect(report.realtime.thread).toBe(thread);
    expect(report.realtime.steps.map((s) => s.step)).toEqual([
      'priority',
      'affinity',
      'lockMemory',
      'cpuDmaLatency',
      'timerSlack',
      'nice',
    ]);
    const priority = step(report, 'priority');
    if (NATIVE && IS_ROOT) {
      expect(priority).toMatchObject({ status: 'applied', requested: 80, via: 'native', scope: thread });
      expect(report.environment.schedulingPolicy).toBe('SCHED_FIFO (priority 80)');
      expect(report.realtime.warnings).toEqual([]);
    } else {
      expect(priority.status).not.toBe('applied');
      // One warning line, printed once.
      expect(io.stderr.match(/realtime\.priority = 80/g)?.length).toBe(1);
    }
    // Throttling check: native margin 100 µs (or hybrid 200 µs) + 200 µs load per 2 ms frame.
    expect(report.realtime.throttling?.hazard).toBe(false);
    expect(report.realtime.throttling?.busyShare).toBeLessThan(0.3);
    // The default request: timer slack 1 ns on the loop thread (FIFO threads read back 0).
    expect(step(report, 'timerSlack')).toMatchObject({ status: 'applied', requested: 1, scope: thread });
    expect(report.environment.timerSlack.applied).toBe(true);
    expect(step(report, 'nice').status).toBe('not-requested');
    // Whatever ran the loop, this thread is back at SCHED_OTHER (main: released; worker: never changed).
    expect(readSchedulingPolicy()).toMatch(/^SCHED_OTHER/);
  });

  it('a refused step (cpu 99) is reported with the OS reason and warned once; the run goes on', async () => {
    const { code, io, report } = await run(writeConfig(`cpu99-${thread}`, { cpu: [99] }), ...flag);
    expect(code, io.stderr).toBe(0);
    const affinity = step(report, 'affinity');
    expect(['refused', 'unavailable']).toContain(affinity.status);
    expect(affinity.reason).toBeTruthy();
    expect(io.stderr.match(/hardtick: realtime\.cpu = \[99\] (refused|unavailable): /g)?.length).toBe(1);
    expect(report.realtime.warnings.filter((w) => w.includes('realtime.cpu')).length).toBe(1);
    expect(report.frames.count).toBeGreaterThan(0);
    // Not pinned: steal is read over every CPU, and the report says so.
    expect(report.pauses.stealCpus).toBeNull();
  });

  it("pinned to a CPU (cpu [last]): steal is read from that CPU's line, and the report names it", async () => {
    const last = availableParallelism() - 1;
    const { code, io, report } = await run(writeConfig(`cpu-last-${thread}`, { cpu: [last] }), ...flag);
    expect(code, io.stderr).toBe(0);
    const affinity = step(report, 'affinity');
    if (affinity.status !== 'applied') {
      expect(report.pauses.stealCpus, JSON.stringify(affinity)).toBeNull();
      return;
    }
    expect(report.pauses.stealCpus).toEqual([last]);
    expect(report.environment.realtime?.cpusAllowed).toBe(String(last));
  });
});

describe('hardtick run realtime: timer slack not requested', () => {
  it('timerSlackNs false leaves the slack alone and says so on the first line', async () => {
    const { code, io, report } = await run(writeConfig('noslack', { timerSlackNs: false }));
    expect(code, io.stderr).toBe(0);
    expect(step(report, 'timerSlack').status).toBe('not-requested');
    expect(io.stdout).toContain('timer slack unchanged: not requested (realtime.timerSlackNs: false)');
  });
});
