/**
 * Setup errors of Ring and SpscRing: every bad option and every buffer that is not a ring
 * throws a HardtickError `config_invalid` naming the option, with a message that says what
 * was expected. (The loop never throws: full/empty are return values, see the model tests.)
 */
import { describe, expect, it } from 'vitest';
import { HardtickError } from '../src/errors.js';
import {
  HDR_CAPACITY,
  HDR_MAGIC,
  HDR_POLICY,
  HDR_VERSION,
  type OverflowPolicy,
  Ring,
  SpscRing,
} from '../src/memory/index.js';

function thrown(fn: () => unknown): HardtickError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(HardtickError);
    return e as HardtickError;
  }
  throw new Error('expected a throw');
}

describe.each([
  ['Ring', (o: ConstructorParameters<typeof Ring>[0]) => new Ring(o)],
  ['SpscRing', (o: ConstructorParameters<typeof Ring>[0]) => SpscRing.create(o)],
] as const)('%s options', (name, make) => {
  it.each([
    [
      { capacity: 3, recordSize: 1 },
      'capacity',
      'expected a power of two between 1 and 2^30 (e.g. 1024), got 3',
    ],
    [
      { capacity: 0, recordSize: 1 },
      'capacity',
      'expected a power of two between 1 and 2^30 (e.g. 1024), got 0',
    ],
    [
      { capacity: 2 ** 31, recordSize: 1 },
      'capacity',
      'expected a power of two between 1 and 2^30 (e.g. 1024), got 2147483648',
    ],
    [{ capacity: 4, recordSize: 0 }, 'recordSize', 'expected an integer between 1 and 65536, got 0'],
    [{ capacity: 4, recordSize: 1.5 }, 'recordSize', 'expected an integer between 1 and 65536, got 1.5'],
    [
      { capacity: 4, recordSize: 1, overflow: 'drop-random' as OverflowPolicy },
      'overflow',
      'expected one of "drop-newest", "drop-oldest", "overwrite", got "drop-random"',
    ],
  ])('%o → config_invalid at %s', (options, key, message) => {
    const e = thrown(() => make(options));
    expect(e.code).toBe('config_invalid');
    expect(e.path).toBe(`${name}.${key}`);
    expect(e.message).toBe(`${name}.${key}: ${message}`);
  });

  it('defaults to drop-newest', () => {
    expect(make({ capacity: 4, recordSize: 2 }).policy).toBe('drop-newest');
  });
});

describe('SpscRing.attach', () => {
  const good = () => SpscRing.create({ capacity: 8, recordSize: 3, overflow: 'overwrite' });

  it('reads capacity, record size and policy from the buffer', () => {
    const ring = SpscRing.attach(good().buffer);
    expect([ring.capacity, ring.recordSize, ring.policy]).toEqual([8, 3, 'overwrite']);
  });

  const corrupt = (word: number, value: number) => {
    const buffer = good().buffer;
    new Int32Array(buffer)[word] = value;
    return buffer;
  };
  it.each([
    ['an ArrayBuffer', () => new ArrayBuffer(1024), 'expected a SharedArrayBuffer'],
    [
      'a tiny buffer',
      () => new SharedArrayBuffer(16),
      'buffer of 16 bytes is too small to hold a ring header',
    ],
    [
      'a buffer that is not a ring',
      () => new SharedArrayBuffer(4096),
      'not an SpscRing buffer (bad magic number)',
    ],
    ['a bad magic', () => corrupt(HDR_MAGIC, 1), 'not an SpscRing buffer (bad magic number)'],
    [
      'another layout version',
      () => corrupt(HDR_VERSION, 99),
      'layout version 99 is not supported (expected 1)',
    ],
    [
      'a corrupt capacity',
      () => corrupt(HDR_CAPACITY, 6),
      'corrupt header (SpscRing.capacity: expected a power of two between 1 and 2^30 (e.g. 1024), got 6)',
    ],
    ['a corrupt policy', () => corrupt(HDR_POLICY, 7), 'corrupt header (unknown overflow policy code 7)'],
    [
      'a truncated buffer',
      () => {
        const src = good();
        const copy = new SharedArrayBuffer(src.buffer.byteLength - 8);
        new Uint8Array(copy).set(new Uint8Array(src.buffer, 0, copy.byteLength));
        return copy;
      },
      'buffer of 568 bytes is smaller than the 576 its header describes',
    ],
  ])('refuses %s', (_name, buffer, message) => {
    const e = thrown(() => SpscRing.attach(buffer() as SharedArrayBuffer));
    expect(e.code).toBe('config_invalid');
    expect(e.path).toBe('buffer');
    expect(e.message).toBe(`SpscRing.attach: ${message}`);
  });
});
