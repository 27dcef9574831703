import { describe, expect, it } from 'vitest';
import * as api from '../src/index.js';

describe('public API (src/index.ts)', () => {
  it('exports the documented entry points as functions or classes', () => {
    const names = [
      'loadConfig',
      'resolveConfig',
      'defineConfig',
      'parseDurationNs',
      'formatNs',
      'planSchedule',
      'validatePlan',
      'buildScheduleTable',
      'Executive',
      'ManualClock',
      'ManualWaiter',
      'SystemClock',
      'HybridWaiter',
      'LogHistogram',
      'measureJitter',
      'releaseTimeNs',
      'tryLowerTimerSlack',
      'loadTaskFunctions',
      'buildRunReport',
      'collectEnvironment',
      'GcMonitor',
      'HardtickError',
      'estimatePwcet',
      'evidenceFromSeries',
      'LeaseGuard',
      'LeaseKeeper',
      'InProcessElection',
      'EtcdElection',
      'FencedSink',
      'Pool',
      'Ring',
      'runDoctor',
      'run',
      'startRun',
      'formatRunSummary',
      'selectClockAndWaiter',
      'NativeClock',
      'NativeWaiter',
      'applyRealtime',
      'applyRealtimeInThread',
      'Heartbeat',
      'startWatchdog',
      'snapshotFromEvidence',
    ] as const;
    // biome-ignore lint/performance/noDynamicNamespaceImportAccess: the test walks the export list on purpose
    for (const name of names) expect(typeof api[name], name).toBe('function');
    expect(api.RUN_REPORT_SCHEMA).toBe('hardtick.run/v1');
    expect(api.DOCTOR_SCHEMA).toBe('hardtick.doctor/v1');
    expect(api.ALARM_KINDS).toContain('deadline-miss');
    // Alarm kind ids name the same kinds as the list.
    expect(api.ALARM_KINDS[api.KIND_DEADLINE_MISS]).toBe('deadline-miss');
    expect(api.ALARM_KINDS[api.KIND_PAUSE]).toBe('pause');
    expect(api.PWCET_PROBABILITIES).toEqual(['1e-3', '1e-4', '1e-5', '1e-6', '1e-7', '1e-8', '1e-9']);
  });

  it('estimates a pWCET from samples through the public API', () => {
    // Deterministic samples: 100 µs + a sawtooth of 0..999 ns (a bounded, uniform-like tail).
    const x = new Float64Array(20_000);
    for (let i = 0; i < x.length; i++) x[i] = 100_000 + ((i * 7919) % 1000);
    const r = api.estimatePwcet(api.evidenceFromSeries(x), { budgetNs: 101_000 });
    expect(r.samples).toBe(20_000);
    expect(r.pwcetNs['1e-9']).toBeGreaterThanOrEqual(100_999 - 1);
    expect(r.pwcetNs['1e-9']).toBeLessThan(101_000 * 1.01);
  });

  it('plans and runs a config end to end on ManualClock through the public API only', () => {
    const config = api.resolveConfig(
      {
        name: 'api',
        tasks: [
          { name: 'a', period: '2ms', budget: '500us', run: './x.mjs#a' },
          { name: 'b', period: '4ms', budget: '1ms', run: './x.mjs#b' },
        ],
      },
      { baseDir: '/tmp' },
    );
    const plan = api.planSchedule(config.modes[0]!, config.limits);
    expect(plan.feasible).toBe(true);
    expect(api.validatePlan(plan, config.tasks)).toEqual([]);
    const clock = new api.ManualClock(1_000_000_000);
    const spend = (ns: number) => () => clock.advance(ns);
    const executive = new api.Executive({
      clock,
      waiter: new api.ManualWaiter(clock),
      modes: [
        {
          name: 'main',
          table: api.buildScheduleTable(plan),
          tasks: config.tasks,
          fns: [spend(100_000), spend(600_000)],
          degraded: [null, null],
          safeState: [null, null],
        },
      ],
    });
    executive.start(2_000_000_000);
    expect(executive.runFrames(4)).toBe(4);
    const snapshot = executive.snapshot();
    const b = snapshot.tasks.find((t) => t.name === 'b')!;
    expect(plan.frameNs).toBe(2_000_000);
    // 4 frames of 2ms = two hyperperiods of 4ms: b runs twice, a four times
    expect(b.runs).toBe(2);
    expect(b.execNs.max).toBe(600_000);
    expect(b.overruns).toBe(0);
    const a = snapshot.tasks.find((t) => t.name === 'a')!;
    expect(a.runs).toBe(4);
    expect(a.execNs.max).toBe(100_000);
  });
});
