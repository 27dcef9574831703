/**
 * A duration distribution (count, min, mean, p50, p99, p99.9, max; ns): the one shape an
 * execution time, a response time or a release lateness takes everywhere, from the
 * executive's accessors to the snapshot, the run report and the metrics endpoint. Packed
 * form: `DQ_SIZE` doubles at `DQ_*` offsets; object form: {@link DistributionNs}.
 *
 * Allocation contract: {@link distributionInto} allocates nothing once optimised (every
 * figure goes straight into the caller's Float64Array); the object builders are cold.
 */
import type { LogHistogram } from './histogram.js';

/** Values recorded. */
export const DQ_COUNT = 0;
/** Smallest value, ns (0 when empty). */
export const DQ_MIN = 1;
/** Mean, ns (0 when empty). */
export const DQ_MEAN = 2;
/** Median, ns (bucket midpoint, ≤ 0.4 % error; 0 when empty). */
export const DQ_P50 = 3;
/** 99th percentile, ns (as {@link DQ_P50}). */
export const DQ_P99 = 4;
/** 99.9th percentile, ns (as {@link DQ_P50}). */
export const DQ_P999 = 5;
/** Largest value, ns (exact; 0 when empty). */
export const DQ_MAX = 6;
/** Doubles per packed distribution. */
export const DQ_SIZE = 7;

/** min/mean/percentiles/max of a duration distribution, ns (the packed `DQ_*` layout as an object). */
export interface DistributionNs {
  /** Values recorded. */
  readonly count: number;
  /** Smallest value, ns. */
  readonly min: number;
  /** Mean, ns. */
  readonly mean: number;
  /** Median, ns. */
  readonly p50: number;
  /** 99th percentile, ns. */
  readonly p99: number;
  /** 99.9th percentile, ns. */
  readonly p999: number;
  /** Largest value, ns. */
  readonly max: number;
}

/**
 * Writes `h`'s distribution into `out[offset + DQ_*]`. Allocation-free once optimised.
 * @throws RangeError when `out` has no room for `DQ_SIZE` doubles at `offset` (a setup error).
 */
export function distributionInto(h: LogHistogram, out: Float64Array, offset: number): void {
  if (offset < 0 || offset + DQ_SIZE > out.length) {
    throw new RangeError(
      `distribution needs ${DQ_SIZE} doubles at offset ${offset}, the array has ${out.length}`,
    );
  }
  out[offset + DQ_COUNT] = h.count;
  out[offset + DQ_MIN] = h.minNs;
  out[offset + DQ_MEAN] = h.meanNs;
  out[offset + DQ_P50] = h.valueAtQuantile(0.5);
  out[offset + DQ_P99] = h.valueAtQuantile(0.99);
  out[offset + DQ_P999] = h.valueAtQuantile(0.999);
  out[offset + DQ_MAX] = h.maxNs;
}

/** The distribution packed at `packed[offset + DQ_*]`, as an object (cold). */
export function distributionAt(packed: ArrayLike<number>, offset: number): DistributionNs {
  return {
    count: packed[offset + DQ_COUNT] ?? 0,
    min: packed[offset + DQ_MIN] ?? 0,
    mean: packed[offset + DQ_MEAN] ?? 0,
    p50: packed[offset + DQ_P50] ?? 0,
    p99: packed[offset + DQ_P99] ?? 0,
    p999: packed[offset + DQ_P999] ?? 0,
    max: packed[offset + DQ_MAX] ?? 0,
  };
}

/** `h`'s distribution as an object (cold; allocates). */
export function distributionOf(h: LogHistogram): DistributionNs {
  const packed = new Float64Array(DQ_SIZE);
  distributionInto(h, packed, 0);
  return distributionAt(packed, 0);
}

/** A distribution with nothing recorded. */
export const EMPTY_DISTRIBUTION: DistributionNs = Object.freeze({
  count: 0,
  min: 0,
  mean: 0,
  p50: 0,
  p99: 0,
  p999: 0,
  max: 0,
});
