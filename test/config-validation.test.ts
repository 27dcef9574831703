import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../src/config/load.js';
import { HardtickError } from '../src/errors.js';

type Json = Record<string, unknown>;

const task = (overrides: Json = {}): Json => ({
  name: 'sense',
  period: '5ms',
  budget: '1ms',
  run: './tasks.mjs#sense',
  ...overrides,
});

const config = (overrides: Json = {}): Json => ({ name: 'test', tasks: [task()], ...overrides });

/** Resolves `input` expecting a config_invalid error; returns it. */
function invalid(input: unknown): HardtickError {
  try {
    resolveConfig(input, { file: 'hardtick.json', baseDir: '/project' });
  } catch (error) {
    expect(error).toBeInstanceOf(HardtickError);
    const e = error as HardtickError;
    expect(e.code).toBe('config_invalid');
    return e;
  }
  throw new Error('expected the config to be rejected');
}

/** The single problem line of a config with exactly one problem. */
function onlyProblem(input: unknown): string {
  const error = invalid(input);
  expect(error.issues).toHaveLength(1);
  return error.issues[0] ?? '';
}

describe('config errors: the message lists every problem with its path', () => {
  it('starts with "<file>: N problems in config" and has one indented line per problem', () => {
    const error = invalid(config({ tasks: [task({ period: -3, budget: 'NaNms' })] }));
    expect(error.message).toBe(
      [
        'hardtick.json: 2 problems in config',
        '  tasks[0].period: expected a positive duration like "5ms", got -3',
        '  tasks[0].budget: expected a positive duration like "5ms", got "NaNms" (not a number)',
      ].join('\n'),
    );
    expect(error.path).toBe('tasks[0].period');
    expect(error.file).toBe('hardtick.json');
  });

  it('says "1 problem" and labels in-memory configs "config"', () => {
    try {
      resolveConfig(config({ name: '' }), { baseDir: '/project' });
      expect.unreachable();
    } catch (error) {
      expect((error as HardtickError).message).toBe(
        'config: 1 problem in config\n  name: expected a non-empty string',
      );
    }
  });

  it('rejects a config that is not an object', () => {
    expect(onlyProblem([1])).toBe('(top level): expected an object, got an array');
  });

  it('names missing required keys', () => {
    expect(onlyProblem({ name: 'x', tasks: [{ name: 'a', budget: '1ms', run: './t.mjs#a' }] })).toBe(
      'tasks[0].period: required: expected a positive duration like "5ms"',
    );
    expect(onlyProblem({ tasks: [task()] })).toBe('name: required: expected a string');
  });
});

describe('config errors: unknown keys get a did-you-mean', () => {
  it('at the top level', () => {
    expect(onlyProblem(config({ slicng: 'auto' }))).toBe(
      '(top level): unknown key "slicng" (did you mean "slicing"?)',
    );
    expect(onlyProblem(config({ nmae: 'x' }))).toBe('(top level): unknown key "nmae" (did you mean "name"?)');
  });

  it('in a task', () => {
    expect(onlyProblem(config({ tasks: [task({ perod: '5ms' })] }))).toBe(
      'tasks[0]: unknown key "perod" (did you mean "period"?)',
    );
  });

  it('lists the allowed keys when nothing is close', () => {
    expect(onlyProblem(config({ tasks: [task({ priority: 3 })] }))).toBe(
      'tasks[0]: unknown key "priority" (allowed keys: name, period, budget, deadline, phase, run, overrun, isolate, isolateGrace)',
    );
  });

  it('in nested objects (overrun, catchUp)', () => {
    expect(onlyProblem(config({ tasks: [task({ overrun: { action: 'warn', aftr: 2 } })] }))).toBe(
      'tasks[0].overrun: unknown key "aftr" (did you mean "after"?)',
    );
    expect(onlyProblem(config({ catchUp: { policy: 'run', maxFrame: 3 } }))).toBe(
      'catchUp: unknown key "maxFrame" (did you mean "maxFrames"?)',
    );
  });

  it('suggests close enum values', () => {
    expect(onlyProblem(config({ slicing: 'of' }))).toBe(
      'slicing: expected "off" or "auto", got "of" (did you mean "off"?)',
    );
    expect(onlyProblem(config({ catchUp: 'sk' }))).toBe(
      'catchUp: expected "skip" or "run" or an object, got "sk" (did you mean "skip"?)',
    );
  });
});

describe('config errors: task names', () => {
  it('rejects duplicate names within a mode, naming both indices', () => {
    expect(onlyProblem(config({ tasks: [task(), task({ period: '10ms' })] }))).toBe(
      'tasks[1].name: duplicate task name "sense" (also at index 0); task names must be unique within a mode',
    );
  });

  it('reports duplicates even when another task has an error', () => {
    const error = invalid(config({ tasks: [task(), task(), task({ name: 'x', period: 0 })] }));
    expect(error.issues).toEqual([
      'tasks[2].period: expected a positive duration like "5ms", got 0 (must be greater than zero)',
      'tasks[1].name: duplicate task name "sense" (also at index 0); task names must be unique within a mode',
    ]);
  });

  it('rejects names that are not identifier-like', () => {
    expect(onlyProblem(config({ tasks: [task({ name: '1st task' })] }))).toBe(
      'tasks[0].name: expected a task name of letters, digits, "_", "." or "-" starting with a letter or "_", got "1st task"',
    );
  });

  it('rejects an empty task list', () => {
    expect(onlyProblem(config({ tasks: [] }))).toBe('tasks: expected at least one task');
  });
});

describe('config errors: durations', () => {
  it.each([
    [0, 'tasks[0].period: expected a positive duration like "5ms", got 0 (must be greater than zero)'],
    [
      '0ms',
      'tasks[0].period: expected a positive duration like "5ms", got "0ms" (must be greater than zero)',
    ],
    [-3, 'tasks[0].period: expected a positive duration like "5ms", got -3'],
    ['-3', 'tasks[0].period: expected a positive duration like "5ms", got "-3"'],
    ['NaNms', 'tasks[0].period: expected a positive duration like "5ms", got "NaNms" (not a number)'],
    [Number.NaN, 'tasks[0].period: expected a positive duration like "5ms", got NaN (not a number)'],
    [
      Number.POSITIVE_INFINITY,
      'tasks[0].period: expected a positive duration like "5ms", got Infinity (durations must be finite)',
    ],
    [
      'Infinityms',
      'tasks[0].period: expected a positive duration like "5ms", got "Infinityms" (durations must be finite)',
    ],
    ['90000s', 'tasks[0].period: duration "90000s" exceeds the limit of 24 hours ("86400s")'],
    [1e12, 'tasks[0].period: duration 1000000000000 (ms) exceeds the limit of 24 hours ("86400s")'],
    [
      '1.5ns',
      'tasks[0].period: duration "1.5ns" has sub-nanosecond precision, which is not representable (durations are whole nanoseconds)',
    ],
    [
      0.0000005,
      'tasks[0].period: duration 5e-7 (ms) has sub-nanosecond precision, which is not representable (durations are whole nanoseconds)',
    ],
    [
      '5 parsecs',
      'tasks[0].period: expected a positive duration like "5ms", got "5 parsecs" (unknown unit "parsecs"; use ns, us, ms or s)',
    ],
    ['ms', 'tasks[0].period: expected a positive duration like "5ms", got "ms" (missing the number)'],
    [
      '5',
      'tasks[0].period: expected a positive duration like "5ms", got "5" (missing the unit: write "5ms", or the number 5 for milliseconds)',
    ],
    [
      true,
      'tasks[0].period: expected a positive duration like "5ms" (a number of milliseconds, or a string with unit ns, us, ms or s), got true',
    ],
  ] as const)('period %j', (period, line) => {
    // budget 1ns keeps the budget/deadline check out of the way
    expect(onlyProblem(config({ tasks: [task({ period, budget: '1ns' })] }))).toBe(line);
  });

  it('checks durations outside tasks too (frame, alarms, limits)', () => {
    expect(onlyProblem(config({ frame: 'fast' }))).toBe(
      'frame: expected "auto" or a positive duration like "5ms", got "fast" (write a number followed by ns, us, ms or s)',
    );
    expect(onlyProblem(config({ frame: 'atuo' }))).toBe(
      'frame: expected "auto" or a positive duration like "5ms", got "atuo" (write a number followed by ns, us, ms or s) (did you mean "auto"?)',
    );
    expect(onlyProblem(config({ alarms: { releaseLate: '-1us' } }))).toBe(
      'alarms.releaseLate: expected a positive duration like "5ms", got "-1us"',
    );
    expect(onlyProblem(config({ alarms: { pauseThreshold: 'soon' } }))).toBe(
      'alarms.pauseThreshold: expected a positive duration like "5ms", got "soon" (write a number followed by ns, us, ms or s)',
    );
    expect(onlyProblem(config({ limits: { maxHyperperiod: '2d' } }))).toBe(
      'limits.maxHyperperiod: expected a positive duration like "5ms", got "2d" (unknown unit "d"; use ns, us, ms or s)',
    );
  });
});

describe('config errors: budgets, deadlines, phases, frames', () => {
  it('rejects a budget above the explicit deadline', () => {
    expect(onlyProblem(config({ tasks: [task({ period: '5ms', deadline: '2ms', budget: '3ms' })] }))).toBe(
      'tasks[0].budget: budget 3ms exceeds the deadline 2ms; no job could finish in time: lower the budget or raise the deadline',
    );
  });

  it('rejects a budget above the period when the deadline defaults to it', () => {
    expect(onlyProblem(config({ tasks: [task(), task({ name: 'b', period: '2ms', budget: '3ms' })] }))).toBe(
      'tasks[1].budget: budget 3ms exceeds the deadline 2ms (the deadline defaults to the period); no job could finish in time: lower the budget or raise the deadline',
    );
  });

  it('rejects a budget above a fixed frame when slicing is off, suggesting the fixes', () => {
    expect(onlyProblem(config({ frame: '2ms', tasks: [task({ period: '10ms', budget: '3ms' })] }))).toBe(
      'tasks[0].budget: budget 3ms exceeds the frame 2ms; with slicing "off" every job must fit in one frame: set "slicing": "auto" or a frame of at least 3ms',
    );
  });

  it('accepts a budget above a fixed frame when slicing is auto', () => {
    const resolved = resolveConfig(
      config({ frame: '2ms', slicing: 'auto', tasks: [task({ period: '10ms', budget: '3ms' })] }),
      {
        baseDir: '/project',
      },
    );
    expect(resolved.tasks[0]?.budgetNs).toBe(3_000_000);
  });

  it('rejects a phase not less than the period', () => {
    expect(onlyProblem(config({ tasks: [task({ phase: '5ms' })] }))).toBe(
      'tasks[0].phase: phase 5ms must be less than the period 5ms',
    );
    expect(onlyProblem(config({ tasks: [task({ phase: -1 })] }))).toBe(
      'tasks[0].phase: expected a non-negative duration like "0ms" or "2ms", got -1',
    );
  });
});

describe('config errors: run references', () => {
  it.each([
    [
      'tasks.mjs',
      'tasks[0].run: expected "path#export" like "./tasks.mjs#sense", got "tasks.mjs" (missing "#" and the export name)',
    ],
    [
      '#x',
      'tasks[0].run: expected "path#export" like "./tasks.mjs#sense", got "#x" (missing the module path before "#")',
    ],
    [
      'a.mjs#1bad',
      'tasks[0].run: expected "path#export" like "./tasks.mjs#sense", got "a.mjs#1bad" ("1bad" is not a valid JavaScript identifier)',
    ],
    [
      'a.mjs#',
      'tasks[0].run: expected "path#export" like "./tasks.mjs#sense", got "a.mjs#" (missing the export name after "#")',
    ],
    [42, 'tasks[0].run: expected a "path#export" reference like "./tasks.mjs#sense", got 42'],
  ] as const)('%j', (run, line) => {
    expect(onlyProblem(config({ tasks: [task({ run })] }))).toBe(line);
  });
});

describe('config errors: overrun policies', () => {
  it('requires degraded when the action is degrade', () => {
    expect(onlyProblem(config({ tasks: [task({ overrun: { action: 'degrade' } })] }))).toBe(
      'tasks[0].overrun.degraded: required when action is "degrade": a "path#export" reference like "./tasks.mjs#controlDegraded"',
    );
  });

  it('requires safeState when the action is safe-state', () => {
    expect(onlyProblem(config({ tasks: [task({ overrun: { action: 'safe-state' } })] }))).toBe(
      'tasks[0].overrun.safeState: required when action is "safe-state": a "path#export" reference like "./tasks.mjs#safeState"',
    );
  });

  it('rejects degraded with another action', () => {
    expect(
      onlyProblem(config({ tasks: [task({ overrun: { action: 'warn', degraded: './t.mjs#d' } })] })),
    ).toBe(
      'tasks[0].overrun.degraded: only used when action is "degrade" (action is "warn"); remove it or change the action',
    );
  });

  it('rejects after together with bucket, and non-positive counts', () => {
    expect(
      onlyProblem(config({ tasks: [task({ overrun: { action: 'stop', after: 2, bucket: { max: 3 } } })] })),
    ).toBe(
      'tasks[0].overrun.after: set either "after" (consecutive overruns) or "bucket" (leaky bucket), not both',
    );
    expect(onlyProblem(config({ tasks: [task({ overrun: { action: 'stop', after: 0 } })] }))).toBe(
      'tasks[0].overrun.after: expected an integer of at least 1, got 0',
    );
    expect(onlyProblem(config({ tasks: [task({ overrun: { action: 'explode' } })] }))).toBe(
      'tasks[0].overrun.action: expected "warn" or "skip-next" or "degrade" or "safe-state" or "stop", got "explode"',
    );
  });
});

describe('config errors: modes', () => {
  it('reserves "main" for the top-level tasks', () => {
    expect(onlyProblem(config({ modes: { main: { tasks: [task()] } } }))).toBe(
      'modes.main: "main" is reserved for the top-level tasks; give this mode another name',
    );
  });

  it('rejects an initialMode that names no mode, with a did-you-mean', () => {
    expect(onlyProblem(config({ modes: { safe: { tasks: [task()] } }, initialMode: 'saf' }))).toBe(
      'initialMode: unknown mode "saf" (did you mean "safe"?); modes: main, safe',
    );
  });

  it('rejects invalid mode names', () => {
    expect(onlyProblem(config({ modes: { 'low power': { tasks: [task()] } } }))).toBe(
      'modes["low power"]: invalid mode name "low power": use up to 128 letters, digits, "_", "." or "-", starting with a letter or "_"',
    );
  });

  it('checks the tasks of each mode against its own frame', () => {
    expect(
      onlyProblem(config({ modes: { fast: { frame: '1ms', tasks: [task({ period: '4ms' }), task()] } } })),
    ).toBe(
      'modes.fast.tasks[1].name: duplicate task name "sense" (also at index 0); task names must be unique within a mode',
    );
    expect(
      onlyProblem(
        config({ modes: { fast: { frame: '1ms', tasks: [task({ period: '4ms', budget: '2ms' })] } } }),
      ),
    ).toBe(
      'modes.fast.tasks[0].budget: budget 2ms exceeds the frame 1ms; with slicing "off" every job must fit in one frame: set "slicing": "auto" or a frame of at least 2ms',
    );
  });
});
