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

  it('defaults: grace 50ms, no fail-safe, no exit code', () => {
    expect(resolve({})).toEqual({ graceNs: 50_000_000, failSafe: null, exitCode: null });
  });

  it('resolves the fail-safe like a task reference and keeps the exit code', () => {
    expect(resolve({ grace: '20ms', failSafe: './safe.mjs#driveSafe', exitCode: 75 })).toEqual({
      graceNs: 20_000_000,
      failSafe: { spec: './safe.mjs#driveSafe', file: '/project/safe.mjs', exportName: 'driveSafe' },
      exitCode: 75,
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
});
