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

/** Bucket index of a value (integer ns ≥ 0). */
function indexOf(v: number): number {
  if (v < 2 * SUB) return v;
  if (v < U32_LIMIT) {
    // Fast path for values below ~4.3 s (every execution time and lateness in practice):
    // the exponent from a count of leading zeros and the sub-bucket from a shift, instead
    // of Math.log2 and float divisions: record() went from ~19.5 to ~5.3 ns here.
    const e = 31 - Math.clz32(v) - SUB_BITS; // v ≥ 256, so e ≥ 1
    return SUB * e + (v >>> e); // v >>> e lies in [SUB, 2·SUB)
  }
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

/** A histogram of durations in ns with ≤ 0.4 % relative error. */
export class LogHistogram {
  /** Count per bucket. */
  private readonly counts: Float64Array;
  private readonly lastIndex: number;
  private readonly highestNs: number;
  /** `floor(highestNs)`: the largest integer value counted in its own bucket. */
  private readonly topNs: number;
  private n = 0;
  private sum = 0;
  private min = Number.POSITIVE_INFINITY;
  private max = 0;
  private over = 0;

  constructor(options: LogHistogramOptions = {}) {
    this.highestNs = options.highestNs ?? 1e11;
    if (!(this.highestNs >= 2 * SUB) || !Number.isFinite(this.highestNs)) {
      throw new RangeError(
        `LogHistogram: highestNs must be a finite number >= ${2 * SUB}, got ${this.highestNs}`,
      );
    }
    this.topNs = Math.floor(this.highestNs);
    this.lastIndex = indexOf(this.topNs);
    this.counts = new Float64Array(this.lastIndex + 1);
  }

  /** Records one value in ns (negative values count as 0). Never allocates. */
  record(valueNs: number): void {
    // biome-ignore lint/complexity/useMathMinMax: the ternary maps NaN to 0; Math.max(NaN, 0) is NaN
    const x = valueNs > 0 ? valueNs : 0;
    let v = Math.floor(x);
    if (v > this.topNs) {
      this.over++;
      v = this.topNs;
    }
    this.counts[indexOf(v)]!++; // v ≤ topNs, so the index is ≤ lastIndex
    this.n++;
    this.sum += x;
    if (x < this.min) this.min = x;
    if (valueNs > this.max) this.max = valueNs;
  }

  /** Number of values recorded. */
  get count(): number {
    return this.n;
  }
  /** Smallest value recorded (exact), 0 when empty. */
  get minNs(): number {
    return this.n === 0 ? 0 : this.min;
  }
  /** Largest value recorded (exact), 0 when empty. */
  get maxNs(): number {
    return this.max;
  }
  /** Mean of the values recorded (exact), 0 when empty. */
  get meanNs(): number {
    return this.n === 0 ? 0 : this.sum / this.n;
  }
  /** Values above `highestNs` (counted in the last bucket). */
  get saturated(): number {
    return this.over;
  }

  /**
   * The value at quantile q ∈ [0, 1] (nearest-rank, bucket midpoint, clamped to the
   * exact min and max). 0 when empty.
   */
  valueAtQuantile(q: number): number {
    if (this.n === 0) return 0;
    if (q <= 0) return this.minNs;
    if (q >= 1) return this.max;
    // Nearest rank = ceil(q·n). The product is rounded in binary, e.g. 0.07 × 100 gives
    // 7.000000000000001 and a plain ceil would pick rank 8; shaving a relative 1e-12
    // (far below any real rank fraction) restores the intended integer.
    const x = q * this.n;
    const rank = Math.max(1, Math.ceil(x - x * 1e-12));
    let seen = 0;
    for (let i = 0; i <= this.lastIndex; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) {
        const mid = i < 2 * SUB ? i : bucketLow(i) + bucketWidth(i) / 2;
        return Math.min(this.max, Math.max(this.minNs, mid));
      }
    }
    return this.max;
  }

  /** Adds every count of `other` (same options) into this one. */
  add(other: LogHistogram): void {
    if (other.counts.length !== this.counts.length)
      throw new RangeError('LogHistogram.add: different layouts');
    for (let i = 0; i < this.counts.length; i++) this.counts[i]! += other.counts[i]!;
    this.n += other.n;
    this.sum += other.sum;
    this.over += other.over;
    if (other.n > 0 && other.min < this.min) this.min = other.min;
    if (other.max > this.max) this.max = other.max;
  }

  /** Forgets every value. Never allocates. */
  reset(): void {
    this.counts.fill(0);
    this.n = 0;
    this.sum = 0;
    this.min = Number.POSITIVE_INFINITY;
    this.max = 0;
    this.over = 0;
  }

  /** Non-empty buckets as [lowNs, highNs, count] triples (cold path; allocates). */
  buckets(): Array<[number, number, number]> {
    const out: Array<[number, number, number]> = [];
    for (let i = 0; i <= this.lastIndex; i++) {
      const c = this.counts[i]!;
      if (c > 0) out.push([bucketLow(i), bucketLow(i) + bucketWidth(i), c]);
    }
    return out;
  }
}
