import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkDurationNs, formatNs, MAX_DURATION_NS, parseDurationNs } from '../src/config/duration.js';
import { HardtickError } from '../src/errors.js';

function messageOf(value: unknown, allowZero = false): string {
  const result = checkDurationNs(value, { allowZero });
  if (result.ok) throw new Error(`expected ${String(value)} to be rejected, got ${result.ns} ns`);
  return result.message;
}

describe('duration parsing converts exactly to integer nanoseconds', () => {
  it.each([
    ['1.8ms', 1_800_000],
    ['250us', 250_000],
    ['2s', 2_000_000_000],
    ['500ns', 500],
    ['5 ms', 5_000_000],
    [' 0.001s ', 1_000_000],
    ['.5ms', 500_000],
    ['1e-3s', 1_000_000],
    ['1.5e3us', 1_500_000],
    ['86400s', MAX_DURATION_NS],
    [1.8, 1_800_000],
    [0.1, 100_000],
    [0.3, 300_000],
    [1e-3, 1_000],
    [1e-6, 1],
    [4, 4_000_000],
  ] as const)('%j → %d ns', (input, ns) => {
    expect(parseDurationNs(input)).toBe(ns);
  });

  it('accepts zero only when allowed (e.g. a phase)', () => {
    expect(parseDurationNs(0, { allowZero: true })).toBe(0);
    expect(parseDurationNs('0ms', { allowZero: true })).toBe(0);
    expect(messageOf(0)).toBe('expected a positive duration like "5ms", got 0 (must be greater than zero)');
  });

  it('throws config_invalid from parseDurationNs', () => {
    try {
      parseDurationNs('-1ms');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(HardtickError);
      expect((error as HardtickError).code).toBe('config_invalid');
      expect((error as HardtickError).message).toBe('expected a positive duration like "5ms", got "-1ms"');
    }
  });
});

describe('duration parsing rejects what is not a representable duration', () => {
  it.each([
    [-3, 'expected a positive duration like "5ms", got -3'],
    ['-3ms', 'expected a positive duration like "5ms", got "-3ms"'],
    ['-3', 'expected a positive duration like "5ms", got "-3"'],
    [Number.NaN, 'expected a positive duration like "5ms", got NaN (not a number)'],
    ['NaNms', 'expected a positive duration like "5ms", got "NaNms" (not a number)'],
    [
      Number.POSITIVE_INFINITY,
      'expected a positive duration like "5ms", got Infinity (durations must be finite)',
    ],
    ['Infinity', 'expected a positive duration like "5ms", got "Infinity" (durations must be finite)'],
    [
      '5 parsecs',
      'expected a positive duration like "5ms", got "5 parsecs" (unknown unit "parsecs"; use ns, us, ms or s)',
    ],
    ['ms', 'expected a positive duration like "5ms", got "ms" (missing the number)'],
    [
      '5',
      'expected a positive duration like "5ms", got "5" (missing the unit: write "5ms", or the number 5 for milliseconds)',
    ],
    ['', 'expected a positive duration like "5ms", got an empty string'],
    [
      'fast',
      'expected a positive duration like "5ms", got "fast" (write a number followed by ns, us, ms or s)',
    ],
    [
      true,
      'expected a positive duration like "5ms" (a number of milliseconds, or a string with unit ns, us, ms or s), got true',
    ],
    [
      null,
      'expected a positive duration like "5ms" (a number of milliseconds, or a string with unit ns, us, ms or s), got null',
    ],
    [
      '1.5ns',
      'duration "1.5ns" has sub-nanosecond precision, which is not representable (durations are whole nanoseconds)',
    ],
    [
      0.0000005,
      'duration 5e-7 (ms) has sub-nanosecond precision, which is not representable (durations are whole nanoseconds)',
    ],
    [
      '1e-400s',
      'duration "1e-400s" has sub-nanosecond precision, which is not representable (durations are whole nanoseconds)',
    ],
    ['86400.000000001s', 'duration "86400.000000001s" exceeds the limit of 24 hours ("86400s")'],
    [1e300, 'duration 1e+300 (ms) exceeds the limit of 24 hours ("86400s")'],
    ['1e999999s', 'duration "1e999999s" exceeds the limit of 24 hours ("86400s")'],
  ] as const)('%j', (input, message) => {
    expect(messageOf(input)).toBe(message);
  });

  it('says non-negative when zero is allowed', () => {
    expect(messageOf(-1, true)).toBe('expected a non-negative duration like "0ms" or "2ms", got -1');
  });
});

describe('formatNs prints compactly and exactly', () => {
  it.each([
    [1_800_000, '1.8ms'],
    [250_000, '250us'],
    [2_000_000_000, '2s'],
    [500, '500ns'],
    [0, '0ns'],
    [1_234_567, '1.234567ms'],
    [-1_500, '-1.5us'],
    [999.6, '1us'],
  ] as const)('%d → %s', (ns, text) => {
    expect(formatNs(ns)).toBe(text);
  });

  it('rounds to maxFractionDigits and carries into the next unit', () => {
    expect(formatNs(1_234_567, { maxFractionDigits: 1 })).toBe('1.2ms');
    expect(formatNs(999_999, { maxFractionDigits: 1 })).toBe('1ms');
    expect(formatNs(1_050_000, { maxFractionDigits: 0 })).toBe('1ms');
  });

  it('round-trips through parseDurationNs for every duration up to 24 h', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: MAX_DURATION_NS }), (ns) => {
        expect(parseDurationNs(formatNs(ns))).toBe(ns);
      }),
    );
  });

  it('parses decimal millisecond strings exactly (no binary rounding)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 86_399_999 }),
        fc.integer({ min: 0, max: 999_999 }),
        (ms, frac) => {
          const text = `${ms}.${String(frac).padStart(6, '0')}ms`;
          expect(parseDurationNs(text)).toBe(ms * 1_000_000 + frac);
        },
      ),
    );
  });
});
