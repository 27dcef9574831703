/**
 * The adaptive spin margin of the sleeping waiters: learns how late the thread wakes from a
 * sleep (the oversleep), per class of wait length, and picks the margin that covers a
 * chosen quantile of it within a CPU budget. A waiter sleeps to `deadline − margin` and
 * spins the rest, so a margin that covers the oversleep's p99 makes ~99 % of wake-ups land
 * before the deadline, at the price of spinning (margin − oversleep) on the others.
 *
 * Allocation contract: allocates in the constructor only; `planStaged`, `recordStaged`,
 * `lastMarginInto` and `marginStatsInto` allocate nothing (every double travels through a
 * Float64Array: `io` in and out). `marginNsFor` and `lastMarginNs` return a number (boxed
 * by a caller the JIT does not inline it into): for tests and the cold side. `summary` is
 * cold. One thread: the waiter's.
 */
/** Wait-length classes: class c holds waits of [2^c, 2^(c+1)) µs (class 0 also shorter ones; the last, longer ones). */
export const MARGIN_CLASS_COUNT = 20;
/** Oversleeps below this many µs get one bucket per µs; above, 8 buckets per power of two. */
const EXACT_US = 16;
/** Largest oversleep tracked, µs (about 1 s); larger ones count in the last bucket. */
const MAX_OVERSLEEP_US = (1 << 20) - 1;
/** Buckets per histogram: 16 exact + 8 per power of two from 2^4 to 2^19. */
const BUCKETS = EXACT_US + (20 - 4) * 8;

/** Default {@link MarginLearnerOptions.quantile}: the margin covers 99 % of wake-ups. */
export const DEFAULT_MARGIN_QUANTILE = 0.99;
/** Default {@link MarginLearnerOptions.minMarginNs} (10 µs). */
export const DEFAULT_MIN_MARGIN_NS = 10_000;
/** Default {@link MarginLearnerOptions.maxMarginNs} (1 ms). */
export const DEFAULT_MAX_MARGIN_NS = 1_000_000;
/** Default {@link MarginLearnerOptions.maxSpinShare}: on average at most 0.5 % of a wait is spent spinning. */
export const DEFAULT_MAX_SPIN_SHARE = 0.005;
/** Default {@link MarginLearnerOptions.halfWindow}: the learner remembers the last 1024 to 2048 sleeps per class. */
export const DEFAULT_MARGIN_HALF_WINDOW = 1024;
/** Smallest {@link MarginLearnerOptions.halfWindow}: a p99 needs a hundred samples. */
export const MARGIN_MIN_HALF_WINDOW = 100;
/** Largest margin accepted, ns (1 s: margins stay small integers, see the module note). */
export const MAX_MARGIN_LIMIT_NS = 1_000_000_000;

/** Offsets in {@link MarginLearner.io} (`IO_*`): how the waiter hands doubles over without boxing. */
/** The wait being planned: deadline − now at entry, ns. */
export const IO_WAIT_NS = 0;
/** The sleep's oversleep: wake read − the time the sleep aimed at, ns (negative counts as 0). */
export const IO_OVERSLEEP_NS = 1;
/** The margin `planStaged` chose for the staged wait, ns. */
export const IO_MARGIN_NS = 2;
/** A wait asked about by `marginNsFor`, and its margin (kept apart from the staged wait). */
const IO_QUERY_NS = 3;
const IO_QUERY_MARGIN_NS = 4;
const IO_SIZE = 5;

/** Offsets in `MarginLearner.st` (`LS_*`). */
/** Margin of the last planned wait, ns. */
const LS_LAST_NS = 0;
const LS_QUANTILE = 1;
const LS_SPIN_SHARE = 2;
const LS_MIN_NS = 3;
const LS_MAX_NS = 4;
const LS_INITIAL_NS = 5;
/** The fixed margin, ns; −1 when learned. */
const LS_FIXED_NS = 6;
const LS_SIZE = 7;

/** Per-class state offsets in `meta` (`MC_*`). */
/** Bank (0 or 1) that receives new samples; the other holds the previous half window. */
const MC_BANK = 0;
/** Samples in the receiving bank and in the previous one. */
const MC_CUR = 1;
const MC_PREV = 2;
/** Highest non-empty bucket of each bank (−1: empty). */
const MC_TOP0 = 3;
const MC_TOP1 = 4;
/** Sleeps ever recorded in the class. */
const MC_SAMPLES = 5;
/** The quantile of the window's oversleep, ns (upper bound of its bucket; 0 before any sample). */
const MC_QUANTILE_NS = 6;
/** The class margin before the per-wait spin-share cap, ns. */
const MC_MARGIN_NS = 7;
/** Margin applied at the class's last planned wait, ns (0 before any). */
const MC_LAST_NS = 8;
const MC_SIZE = 9;

/** Row layout of {@link MarginLearner.marginStatsInto} (`MS_*`), one row per class. */
/** Shortest wait of the class, ns. */
export const MS_WAIT_FROM_NS = 0;
/** Sleeps recorded in the class since creation. */
export const MS_SAMPLES = 1;
/** The learned quantile of the oversleep, ns (over the window). */
export const MS_QUANTILE_NS = 2;
/** The margin the class's shortest wait gets now (its learned margin, or the initial one before any sample), ns. */
export const MS_MARGIN_NS = 3;
/** Margin applied at the class's last wait (after the spin-share cap), ns. */
export const MS_LAST_MARGIN_NS = 4;
/** Doubles per row. */
export const MS_SIZE = 5;

/** Options of {@link MarginLearner}. */
export interface MarginLearnerOptions {
  /** Quantile of the oversleep the margin covers, in (0, 1). @default 0.99 */
  readonly quantile?: number;
  /** Smallest margin, ns. @default 10_000 (10 µs) */
  readonly minMarginNs?: number;
  /** Largest margin, ns (≤ 1 s). @default 1_000_000 (1 ms) */
  readonly maxMarginNs?: number;
  /**
   * The CPU budget of the spin: the margin is the largest whose mean spin over the learned
   * oversleeps, mean(max(0, margin − oversleep)), stays within `maxSpinShare` of the wait
   * (a 1 ms loop spins 5 µs per frame on average at 0.005). When that is less than the
   * quantile, the quantile is not covered: the budget wins. In (0, 1]. @default 0.005
   */
  readonly maxSpinShare?: number;
  /**
   * Margin of a wait class before its first sample, ns (then also at most `maxSpinShare`
   * of the wait). @default 100_000
   */
  readonly initialMarginNs?: number;
  /**
   * A fixed margin, ns: the learner then only observes (its summary says what a learned
   * margin would be) and every wait gets this one. @default undefined (learned)
   */
  readonly fixedMarginNs?: number;
  /** Samples per bank: the quantile is over the last `halfWindow` to `2·halfWindow` sleeps of a class. @default 1024 */
  readonly halfWindow?: number;
}

/** One wait-length class in {@link MarginSummary}. */
export interface MarginClassSummary {
  /** Shortest wait of the class, ns. */
  readonly waitFromNs: number;
  /** First wait length past the class, ns (null for the last, open class). */
  readonly waitToNs: number | null;
  /** Sleeps recorded since creation. */
  readonly samples: number;
  /** Sleeps in the learning window now. */
  readonly windowSamples: number;
  /** Oversleep of the window, ns (bucket upper bounds: ≤ 1 µs or 12.5 % above the value). */
  readonly oversleepNs: { readonly p50: number; readonly quantile: number; readonly max: number };
  /** The class margin before the spin-share cap, ns. */
  readonly marginNs: number;
  /** Margin applied at the class's last wait, ns. */
  readonly lastMarginNs: number;
}

/** What the learner knows, for reports (cold). */
export interface MarginSummary {
  /** `'auto'`: the learned margin drives the waiter; `'fixed'`: a fixed margin does, the learner only observes. */
  readonly mode: 'auto' | 'fixed';
  /** The fixed margin (mode `'fixed'`), else null. */
  readonly fixedMarginNs: number | null;
  readonly quantile: number;
  readonly minMarginNs: number;
  readonly maxMarginNs: number;
  readonly maxSpinShare: number;
  readonly initialMarginNs: number;
  /** Margin of the last planned wait, ns (what a status line shows). */
  readonly lastMarginNs: number;
  /** Classes with at least one sleep, shortest waits first. */
  readonly classes: readonly MarginClassSummary[];
}

/**
 * Learns the oversleep of a waiter's sleeps per wait-length class and gives the margin for
 * a wait: the class's `quantile` of the oversleep (the upper bound of its bucket), lowered
 * to the largest margin whose mean spin over the class's samples stays within
 * `maxSpinShare` of the wait, and to half the wait, within `[minMarginNs, maxMarginNs]`. A
 * class without samples uses the initial margin, at most `maxSpinShare` of the wait. The window: each class keeps
 * two banks of `halfWindow` samples; when the receiving bank is full, the older one is
 * cleared and receives from then on.
 */
export class MarginLearner {
  /** Staging cells (`IO_*`): the waiter writes doubles here instead of passing them. */
  readonly io = new Float64Array(IO_SIZE);
  readonly quantile: number;
  readonly minMarginNs: number;
  readonly maxMarginNs: number;
  readonly maxSpinShare: number;
  readonly initialMarginNs: number;
  readonly halfWindow: number;
  /** The fixed margin, ns, or null when the margin is learned. */
  readonly fixedMarginNs: number | null;
  /** Counts: class c, bank b, bucket i at `(c·2 + b)·BUCKETS + i`. */
  private readonly counts = new Float64Array(MARGIN_CLASS_COUNT * 2 * BUCKETS);
  private readonly meta = new Float64Array(MARGIN_CLASS_COUNT * MC_SIZE);
  /**
   * The last margin and the parameters the hot path reads (`LS_*`), as doubles in a typed
   * array: mixing a double with a small-integer object field in one expression makes V8
   * box the result.
   */
  private readonly st = new Float64Array(LS_SIZE);

  /** @throws RangeError for an option out of range (named, with the value). */
  constructor(options: MarginLearnerOptions = {}) {
    const quantile = options.quantile ?? DEFAULT_MARGIN_QUANTILE;
    const minMarginNs = options.minMarginNs ?? DEFAULT_MIN_MARGIN_NS;
    const maxMarginNs = options.maxMarginNs ?? DEFAULT_MAX_MARGIN_NS;
    const maxSpinShare = options.maxSpinShare ?? DEFAULT_MAX_SPIN_SHARE;
    const initialMarginNs = options.initialMarginNs ?? 100_000;
    const halfWindow = options.halfWindow ?? DEFAULT_MARGIN_HALF_WINDOW;
    const fixedMarginNs = options.fixedMarginNs ?? null;
    if (!(quantile > 0 && quantile < 1))
      throw new RangeError(`MarginLearner: quantile must be in (0, 1), got ${quantile}`);
    for (const [name, v] of [
      ['minMarginNs', minMarginNs],
      ['maxMarginNs', maxMarginNs],
      ['initialMarginNs', initialMarginNs],
      ['fixedMarginNs', fixedMarginNs ?? 0],
    ] as const) {
      if (!(Number.isInteger(v) && v >= 0 && v <= MAX_MARGIN_LIMIT_NS))
        throw new RangeError(
          `MarginLearner: ${name} must be an integer from 0 to ${MAX_MARGIN_LIMIT_NS} ns, got ${v}`,
        );
    }
    if (minMarginNs > maxMarginNs)
      throw new RangeError(
        `MarginLearner: minMarginNs (${minMarginNs}) must not exceed maxMarginNs (${maxMarginNs})`,
      );
    if (!(maxSpinShare > 0 && maxSpinShare <= 1))
      throw new RangeError(`MarginLearner: maxSpinShare must be in (0, 1], got ${maxSpinShare}`);
    if (!(Number.isInteger(halfWindow) && halfWindow >= MARGIN_MIN_HALF_WINDOW))
      throw new RangeError(
        `MarginLearner: halfWindow must be an integer >= ${MARGIN_MIN_HALF_WINDOW}, got ${halfWindow}`,
      );
    this.quantile = quantile;
    this.minMarginNs = minMarginNs;
    this.maxMarginNs = maxMarginNs;
    this.maxSpinShare = maxSpinShare;
    this.initialMarginNs = initialMarginNs;
    this.halfWindow = halfWindow;
    this.fixedMarginNs = fixedMarginNs;
    this.st[LS_QUANTILE] = quantile;
    this.st[LS_SPIN_SHARE] = maxSpinShare;
    this.st[LS_MIN_NS] = minMarginNs;
    this.st[LS_MAX_NS] = maxMarginNs;
    this.st[LS_INITIAL_NS] = initialMarginNs;
    this.st[LS_FIXED_NS] = -1; // the warm-up below learns; set after it
    this.warmUp();
    this.reset();
    this.st[LS_FIXED_NS] = fixedMarginNs ?? -1;
  }

  /**
   * Runs every branch of the hot methods once their feedback exists (bank switches, the
   * bounds, the spin budget, classes with and without samples), so that a waiter optimised with them
   * inlined never meets a path without type feedback later: that would deoptimise it
   * mid-run and the interpreter, running until it is optimised again, allocates.
   */
  private warmUp(): void {
    const io = this.io;
    const n = 4 * this.halfWindow + 3;
    for (let i = 0; i < n; i++) {
      const k = i % 3;
      io[IO_WAIT_NS] = k === 0 ? 3e3 : k === 1 ? 1e6 : 1e8;
      this.planStaged();
      const j = i & 7;
      io[IO_OVERSLEEP_NS] = j === 0 ? 5e9 : j === 1 ? -1 : j < 5 ? 0 : (i % 11) * 1e4;
      this.recordStaged();
    }
    // The quantile scan stepping down past empty buckets: stopping midway, and running to bucket 0.
    for (let i = 0; i < 300; i++) {
      io[IO_WAIT_NS] = 3e7;
      io[IO_OVERSLEEP_NS] = i < 2 ? 5e5 : 1e4;
      this.recordStaged();
      io[IO_WAIT_NS] = 6e7;
      io[IO_OVERSLEEP_NS] = i < 1 ? 5e5 : 0;
      this.recordStaged();
    }
    for (let c = 0; c < MARGIN_CLASS_COUNT; c++) {
      this.quantileBucket(c, 0);
      this.quantileBucket(c, 1);
    }
    // The fixed-margin branch too (the constructor sets the real value afterwards).
    this.st[LS_FIXED_NS] = 50_000;
    for (let i = 0; i < 200; i++) {
      io[IO_WAIT_NS] = 1e6;
      this.planStaged();
      this.marginNsFor(1e6);
    }
    this.st[LS_FIXED_NS] = -1;
  }

  /** Forgets every sample (every class back to the initial margin). */
  reset(): void {
    this.counts.fill(0);
    const m = this.meta;
    for (let c = 0; c < MARGIN_CLASS_COUNT; c++) {
      const o = c * MC_SIZE;
      m[o + MC_BANK] = 0;
      m[o + MC_CUR] = 0;
      m[o + MC_PREV] = 0;
      m[o + MC_TOP0] = -1;
      m[o + MC_TOP1] = -1;
      m[o + MC_SAMPLES] = 0;
      m[o + MC_QUANTILE_NS] = 0;
      m[o + MC_MARGIN_NS] = -1; // no sample yet: the initial margin applies
      m[o + MC_LAST_NS] = 0;
    }
    this.st[LS_LAST_NS] = 0;
  }

  /**
   * Chooses the margin for the wait in `io[IO_WAIT_NS]` (ns) into `io[IO_MARGIN_NS]`, and
   * remembers it as the last margin. The hot path's entry: allocation-free, and no double
   * crosses a call whether or not the JIT inlines it.
   */
  planStaged(): void {
    const io = this.io;
    const o = classOf(io[IO_WAIT_NS]!) * MC_SIZE;
    this.marginInto(o, IO_WAIT_NS, IO_MARGIN_NS);
    const margin = io[IO_MARGIN_NS]!;
    this.meta[o + MC_LAST_NS] = margin;
    this.st[LS_LAST_NS] = margin;
  }

  /**
   * Records a sleep: oversleep `io[IO_OVERSLEEP_NS]` in the class of the wait in
   * `io[IO_WAIT_NS]`, and updates that class's margin. Allocation-free.
   */
  recordStaged(): void {
    const io = this.io;
    const c = classOf(io[IO_WAIT_NS]!);
    const o = c * MC_SIZE;
    const m = this.meta;
    const b = bucketOf(io[IO_OVERSLEEP_NS]!);
    let bank = m[o + MC_BANK]!;
    if (m[o + MC_CUR]! >= this.halfWindow) {
      // The receiving bank is full: the older one is cleared and receives from now on.
      bank = 1 - bank;
      m[o + MC_BANK] = bank;
      m[o + MC_PREV] = m[o + MC_CUR]!;
      m[o + MC_CUR] = 0;
      m[o + MC_TOP0 + bank] = -1;
      this.counts.fill(0, (c * 2 + bank) * BUCKETS, (c * 2 + bank + 1) * BUCKETS);
    }
    this.counts[(c * 2 + bank) * BUCKETS + b]!++;
    m[o + MC_CUR]!++;
    m[o + MC_SAMPLES]!++;
    if (b > m[o + MC_TOP0 + bank]!) m[o + MC_TOP0 + bank] = b;
    const q = this.quantileBucket(c, 1);
    const total = m[o + MC_CUR]! + m[o + MC_PREV]!;
    const counts = this.counts;
    const a = c * 2 * BUCKETS;
    const qNs = bucketUpperNs(q);
    m[o + MC_QUANTILE_NS] = qNs;
    // The spin budget: the largest bucket upper bound m ≤ the quantile whose summed spin over
    // the window, Σ max(0, m − low)·count (low: the bucket's lower bound, so the spin is
    // overestimated), stays within maxSpinShare · this wait · samples.
    const budget = this.st[LS_SPIN_SHARE]! * io[IO_WAIT_NS]! * total;
    let spinMargin = 0;
    let below = 0;
    let lowSum = 0;
    for (let i = 0; i <= q; i++) {
      const ci = counts[a + i]! + counts[a + BUCKETS + i]!;
      below += ci;
      lowSum += ci * bucketLowNs(i);
      const candidate = bucketUpperNs(i);
      if (below * candidate - lowSum > budget) break;
      spinMargin = candidate;
    }
    m[o + MC_MARGIN_NS] = this.clampMargin(Math.min(spinMargin, qNs));
  }

  /** Convenience for tests and cold callers: stages `waitNs` and `oversleepNs`, then {@link MarginLearner.recordStaged}. */
  record(waitNs: number, oversleepNs: number): void {
    this.io[IO_WAIT_NS] = waitNs;
    this.io[IO_OVERSLEEP_NS] = oversleepNs;
    this.recordStaged();
  }

  /** The margin a wait of `waitNs` would get now, ns (integer; does not count as a wait). */
  marginNsFor(waitNs: number): number {
    this.io[IO_QUERY_NS] = waitNs;
    this.marginInto(classOf(waitNs) * MC_SIZE, IO_QUERY_NS, IO_QUERY_MARGIN_NS);
    return this.io[IO_QUERY_MARGIN_NS]!;
  }

  /** Margin of the last planned wait, ns (0 before any). A number: read it off the hot path, or use {@link MarginLearner.lastMarginInto}. */
  get lastMarginNs(): number {
    return this.st[LS_LAST_NS]!;
  }

  /** Writes the margin of the last planned wait, ns, into `out[at]`. Allocation-free. */
  lastMarginInto(out: Float64Array, at: number): void {
    out[at] = this.st[LS_LAST_NS]!;
  }

  /**
   * Writes one `MS_*` row per class (all {@link MARGIN_CLASS_COUNT}, shortest waits first)
   * into `out` at `offset`; rows of classes without samples have `MS_SAMPLES` 0.
   * Allocation-free, for periodic stats. @throws RangeError when `out` is too short.
   */
  marginStatsInto(out: Float64Array, offset = 0): void {
    if (offset < 0 || offset + MARGIN_CLASS_COUNT * MS_SIZE > out.length)
      throw new RangeError(
        `MarginLearner.marginStatsInto: needs ${MARGIN_CLASS_COUNT * MS_SIZE} doubles at offset ${offset}, the array has ${out.length}`,
      );
    const m = this.meta;
    for (let c = 0; c < MARGIN_CLASS_COUNT; c++) {
      const o = c * MC_SIZE;
      const r = offset + c * MS_SIZE;
      out[r + MS_WAIT_FROM_NS] = classFromNs(c);
      out[r + MS_SAMPLES] = m[o + MC_SAMPLES]!;
      out[r + MS_QUANTILE_NS] = m[o + MC_QUANTILE_NS]!;
      this.io[IO_QUERY_NS] = classFromNs(c);
      this.marginInto(o, IO_QUERY_NS, IO_QUERY_MARGIN_NS);
      out[r + MS_MARGIN_NS] = this.io[IO_QUERY_MARGIN_NS]!;
      out[r + MS_LAST_MARGIN_NS] = m[o + MC_LAST_NS]!;
    }
  }

  /** What the learner knows (cold; allocates). */
  summary(): MarginSummary {
    const fixedMarginNs = this.fixedMarginNs;
    const m = this.meta;
    const classes: MarginClassSummary[] = [];
    for (let c = 0; c < MARGIN_CLASS_COUNT; c++) {
      const o = c * MC_SIZE;
      if (m[o + MC_SAMPLES] === 0) continue;
      classes.push({
        waitFromNs: classFromNs(c),
        waitToNs: c === MARGIN_CLASS_COUNT - 1 ? null : classFromNs(c + 1),
        samples: m[o + MC_SAMPLES]!,
        windowSamples: m[o + MC_CUR]! + m[o + MC_PREV]!,
        oversleepNs: {
          p50: bucketUpperNs(this.quantileBucket(c, 0)),
          quantile: m[o + MC_QUANTILE_NS]!,
          max: bucketUpperNs(Math.max(m[o + MC_TOP0]!, m[o + MC_TOP1]!)),
        },
        marginNs: m[o + MC_MARGIN_NS]!,
        lastMarginNs: m[o + MC_LAST_NS]!,
      });
    }
    return {
      mode: fixedMarginNs === null ? 'auto' : 'fixed',
      fixedMarginNs,
      quantile: this.quantile,
      minMarginNs: this.minMarginNs,
      maxMarginNs: this.maxMarginNs,
      maxSpinShare: this.maxSpinShare,
      initialMarginNs: this.initialMarginNs,
      lastMarginNs: this.st[LS_LAST_NS]!,
      classes,
    };
  }

  /**
   * Writes into `io[out]` the margin of class offset `o` for the wait in `io[at]`: the fixed
   * margin; else the learned one, at most half the wait (so every wait still sleeps and the
   * class keeps learning: a margin beyond the wait means no sleep, no sample, a whole-wait
   * spin); before any sample the initial one, at most maxSpinShare of the wait; within the
   * bounds. Only small integers cross the call and the result goes to a Float64Array: a
   * double returned or passed by a call V8 did not inline is boxed (16 B a wait).
   */
  private marginInto(o: number, at: number, out: number): void {
    const st = this.st;
    const io = this.io;
    let margin = st[LS_FIXED_NS]!;
    if (margin < 0) {
      const waitNs = io[at]!;
      const learned = this.meta[o + MC_MARGIN_NS]!;
      const cap = learned >= 0 ? Math.floor(waitNs / 2) : Math.floor(waitNs * st[LS_SPIN_SHARE]!);
      margin = learned >= 0 ? learned : st[LS_INITIAL_NS]!;
      if (margin > cap) margin = cap;
      if (margin < st[LS_MIN_NS]!) margin = st[LS_MIN_NS]!;
      if (margin > st[LS_MAX_NS]!) margin = st[LS_MAX_NS]!;
    }
    io[out] = margin;
  }

  private clampMargin(ns: number): number {
    const st = this.st;
    if (ns < st[LS_MIN_NS]!) return st[LS_MIN_NS]!;
    if (ns > st[LS_MAX_NS]!) return st[LS_MAX_NS]!;
    return ns;
  }

  /**
   * Bucket of the nearest-rank quantile over both banks of class `c` (0 when empty): the
   * median for `which` 0, the learner's quantile for 1. Scans down from the highest
   * non-empty bucket, so a high quantile stops after a few buckets.
   */
  private quantileBucket(c: number, which: number): number {
    const q = which === 0 ? 0.5 : this.st[LS_QUANTILE]!;
    const m = this.meta;
    const o = c * MC_SIZE;
    const total = m[o + MC_CUR]! + m[o + MC_PREV]!;
    if (total === 0) return 0;
    const rank = Math.max(1, Math.ceil(q * total - 1e-9));
    const allowedAbove = total - rank;
    const counts = this.counts;
    const a = c * 2 * BUCKETS;
    const top = Math.max(m[o + MC_TOP0]!, m[o + MC_TOP1]!);
    let above = 0;
    for (let i = top; i > 0; i--) {
      above += counts[a + i]! + counts[a + BUCKETS + i]!;
      if (above > allowedAbove) return i;
    }
    return 0;
  }
}

/** Class of a wait of `waitNs`: floor(log2(µs)), within [0, MARGIN_CLASS_COUNT − 1]. */
function classOf(waitNs: number): number {
  if (!(waitNs >= 2000)) return 0; // also NaN and negative waits
  const c = 31 - Math.clz32(waitNs >= 1e12 ? 1e9 : Math.floor(waitNs / 1000));
  return c < MARGIN_CLASS_COUNT ? c : MARGIN_CLASS_COUNT - 1;
}

/** Shortest wait of class `c`, ns (class 0 starts at 0). */
function classFromNs(c: number): number {
  return c === 0 ? 0 : 2 ** c * 1000;
}

/** Bucket of an oversleep of `ns` (rounded up to whole µs; ≤ 0 and NaN → bucket 0). */
function bucketOf(ns: number): number {
  let us = ns > 0 ? Math.ceil(ns / 1000) : 0;
  if (us > MAX_OVERSLEEP_US) us = MAX_OVERSLEEP_US;
  if (us < EXACT_US) return us;
  const e = 31 - Math.clz32(us); // 4..19
  return EXACT_US + (e - 4) * 8 + ((us >>> (e - 3)) & 7);
}

/** Smallest oversleep of bucket `i`, ns (a lower bound: the bucket holds values above it). */
function bucketLowNs(i: number): number {
  if (i < EXACT_US) return i === 0 ? 0 : (i - 1) * 1000;
  const e = 4 + ((i - EXACT_US) >> 3);
  const sub = (i - EXACT_US) & 7;
  return (((8 + sub) << (e - 3)) - 1) * 1000;
}

/** Largest oversleep of bucket `i`, ns: the margin that covers every sample in it. */
function bucketUpperNs(i: number): number {
  if (i < EXACT_US) return i * 1000;
  const e = 4 + ((i - EXACT_US) >> 3);
  const sub = (i - EXACT_US) & 7;
  const lowUs = (8 + sub) << (e - 3);
  return (lowUs + (1 << (e - 3)) - 1) * 1000;
}

/** The bucket layout, exposed for tests. */
export const marginInternals = { classOf, bucketOf, bucketLowNs, bucketUpperNs, BUCKETS } as const;
