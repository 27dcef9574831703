/**
 * The problem lines of a config `resolveConfig` rejects, for the config tests: asserts the
 * rejection is a HardtickError `config_invalid` and returns its `issues` (one `path:
 * message` line each). The file is labelled `hardtick.json`, relative paths resolve
 * against `/project`.
 */
import { expect } from 'vitest';
import { resolveConfig } from '../../src/config/load.js';
import { HardtickError } from '../../src/errors.js';

/** The issues of a rejected config (fails the test when it is accepted). */
export function configProblems(input: unknown): readonly string[] {
  try {
    resolveConfig(input, { file: 'hardtick.json', baseDir: '/project' });
  } catch (error) {
    expect(error).toBeInstanceOf(HardtickError);
    expect((error as HardtickError).code).toBe('config_invalid');
    return (error as HardtickError).issues;
  }
  throw new Error('expected the config to be rejected');
}
