import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { captureIo } from '../src/cli/io.js';
import { runCommand } from '../src/cli/run.js';
import type { RunReport } from '../src/report/run-report.js';

const dir = mkdtempSync(join(tmpdir(), 'hardtick-run-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function writeConfig(): string {
  writeFileSync(
    join(dir, 'tasks.mjs'),
    'const c = new Float64Array(1);\nexport function tick() { c[0]++; }\n',
  );
  const file = join(dir, 'hardtick.json');
  writeFileSync(
    file,
    JSON.stringify({
      name: 'signals',
      tasks: [{ name: 'tick', period: '2ms', budget: '500us', run: './tasks.mjs#tick' }],
      // Timing alarms on a shared machine must not decide these tests' exit codes.
      alarms: { fatal: ['task-error'] },
    }),
  );
  return file;
}

describe('hardtick run: stop signals (in-process)', () => {
  it.each([
    ['SIGTERM', []],
    ['SIGINT', []],
    ['SIGHUP', []],
    ['SIGTERM', ['--thread', 'main']],
    ['SIGINT', ['--thread', 'main']],
  ] as const)('%s %j stops the loop between frames; the report is written', async (signal, thread) => {
    const io = captureIo();
    const reportFile = join(dir, `${signal}.json`);
    const before = process.listenerCount(signal);
    // At the first status line (a second into the measurement: starting the real-time
    // worker and the watchdog from the TypeScript sources takes a while under vitest). In
    // main-thread mode the loop yields to the event loop every ~50 ms, so the signal is
    // handled while it runs; in worker mode the main thread is free anyway.
    const out = io.out.bind(io);
    let sent = false;
    io.out = (text: string) => {
      out(text);
      if (!sent && /^ +\d+\.\d s {2}frames \d+/m.test(io.stdout)) {
        sent = true;
        setImmediate(() => process.emit(signal, signal));
      }
    };
    const code = await runCommand(
      [writeConfig(), '--duration', '0', '--warmup', '0', '--report', reportFile, ...thread],
      io,
    );
    expect(code).toBe(0);
    const report = JSON.parse(readFileSync(reportFile, 'utf8')) as RunReport;
    expect(report.stopReason).toBe(`signal:${signal}`);
    expect(report.frames.count).toBeGreaterThan(50);
    expect(report.durationNs).toBeGreaterThan(200_000_000);
    expect(report.durationNs).toBeLessThan(5_000_000_000);
    expect(io.stdout).toContain(`stopped: signal:${signal}`);
    // The handlers are removed afterwards.
    expect(process.listenerCount(signal)).toBe(before);
  });
});

describe('hardtick run: live status line', () => {
  it('on a TTY rewrites one line with \\r and ends it before the summary', async () => {
    const captured = captureIo();
    const tty = { isTty: true, out: captured.out, err: captured.err };
    const code = await runCommand([writeConfig(), '--duration', '2200ms', '--warmup', '0'], tty);
    expect(code).toBe(0);
    const clearToEol = '\u001b[K';
    const statusWrites = captured.stdout
      .split('\r')
      .filter((w) => /^ {2,}\d+\.\d s {2}frames \d+/.test(w) && w.includes(clearToEol));
    expect(statusWrites.length).toBeGreaterThanOrEqual(1);
    // Alarm lines (stderr) clear the status line and draw it again, so it is still there
    // at the end, where it is ended with a newline before the summary.
    expect(captured.stdout).toContain(` %${clearToEol}\n\nsignals: `);
  });

  it('off a TTY prints one status line per second, and none with --quiet', async () => {
    const io = captureIo();
    const code = await runCommand([writeConfig(), '--duration', '2200ms', '--warmup', '0'], io);
    expect(code).toBe(0);
    const lines = io.stdout
      .split('\n')
      .filter((l) => /^ +\d+\.\d s {2}frames \d+ {2}overruns \d+ {2}misses \d+/.test(l));
    expect(lines.length).toBeGreaterThanOrEqual(1);
    expect(lines.length).toBeLessThanOrEqual(3);
    expect(io.stdout).not.toContain('\r');
    const quiet = captureIo();
    expect(await runCommand([writeConfig(), '--duration', '1200ms', '--warmup', '0', '--quiet'], quiet)).toBe(
      0,
    );
    expect(quiet.stdout).not.toMatch(/frames \d+ {2}overruns/);
  });
});
