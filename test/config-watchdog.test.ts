import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../src/config/load.js';
import { HardtickError } from '../src/errors.js';

type Json = Record<string, unknown>;

const base = (watchdog?: unknown): Json => ({
  name: 'wd',
  tasks: [{ name: 'a', period: '1ms', budget: '100us', run: './t.mjs#a' }],
  ...(watchdog === undefined ? {} : { watchdog }),
});

const resolve = (watchdog?: unknown) => resolveConfig(base(watchdog), { baseDir: '/project' }).watchdog;

function problems(watchdog: unknown): readonly string[] {
  try {
    resolveConfig(base(watchdog), { file: 'hardtick.json', baseDir: '/project' });
  } catch (error) {
    expect(error).toBeInstanceOf(HardtickError);
    expect((error as HardtickError).code).toBe('config_invalid');
    return (error as HardtickError).issues;
  }
  throw new Error('expected the config to be rejected');
}

describe('config watchdog', () => {
  it('is off (null) when absent', () => {
    expect(resolve()).toBeNull();
  });

  it('defaults: grace 50ms, no fail-safe, no params, no exit code, end-run', () => {
    expect(resolve({})).toEqual({
      graceNs: 50_000_000,
      failSafe: null,
      exitCode: null,
      failSafeParams: null,
      onStuck: 'end-run',
    });
  });

  it('resolves the fail-safe like a task reference and keeps the exit code', () => {
    expect(resolve({ grace: '20ms', failSafe: './safe.mjs#driveSafe', exitCode: 75 })).toEqual({
      graceNs: 20_000_000,
      failSafe: { spec: './safe.mjs#driveSafe', file: '/project/safe.mjs', exportName: 'driveSafe' },
      exitCode: 75,
      failSafeParams: null,
      onStuck: 'end-run',
    });
    expect(resolve({ exitCode: false })?.exitCode).toBeNull();
  });

  it('rejects a bad exit code, grace and fail-safe reference', () => {
    expect(problems({ exitCode: 0 })).toEqual([
      expect.stringMatching(/^watchdog\.exitCode: expected an integer from 1 to 255/),
    ]);
    expect(problems({ exitCode: true }).join('\n')).toMatch(/watchdog\.exitCode/);
    expect(problems({ grace: 'soon' }).join('\n')).toMatch(/watchdog\.grace/);
    expect(problems({ failSafe: 'safe.mjs' }).join('\n')).toMatch(
      /watchdog\.failSafe: expected "path#export"/,
    );
    expect(problems({ graze: '1ms' }).join('\n')).toMatch(/watchdog/);
  });

  it('keeps failSafeParams (any JSON value) and onStuck', () => {
    const params = { outputs: [{ pin: 4, safe: 0 }], label: 'valve', on: false, ratio: 0.5, none: null };
    expect(resolve({ failSafeParams: params, onStuck: 'keep-running' })).toMatchObject({
      failSafeParams: params,
      onStuck: 'keep-running',
    });
    expect(resolve({ failSafeParams: 'a string' })?.failSafeParams).toBe('a string');
    expect(resolve({ failSafeParams: [1, 2] })?.failSafeParams).toEqual([1, 2]);
  });

  it('rejects failSafeParams that are not JSON, saying where, and a bad onStuck', () => {
    const expected = 'expected a JSON value (null, boolean, finite number, string, array or plain object)';
    expect(problems({ failSafeParams: { pins: [1, () => 0] } })).toEqual([
      `watchdog.failSafeParams.pins[1]: ${expected}, got a function`,
    ]);
    expect(problems({ failSafeParams: Number.NaN })).toEqual([
      `watchdog.failSafeParams: ${expected}, got NaN`,
    ]);
    expect(problems({ failSafeParams: new Date(0) })).toEqual([
      `watchdog.failSafeParams: ${expected}, got a Date`,
    ]);
    expect(problems({ failSafeParams: { a: 1n } })).toEqual([
      `watchdog.failSafeParams.a: ${expected}, got a bigint (1n)`,
    ]);
    expect(problems({ onStuck: 'later' })).toEqual([
      'watchdog.onStuck: expected "end-run" or "keep-running", got "later"',
    ]);
  });
});
