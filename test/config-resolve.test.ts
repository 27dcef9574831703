import { describe, expect, it } from 'vitest';
import { DEFAULT_WATCHDOG, defineConfig, resolveConfig } from '../src/config/load.js';
import type { ResolvedConfig } from '../src/config/types.js';

const textbook = {
  name: 'textbook',
  tasks: [
    { name: 'sense', period: '4ms', budget: '1ms', run: './tasks.mjs#sense' },
    { name: 'control', period: '5ms', budget: '1.8ms', deadline: '5ms', run: './tasks.mjs#control' },
    { name: 'log', period: 20, budget: 1, phase: '250us', run: 'lib/log.mjs#log' },
  ],
};

describe('resolveConfig fills every default and converts times to integer ns', () => {
  const config = resolveConfig(textbook, { baseDir: '/project/cfg' });

  it('converts durations exactly (1.8ms → 1800000 ns; numbers are ms)', () => {
    expect(config.tasks.map((t) => [t.name, t.periodNs, t.budgetNs, t.deadlineNs, t.phaseNs])).toEqual([
      ['sense', 4_000_000, 1_000_000, 4_000_000, 0],
      ['control', 5_000_000, 1_800_000, 5_000_000, 0],
      ['log', 20_000_000, 1_000_000, 20_000_000, 250_000],
    ]);
  });

  it('numbers tasks by position and resolves run paths against baseDir', () => {
    expect(config.tasks.map((t) => t.index)).toEqual([0, 1, 2]);
    expect(config.tasks[0]?.run).toEqual({
      spec: './tasks.mjs#sense',
      file: '/project/cfg/tasks.mjs',
      exportName: 'sense',
    });
    expect(config.tasks[2]?.run.file).toBe('/project/cfg/lib/log.mjs');
  });

  it('fills the top-level defaults', () => {
    const { tasks: _tasks, modes: _modes, ...rest } = config;
    expect(rest).toEqual({
      name: 'textbook',
      file: null,
      baseDir: '/project/cfg',
      frame: 'auto',
      slicing: 'off',
      initialMode: 'main',
      catchUp: { policy: 'skip', maxFrames: 4 },
      alarms: {
        fatal: ['deadline-miss', 'frame-overrun', 'task-error'],
        releaseLateNs: 500_000,
        pauseThresholdNs: 5_000_000,
        ratePerSecond: 10,
      },
      limits: { maxHyperperiodNs: 3_600_000_000_000, maxJobs: 1_000_000, timeoutMs: 5000 },
      realtime: {
        priority: null,
        cpus: null,
        lockMemory: false,
        cpuDmaLatencyUs: null,
        timerSlackNs: 1,
        nice: null,
      },
      // Its figures: test/config-watchdog.test.ts.
      watchdog: DEFAULT_WATCHDOG,
      gc: {
        planned: { enabled: false, everyFrames: null, minSlackNs: null, youngFill: 0.5 },
        warn: { enabled: false, youngFill: 0.85, oldGrowthBytes: 8 * 1024 * 1024 },
      },
      lease: null,
      waiter: {
        marginNs: 'auto',
        quantile: 0.99,
        minMarginNs: 10_000,
        maxMarginNs: 1_000_000,
        maxSpinShare: 0.005,
      },
    } satisfies Omit<ResolvedConfig, 'tasks' | 'modes'>);
  });

  it('fills the default overrun policy', () => {
    expect(config.tasks[0]?.overrun).toEqual({
      action: 'warn',
      after: 1,
      bucket: null,
      recoverAfter: 10,
      degraded: null,
      safeState: null,
    });
  });

  it('makes the top-level tasks the mode "main"', () => {
    expect(config.modes).toHaveLength(1);
    expect(config.modes[0]).toEqual({ name: 'main', frame: 'auto', slicing: 'off', tasks: config.tasks });
    expect(config.modes[0]?.tasks).toBe(config.tasks);
  });

  it('is deeply frozen', () => {
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.tasks)).toBe(true);
    expect(Object.isFrozen(config.tasks[0])).toBe(true);
    expect(Object.isFrozen(config.tasks[0]?.run)).toBe(true);
    expect(Object.isFrozen(config.tasks[0]?.overrun)).toBe(true);
    expect(Object.isFrozen(config.alarms.fatal)).toBe(true);
    expect(Object.isFrozen(config.limits)).toBe(true);
    expect(() => {
      (config.tasks as unknown[]).push({});
    }).toThrow(TypeError);
  });

  it('records the config file as an absolute path', () => {
    const fromFile = resolveConfig(textbook, { file: '/project/cfg/hardtick.json', baseDir: '/project/cfg' });
    expect(fromFile.file).toBe('/project/cfg/hardtick.json');
  });
});

describe('resolveConfig keeps explicit settings', () => {
  it('resolves modes, inheriting frame and slicing from the top level unless set', () => {
    const config = resolveConfig(
      {
        name: 'modes',
        frame: '2ms',
        slicing: 'auto',
        tasks: [{ name: 'a', period: '4ms', budget: '1ms', run: './t.mjs#a' }],
        modes: {
          degraded: { tasks: [{ name: 'a', period: '8ms', budget: '1ms', run: './t.mjs#a' }] },
          fast: {
            frame: '1ms',
            slicing: 'off',
            tasks: [
              { name: 'b', period: '2ms', budget: '0.5ms', run: './t.mjs#b' },
              { name: 'a', period: '2ms', budget: '0.25ms', run: './t.mjs#a' },
            ],
          },
        },
        initialMode: 'fast',
      },
      { baseDir: '/p' },
    );
    expect(
      config.modes.map((m) => [m.name, m.frame, m.slicing, m.tasks.map((t) => [t.index, t.name])]),
    ).toEqual([
      ['main', 2_000_000, 'auto', [[0, 'a']]],
      ['degraded', 2_000_000, 'auto', [[0, 'a']]],
      [
        'fast',
        1_000_000,
        'off',
        [
          [0, 'b'],
          [1, 'a'],
        ],
      ],
    ]);
    expect(config.initialMode).toBe('fast');
    expect(config.frame).toBe(2_000_000);
    expect(config.slicing).toBe('auto');
  });

  it('resolves overrun policies, catch-up, alarms and limits', () => {
    const config = resolveConfig(
      {
        name: 'full',
        tasks: [
          {
            name: 'control',
            period: '1ms',
            budget: '200us',
            run: './tasks.mjs#control',
            overrun: {
              action: 'degrade',
              after: 3,
              recoverAfter: 50,
              degraded: './tasks.mjs#controlDegraded',
            },
          },
          {
            name: 'sense',
            period: '1ms',
            budget: '100us',
            run: './tasks.mjs#sense',
            overrun: {
              action: 'safe-state',
              bucket: { max: 5 },
              safeState: 'file:///abs/safe.mjs#safeState',
            },
          },
          {
            name: 'log',
            period: '100ms',
            budget: '500us',
            run: '/abs/log.mjs#log',
            overrun: { action: 'skip-next', bucket: { max: 2, leak: 0.5 } },
          },
        ],
        catchUp: { policy: 'run' },
        alarms: {
          fatal: ['overrun', 'overrun', 'stopped'],
          releaseLate: '1ms',
          pauseThreshold: '20ms',
          ratePerSecond: 0,
        },
        limits: { maxHyperperiod: '86400s', maxJobs: 10, timeoutMs: 100 },
      },
      // Absolute paths and file: URLs are outside the project: allowed here, to see them resolved as is.
      { baseDir: '/work/demo', allowOutsideProject: true },
    );
    const [control, sense, log] = config.tasks;
    expect(control?.overrun).toEqual({
      action: 'degrade',
      after: 3,
      bucket: null,
      recoverAfter: 50,
      degraded: {
        spec: './tasks.mjs#controlDegraded',
        file: '/work/demo/tasks.mjs',
        exportName: 'controlDegraded',
      },
      safeState: null,
    });
    expect(sense?.overrun.bucket).toEqual({ max: 5, leak: 1 });
    expect(sense?.overrun.safeState?.file).toBe('/abs/safe.mjs');
    expect(log?.overrun.bucket).toEqual({ max: 2, leak: 0.5 });
    expect(log?.run.file).toBe('/abs/log.mjs');
    expect(config.catchUp).toEqual({ policy: 'run', maxFrames: 4 });
    expect(config.alarms).toEqual({
      fatal: ['overrun', 'stopped'],
      releaseLateNs: 1_000_000,
      pauseThresholdNs: 20_000_000,
      ratePerSecond: 0,
    });
    expect(config.limits).toEqual({ maxHyperperiodNs: 86_400_000_000_000, maxJobs: 10, timeoutMs: 100 });
  });

  it('accepts "run" as a catch-up shorthand and a fixed frame', () => {
    const config = resolveConfig(
      {
        name: 'x',
        frame: 2,
        catchUp: 'run',
        tasks: [{ name: 'a', period: '4ms', budget: '2ms', run: './t.mjs#a' }],
      },
      { baseDir: '/p' },
    );
    expect(config.catchUp).toEqual({ policy: 'run', maxFrames: 4 });
    expect(config.frame).toBe(2_000_000);
  });

  it('defineConfig returns its argument unchanged', () => {
    const input = defineConfig({ name: 'x', tasks: [{ name: 'a', period: 1, budget: 1, run: './t.mjs#a' }] });
    expect(resolveConfig(input, { baseDir: '/p' }).tasks[0]?.budgetNs).toBe(1_000_000);
  });
});
