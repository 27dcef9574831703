import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../src/config/load.js';
import { HardtickError } from '../src/errors.js';
import { watchdogGraceNs } from '../src/run/watchdog.js';

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
  it('is the default watchdog when absent: grace the larger of 1 s and 10 frames, end-run, exit 1', () => {
    expect(resolve()).toEqual({
      origin: 'default',
      graceNs: 1_000_000_000,
      graceFrames: 10,
      failSafe: null,
      exitCode: null,
      failSafeParams: null,
      onStuck: 'end-run',
    });
    expect(watchdogGraceNs(resolve()!, [{ frameNs: 5_000_000 }])).toBe(1_000_000_000);
    expect(watchdogGraceNs(resolve()!, [{ frameNs: 5_000_000 }, { frameNs: 250_000_000 }])).toBe(
      2_500_000_000,
    );
  });

  it('is off (null) with watchdog: false; true or null is an error naming both forms', () => {
    expect(resolve(false)).toBeNull();
    expect(problems(true)).toEqual(['watchdog: expected an object or false, got true']);
    expect(problems(null)).toEqual(['watchdog: expected an object or false, got null']);
  });

  it('defaults of a configured one: grace 50ms (as given, not in frames), no fail-safe, no params, no exit code, end-run', () => {
    expect(resolve({})).toEqual({
      origin: 'config',
      graceNs: 50_000_000,
      graceFrames: 0,
      failSafe: null,
      exitCode: null,
      failSafeParams: null,
      onStuck: 'end-run',
    });
  });

  it('resolves the fail-safe like a task reference and keeps the exit code', () => {
    expect(resolve({ grace: '20ms', failSafe: './safe.mjs#driveSafe', exitCode: 75 })).toEqual({
      origin: 'config',
      graceNs: 20_000_000,
      graceFrames: 0,
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
    expect(problems({ graze: '1ms' })).toEqual(['watchdog: unknown key "graze" (did you mean "grace"?)']);
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
