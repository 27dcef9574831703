/**
 * The environment fingerprint every run report carries (kernel and PREEMPT_RT, CPU model,
 * governor and frequency, isolated CPUs, Node, clock and waiter backends, scheduling policy
 * and priority): read from this machine without throwing, sysfs cpufreq parsed from a fake
 * tree (present, mixed, missing), /proc stat parsing, and the fields `check` compares.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareEnvironments, fingerprintValue } from '../src/report/check/environment-diff.js';
import {
  collectEnvironment,
  describeSchedStat,
  parseSchedStat,
  readCpuFrequency,
  readScheduling,
} from '../src/report/environment.js';
import { parseRunReport } from '../src/report/read.js';
import { makeReportJson, tempDir } from './helpers/check-report-fixture.js';
import { hardtickRun } from './helpers/cli.js';

function fakeSysfs(governors: (string | null)[], curKhz?: number, maxKhz?: number): string {
  const root = tempDir('hardtick-sysfs-');
  governors.forEach((g, i) => {
    const d = join(root, `cpu${i}`, 'cpufreq');
    mkdirSync(d, { recursive: true });
    if (g !== null) writeFileSync(join(d, 'scaling_governor'), `${g}\n`);
    if (i === 0 && curKhz !== undefined) writeFileSync(join(d, 'scaling_cur_freq'), `${curKhz}\n`);
    if (i === 0 && maxKhz !== undefined) writeFileSync(join(d, 'cpuinfo_max_freq'), `${maxKhz}\n`);
  });
  return root;
}

/** A `/proc/<pid>/stat` line with policy, rt_priority and nice set (fields 41, 40, 19). */
function statLine(policy: number, rtPriority: number, nice: number): string {
  const fields = Array.from({ length: 50 }, () => '0');
  fields[18] = String(nice);
  fields[39] = String(rtPriority);
  fields[40] = String(policy);
  return `1234 (node (rt) loop) ${fields.slice(2).join(' ')}`;
}

describe('environment fingerprint', () => {
  it('collectEnvironment fills every fingerprint field on this machine (null where unreadable, never throwing)', () => {
    const env = collectEnvironment({ clock: 'native', waiter: 'native-abs', timerSlackApplied: false });
    expect(env.kernel).toMatch(/\S/);
    expect(typeof env.kernelVersion).toBe('string');
    expect(env.realtime.preemption).toMatch(/^(PREEMPT_RT|PREEMPT_DYNAMIC|PREEMPT|none)$/);
    expect(env.cpus.count).toBeGreaterThan(0);
    expect(env.cpus.model).toMatch(/\S/);
    for (const v of [env.cpus.governor, env.realtime.isolatedCpus])
      expect(v === null || typeof v === 'string').toBe(true);
    for (const v of [env.cpus.frequencyMhz, env.cpus.maxFrequencyMhz]) expect(v === null || v > 0).toBe(true);
    expect(env.node).toBe(process.version);
    expect([env.clock, env.waiter]).toEqual(['native', 'native-abs']);
    expect(env.schedulingPolicy).toMatch(/^SCHED_/);
    if (process.platform === 'linux') {
      // This test thread is not real-time here: SCHED_OTHER, priority 0.
      expect(env.scheduling).toEqual({ policy: 'SCHED_OTHER', priority: 0, nice: expect.any(Number) });
      expect(readScheduling()).toEqual(env.scheduling);
    }
  });

  it('cpufreq: one governor for all CPUs, mixed governors per CPU, frequencies in MHz', () => {
    expect(readCpuFrequency(2, fakeSysfs(['performance', 'performance'], 2_100_000, 3_000_000))).toEqual({
      governor: 'performance',
      frequencyMhz: 2100,
      maxFrequencyMhz: 3000,
    });
    expect(readCpuFrequency(3, fakeSysfs(['performance', 'powersave', 'performance']))).toMatchObject({
      governor: 'cpu0=performance,cpu1=powersave,cpu2=performance',
      maxFrequencyMhz: null,
    });
    // One CPU without cpufreq: the list says which ones have it.
    expect(readCpuFrequency(2, fakeSysfs(['schedutil', null])).governor).toBe('cpu0=schedutil');
    // No cpufreq at all (VMs, containers): null, no throw.
    expect(readCpuFrequency(4, join(tempDir(), 'absent'))).toMatchObject({
      governor: null,
      maxFrequencyMhz: null,
    });
  });

  it('/proc stat: policy, priority and nice (command names with spaces and parentheses)', () => {
    expect(parseSchedStat(statLine(1, 80, 0))).toEqual({ policy: 'SCHED_FIFO', priority: 80, nice: 0 });
    expect(describeSchedStat(statLine(1, 80, 0))).toBe('SCHED_FIFO (priority 80)');
    expect(describeSchedStat(statLine(0, 0, -5))).toBe('SCHED_OTHER (nice -5)');
    expect(parseSchedStat(statLine(6, 0, 0))?.policy).toBe('SCHED_DEADLINE');
    expect(parseSchedStat('garbage')).toBeNull();
  });

  it('check compares the fingerprint fields; fields an older report lacks are not compared', () => {
    const a = parseRunReport(makeReportJson([{ name: 't' }])).environment;
    const b = parseRunReport(
      makeReportJson([{ name: 't' }], {
        environment: {
          ...a,
          realtime: { preemption: 'PREEMPT_DYNAMIC', isolatedCpus: '' },
          clock: 'performance.now',
          waiter: 'hybrid',
        },
      }),
    ).environment;
    expect(compareEnvironments(a, b)).toEqual([
      {
        field: 'realtime.preemption',
        label: 'kernel preemption',
        baseline: 'PREEMPT_RT',
        current: 'PREEMPT_DYNAMIC',
      },
      { field: 'realtime.isolatedCpus', label: 'isolated CPUs', baseline: '1', current: 'none' },
      { field: 'clock', label: 'clock backend', baseline: 'native', current: 'performance.now' },
      { field: 'waiter', label: 'waiter backend', baseline: 'native-abs', current: 'hybrid' },
    ]);
    const old = { ...a, cpus: undefined, realtime: undefined } as unknown as typeof a;
    expect(fingerprintValue(old, 'cpus.governor')).toBeUndefined();
    expect(compareEnvironments(old, a)).toEqual([]);
  });

  it('a real run report carries the fingerprint', async () => {
    const r = await hardtickRun('test/fixtures/report/spiky.json', [
      '--duration',
      '100ms',
      '--warmup',
      '0',
      '--quiet',
    ]);
    expect(r.code, r.transcript).toBe(0);
    const env = parseRunReport(r.report, r.reportFile).environment;
    for (const key of [
      'kernel',
      'kernelVersion',
      'node',
      'clock',
      'waiter',
      'schedulingPolicy',
      'scheduling',
      'cpus',
      'realtime',
    ]) {
      expect(env, key).toHaveProperty(key);
    }
    expect(env.cpus).toHaveProperty('governor');
    expect(env.cpus).toHaveProperty('frequencyMhz');
    expect(env.realtime).toHaveProperty('isolatedCpus');
    expect(env.realtime).toHaveProperty('preemption');
    expect(env.scheduling).toMatchObject({
      policy: expect.stringMatching(/^SCHED_/),
      priority: expect.any(Number),
    });
  });
});
