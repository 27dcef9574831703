import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/load.js';
import { HardtickError } from '../src/errors.js';
import { loadTaskFunctions } from '../src/isolate/load-mode.js';
import { loadTaskRef } from '../src/tasks/load.js';

const fixture = (name: string): string =>
  fileURLToPath(new URL(`../examples/bad-tasks/${name}`, import.meta.url));

async function rejection(promise: Promise<unknown>): Promise<HardtickError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(HardtickError);
  return error as HardtickError;
}

async function loadError(configName: string): Promise<HardtickError> {
  const config = await loadConfig(fixture(configName));
  return rejection(loadTaskFunctions(config.modes[0]!));
}

describe('loadTaskFunctions: bad task modules', () => {
  it('missing export: task_not_function, lists the exports and suggests the closest', async () => {
    const error = await loadError('missing-export.json');
    expect(error.code).toBe('task_not_function');
    expect(error.task).toBe('control');
    expect(error.file).toBe(fixture('tasks.mjs'));
    expect(error.message).toContain("task 'control'");
    expect(error.message).toContain("'./tasks.mjs#contrl'");
    expect(error.message).toContain("has no export 'contrl'");
    expect(error.message).toContain("(did you mean 'control'?)");
    expect(error.message).toContain('its exports are: control, gain, sense, settings.');
  });

  it('export that is not a function: task_not_function, says its type', async () => {
    const error = await loadError('not-a-function.json');
    expect(error.code).toBe('task_not_function');
    expect(error.task).toBe('control');
    expect(error.message).toBe(
      `task 'control': './tasks.mjs#gain' (${fixture('tasks.mjs')}) is a number, not a function; ` +
        'a task export must be a function (ctx) => void.',
    );
  });

  it('degraded export that is not a function names the overrun field', async () => {
    const error = await loadError('bad-degraded.json');
    expect(error.code).toBe('task_not_function');
    expect(error.message).toContain("task 'control' (overrun.degraded): './tasks.mjs#settings'");
    expect(error.message).toContain('is an object, not a function');
  });

  it('module not found: task_load_failed, names the task, the ref and the resolved file', async () => {
    const error = await loadError('module-not-found.json');
    expect(error.code).toBe('task_load_failed');
    expect(error.task).toBe('control');
    expect(error.message).toBe(
      `task 'control': cannot load './no-such-tasks.mjs#control': module not found: ` +
        `${fixture('no-such-tasks.mjs')} (the path is resolved against the config file's folder).`,
    );
  });

  it('module that throws at import: task_load_failed with the thrown message', async () => {
    const error = await loadError('throws-at-import.json');
    expect(error.code).toBe('task_load_failed');
    expect(error.task).toBe('control');
    expect(error.message).toContain(
      `cannot load './throws-at-import.mjs#sense' from ${fixture('throws-at-import.mjs')}`,
    );
    expect(error.message).toContain(
      'it threw while being imported: Error: sensor bus /dev/i2c-1 is not available',
    );
    expect(error.cause).toBeInstanceOf(Error);
  });

  it('a directory is not a module', async () => {
    const ref = { spec: './#x', file: fixture(''), exportName: 'x' };
    const error = await rejection(loadTaskRef({ name: 'x' }, ref));
    expect(error.code).toBe('task_load_failed');
    expect(error.message).toContain('is a directory, not a module file');
  });

  it('a typo far from every export gets no suggestion', async () => {
    const ref = { spec: './tasks.mjs#zzzzzzzz', file: fixture('tasks.mjs'), exportName: 'zzzzzzzz' };
    const error = await rejection(loadTaskRef({ name: 'x' }, ref));
    expect(error.code).toBe('task_not_function');
    expect(error.message).not.toContain('did you mean');
  });
});

describe('loadTaskFunctions: good modules', () => {
  it('returns fns, degraded and safeState aligned with the tasks, importing each file once', async () => {
    const config = await loadConfig(
      fileURLToPath(new URL('../examples/demo/hardtick.json', import.meta.url)),
    );
    const demo = await import('../examples/demo/tasks.mjs');
    const cache = new Map();
    const loaded = await loadTaskFunctions(config.modes[0]!, cache);
    expect(loaded.fns).toEqual([demo.sense, demo.control, demo.log]);
    expect(loaded.degraded).toEqual([null, demo.controlDegraded, null]);
    expect(loaded.safeState).toEqual([null, null, null]);
    expect(cache.size).toBe(1);
  });
});
