/**
 * `exitCode`: the watchdog ends the whole process, in a child process
 * (test/helpers/watchdog-exit-child.ts).
 * - RT loop in a worker (the main thread free): the process exits with the declared code.
 * - The main thread itself stuck, no `interruptMain`: nothing runs `process.exit`, so the
 *   watchdog falls back to SIGKILL after `killAfterNs`.
 * - The main thread stuck in a JavaScript loop, `interruptMain`: the watchdog interrupts it
 *   (in-process inspector session); `beforeExit` runs ON the main thread, then it exits
 *   with the code — no SIGKILL, and no "Waiting for the debugger" line.
 * - The main thread blocked in a system call (no interrupt check), `interruptMain`: the
 *   watchdog writes its fallback report (`hardtick.stuck/v1`) and sends SIGKILL, and its
 *   stderr says exactly that.
 * Either way the watchdog's stderr line names the stuck task.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { WATCHDOG_EXIT_CODE } from '../src/watchdog/watchdog.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'hardtick-wd-exit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function runChild(where: 'worker' | 'main' | 'interrupt' | 'syscall', reportFile = '') {
  const started = Date.now();
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', 'test/helpers/watchdog-exit-child.ts', where, reportFile],
    { cwd: root, encoding: 'utf8', timeout: 30_000 },
  );
  const endedNs = Number(process.hrtime.bigint());
  // From the moment the child got stuck (its CLOCK_MONOTONIC, printed) to its exit, as seen here.
  const stuckAtNs = Number(/spinning (\d+)/.exec(r.stdout ?? '')?.[1] ?? Number.NaN);
  return { ...r, wallMs: Date.now() - started, stuckToExitMs: (endedNs - stuckAtNs) / 1e6 };
}

const STUCK_LINE =
  /hardtick watchdog: task "control" \(frame 0, slot 0\) still running [\d.]+ ms past its deadline; ending the process with code 75/;

describe('watchdog exitCode', () => {
  it('ends the process with the declared code while the RT worker spins', () => {
    const r = runChild('worker');
    expect(r.stdout).toContain('spinning');
    expect(r.stderr).toMatch(
      /hardtick watchdog: task "actuate" \(frame 3, slot 1\) still running .* ending the process with code 75/,
    );
    expect(r.signal).toBeNull();
    expect(r.status).toBe(WATCHDOG_EXIT_CODE);
  });

  it('falls back to SIGKILL when the stuck thread is the main thread (no interruptMain)', () => {
    const r = runChild('main');
    expect(r.stdout).toContain('spinning');
    expect(r.stderr).toMatch(STUCK_LINE);
    expect(r.stderr).toMatch(
      /the main thread did not end the process within 300 ms .*sending SIGKILL: the process ends by signal, not with code 75\n/,
    );
    expect(r.status).toBeNull();
    expect(r.signal).toBe('SIGKILL');
  });

  it('interruptMain: the spinning main thread runs beforeExit and exits with the code', () => {
    const report = join(dir, 'interrupt.json');
    const r = runChild('interrupt', report);
    expect(r.stdout).toContain('spinning');
    expect(r.stderr).toMatch(STUCK_LINE);
    expect(r.signal, r.stderr).toBeNull();
    expect(r.status, r.stderr).toBe(WATCHDOG_EXIT_CODE);
    expect(r.stderr).not.toMatch(/SIGKILL|debugger/i);
    const written = JSON.parse(readFileSync(report, 'utf8')) as Record<string, number>;
    expect(written).toEqual({
      task: 'control',
      ordinal: 1,
      code: 75,
      mainThread: true,
      detectedNs: expect.any(Number),
      atNs: expect.any(Number),
    });
    // Detection → beforeExit running on the main thread: fail-safe, interrupt.
    const interruptMs = (written.atNs! - written.detectedNs!) / 1e6;
    expect(interruptMs).toBeGreaterThan(0);
    expect(interruptMs).toBeLessThan(2_000);
    // Stuck slot: deadline 2 ms + grace 20 ms; then detection, fail-safe, interrupt, report, exit.
    expect(r.stuckToExitMs).toBeGreaterThan(22);
    expect(r.stuckToExitMs).toBeLessThan(5_000);
    console.log(
      `interruptMain: process ended with code 75 ${r.stuckToExitMs.toFixed(1)} ms after the slot got stuck; ` +
        `beforeExit ran on the main thread ${interruptMs.toFixed(2)} ms after the watchdog saw it ` +
        `(deadline 2 ms + grace 20 ms; ${r.wallMs} ms wall in all)`,
    );
  }, 40_000);

  it('interruptMain, main thread blocked in a system call: fallback report, then SIGKILL', () => {
    const report = join(dir, 'syscall.json');
    const r = runChild('syscall', report);
    expect(r.stdout, r.stderr).toContain('spinning');
    expect(r.stderr).toMatch(STUCK_LINE);
    expect(r.stderr).toContain(
      `sending SIGKILL: the process ends by signal, not with code 75; wrote a minimal report (hardtick.stuck/v1) to ${report}\n`,
    );
    expect(r.signal, r.stderr).toBe('SIGKILL');
    expect(existsSync(report)).toBe(true);
    const written = JSON.parse(readFileSync(report, 'utf8')) as Record<string, unknown>;
    expect(written).toMatchObject({
      schema: 'hardtick.stuck/v1',
      config: { name: 'exit-child' },
      stopReason: 'stuck',
      endedBy: 'SIGKILL',
      stuck: [{ taskName: 'control', frame: 0, slot: 0, task: 1, ordinal: 1 }],
    });
    // Killed after 2 × killAfterNs at most, long before `sleep 20` returns.
    expect(r.wallMs, r.stderr).toBeLessThan(15_000);
  }, 40_000);
});
