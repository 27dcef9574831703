import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../src/config/load.js';
import { HardtickError } from '../src/errors.js';

const base = (gc?: unknown): Record<string, unknown> => ({
  name: 'gc',
  tasks: [{ name: 'a', period: '1ms', budget: '100us', run: './t.mjs#a' }],
  ...(gc === undefined ? {} : { gc }),
});

const resolve = (gc?: unknown) => resolveConfig(base(gc), { baseDir: '/project' }).gc;

function problems(gc: unknown): readonly string[] {
  try {
    resolveConfig(base(gc), { file: 'hardtick.json', baseDir: '/project' });
  } catch (error) {
    expect(error).toBeInstanceOf(HardtickError);
    expect((error as HardtickError).code).toBe('config_invalid');
    return (error as HardtickError).issues;
  }
  throw new Error('expected the config to be rejected');
}

const OFF = {
  planned: { enabled: false, everyFrames: null, minSlackNs: null, youngFill: 0.5 },
  warn: { enabled: false, youngFill: 0.85, oldGrowthBytes: 8 * 1024 * 1024 },
};

describe('config gc', () => {
  it('is off when absent, and each part is off unless given', () => {
    expect(resolve()).toEqual(OFF);
    expect(resolve({})).toEqual(OFF);
    expect(resolve({ planned: false, warn: false })).toEqual(OFF);
  });

  it('true turns a part on with its defaults', () => {
    expect(resolve({ planned: true, warn: true })).toEqual({
      planned: { ...OFF.planned, enabled: true },
      warn: { ...OFF.warn, enabled: true },
    });
  });

  it('objects: every N frames, a fixed minSlack in ns, fills, old growth in MB', () => {
    expect(
      resolve({
        planned: { every: 10, minSlack: '300us', youngFill: 0.25 },
        warn: { youngFill: 0.9, oldGrowthMb: 2 },
      }),
    ).toEqual({
      planned: { enabled: true, everyFrames: 10, minSlackNs: 300_000, youngFill: 0.25 },
      warn: { enabled: true, youngFill: 0.9, oldGrowthBytes: 2 * 1024 * 1024 },
    });
    expect(resolve({ planned: { every: 'auto', minSlack: 'auto' } }).planned).toEqual({
      ...OFF.planned,
      enabled: true,
    });
  });

  it('bad values name the field and what was expected', () => {
    expect(problems({ planned: { every: 0 } })).toEqual([
      'gc.planned.every: expected "auto" or a number of frames (an integer of at least 1), got 0',
    ]);
    expect(problems({ planned: { minSlack: 'soon' } })).toEqual([
      'gc.planned.minSlack: expected a positive duration like "5ms", got "soon" (write a number followed by ns, us, ms or s)',
    ]);
    expect(problems({ planned: { youngFill: 1.5 } })).toEqual([
      'gc.planned.youngFill: expected a number greater than 0 and at most 1 (a fraction of the young generation, e.g. 0.5), got 1.5',
    ]);
    expect(problems({ warn: { oldGrowthMb: -1 } })).toEqual([
      'gc.warn.oldGrowthMb: expected a positive number of MB, got -1',
    ]);
    expect(problems({ planned: 'yes' })).toEqual([
      'gc.planned: expected true, false or an object { every, minSlack, youngFill }, got "yes"',
    ]);
  });

  it('unknown keys get a did-you-mean', () => {
    const [issue] = problems({ planned: { evry: 5 } });
    expect(issue).toMatch(/^gc\.planned: unknown key "evry" \(did you mean "every"\?\)/);
    const [top] = problems({ plan: true });
    expect(top).toMatch(/^gc: unknown key "plan" \(did you mean "planned"\?\)/);
  });
});
