/**
 * cyclictest-style measurement of release lateness: wake at absolute times t0 + k·period
 * with a {@link Waiter}, read the clock, record `wake − release`. This is what every
 * frame of the executive pays before its first task runs, so it is the floor under any
 * deadline on this machine.
 *
 * Allocation contract: the measuring loop allocates nothing itself (histogram record,
 * arithmetic and the waiter are allocation-free); the clock may (the system clock
 * allocates 16 B per read on Node 20). The summary is built after the loop.
 * Blocks the calling thread for the whole duration.
 */
import { HardtickError } from '../errors.js';
import { LogHistogram } from '../stats/histogram.js';
import type { Clock, Waiter } from './clock.js';
import { releaseTimeNs } from './release.js';

/** Options of {@link measureJitter}. */
export interface MeasureJitterOptions {
  /** Release period in ns (> 0). */
  readonly periodNs: number;
  /** How long to measure, in ns; `floor(durationNs / periodNs)` releases (at least 1). */
  readonly durationNs: number;
  /** Clock the releases are computed and measured on. */
  readonly clock: Clock;
  /** Waiter used to reach each release (on the same clock). */
  readonly waiter: Waiter;
  /**
   * Histogram to record lateness into (it is not reset, so several runs can share one).
   * @default a new `LogHistogram()`
   */
  readonly histogram?: LogHistogram;
  /**
   * Releases run before measuring and not recorded, so JIT tier-up and first-touch page
   * faults do not land in the figures. @default 0
   */
  readonly warmupPeriods?: number;
}

/** Lateness percentiles in ns, the `latenessNs` object of the run and jitter reports. */
export interface LatenessSummaryNs {
  /** Smallest lateness (exact). */
  readonly min: number;
  /** Median (≤ 0.4 % relative error, see `LogHistogram`). */
  readonly p50: number;
  /** 99th percentile. */
  readonly p99: number;
  /** 99.9th percentile. */
  readonly p999: number;
  /** Largest lateness (exact). */
  readonly max: number;
}

/** The `hardtick jitter --json` object: `{ periodNs, count, latenessNs }`. */
export interface JitterSummary {
  /** Release period in ns. */
  readonly periodNs: number;
  /** Releases measured (recorded in the histogram). */
  readonly count: number;
  /** Lateness percentiles in ns (rounded to whole ns). */
  readonly latenessNs: LatenessSummaryNs;
}

/** Extra facts of a jitter run, kept out of {@link JitterSummary}'s fixed shape. */
export interface JitterDetails {
  /**
   * Releases skipped because the loop woke after the *next* release had already passed
   * (cyclictest skips them the same way rather than running them back to back).
   */
  readonly missedPeriods: number;
  /** Mean lateness in ns. */
  readonly meanNs: number;
  /** Lateness values above the histogram's range (clamped; `max` stays exact). */
  readonly saturated: number;
  /** Wall time of the measured part on the clock, in ns. */
  readonly elapsedNs: number;
  /** `clock.kind`. */
  readonly clock: string;
  /** `waiter.kind`. */
  readonly waiter: string;
}

/** What {@link measureJitter} returns: the summary plus `details`. */
export interface JitterResult extends JitterSummary {
  /** Facts that are not part of the `--json` contract's required shape. */
  readonly details: JitterDetails;
}

/**
 * Measures release lateness at a fixed period for `durationNs` (blocking).
 *
 * @throws HardtickError `usage` when `periodNs`/`durationNs` are not positive finite numbers.
 */
export function measureJitter(options: MeasureJitterOptions): JitterResult {
  const { periodNs, durationNs, clock, waiter } = options;
  if (!(periodNs > 0) || !Number.isFinite(periodNs)) {
    throw new HardtickError(
      'usage',
      `measureJitter: periodNs must be a positive finite number, got ${periodNs}`,
    );
  }
  if (!(durationNs > 0) || !Number.isFinite(durationNs)) {
    throw new HardtickError(
      'usage',
      `measureJitter: durationNs must be a positive finite number, got ${durationNs}`,
    );
  }
  const warmup = options.warmupPeriods ?? 0;
  if (!Number.isSafeInteger(warmup) || warmup < 0) {
    throw new HardtickError('usage', `measureJitter: warmupPeriods must be an integer >= 0, got ${warmup}`);
  }
  const histogram = options.histogram ?? new LogHistogram();
  const releases = Math.max(1, Math.floor(durationNs / periodNs));

  if (warmup > 0) runLoop(clock, waiter, periodNs, warmup, null);
  const startNs = clock.nowNs();
  const before = histogram.count;
  const missedPeriods = runLoop(clock, waiter, periodNs, releases, histogram);
  const elapsedNs = clock.nowNs() - startNs;

  return {
    periodNs,
    count: histogram.count - before,
    latenessNs: {
      min: Math.round(histogram.minNs),
      p50: Math.round(histogram.valueAtQuantile(0.5)),
      p99: Math.round(histogram.valueAtQuantile(0.99)),
      p999: Math.round(histogram.valueAtQuantile(0.999)),
      max: Math.round(histogram.maxNs),
    },
    details: {
      missedPeriods,
      meanNs: histogram.meanNs,
      saturated: histogram.saturated,
      elapsedNs,
      clock: clock.kind,
      waiter: waiter.kind,
    },
  };
}

/**
 * The measuring loop: `releases` slots starting one period from now. Returns the number
 * of releases skipped. Allocation-free (numbers only).
 */
function runLoop(
  clock: Clock,
  waiter: Waiter,
  periodNs: number,
  releases: number,
  histogram: LogHistogram | null,
): number {
  const t0Ns = clock.nowNs() + periodNs;
  let missed = 0;
  let k = 0;
  // The release reaches a waiter with `waitUntilAt` through a typed array (never boxed).
  const cell = new Float64Array(1);
  const waitAt = typeof waiter.waitUntilAt === 'function';
  while (k < releases) {
    const releaseNs = releaseTimeNs(t0Ns, k, periodNs);
    if (waitAt) {
      cell[0] = releaseNs;
      waiter.waitUntilAt!(cell, 0);
    } else {
      waiter.waitUntil(releaseNs);
    }
    const wakeNs = clock.nowNs();
    if (histogram !== null) histogram.record(wakeNs - releaseNs);
    k++;
    // Woke after the next release already passed: skip to the first release still ahead
    // (release times stay on the t0 + k·period grid, so no drift is introduced).
    if (k < releases && wakeNs >= releaseTimeNs(t0Ns, k, periodNs)) {
      let next = Math.floor((wakeNs - t0Ns) / periodNs) + 1;
      if (next > releases) next = releases;
      missed += next - k;
      k = next;
    }
  }
  return missed;
}
