/**
 * Pool: preallocation, exhaustion (null, counted, never throws), release validation
 * (foreign objects and double releases refused and counted, state unchanged), high-water
 * mark, and a seeded random acquire/release sequence against a set model.
 */
import { describe, expect, it } from 'vitest';
import { HardtickError } from '../src/errors.js';
import { Pool } from '../src/memory/index.js';
import { mulberry32 } from './helpers/memory-prng.js';

interface Particle {
  id: number;
  x: number;
}

function particles(capacity: number, reset?: (p: Particle) => void): Pool<Particle> {
  return new Pool<Particle>({
    capacity,
    factory: (i) => ({ id: i, x: 0 }),
    ...(reset === undefined ? {} : { reset }),
  });
}

describe('Pool', () => {
  it('makes every object at construction and hands them out in index order', () => {
    let made = 0;
    const pool = new Pool({
      capacity: 3,
      factory: (i) => {
        made++;
        return { id: i };
      },
    });
    expect(made).toBe(3);
    expect([pool.capacity, pool.available, pool.inUse, pool.highWater]).toEqual([3, 3, 0, 0]);
    expect(pool.tryAcquire()?.id).toBe(0);
    expect(pool.tryAcquire()?.id).toBe(1);
    expect(made).toBe(3);
  });

  it('returns null on exhaustion, counts it, and never grows', () => {
    const pool = particles(2);
    const a = pool.tryAcquire()!;
    const b = pool.tryAcquire()!;
    expect(pool.tryAcquire()).toBeNull();
    expect(pool.tryAcquire()).toBeNull();
    expect(pool.exhausted).toBe(2);
    expect([pool.available, pool.inUse, pool.highWater]).toEqual([0, 2, 2]);
    expect(pool.release(b)).toBe(true);
    // LIFO: the object just released comes back first.
    expect(pool.tryAcquire()).toBe(b);
    expect(pool.release(a)).toBe(true);
    expect(pool.release(b)).toBe(true);
    expect([pool.available, pool.inUse, pool.highWater, pool.exhausted]).toEqual([2, 0, 2, 2]);
  });

  it('refuses and counts double releases and foreign objects without changing state', () => {
    const pool = particles(3);
    const other = particles(1);
    const a = pool.tryAcquire()!;
    expect(pool.release(a)).toBe(true);
    expect(pool.release(a)).toBe(false); // double release
    expect(pool.release({ id: 0, x: 0 })).toBe(false); // look-alike
    expect(pool.release(other.tryAcquire()!)).toBe(false); // another pool's
    expect(pool.release(null as unknown as Particle)).toBe(false); // not even an object
    expect(pool.invalidReleases).toBe(4);
    expect([pool.available, pool.inUse]).toEqual([3, 0]);
    // The free stack was not corrupted: three distinct objects, then exhaustion.
    const got = new Set([pool.tryAcquire(), pool.tryAcquire(), pool.tryAcquire()]);
    expect(got.size).toBe(3);
    expect(pool.tryAcquire()).toBeNull();
    expect(pool.owns(a)).toBe(true);
    expect(pool.owns({ id: 0, x: 0 })).toBe(false);
  });

  it('calls reset on release, not on a refused release', () => {
    const resets: number[] = [];
    const pool = particles(2, (p) => {
      resets.push(p.id);
      p.x = 0;
    });
    const a = pool.tryAcquire()!;
    a.x = 5;
    pool.release(a);
    pool.release(a);
    expect(resets).toEqual([0]);
    expect(a.x).toBe(0);
  });

  it('matches a set model over 20 000 seeded random acquire/release operations', () => {
    const rnd = mulberry32(7);
    const pool = particles(16);
    const out = new Set<Particle>();
    const everReleased: Particle[] = [];
    let exhausted = 0;
    let invalid = 0;
    let high = 0;
    for (let step = 0; step < 20_000; step++) {
      const r = rnd.next();
      if (r < 0.5) {
        const p = pool.tryAcquire();
        if (out.size === 16) {
          expect(p).toBeNull();
          exhausted++;
        } else {
          expect(p).not.toBeNull();
          expect(out.has(p!)).toBe(false);
          out.add(p!);
          high = Math.max(high, out.size);
        }
      } else if (r < 0.95 && out.size > 0) {
        const p = [...out][rnd.int(out.size)]!;
        out.delete(p);
        everReleased.push(p);
        expect(pool.release(p)).toBe(true);
      } else if (everReleased.length > 0) {
        const p = everReleased[rnd.int(everReleased.length)]!;
        const ok = pool.release(p);
        expect(ok).toBe(out.has(p));
        if (ok) out.delete(p);
        else invalid++;
      }
      expect(pool.inUse).toBe(out.size);
      expect(pool.available).toBe(16 - out.size);
    }
    expect(pool.exhausted).toBe(exhausted);
    expect(pool.invalidReleases).toBe(invalid);
    expect(pool.highWater).toBe(high);
    expect(exhausted).toBeGreaterThan(0);
  });
});

describe('Pool setup errors', () => {
  const cases: [string, () => unknown, string, string][] = [
    ['capacity 0', () => particles(0), 'Pool.capacity', 'Pool.capacity: expected an integer >= 1, got 0'],
    [
      'fractional capacity',
      () => particles(2.5),
      'Pool.capacity',
      'Pool.capacity: expected an integer >= 1, got 2.5',
    ],
    [
      'a factory returning null',
      () => new Pool({ capacity: 2, factory: () => null as unknown as object }),
      'Pool.factory',
      'Pool.factory: must return an object, returned null for index 0',
    ],
    [
      'a factory returning the same object twice',
      () => {
        const shared = {};
        return new Pool({ capacity: 2, factory: () => shared });
      },
      'Pool.factory',
      'Pool.factory: returned the same object for index 0 and 1; each call must make a new one',
    ],
  ];
  it.each(cases)('%s → config_invalid with the option path', (_name, make, path, message) => {
    let error: unknown;
    try {
      make();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(HardtickError);
    expect((error as HardtickError).code).toBe('config_invalid');
    expect((error as HardtickError).path).toBe(path);
    expect((error as HardtickError).message).toBe(message);
  });
});
