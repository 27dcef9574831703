import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../src/config/load.js';
import { configProblems } from './helpers/config-problems.js';

type Json = Record<string, unknown>;

const base = (waiter?: unknown): Json => ({
  name: 'w',
  tasks: [{ name: 'a', period: '1ms', budget: '100us', run: './t.mjs#a' }],
  ...(waiter === undefined ? {} : { waiter }),
});

const resolve = (waiter?: unknown) => resolveConfig(base(waiter), { baseDir: '/project' }).waiter;

const problems = (waiter: unknown) => configProblems(base(waiter));

describe('config waiter', () => {
  it('learns the margin by default: p99, 10 µs to 1 ms, a mean spin of at most 0.5 % of a wait', () => {
    const defaults = {
      marginNs: 'auto',
      quantile: 0.99,
      minMarginNs: 10_000,
      maxMarginNs: 1_000_000,
      maxSpinShare: 0.005,
    };
    expect(resolve()).toEqual(defaults);
    expect(resolve({})).toEqual(defaults);
  });

  it('takes a fixed margin (0 included) and the bounds of a learned one', () => {
    expect(resolve({ margin: '150us' })).toMatchObject({ marginNs: 150_000 });
    expect(resolve({ margin: 0 })).toMatchObject({ marginNs: 0 });
    expect(resolve({ quantile: 0.999, minMargin: '5us', maxMargin: '2ms', maxSpinShare: 1 })).toEqual({
      marginNs: 'auto',
      quantile: 0.999,
      minMarginNs: 5_000,
      maxMarginNs: 2_000_000,
      maxSpinShare: 1,
    });
  });

  it('rejects bad values with the path and what was expected', () => {
    expect(problems({ margin: 'soon' })).toEqual([
      'waiter.margin: expected "auto" or a duration like "100us" (0 for no spin), got "soon"',
    ]);
    expect(problems({ margin: 'atuo' })).toEqual([
      'waiter.margin: expected "auto" or a duration like "100us" (0 for no spin), got "atuo" (did you mean "auto"?)',
    ]);
    expect(problems({ margin: -1 })).toEqual([
      'waiter.margin: expected "auto" or a duration like "100us" (0 for no spin), got -1',
    ]);
    expect(problems({ quantile: 1 })).toEqual([
      'waiter.quantile: expected a number between 0 and 1 (exclusive), got 1',
    ]);
    expect(problems({ maxSpinShare: 0 })).toEqual([
      'waiter.maxSpinShare: expected a number greater than 0 and at most 1, got 0',
    ]);
    expect(problems({ minMargin: '2ms', maxMargin: '1ms' })).toEqual([
      'waiter.minMargin: minMargin 2ms exceeds maxMargin 1ms',
    ]);
    expect(problems({ maxMargin: '2s' })).toEqual(['waiter.maxMargin: maxMargin 2s is above the 1s limit']);
    expect(problems({ marginNs: 5 })).toEqual([expect.stringMatching(/^waiter: unknown key "marginNs"/)]);
  });
});
