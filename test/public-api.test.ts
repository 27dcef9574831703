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
    ] as const;
    // biome-ignore lint/performance/noDynamicNamespaceImportAccess: the test walks the export list on purpose
    for (const name of names) expect(typeof api[name], name).toBe('function');
    expect(api.RUN_REPORT_SCHEMA).toBe('hardtick.run/v1');
    expect(api.ALARM_KINDS).toContain('deadline-miss');
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
