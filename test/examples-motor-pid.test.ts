/**
 * examples/motor-pid: the motor, the PID, the sensor-fault detection and the limp-home
 * controller on simulated time (exact, deterministic), the config's two modes, and the
 * README's command run for 3 s on the real clock (generous bounds only).
 *
 * The run needs a built dist/ (the example imports `hardtick`; `npm install` builds it).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import * as m from '../examples/motor-pid/tasks.mjs';
import { loadConfig } from '../src/config/load.js';
import { planSchedule } from '../src/plan/plan.js';
import type { RunReport } from '../src/report/run-report.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const CONFIG = join(root, 'examples/motor-pid/hardtick.json');
const dir = mkdtempSync(join(tmpdir(), 'hardtick-motor-pid-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** One cell of the example's state (offsets `m.S_*`). */
const S = (offset: number): number => m.state[offset]!;

/** Runs the loop on simulated time as the executive would: a mode switch at the 10 ms boundary. */
function simulate(steps: number, failAtS: number): { switchedAtS: number } {
  m.resetMotor({ failAtS });
  let mode = 'main';
  let pending = false;
  let switchedAtS = -1;
  // What `sense` sees of the context: a mode request, applied at the next 10 ms boundary.
  const ctx = {
    requestMode: (name: string) => {
      expect(name).toBe('sensorless');
      pending = true;
    },
  };
  for (let k = 0; k < steps; k++) {
    if (k % 10 === 0 && pending) {
      mode = 'sensorless';
      pending = false;
      switchedAtS = S(m.S_TIME);
    }
    if (mode === 'main') {
      m.plant();
      m.sense(ctx);
      m.control();
    } else {
      m.plant();
      m.estimate();
      m.limpHome();
    }
    if (k % 10 === 9) m.log({ modeName: mode, phase: 'warmup' });
  }
  return { switchedAtS };
}

describe('motor-pid on simulated time', () => {
  it('tracks each setpoint with a healthy sensor, through the load step, with no false fault', () => {
    simulate(6000, Number.POSITIVE_INFINITY);
    expect(S(m.S_FAULT)).toBe(0);
    expect(S(m.S_FAULT_TIME)).toBe(-1);
    const log = m.readLog();
    expect(log).toHaveLength(600);
    // 0.5 s after each change (setpoint at 0.05, 2, 4 s; load step at 0.5 s) within 2 %.
    for (const timeS of [0.45, 1.0, 1.9, 2.5, 4.5, 5.9]) {
      const r = log.find((x) => Math.abs(x.timeS - timeS) < 1e-6)!;
      expect(Math.abs(r.omega - r.setpoint), `t=${timeS}s`).toBeLessThan(0.02 * r.setpoint);
    }
    for (const r of log) expect(Math.abs(r.voltage)).toBeLessThanOrEqual(12);
    // The observer learned the 0.04 N·m load step.
    expect(Math.abs(S(m.S_LOAD_ESTIMATE) - 0.04)).toBeLessThan(0.004);
  });

  it('declares the sensor failed FAULT_AFTER samples after it breaks and requests the mode once', () => {
    const { switchedAtS } = simulate(6000, 3);
    expect(S(m.S_FAULT)).toBe(1);
    // Broken at 3 s (reads 0 from the first step whose summed time is ≥ 3 s), declared on the
    // FAULT_AFTER-th bad reading in a row.
    const faultAfter = m.FAULT_AFTER;
    expect(S(m.S_FAULT_TIME) - 3).toBeGreaterThan((faultAfter - 1) * 0.001 - 1e-6);
    expect(S(m.S_FAULT_TIME) - 3).toBeLessThan(faultAfter * 0.001 + 1e-6);
    expect(switchedAtS).toBeGreaterThanOrEqual(S(m.S_FAULT_TIME));
    expect(switchedAtS - S(m.S_FAULT_TIME)).toBeLessThanOrEqual(0.0101);
  });

  it('the sensorless limp-home holds the capped speed without a sensor', () => {
    simulate(6000, 3);
    expect(S(m.S_SENSORLESS_RUNS)).toBeGreaterThan(2900);
    const log = m.readLog();
    const after = log.filter((r) => r.timeS > 3.5);
    expect(after.every((r) => r.sensorless)).toBe(true);
    for (const r of after) {
      expect(r.measured).toBe(0); // the sensor stays broken
      expect(Math.abs(r.omega - m.LIMP_HOME_RAD_S), `t=${r.timeS}`).toBeLessThan(2);
    }
  });

  it('is deterministic for a seed', () => {
    const run = (): number => {
      simulate(2500, 2);
      return S(m.S_OMEGA);
    };
    expect(run()).toBe(run());
  });
});

describe('motor-pid config', () => {
  it('plans both modes with a 1 ms frame and a 10 ms hyperperiod (the mode-switch latency bound)', async () => {
    const config = await loadConfig(CONFIG);
    expect(config.modes.map((mode) => mode.name)).toEqual(['main', 'sensorless']);
    for (const mode of config.modes) {
      const plan = planSchedule(mode, config.limits);
      expect(plan.feasible, mode.name).toBe(true);
      expect(plan.frameNs).toBe(1_000_000);
      expect(plan.hyperperiodNs).toBe(10_000_000);
    }
    const control = config.modes[0]!.tasks.find((t) => t.name === 'control')!;
    expect(control.overrun.action).toBe('degrade');
    expect(control.overrun.degraded?.exportName).toBe('controlPOnly');
  });
});

describe('hardtick run examples/motor-pid (the README command) for 4 s', () => {
  it('switches to sensorless after the sensor fails (ctx.requestMode), prints the state and the WCET table', () => {
    const reportFile = join(dir, 'motor-pid.json');
    const r = spawnSync(
      process.execPath,
      [
        'dist/cli/main.js',
        'run',
        'examples/motor-pid/hardtick.json',
        '--channels',
        'examples/motor-pid/consumer.mjs',
        '--duration',
        '4s',
        '--quiet',
        '--report',
        reportFile,
      ],
      {
        cwd: root,
        encoding: 'utf8',
        timeout: 60_000,
        env: { ...process.env, HARDTICK_MOTOR_FAIL_AT: '1.2' },
      },
    );
    const out = r.stdout;
    expect(r.status, r.stderr).toBe(0);
    // The simulation starts over at the first measured frame: the fault time is measured-run time.
    expect(out).toMatch(/^sensor declared failed at simulated t=1\.2(09|10)s$/m);
    // On the loop's clock; simulated time lags it by the frames a busy machine skipped.
    expect(r.stderr).toMatch(/^alarm mode-change: frame \d+ t=\d\.\d{3}s switched to mode #1$/m);
    // A line in the main mode before the fault (its simulated second lags on a busy machine).
    expect(out).toMatch(/^t=(?:0\.\d|1\.[01])s mode main setpoint 100 speed \d+\.\d /m);
    expect(out).toMatch(
      /^task\s+budget\s+runs\s+min\s+p50\s+p99\s+p99\.9\s+max\s+max\/budget\s+overruns\s+misses\s+not run\s+errors$/m,
    );
    for (const task of ['main/control', 'sensorless/limp-home'])
      expect(out).toMatch(new RegExp(`^${task}\\s+150\\.0\\s+\\d+`, 'm'));
    const report = JSON.parse(readFileSync(reportFile, 'utf8')) as RunReport;
    expect(report.schema).toBe('hardtick.run/v1');
    expect(report.mode).toBe('sensorless');
    expect(report.alarms['mode-change']).toBe(1);
    expect(report.alarms['task-error']).toBe(0);
    expect(report.exitCode).toBe(0);
    expect(report.tasks.map((t) => `${t.mode}/${t.name}`)).toEqual([
      'main/plant',
      'main/sense',
      'main/control',
      'main/log',
      'sensorless/plant',
      'sensorless/estimate',
      'sensorless/limp-home',
      'sensorless/log',
    ]);
    const limp = report.tasks.find((t) => t.name === 'limp-home')!;
    expect(limp.runs).toBeGreaterThan(200);
    // Simulated time advances one step per run: even if the machine skipped a third of the
    // frames, the limp-home controller had > 1 s to settle on 60 rad/s (it takes ~0.2 s).
    const last = [...out.matchAll(/^t=[\d.]+s mode sensorless setpoint \d+ speed ([\d.]+) /gm)].at(-1);
    expect(last, out).toBeDefined();
    expect(Math.abs(Number(last![1]) - 60)).toBeLessThan(10);
  });
});
