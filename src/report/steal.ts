/**
 * CPU steal sampled on the cold side: time the hypervisor ran something else while this
 * machine's vCPUs wanted to run (the `steal` column of /proc/stat, Linux). A pause of the
 * loop is attributed to steal when the steal measured over the sampled interval containing
 * it explains it (pauses.ts), so the samples have to be taken during the run, not only at
 * its ends: {@link StealSampler} takes one per housekeeping interval (in worker mode the
 * host's poll: every 250 ms, and whenever the loop rings it; a 50 ms timer that fires in the
 * loop's yields with `--thread main`).
 *
 * Cold path: a reading takes ~10–60 µs (most of it the kernel writing /proc/stat out) and,
 * on machines whose CPU lines fit its first 4 KiB, allocates nothing; it never runs on the
 * RT thread's hot path (worker mode: the main thread; main-thread mode: inside
 * the loop's event-loop turns, which already allocate).
 *
 * Memory: the sampler keeps a rolling window of recent samples ({@link StealSamplerOptions.retainNs})
 * plus, for good, the samples inside windows pinned around each pause seen (at most
 * {@link StealSamplerOptions.maxPins}), so a run of hours keeps what attribution needs and
 * no more.
 *
 * Scope: the `cpu` line sums steal over every CPU of the machine, so a steal figure is an
 * upper bound for the loop's own vCPU (a 2-vCPU guest can show 2 × the interval). When the
 * loop thread is pinned (`realtime.cpu` applied) the sampler reads the `cpuN` lines of its
 * CPUs instead, steal that could have hit the loop; the report says which (`pauses.stealCpus`).
 */
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';

/** Nanoseconds per /proc/stat tick (USER_HZ is 100 on every Linux ABI Node supports). */
export const NS_PER_STEAL_TICK = 10_000_000;

/**
 * Cumulative steal from the text of /proc/stat (the 8th value of a line), ns: of the whole
 * machine (its `cpu` line, the first) or, with `cpus`, summed over those CPUs' `cpuN` lines;
 * null when a line is missing or a value is not a whole number. The same parser as a
 * reading's ({@link stealTicksInHead}), over the whole text.
 */
export function parseStealNs(procStatText: string, cpus: readonly number[] | null = null): number | null {
  const bytes = Buffer.from(procStatText, 'latin1');
  return stealFromBytes(bytes, bytes.length, cpus, true) ?? null;
}

/**
 * The head of /proc/stat a reading decodes: the `cpu` lines come first (~100 bytes each), so
 * 4 KiB holds them on machines of up to ~40 CPUs; a larger machine's reading falls back to
 * the whole file.
 */
const STAT_HEAD_BYTES = 4096;
let statHead: Buffer | null = null;
/** /proc/stat, kept open: a positional read at 0 regenerates it (a seq_file), as top does. */
let procStatFd = -1;
const PROC_STAT = '/proc/stat';
const SPACE = 0x20;
const NEWLINE = 0x0a;
const DIGIT_0 = 0x30;

/**
 * Steal ticks of the line `name` (`cpu`, which must be the first line, or `cpuN`) in
 * `bytes` [0, `n`): a number; null when the line is there but its 8th value is not a whole
 * number; undefined when no whole line of that name is there. Without `complete`, `bytes`
 * is a head of the file, and a last line without its newline may be cut: it does not
 * count. Parses bytes, allocates nothing.
 */
export function stealTicksInHead(
  bytes: Uint8Array,
  n: number,
  name: string,
  complete = false,
): number | null | undefined {
  let start = 0;
  while (start < n) {
    let end = start;
    while (end < n && bytes[end] !== NEWLINE) end++;
    if (end === n && !complete) return undefined; // a line cut by the end of the head
    let i = 0;
    while (i < name.length && start + i < end && bytes[start + i] === name.charCodeAt(i)) i++;
    if (i === name.length && bytes[start + i] === SPACE) {
      // cpu user nice system idle iowait irq softirq steal …: skip to the 8th value.
      let at = start + i;
      for (let field = 0; field < 8; field++) {
        while (at < end && bytes[at] === SPACE) at++;
        if (at === end) return null;
        if (field === 7) break;
        while (at < end && bytes[at] !== SPACE) at++;
      }
      let ticks = 0;
      let digits = 0;
      for (; at < end && bytes[at] !== SPACE; at++, digits++) {
        const d = bytes[at]! - DIGIT_0;
        if (d < 0 || d > 9) return null;
        ticks = ticks * 10 + d;
      }
      return digits > 0 ? ticks : null;
    }
    if (name === 'cpu') return undefined; // the machine's line is the first one
    start = end + 1;
  }
  return undefined;
}

/**
 * Steal of the machine (`cpus` null) or of those CPUs, ns, from `bytes` [0, `n`) (a head of
 * the file, or with `complete` all of it); undefined: not all of those lines are there.
 */
function stealFromBytes(
  bytes: Uint8Array,
  n: number,
  cpus: readonly number[] | null,
  complete: boolean,
): number | null | undefined {
  if (cpus === null || cpus.length === 0) {
    const ticks = stealTicksInHead(bytes, n, 'cpu', complete);
    return typeof ticks === 'number' ? ticks * NS_PER_STEAL_TICK : ticks;
  }
  let sum = 0;
  for (const cpu of cpus) {
    const ticks = stealTicksInHead(bytes, n, `cpu${cpu}`, complete);
    if (typeof ticks !== 'number') return ticks;
    sum += ticks;
  }
  return sum * NS_PER_STEAL_TICK;
}

/**
 * Cumulative CPU steal (the `cpu` line of /proc/stat, or with `cpus` those CPUs' lines), ns;
 * null when unreadable. Reads the file's head into one reused buffer and parses its bytes:
 * the worker-mode host reads it 20 times a second, where opening the file, `readFileSync`
 * and splitting the whole file (its long `intr` line) were most of the cost of its poll
 * (measured: a third of the main thread's CPU in a 1 ms run). /proc/stat itself stays open
 * for the life of the process; another `path` is opened and closed each time.
 */
export function readStealNs(path = PROC_STAT, cpus: readonly number[] | null = null): number | null {
  let fd = -1;
  try {
    statHead ??= Buffer.allocUnsafe(STAT_HEAD_BYTES);
    let n: number;
    if (path === PROC_STAT) {
      if (procStatFd === -1) procStatFd = openSync(path, 'r');
      try {
        n = readSync(procStatFd, statHead, 0, STAT_HEAD_BYTES, 0);
      } catch (error) {
        closeSync(procStatFd);
        procStatFd = -1;
        throw error;
      }
    } else {
      fd = openSync(path, 'r');
      n = readSync(fd, statHead, 0, STAT_HEAD_BYTES, 0);
    }
    const steal = stealFromBytes(statHead, n, cpus, n < STAT_HEAD_BYTES);
    if (steal !== undefined) return steal;
    // A line not in the head: a large machine's (past 4 KiB), or none at all.
    if (n < STAT_HEAD_BYTES) return null;
    const whole = readFileSync(path);
    return stealFromBytes(whole, whole.length, cpus, true) ?? null;
  } catch {
    return null;
  } finally {
    if (fd !== -1) closeSync(fd);
  }
}

/** One reading: cumulative steal `stealNs` at time `atNs` (the sampler's timeline). */
export interface StealSample {
  readonly atNs: number;
  readonly stealNs: number;
}

/** Steal over one sampled interval `[fromNs, toNs]`. */
export interface StealInterval {
  readonly fromNs: number;
  readonly toNs: number;
  /** Steal accrued between the two samples (all CPUs), ns. */
  readonly stealNs: number;
}

/** Options of {@link StealSampler}. */
export interface StealSamplerOptions {
  /**
   * Reads the cumulative steal, ns (null: unavailable).
   * @default readStealNs() (/proc/stat)
   */
  readonly read?: () => number | null;
  /**
   * How long a sample stays in the rolling window, ns: it must outlast the delay between a
   * pause and the moment the sampler's owner sees its alarm (a forced housekeeping may come
   * after up to 1 s).
   * @default 5_000_000_000 (5 s)
   */
  readonly retainNs?: number;
  /**
   * Pinned windows kept at most (one per pause seen; the report lists the first 100 pauses).
   * @default 100
   */
  readonly maxPins?: number;
  /**
   * Read only these CPUs' steal (the loop thread's, when it is pinned). Ignored with `read`.
   * @default null (every CPU: the `cpu` line)
   */
  readonly cpus?: readonly number[] | null;
}

/** Default {@link StealSamplerOptions.retainNs}. */
export const DEFAULT_STEAL_RETAIN_NS = 5_000_000_000;

/**
 * Samples cumulative steal on the caller's timeline and keeps what pause attribution needs
 * (see the module note). Cold; one owner thread.
 */
export class StealSampler {
  private readonly read: () => number | null;
  private readonly retainNs: number;
  private readonly maxPins: number;
  /** Recent samples, oldest first. */
  private recent: StealSample[] = [];
  /** Samples that fell out of `recent` inside a pinned window, oldest first. */
  private readonly kept: StealSample[] = [];
  /** Pinned windows, with the samples just before and just after each (NaN: none yet). */
  private readonly pins: { fromNs: number; toNs: number; beforeNs: number; afterNs: number }[] = [];
  private unreadable = false;

  /** The CPUs read (null: all of them, the `cpu` line). */
  readonly cpus: readonly number[] | null;

  constructor(options: StealSamplerOptions = {}) {
    const cpus = options.cpus ?? null;
    this.cpus = cpus === null || cpus.length === 0 ? null : [...cpus];
    this.read = options.read ?? (() => readStealNs('/proc/stat', this.cpus));
    this.retainNs = options.retainNs ?? DEFAULT_STEAL_RETAIN_NS;
    this.maxPins = options.maxPins ?? 100;
  }

  /** One reading now, from the same lines the samples come from (ns; null when unreadable). */
  readNow(): number | null {
    return this.read();
  }

  /** False once a read found no steal figure (not Linux, no /proc): sampling then stops. */
  get available(): boolean {
    return !this.unreadable;
  }

  /**
   * Takes one sample at `atNs` (the caller's clock, ns, non-decreasing). Returns false when
   * the steal figure is unavailable. Never throws.
   */
  sample(atNs: number): boolean {
    if (this.unreadable) return false;
    const stealNs = this.read();
    if (stealNs === null) {
      this.unreadable = true;
      return false;
    }
    this.recent.push({ atNs, stealNs });
    // The first sample after a window bounds the interval containing its end.
    for (const pin of this.pins) if (Number.isNaN(pin.afterNs) && atNs > pin.toNs) pin.afterNs = atNs;
    const oldestNs = atNs - this.retainNs;
    let drop = 0;
    while (drop < this.recent.length - 1 && this.recent[drop]!.atNs < oldestNs) drop++;
    if (drop > 0) {
      for (const s of this.recent.slice(0, drop)) if (this.pinned(s.atNs)) this.kept.push(s);
      this.recent = this.recent.slice(drop);
    }
    return true;
  }

  /**
   * Keeps, for good, the samples taken in `[fromNs, toNs]` (the caller's clock) and the
   * one just before and just after it: a pause seen there. Ignored past `maxPins`.
   */
  pin(fromNs: number, toNs: number): void {
    if (this.pins.length >= this.maxPins) return;
    // The sample just before the window bounds the interval containing its start.
    let beforeNs = Number.NaN;
    let afterNs = Number.NaN;
    for (const s of this.recent) {
      if (s.atNs < fromNs) beforeNs = s.atNs;
      else if (s.atNs > toNs && Number.isNaN(afterNs)) afterNs = s.atNs;
    }
    this.pins.push({ fromNs, toNs, beforeNs, afterNs });
  }

  /** Every sample kept (pinned and recent), oldest first. */
  samples(): StealSample[] {
    const out = [...this.kept];
    const last = out.at(-1)?.atNs ?? Number.NEGATIVE_INFINITY;
    for (const s of this.recent) if (s.atNs > last) out.push(s);
    return out;
  }

  private pinned(atNs: number): boolean {
    for (const pin of this.pins) {
      if ((atNs >= pin.fromNs && atNs <= pin.toNs) || atNs === pin.beforeNs || atNs === pin.afterNs)
        return true;
    }
    return false;
  }
}

/** Steal around one pause: the sampled interval containing it, and its neighbours. */
export interface StealAroundPause {
  /** The shortest sampled interval that contains the whole pause. */
  readonly containing: StealInterval;
  /** The sampled interval just before it, or null. */
  readonly before: StealInterval | null;
  /** The sampled interval just after it, or null. */
  readonly after: StealInterval | null;
}

/**
 * Steal over the sampled interval containing `[fromNs, toNs]` (samples and bounds on one
 * timeline, samples oldest first), with the intervals either side; null when no sample
 * precedes `fromNs` or none follows `toNs`.
 */
export function stealAround(
  samples: readonly StealSample[],
  fromNs: number,
  toNs: number,
): StealAroundPause | null {
  let i = -1;
  for (let k = 0; k < samples.length; k++) if (samples[k]!.atNs <= fromNs) i = k;
  let j = -1;
  for (let k = samples.length - 1; k >= 0; k--) if (samples[k]!.atNs >= toNs) j = k;
  if (i < 0 || j < 0 || j <= i) return null;
  const span = (a: StealSample, b: StealSample): StealInterval => ({
    fromNs: a.atNs,
    toNs: b.atNs,
    stealNs: Math.max(0, b.stealNs - a.stealNs),
  });
  return {
    containing: span(samples[i]!, samples[j]!),
    before: i > 0 ? span(samples[i - 1]!, samples[i]!) : null,
    after: j + 1 < samples.length ? span(samples[j]!, samples[j + 1]!) : null,
  };
}
