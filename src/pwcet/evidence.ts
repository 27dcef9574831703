/**
 * What a pWCET estimate is computed from ({@link PwcetEvidence}), built either from a
 * complete series of execution times (`hardtick pwcet samples.txt`) or from the bounded
 * buffers an executive keeps during a run ({@link ExecSamplesSnapshot}, src/stats).
 *
 * From a complete series of n values every figure is exact: block maxima of the whole
 * series, the largest 10 % for the peaks-over-threshold ladder, lag-1 autocorrelation and
 * the runs test over all values. From a run's buffers: block maxima (the block size may
 * have doubled to fit the buffer), the top-K values, the lag-1 autocorrelation the
 * recorder accumulated over every value, the runs test over the most recent window.
 *
 * Cold path; allocates.
 */
import { HardtickError } from '../errors.js';
import type { ExecSamplesSnapshot } from '../stats/exec-samples.js';
import { lag1Autocorrelation } from './tests.js';

/** Inputs of a pWCET estimate (all times in ns). */
export interface PwcetEvidence {
  /** Execution times observed in total (n). */
  readonly count: number;
  /** Jobs per block of `blockMaxima`. */
  readonly blockSize: number;
  /** Maximum of each complete block, in time order. */
  readonly blockMaxima: ArrayLike<number>;
  /** The largest values, sorted descending (for peaks over threshold and empirical quantiles). */
  readonly tailDesc: ArrayLike<number>;
  /** Values in time order for the runs test: the whole series, or its most recent window. */
  readonly sequence: ArrayLike<number>;
  /** Lag-1 autocorrelation over all `count` values. */
  readonly lag1: number;
  /** A uniform random sample of all values (or all of them), sorted ascending: empirical quantiles below the tail. */
  readonly reservoir: ArrayLike<number> | null;
}

/** Fewest samples a fit is attempted on. */
export const MIN_SAMPLES = 500;
/** Fewest block maxima a fit is attempted on. */
export const MIN_BLOCKS = 20;
/** Block size `hardtick pwcet` uses for a series unless told (jobs per block). */
export const DEFAULT_BLOCK_SIZE = 100;
/** Blocks aimed for when the default block size would give fewer. */
const TARGET_BLOCKS = 50;

/** Options of {@link evidenceFromSeries}. */
export interface SeriesEvidenceOptions {
  /**
   * Jobs per block. @default 100, or n/50 (at least 10) when the series is shorter than
   * 5000 values, so that there are ≥ 50 block maxima
   */
  readonly blockSize?: number;
}

/**
 * Evidence from a complete series of execution times in time order. O(n log n) (one sort
 * of a copy). Throws `HardtickError('samples_invalid')` when there are fewer than
 * {@link MIN_SAMPLES} values or fewer than {@link MIN_BLOCKS} blocks.
 */
export function evidenceFromSeries(series: Float64Array, options: SeriesEvidenceOptions = {}): PwcetEvidence {
  const n = series.length;
  if (n < MIN_SAMPLES) {
    throw new HardtickError(
      'samples_invalid',
      `${n} sample${n === 1 ? '' : 's'}: a pWCET fit needs at least ${MIN_SAMPLES} execution times`,
    );
  }
  const blockSize =
    options.blockSize ?? Math.max(10, Math.min(DEFAULT_BLOCK_SIZE, Math.floor(n / TARGET_BLOCKS)));
  if (!(Number.isInteger(blockSize) && blockSize >= 1)) {
    throw new HardtickError('samples_invalid', `block size must be an integer >= 1, got ${blockSize}`);
  }
  const blocks = Math.floor(n / blockSize);
  if (blocks < MIN_BLOCKS) {
    throw new HardtickError(
      'samples_invalid',
      `${n} samples make ${blocks} blocks of ${blockSize}: a block-maxima fit needs at least ${MIN_BLOCKS} blocks (use a smaller --block or more samples)`,
    );
  }
  const blockMaxima = new Float64Array(blocks);
  for (let b = 0; b < blocks; b++) {
    let m = Number.NEGATIVE_INFINITY;
    const end = (b + 1) * blockSize;
    for (let i = b * blockSize; i < end; i++) if (series[i]! > m) m = series[i]!;
    blockMaxima[b] = m;
  }
  const sorted = Float64Array.from(series).sort();
  const tailLength = Math.min(n, Math.ceil(0.1 * n) + 1);
  const tailDesc = new Float64Array(tailLength);
  for (let i = 0; i < tailLength; i++) tailDesc[i] = sorted[n - 1 - i]!;
  return {
    count: n,
    blockSize,
    blockMaxima,
    tailDesc,
    sequence: series,
    lag1: lag1Autocorrelation(series),
    reservoir: sorted,
  };
}

/**
 * Evidence from a run's recorder snapshot, or null when it holds too few samples for a
 * fit (fewer than {@link MIN_SAMPLES} values or {@link MIN_BLOCKS} complete blocks).
 */
export function evidenceFromExecSamples(snap: ExecSamplesSnapshot): PwcetEvidence | null {
  if (snap.count < MIN_SAMPLES || snap.blockMaxima.length < MIN_BLOCKS) return null;
  const tailDesc = Float64Array.from(snap.tail).sort().reverse();
  return {
    count: snap.count,
    blockSize: snap.blockSize,
    blockMaxima: Float64Array.from(snap.blockMaxima),
    tailDesc,
    sequence: Float64Array.from(snap.recent),
    lag1: snap.lag1,
    reservoir: Float64Array.from(snap.reservoir).sort(),
  };
}

/** Why {@link evidenceFromExecSamples} returned null, for messages. */
export function execSamplesShortfall(snap: ExecSamplesSnapshot): string | null {
  if (snap.count < MIN_SAMPLES) return `${snap.count} samples (a fit needs ${MIN_SAMPLES})`;
  if (snap.blockMaxima.length < MIN_BLOCKS)
    return `${snap.blockMaxima.length} complete blocks of ${snap.blockSize} (a fit needs ${MIN_BLOCKS})`;
  return null;
}
