/**
 * Fixed-capacity object pool.
 *
 * Allocation contract: allocates in the constructor only (every object, via the factory,
 * plus the bookkeeping arrays); `tryAcquire` and `release` never allocate (as long as the
 * optional `reset` hook does not) and never throw. The pool never grows: exhaustion returns
 * null and is counted. Threading: one thread (objects are not shareable across threads).
 *
 * Bookkeeping: `items[i]` is object i; `FREE[0 … top)` is a stack of free indices (LIFO, so the
 * most recently released, cache-warm object is reused first); `IN_USE[i]` is 1 while object i
 * is out. A WeakMap from object to index (filled at construction, read-only afterwards) lets
 * `release` find the index in O(1) without touching the caller's object, and so detect a
 * foreign object or a double release (both refused and counted) instead of corrupting the
 * free stack. Invariant: top + inUse = capacity.
 */
import { HardtickError } from '../errors.js';

/** Options of {@link Pool}. */
export interface PoolOptions<T extends object> {
  /** Objects in the pool (integer ≥ 1). All are made at construction. */
  readonly capacity: number;
  /** Makes object `index` (0 … capacity − 1); each call must return a new, distinct object. */
  readonly factory: (index: number) => T;
  /**
   * Called on an object as it is released (e.g. to clear fields). Must not allocate if the
   * pool is used in the loop.
   * @default none
   */
  readonly reset?: (item: T) => void;
}

/** Counter: `tryAcquire` calls that found the pool empty. */
const CNT_EXHAUSTED = 0;
/** Counter: `release` calls refused (foreign object or double release). */
const CNT_INVALID_RELEASES = 1;
/** Counter: most objects ever out at once. */
const CNT_HIGH_WATER = 2;
/** Counter: free-stack height (objects available). */
const CNT_TOP = 3;

/**
 * Fixed-capacity pool of preallocated objects, for tasks that need objects living longer
 * than one call (commands in flight, pending requests) without allocating in the loop.
 *
 * Allocation contract: the constructor makes every object (through `factory`) and may
 * throw; `tryAcquire`, `release`, `owns` and the counters never allocate (as long as
 * `reset` does not) and never throw. Exhaustion returns null, counted in `exhausted`; a
 * double or foreign release returns false, counted in `invalidReleases`. One thread.
 *
 * ```js
 * // at module load (setup):
 * const commands = new Pool({ capacity: 4, factory: () => ({ setpoint: 0.5 }) });
 * // in the task:
 * const c = commands.tryAcquire();
 * if (c !== null) { c.setpoint = target; send(c); }   // later: commands.release(c)
 * ```
 * See docs/memory.md for a complete task module.
 */
export class Pool<T extends object> {
  /** Objects in the pool. */
  readonly capacity: number;
  private readonly items: T[];
  private readonly indexOf = new WeakMap<T, number>();
  private readonly free: Int32Array;
  private readonly inUseFlags: Uint8Array;
  private readonly reset: ((item: T) => void) | undefined;
  /** `CNT_*` counters (a typed array: stores never box). */
  private readonly counts = new Float64Array(4);

  /**
   * Makes all `capacity` objects now. Throws {@link HardtickError} `config_invalid` (path
   * `Pool.capacity` / `Pool.factory`) on a bad capacity or a factory that returns a
   * non-object or the same object twice.
   */
  constructor(options: PoolOptions<T>) {
    const { capacity, factory } = options;
    if (!Number.isInteger(capacity) || capacity < 1 || capacity > 2 ** 31 - 1)
      throw new HardtickError(
        'config_invalid',
        `Pool.capacity: expected an integer >= 1, got ${String(capacity)}`,
        { path: 'Pool.capacity' },
      );
    this.capacity = capacity;
    this.reset = options.reset;
    this.items = new Array<T>(capacity);
    this.free = new Int32Array(capacity);
    this.inUseFlags = new Uint8Array(capacity);
    for (let i = 0; i < capacity; i++) {
      const item = factory(i);
      if ((typeof item !== 'object' && typeof item !== 'function') || item === null)
        throw new HardtickError(
          'config_invalid',
          `Pool.factory: must return an object, returned ${item === null ? 'null' : typeof item} for index ${i}`,
          { path: 'Pool.factory' },
        );
      if (this.indexOf.has(item))
        throw new HardtickError(
          'config_invalid',
          `Pool.factory: returned the same object for index ${this.indexOf.get(item)} and ${i}; each call must make a new one`,
          { path: 'Pool.factory' },
        );
      this.items[i] = item;
      this.indexOf.set(item, i);
      // Stack top is the end: push in reverse so the first acquire returns object 0.
      this.free[capacity - 1 - i] = i;
    }
    this.counts[CNT_TOP] = capacity;
  }

  /** Takes a free object, or returns null (counted in {@link exhausted}) when none is left. */
  tryAcquire(): T | null {
    const c = this.counts;
    const top = c[CNT_TOP]!;
    if (top === 0) {
      c[CNT_EXHAUSTED] = c[CNT_EXHAUSTED]! + 1;
      return null;
    }
    const t = top - 1;
    c[CNT_TOP] = t;
    const i = this.free[t]!;
    this.inUseFlags[i] = 1;
    const out = this.capacity - t;
    if (out > c[CNT_HIGH_WATER]!) c[CNT_HIGH_WATER] = out;
    return this.items[i]!;
  }

  /**
   * Returns `item` to the pool (after the `reset` hook). Returns false, changing nothing
   * but {@link invalidReleases}, when `item` is not from this pool or is already free.
   */
  release(item: T): boolean {
    const i = this.indexOf.get(item);
    const c = this.counts;
    if (i === undefined || this.inUseFlags[i] === 0) {
      c[CNT_INVALID_RELEASES] = c[CNT_INVALID_RELEASES]! + 1;
      return false;
    }
    if (this.reset !== undefined) this.reset(item);
    this.inUseFlags[i] = 0;
    const top = c[CNT_TOP]!;
    this.free[top] = i;
    c[CNT_TOP] = top + 1;
    return true;
  }

  /** True when `item` belongs to this pool (free or not). */
  owns(item: T): boolean {
    return this.indexOf.has(item);
  }

  /** Objects free now. */
  get available(): number {
    return this.counts[CNT_TOP]!;
  }

  /** Objects out now. */
  get inUse(): number {
    return this.capacity - this.counts[CNT_TOP]!;
  }

  /** Most objects ever out at once. */
  get highWater(): number {
    return this.counts[CNT_HIGH_WATER]!;
  }

  /** `tryAcquire` calls that returned null. */
  get exhausted(): number {
    return this.counts[CNT_EXHAUSTED]!;
  }

  /** `release` calls refused (foreign object or double release). */
  get invalidReleases(): number {
    return this.counts[CNT_INVALID_RELEASES]!;
  }
}
