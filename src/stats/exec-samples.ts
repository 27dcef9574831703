/**
 * What a pWCET estimate needs from a run, kept per task in preallocated buffers while the
 * loop runs (src/pwcet fits it afterwards):
 * - block maxima: the maximum of each block of `blockSize` consecutive executions. When the
 *   buffer is full, neighbouring maxima are merged pairwise (max of two blocks of b is the
 *   maximum of a block of 2b) and the block size doubles: the whole run stays represented,
 *   in time order, at a coarser block size. That merge is the only O(capacity) step
 *   (about a µs per thousand maxima), once per doubling of the run length.
 * - a reservoir: a uniform random sample of every value (Li's Algorithm L, which draws the
 *   gap to the next replacement, so most values cost one comparison) with a xorshift32
 *   generator whose state lives in a Uint32Array.
 * - the tail: the K largest values so far, a binary min-heap (root = smallest kept), so
 *   a value enters in O(log K) and most values are rejected by one comparison.
 * - the most recent values in time order (a ring), for the runs test.
 * - running sums for the lag-1 autocorrelation over every value, shifted by the first
 *   value to avoid cancellation.
 *
 * Allocation contract: allocates in the constructor only; `record` allocates nothing: its
 * common path calls nothing, and the rare reservoir step (`draw`, `nextReplacement`) takes
 * no arguments and returns nothing, its doubles kept in `st`. `snapshot` is cold and
 * allocates. Single-threaded: the executive's thread records and snapshots between frames.
 */

/** Options of {@link ExecSamples}. */
export interface ExecSamplesOptions {
  /** Executions per block (before any doubling). @default 100 */
  readonly blockSize?: number;
  /** Block maxima kept before neighbours merge (even, ≥ 2). @default 4096 */
  readonly blockCapacity?: number;
  /** Reservoir sample size. @default 1024 */
  readonly reservoirSize?: number;
  /** Largest values kept (K). @default 4096 */
  readonly tailSize?: number;
  /** Most recent values kept in time order. @default 1024 */
  readonly windowSize?: number;
  /** Seed of the reservoir's generator (non-zero 32-bit). @default 0x9e3779b9 */
  readonly seed?: number;
}

/** A cold, JSON-serialisable copy of an {@link ExecSamples}' buffers (times in ns). */
export interface ExecSamplesSnapshot {
  /** Values recorded. */
  readonly count: number;
  /** Executions per block of `blockMaxima` (the initial block size × 2^merges). */
  readonly blockSize: number;
  /** Maximum of each complete block, in time order (the block in progress is left out). */
  readonly blockMaxima: readonly number[];
  /** Uniform random sample of all values (order carries no meaning). */
  readonly reservoir: readonly number[];
  /** The largest values recorded, descending. */
  readonly tail: readonly number[];
  /** The most recent values, oldest first. */
  readonly recent: readonly number[];
  /** Lag-1 autocorrelation over every value recorded (0 below 3 values or for a constant). */
  readonly lag1: number;
}

/** Scalar state offsets in `st` (`X_*`). */
/** Values recorded. */
const X_N = 0;
/** Current block size. */
const X_BLOCK = 1;
/** Values in the block in progress. */
const X_IN_BLOCK = 2;
/** Maximum of the block in progress. */
const X_BLOCK_MAX = 3;
/** Complete block maxima stored. */
const X_BLOCKS = 4;
/** Values in the tail heap. */
const X_TAIL_N = 5;
/** Next write position of the recent-values ring. */
const X_WIN_POS = 6;
/** Shift (the first value) and running sums of y = x − shift: Σy, Σy², Σy_t·y_{t−1}. */
const X_SHIFT = 7;
const X_S1 = 8;
const X_S2 = 9;
const X_S12 = 10;
/** First and last y. */
const X_FIRST_Y = 11;
const X_LAST_Y = 12;
/** Reservoir (Algorithm L): the running W, and the index of the next value taken in. */
const X_RES_W = 13;
const X_RES_NEXT = 14;
/** The last uniform draw. */
const X_U = 15;
const X_SIZE = 16;

/** Per-task execution-time sample buffers for pWCET (see the module note). */
export class ExecSamples {
  private readonly st = new Float64Array(X_SIZE);
  private readonly maxima: Float64Array;
  private readonly reservoir: Float64Array;
  private readonly tail: Float64Array;
  private readonly window: Float64Array;
  private readonly rng = new Uint32Array(1);
  private readonly initialBlockSize: number;
  private readonly seed: number;

  /** Preallocates every buffer; throws RangeError for invalid sizes. */
  constructor(options: ExecSamplesOptions = {}) {
    const blockSize = options.blockSize ?? 100;
    const blockCapacity = options.blockCapacity ?? 4096;
    const reservoirSize = options.reservoirSize ?? 1024;
    const tailSize = options.tailSize ?? 4096;
    const windowSize = options.windowSize ?? 1024;
    const check = (name: string, v: number, min: number): void => {
      if (!(Number.isInteger(v) && v >= min && v <= 1 << 24))
        throw new RangeError(`ExecSamples: ${name} must be an integer in ${min}..${1 << 24}, got ${v}`);
    };
    check('blockSize', blockSize, 1);
    check('blockCapacity', blockCapacity, 2);
    if (blockCapacity % 2 !== 0)
      throw new RangeError(`ExecSamples: blockCapacity must be even, got ${blockCapacity}`);
    check('reservoirSize', reservoirSize, 1);
    check('tailSize', tailSize, 1);
    check('windowSize', windowSize, 1);
    this.seed = (options.seed ?? 0x9e3779b9) >>> 0 || 1;
    this.initialBlockSize = blockSize;
    this.maxima = new Float64Array(blockCapacity);
    this.reservoir = new Float64Array(reservoirSize);
    this.tail = new Float64Array(tailSize);
    this.window = new Float64Array(windowSize);
    this.reset();
  }

  /** Forgets every value (buffers kept). */
  reset(): void {
    this.st.fill(0);
    this.st[X_BLOCK] = this.initialBlockSize;
    this.st[X_BLOCK_MAX] = Number.NEGATIVE_INFINITY;
    this.rng[0] = this.seed;
  }

  /** Values recorded. */
  get count(): number {
    return this.st[X_N]!;
  }

  /** Current block size (executions per stored maximum). */
  get blockSize(): number {
    return this.st[X_BLOCK]!;
  }

  /**
   * Records one execution time in ns. O(log K) worst case (tail insertion), O(1) for a
   * value below the K-th largest; O(capacity) once per block-buffer fill (merge).
   * Never allocates.
   */
  record(valueNs: number): void {
    const st = this.st;
    const x = valueNs;
    const n = st[X_N]!;
    st[X_N] = n + 1;

    // Lag-1 sums.
    if (n === 0) st[X_SHIFT] = x;
    const y = x - st[X_SHIFT]!;
    st[X_S1]! += y;
    st[X_S2]! += y * y;
    if (n === 0) st[X_FIRST_Y] = y;
    else st[X_S12]! += y * st[X_LAST_Y]!;
    st[X_LAST_Y] = y;

    // Block maxima.
    if (x > st[X_BLOCK_MAX]!) st[X_BLOCK_MAX] = x;
    const inBlock = st[X_IN_BLOCK]! + 1;
    if (inBlock >= st[X_BLOCK]!) {
      const maxima = this.maxima;
      let blocks = st[X_BLOCKS]!;
      maxima[blocks] = st[X_BLOCK_MAX]!;
      blocks++;
      if (blocks === maxima.length) {
        const half = blocks >> 1;
        for (let i = 0; i < half; i++) {
          maxima[i] = Math.max(maxima[2 * i]!, maxima[2 * i + 1]!);
        }
        blocks = half;
        st[X_BLOCK] = st[X_BLOCK]! * 2;
      }
      st[X_BLOCKS] = blocks;
      st[X_IN_BLOCK] = 0;
      st[X_BLOCK_MAX] = Number.NEGATIVE_INFINITY;
    } else {
      st[X_IN_BLOCK] = inBlock;
    }

    // Reservoir (Li's Algorithm L: the same uniform sample as Algorithm R, but the gap to
    // the next replacement is drawn at once, so an ordinary value costs one comparison).
    const res = this.reservoir;
    if (n < res.length) {
      res[n] = x;
      if (n === res.length - 1) {
        st[X_RES_W] = 1;
        this.nextReplacement();
      }
    } else if (n === st[X_RES_NEXT]) {
      this.draw();
      res[Math.floor(st[X_U]! * res.length)] = x;
      this.nextReplacement();
    }

    // Tail: min-heap of the K largest.
    const heap = this.tail;
    const k = heap.length;
    const size = st[X_TAIL_N]!;
    if (size < k) {
      let i = size;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        const pv = heap[parent]!;
        if (pv <= x) break;
        heap[i] = pv;
        i = parent;
      }
      heap[i] = x;
      st[X_TAIL_N] = size + 1;
    } else if (x > heap[0]!) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= k) break;
        const rr = l + 1;
        const c = rr < k && heap[rr]! < heap[l]! ? rr : l;
        const cv = heap[c]!;
        if (cv >= x) break;
        heap[i] = cv;
        i = c;
      }
      heap[i] = x;
    }

    // Recent values (ring).
    const win = this.window;
    let pos = st[X_WIN_POS]!;
    win[pos] = x;
    pos++;
    st[X_WIN_POS] = pos === win.length ? 0 : pos;
  }

  /** Next xorshift32 draw, a double in (0, 1), into `st[X_U]` (nothing returned: no double crosses a call). */
  private draw(): void {
    const r = this.rng;
    let s = r[0]!;
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    r[0] = s;
    this.st[X_U] = (r[0]! + 0.5) / 4294967296;
  }

  /**
   * Algorithm L step after value n = count − 1 went in: W ← W·u^{1/R} (W = 1 when the
   * reservoir has just filled), next replacement at n + ⌊ln u′ / ln(1 − W)⌋ + 1. Runs about
   * R·ln(count/R) times over a run. State in `st`, no arguments: nothing is boxed.
   */
  private nextReplacement(): void {
    const st = this.st;
    const k = this.reservoir.length;
    this.draw();
    const w = st[X_RES_W]! * Math.exp(Math.log(st[X_U]!) / k);
    st[X_RES_W] = w;
    this.draw();
    st[X_RES_NEXT] = st[X_N]! + Math.floor(Math.log(st[X_U]!) / Math.log1p(-w));
  }

  /** Lag-1 autocorrelation over every value recorded (cold; 0 when undefined). */
  lag1(): number {
    const st = this.st;
    const n = st[X_N]!;
    if (n < 3) return 0;
    const mean = st[X_S1]! / n;
    const den = st[X_S2]! - n * mean * mean;
    if (!(den > 0)) return 0;
    // Σ_{t≥2}(y_t − ȳ)(y_{t−1} − ȳ) = S12 − ȳ(S1 − y_1) − ȳ(S1 − y_n) + (n − 1)ȳ².
    const num =
      st[X_S12]! -
      mean * (st[X_S1]! - st[X_FIRST_Y]!) -
      mean * (st[X_S1]! - st[X_LAST_Y]!) +
      (n - 1) * mean * mean;
    return Math.max(-1, Math.min(1, num / den));
  }

  /** A cold copy of the buffers (allocates). */
  snapshot(): ExecSamplesSnapshot {
    const st = this.st;
    const n = st[X_N]!;
    const tailN = st[X_TAIL_N]!;
    const tail = Array.from(this.tail.subarray(0, tailN)).sort((a, b) => b - a);
    const winLen = this.window.length;
    const kept = Math.min(n, winLen);
    const recent: number[] = [];
    const start = n > winLen ? st[X_WIN_POS]! : 0;
    for (let i = 0; i < kept; i++) recent.push(this.window[(start + i) % winLen]!);
    return {
      count: n,
      blockSize: st[X_BLOCK]!,
      blockMaxima: Array.from(this.maxima.subarray(0, st[X_BLOCKS]!)),
      reservoir: Array.from(this.reservoir.subarray(0, Math.min(n, this.reservoir.length))),
      tail,
      recent,
      lag1: this.lag1(),
    };
  }
}

/** Values {@link warmExecSamples} records into a default-sized instance: past its first block-maxima compaction (4096 blocks of 100). */
const WARM_RECORDS = 420_000;
/** Small instances {@link warmExecSamples} fills, and values each (their buffers fill, replace and compact many times). */
const WARM_SMALL = 100;
const WARM_SMALL_RECORDS = 2_000;

/**
 * Runs every branch of {@link ExecSamples.record} often enough for V8 to optimise it and
 * its helpers: tail-heap replacements sifting down to every depth, reservoir replacements,
 * block-maxima compactions, on throw-away instances. A branch first taken inside a measured
 * loop deoptimises `record` (type feedback is per function, shared by every instance) and
 * its recompilation allocates; which branches a run's own warm-up reaches depends on its
 * execution times. Cold: a few ms.
 */
export function warmExecSamples(): void {
  let x = 0x2545f491;
  // xorshift32: a spread of whole-ns values, none repeating in order.
  const next = (): number => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % 1_000_000;
  };
  const large = new ExecSamples();
  for (let i = 0; i < WARM_RECORDS; i++) large.record(next());
  for (let k = 0; k < WARM_SMALL; k++) {
    const small = new ExecSamples({
      blockSize: 4,
      blockCapacity: 64,
      reservoirSize: 64,
      tailSize: 64,
      windowSize: 64,
    });
    for (let i = 0; i < WARM_SMALL_RECORDS; i++) small.record(next());
  }
}
