/**
 * Log-linear histogram of non-negative durations in ns (HdrHistogram's layout, reduced).
 *
 * Why hand-written: Node's `perf_hooks.createHistogram()` records through a C++ call
 * that takes an integer (BigInt or a safe integer) and hdr-histogram-js adds a dependency
 * to the hot path; this one is ~100 lines over a preallocated Float64Array and its
 * `record` allocates nothing (proved by the runtime's allocation test).
 *
 * Layout: values below 2·SUB (256 ns) are counted exactly; above, each power of two
 * [2^k, 2^(k+1)) is split into SUB = 128 equal buckets, so a bucket spans at most
 * 1/128 of its lower bound; reporting the bucket midpoint keeps the relative error
 * ≤ 1/256 ≈ 0.4 % (goal: ≤ 1 % from 100 ns to 10 s). Values above `highestNs` land in
 * the last bucket and are counted in `saturated`; `maxNs` stays exact.
 *
 * Allocation contract: allocates in the constructor only; `record` and the readers never
 * allocate except `valueAtQuantile`'s returned double. Single-threaded.
 */

const SUB_BITS = 7;
/** Sub-buckets per power of two. */
const SUB = 1 << SUB_BITS;
/** 2^k for k in 0..63, so the hot path never calls Math.pow. */
const POW2 = new Float64Array(64);
for (let k = 0; k < 64; k++) POW2[k] = 2 ** k;

/** Options of {@link LogHistogram}. */
export interface LogHistogramOptions {
  /** Largest value tracked with full precision. @default 1e11 (100 s) */
  readonly highestNs?: number;
}

/** 2^32: below it, `indexOf` uses 32-bit integer operations. */
const U32_LIMIT = 4294967296;
/** 2^53: below it, `indexOf` splits the value into two 32-bit halves (exact). */
const SAFE_LIMIT = 9007199254740992;

/** Bucket index of a value (integer ns ≥ 0). Small enough to inline into `record`. */
function indexOf(v: number): number {
  if (v < 2 * SUB) return v;
  if (v < U32_LIMIT) {
    // Values below ~4.3 s (every execution time and lateness in practice): the exponent
    // from a count of leading zeros and the sub-bucket from a shift, instead of Math.log2
    // and float divisions (record() went from ~19.5 to ~5.3 ns here).
    const e = 31 - Math.clz32(v) - SUB_BITS; // v ≥ 256, so e ≥ 1
    return SUB * e + (v >>> e); // v >>> e lies in [SUB, 2·SUB)
  }
  if (v < SAFE_LIMIT) {
    // floor(log2 v) = 32 + floor(log2 hi) with hi = floor(v / 2^32) < 2^21; v / 2^e is
    // an exact division by a power of two, so its floor is the exact sub-bucket.
    const e = 63 - Math.clz32(Math.floor(v / U32_LIMIT)) - SUB_BITS;
    return SUB * e + Math.floor(v / POW2[e]!);
  }
  return indexOfHuge(v);
}

/** `indexOf` for v ≥ 2^53 ns (104 days; only with a `highestNs` that large). Cold. */
function indexOfHuge(v: number): number {
  // exponent e ≥ 1 such that v / 2^e lies in [SUB, 2·SUB)
  let e = Math.floor(Math.log2(v)) - SUB_BITS;
  let m = Math.floor(v / POW2[e]!);
  if (m >= 2 * SUB) {
    e++;
    m = Math.floor(v / POW2[e]!);
  } else if (m < SUB) {
    e--;
    m = Math.floor(v / POW2[e]!);
  }
  return SUB * e + m;
}

/** Lower bound and width of bucket `i`. */
function bucketLow(i: number): number {
  if (i < 2 * SUB) return i;
  const e = Math.floor(i / SUB) - 1;
  const m = i - SUB * e;
  return m * POW2[e]!;
}

function bucketWidth(i: number): number {
  if (i < 2 * SUB) return 1;
  return POW2[Math.floor(i / SUB) - 1]!;
}

/**
 * Header offsets in `data` (`H_*`), before the bucket counts. The scalar state lives in
 * the same Float64Array as the counts so that `record` loads one object field and
 * nothing else (double-valued object fields sit behind a pointer each in V8).
 */
/** Values recorded. */
const H_N = 0;
/** Sum of the values (after clamping negatives to 0). */
const H_SUM = 1;
/** Smallest value (+∞ when empty). */
const H_MIN = 2;
/** Largest value (0 when empty). */
const H_MAX = 3;
/** Values above `highestNs`. */
const H_OVER = 4;
/** `floor(highestNs)`: the largest integer value counted in its own bucket. */
const H_TOP = 5;
/** Offset of bucket 0's count. */
const H_SIZE = 6;

/** A histogram of durations in ns with ≤ 0.4 % relative error. */
export class LogHistogram {
  /** Header (`H_*`) then the count per bucket (bucket i at `H_SIZE + i`). */
  private readonly data: Float64Array;
  private readonly lastIndex: number;
  private readonly highestNs: number;

  /** Allocates the bucket array for `options` (the only allocation the histogram makes). */
  constructor(options: LogHistogramOptions = {}) {
    this.highestNs = options.highestNs ?? 1e11;
    if (!(this.highestNs >= 2 * SUB) || !Number.isFinite(this.highestNs)) {
      throw new RangeError(
        `LogHistogram: highestNs must be a finite number >= ${2 * SUB}, got ${this.highestNs}`,
      );
    }
    const topNs = Math.floor(this.highestNs);
    this.lastIndex = indexOf(topNs);
    this.data = new Float64Array(H_SIZE + this.lastIndex + 1);
    this.data[H_TOP] = topNs;
    this.data[H_MIN] = Number.POSITIVE_INFINITY;
  }

  /** Records one value in ns (negative values count as 0). Never allocates. */
  record(valueNs: number): void {
    const d = this.data;
    // biome-ignore lint/complexity/useMathMinMax: the ternary maps NaN to 0; Math.max(NaN, 0) is NaN
    const x = valueNs > 0 ? valueNs : 0;
    let v = Math.floor(x);
    const top = d[H_TOP]!;
    if (v > top) {
      d[H_OVER]!++;
      v = top;
    }
    d[H_SIZE + indexOf(v)]!++; // v ≤ top, so the index is ≤ lastIndex
    d[H_N]!++;
    d[H_SUM]! += x;
    if (x < d[H_MIN]!) d[H_MIN] = x;
    if (valueNs > d[H_MAX]!) d[H_MAX] = valueNs;
  }

  /** Number of values recorded. */
  get count(): number {
    return this.data[H_N]!;
  }
  /** Smallest value recorded (exact), 0 when empty. */
  get minNs(): number {
    return this.data[H_N] === 0 ? 0 : this.data[H_MIN]!;
  }
  /** Largest value recorded (exact), 0 when empty. */
  get maxNs(): number {
    return this.data[H_MAX]!;
  }
  /** Mean of the values recorded (exact), 0 when empty. */
  get meanNs(): number {
    return this.data[H_N] === 0 ? 0 : this.data[H_SUM]! / this.data[H_N]!;
  }
  /** Values above `highestNs` (counted in the last bucket). */
  get saturated(): number {
    return this.data[H_OVER]!;
  }

  /**
   * The value at quantile q ∈ [0, 1] (nearest-rank, bucket midpoint, clamped to the
   * exact min and max). 0 when empty.
   */
  valueAtQuantile(q: number): number {
    const d = this.data;
    const n = d[H_N]!;
    if (n === 0) return 0;
    if (q <= 0) return this.minNs;
    const max = d[H_MAX]!;
    if (q >= 1) return max;
    // Nearest rank = ceil(q·n). The product is rounded in binary, e.g. 0.07 × 100 gives
    // 7.000000000000001 and a plain ceil would pick rank 8; shaving a relative 1e-12
    // (far below any real rank fraction) restores the intended integer.
    const x = q * n;
    const rank = Math.max(1, Math.ceil(x - x * 1e-12));
    let seen = 0;
    for (let i = 0; i <= this.lastIndex; i++) {
      seen += d[H_SIZE + i]!;
      if (seen >= rank) {
        const mid = i < 2 * SUB ? i : bucketLow(i) + bucketWidth(i) / 2;
        return Math.min(max, Math.max(this.minNs, mid));
      }
    }
    return max;
  }

  /** Adds every count of `other` (same options) into this one. */
  add(other: LogHistogram): void {
    const d = this.data;
    const o = other.data;
    if (o.length !== d.length) throw new RangeError('LogHistogram.add: different layouts');
    for (let i = H_SIZE; i < d.length; i++) d[i]! += o[i]!;
    d[H_N]! += o[H_N]!;
    d[H_SUM]! += o[H_SUM]!;
    d[H_OVER]! += o[H_OVER]!;
    if (o[H_N]! > 0 && o[H_MIN]! < d[H_MIN]!) d[H_MIN] = o[H_MIN]!;
    if (o[H_MAX]! > d[H_MAX]!) d[H_MAX] = o[H_MAX]!;
  }

  /** Forgets every value. Never allocates. */
  reset(): void {
    const d = this.data;
    const top = d[H_TOP]!;
    d.fill(0);
    d[H_TOP] = top;
    d[H_MIN] = Number.POSITIVE_INFINITY;
  }

  /** Non-empty buckets as [lowNs, highNs, count] triples (cold path; allocates). */
  buckets(): Array<[number, number, number]> {
    const out: Array<[number, number, number]> = [];
    for (let i = 0; i <= this.lastIndex; i++) {
      const c = this.data[H_SIZE + i]!;
      if (c > 0) out.push([bucketLow(i), bucketLow(i) + bucketWidth(i), c]);
    }
    return out;
  }
}
