import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import * as demo from '../examples/demo/tasks.mjs';
import { captureIo } from '../src/cli/io.js';
import { runCommand } from '../src/cli/run.js';
import { loadConfig } from '../src/config/load.js';
import { planSchedule } from '../src/plan/plan.js';
import type { RunReport } from '../src/report/run-report.js';

const CONFIG = fileURLToPath(new URL('../examples/demo/hardtick.json', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'hardtick-demo-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('demo: the plant and controller on simulated time', () => {
  it('the PID settles on each setpoint within a few tenths of a second', () => {
    demo.resetDemo();
    for (let k = 0; k < 10_000; k++) {
      demo.sense();
      demo.control();
      if (k % 100 === 99) demo.log();
    }
    const records = demo.readLog();
    expect(records).toHaveLength(100);
    // 0.5 s after each setpoint change the speed is within 2 % of it (the load step at 5 s included).
    for (const timeS of [1, 2.5, 4.5, 7.5, 9.5]) {
      const r = records.find((x) => Math.abs(x.timeS - timeS) < 1e-6)!;
      expect(Math.abs(r.omega - r.setpoint), `t=${timeS}s`).toBeLessThan(0.02 * r.setpoint);
    }
    // The voltage never leaves the supply range.
    for (const r of records) expect(Math.abs(r.voltage)).toBeLessThanOrEqual(12);
  });

  it('is deterministic for a seed', () => {
    const run = (): number => {
      demo.resetDemo(42);
      for (let k = 0; k < 500; k++) {
        demo.sense();
        demo.control();
      }
      return demo.state[demo.S_OMEGA]!;
    };
    expect(run()).toBe(run());
  });

  it('degraded (P with the integral held) and safe state behave', () => {
    demo.resetDemo();
    for (let k = 0; k < 1000; k++) {
      demo.sense();
      demo.control();
    }
    for (let k = 0; k < 200; k++) {
      demo.sense();
      demo.controlDegraded();
    }
    expect(demo.state[demo.S_DEGRADED_RUNS]).toBe(200);
    expect(Math.abs(demo.state[demo.S_OMEGA]! - 100)).toBeLessThan(5);
    demo.safeState();
    expect(demo.state[demo.S_VOLTAGE]).toBe(0);
    expect(demo.state[demo.S_SAFE]).toBe(1);
  });

  it('the demo config plans with a 1 ms frame and degrade-after-3 on control', async () => {
    const config = await loadConfig(CONFIG);
    const plan = planSchedule(config.modes[0]!, config.limits);
    expect(plan.feasible).toBe(true);
    expect(plan.frameNs).toBe(1_000_000);
    const control = config.tasks.find((t) => t.name === 'control')!;
    expect(control.periodNs).toBe(1_000_000);
    expect(control.deadlineNs).toBe(1_000_000);
    expect(control.overrun.action).toBe('degrade');
    expect(control.overrun.after).toBe(3);
    expect(control.overrun.degraded?.exportName).toBe('controlDegraded');
  });
});

describe('demo: hardtick run for ~1 s on the real clock', () => {
  it('tracks the setpoint and prints the WCET table for every task', async () => {
    demo.resetDemo();
    const io = captureIo();
    const reportFile = join(dir, 'demo.json');
    const code = await runCommand(
      [
        CONFIG,
        '--thread',
        'main',
        '--duration',
        '1s',
        '--warmup',
        '200ms',
        '--quiet',
        '--report',
        reportFile,
      ],
      io,
    );
    // Only task errors are fatal in the demo config; timing noise on a shared machine is reported, not failed.
    expect(code).toBe(0);
    for (const task of ['sense', 'control', 'log'])
      expect(io.stdout).toMatch(new RegExp(`^${task}\\s+\\d+\\.\\d\\s+\\d+`, 'm'));
    expect(io.stdout).toMatch(/^task\s+budget\s+runs\s+min\s+p50\s+p99\s+p99\.9\s+max\s+max\/budget/m);
    expect(io.stdout).toMatch(
      /release lateness \(µs, \d+ releases\): min [\d.]+ {2}p50 [\d.]+ {2}p99 [\d.]+ {2}p99\.9 [\d.]+ {2}max [\d.]+/,
    );
    // The plant ran (warm-up + run ≈ 1.2 s of simulated time at most) and the speed holds the 100 rad/s setpoint.
    const simulatedS = demo.state[demo.S_TIME]!;
    expect(simulatedS).toBeGreaterThan(0.5);
    expect(demo.state[demo.S_SETPOINT]).toBe(100);
    expect(Math.abs(demo.state[demo.S_OMEGA]! - 100)).toBeLessThan(5);
    expect(demo.readLog().length).toBeGreaterThanOrEqual(5);
    const report = JSON.parse(readFileSync(reportFile, 'utf8')) as RunReport;
    expect(report.tasks.map((t) => t.name)).toEqual(['sense', 'control', 'log']);
    expect(report.config.name).toBe('demo-motor-pid');
    expect(report.tasks[0]!.runs).toBeGreaterThan(300);
    expect(report.tasks[2]!.runs).toBeGreaterThanOrEqual(5);
  });
});
