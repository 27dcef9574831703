/**
 * Native backend benchmark (issue 4, item 5 and benchmark 6(b)).
 *
 *   npx tsx bench/native.bench.ts [--duration 10s] [--segment 2s] [--period 1ms]
 *                                 [--fifo 80] [--json]
 *
 * Part 1, clock reads (tinybench, 10 000 reads per iteration, p50 of iterations): ns per
 * read and bytes allocated per read (v8.GCProfiler over 10^6 reads after warm-up) for the
 * addon's `readClock()` + inline `buf[0]` load (bound array), `clockInto(f64)`,
 * `NativeClock.nowNs()`, `performance.now()`, `process.hrtime.bigint()`, `process.hrtime()`.
 *
 * Part 2, a 1 ms frame loop: each frame waits for its absolute release (t0 + k·period),
 * reads the clock (wake time → lateness = wake − release), then makes 3 more clock reads
 * (the executive's N+1 shared timestamps for 3 slots). Releases already past when the
 * loop gets there are skipped and counted as missed (cyclictest's rule). Variants:
 * NativeClock + NativeWaiter at margins 0, 20, 50, 100 µs, and SystemClock (performance.now)
 * + HybridWaiter at 200 µs (its default) and 100 µs. Interleaved: rounds of one `--segment`
 * per variant, order rotated every round, `--duration` per variant in total. Reported:
 * lateness p50/p99/p99.9/max, missed %, CPU % of one core (process.cpuUsage over wall
 * time), GCs, bytes allocated per frame (GCProfiler: freed by each GC + heap growth).
 * The main thread's timer slack is lowered to 1 ns first (all variants alike).
 * `--fifo N` runs the loop thread at SCHED_FIFO priority N through the addon (root; the
 * spin margins are ≤ 20 % of the period, far below RT throttling's 95 %).
 */
import { PerformanceObserver } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { GCProfiler } from 'node:v8';
import { Bench } from 'tinybench';
import { parseDurationNs } from '../src/config/index.js';
import {
  applyThreadRealtime,
  loadNative,
  type NativeBinding,
  NativeClock,
  NativeWaiter,
  nativeStatus,
} from '../src/native/index.js';
import { HybridWaiter } from '../src/time/hybrid-waiter.js';
import { systemClock } from '../src/time/system-clock.js';
import { tryLowerTimerSlack } from '../src/time/timer-slack.js';

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '10s' },
    segment: { type: 'string', default: '2s' },
    period: { type: 'string', default: '1ms' },
    fifo: { type: 'string' },
    json: { type: 'boolean', default: false },
  },
});
const durationNs = parseDurationNs(args.duration);
const segmentNs = parseDurationNs(args.segment);
const periodNs = parseDurationNs(args.period);

const binding = loadNative();
if (binding === null) {
  console.error(`native addon unavailable: ${nativeStatus().reason}`);
  process.exit(1);
}
const b: NativeBinding = binding;
const nativeClock = new NativeClock(b);
const nbuf = nativeClock.buf;
const into = new Float64Array(1);

/**
 * Module-level sink so the JIT keeps the reads. A typed array, not a `let`: storing a
 * double into a module-level variable boxes a fresh 16 B HeapNumber on Node 20.
 */
const SINK = new Float64Array(1);

// ---------------------------------------------------------------- Part 1: clock reads
const READS = 10_000;
function readsNativeBound(n: number): void {
  let s = 0;
  for (let i = 0; i < n; i++) {
    b.readClock();
    s += nbuf[0]!;
  }
  SINK[0] = SINK[0]! + s;
}
function readsNativeInto(n: number): void {
  let s = 0;
  for (let i = 0; i < n; i++) {
    b.clockInto(into);
    s += into[0]!;
  }
  SINK[0] = SINK[0]! + s;
}
function readsNativeClock(n: number): void {
  let s = 0;
  for (let i = 0; i < n; i++) s += nativeClock.nowNs();
  SINK[0] = SINK[0]! + s;
}
function readsPerfNow(n: number): void {
  let s = 0;
  for (let i = 0; i < n; i++) s += performance.now();
  SINK[0] = SINK[0]! + s;
}
function readsHrtimeBigint(n: number): void {
  let s = 0n;
  for (let i = 0; i < n; i++) s ^= process.hrtime.bigint();
  SINK[0] = SINK[0]! + Number(s & 1n);
}
function readsHrtime(n: number): void {
  let s = 0;
  for (let i = 0; i < n; i++) s += process.hrtime()[1];
  SINK[0] = SINK[0]! + s;
}

const readers: [string, (n: number) => void][] = [
  ['native readClock() + buf[0] (bound)', readsNativeBound],
  ['native clockInto(f64) + f64[0]', readsNativeInto],
  ['NativeClock.nowNs()', readsNativeClock],
  ['performance.now()', readsPerfNow],
  ['process.hrtime.bigint()', readsHrtimeBigint],
  ['process.hrtime()', readsHrtime],
];

/** Bytes allocated by `fn()`: heap growth plus what every GC during it freed. */
function allocatedBytes(fn: () => void): number {
  const profiler = new GCProfiler();
  profiler.start();
  const heap0 = process.memoryUsage().heapUsed;
  fn();
  const heap1 = process.memoryUsage().heapUsed;
  const profile = profiler.stop();
  let freed = 0;
  for (const g of profile.statistics)
    freed += g.beforeGC.heapStatistics.usedHeapSize - g.afterGC.heapStatistics.usedHeapSize;
  return freed + (heap1 - heap0);
}

const readBytes: Record<string, number> = {};
for (const [name, fn] of readers) {
  for (let i = 0; i < 50; i++) fn(READS); // warm-up: tier up before measuring
  let best = Number.POSITIVE_INFINITY; // smallest of 3: a stray JIT compile lands in one
  for (let r = 0; r < 3; r++) best = Math.min(best, allocatedBytes(() => fn(1_000_000)) / 1_000_000);
  readBytes[name] = Math.max(0, best);
}
const bench = new Bench({ time: 1000, warmupTime: 200 });
for (const [name, fn] of readers) bench.add(name, () => fn(READS));
await bench.run();
const readNs: Record<string, number> = {};
for (const [name] of readers) {
  const r = bench.tasks.find((t) => t.name === name)!.result;
  readNs[name] = 'latency' in r ? (r.latency.p50 * 1e6) / READS : Number.NaN;
}

// ---------------------------------------------------------------- Part 2: frame loop
interface SegmentResult {
  releases: number;
  missed: number;
}
interface Variant {
  readonly name: string;
  /** Runs `releases` releases; lateness (ns) of each handled release goes to `out` from `at`. */
  run(releases: number, out: Float64Array, at: number): SegmentResult;
}

const EXTRA_READS = 3;

/** NativeClock + NativeWaiter: one function per backend so each call site stays monomorphic. */
function nativeLoop(waiter: NativeWaiter, releases: number, out: Float64Array, at: number): SegmentResult {
  const clock = nativeClock;
  const t0 = clock.nowNs() + periodNs;
  let k = 0;
  let handled = 0;
  let missed = 0;
  while (k < releases) {
    const releaseNs = t0 + k * periodNs;
    waiter.waitUntil(releaseNs);
    const wakeNs = clock.nowNs();
    out[at + handled] = wakeNs - releaseNs;
    handled++;
    for (let r = 0; r < EXTRA_READS; r++) SINK[0] = SINK[0]! + clock.nowNs() - wakeNs;
    k++;
    // Skip releases that have passed while late (counted as missed, as cyclictest does).
    const lastNs = clock.nowNs();
    while (k < releases && t0 + k * periodNs <= lastNs) {
      k++;
      missed++;
    }
  }
  return { releases: handled, missed };
}

function jsLoop(waiter: HybridWaiter, releases: number, out: Float64Array, at: number): SegmentResult {
  const clock = systemClock;
  const t0 = clock.nowNs() + periodNs;
  let k = 0;
  let handled = 0;
  let missed = 0;
  while (k < releases) {
    const releaseNs = t0 + k * periodNs;
    waiter.waitUntil(releaseNs);
    const wakeNs = clock.nowNs();
    out[at + handled] = wakeNs - releaseNs;
    handled++;
    for (let r = 0; r < EXTRA_READS; r++) SINK[0] = SINK[0]! + clock.nowNs() - wakeNs;
    k++;
    const lastNs = clock.nowNs();
    while (k < releases && t0 + k * periodNs <= lastNs) {
      k++;
      missed++;
    }
  }
  return { releases: handled, missed };
}

function nativeVariant(marginNs: number): Variant {
  const waiter = new NativeWaiter(nativeClock, { marginNs });
  return {
    name: `native, margin ${marginNs / 1000} µs`,
    run: (n, out, at) => nativeLoop(waiter, n, out, at),
  };
}
function jsVariant(marginNs: number): Variant {
  const waiter = new HybridWaiter({ clock: systemClock, marginNs });
  return {
    name: `js hybrid (performance.now), margin ${marginNs / 1000} µs`,
    run: (n, out, at) => jsLoop(waiter, n, out, at),
  };
}

const slack = tryLowerTimerSlack(1);
let fifoNote = 'SCHED_OTHER';
if (args.fifo !== undefined) {
  const steps = applyThreadRealtime({ priority: Number(args.fifo) });
  fifoNote = steps.map((s) => `${s.step} ${s.status}${s.reason ? ` (${s.reason})` : ''}`).join(', ');
  if (steps[0]?.status === 'applied') fifoNote = `SCHED_FIFO ${args.fifo}`;
}

const variants: Variant[] = [
  nativeVariant(0),
  nativeVariant(20_000),
  nativeVariant(50_000),
  nativeVariant(100_000),
  jsVariant(200_000),
  jsVariant(100_000),
];
const releasesPerSegment = Math.max(1, Math.round(segmentNs / periodNs));
const rounds = Math.max(1, Math.round(durationNs / segmentNs));
interface Totals {
  releases: number;
  missed: number;
  allocatedBytes: number;
  cpuUs: number;
  wallMs: number;
  gcs: number;
  samples: Float64Array;
}
const totals: Totals[] = variants.map(() => ({
  releases: 0,
  missed: 0,
  allocatedBytes: 0,
  cpuUs: 0,
  wallMs: 0,
  gcs: 0,
  samples: new Float64Array(rounds * releasesPerSegment),
}));

// Warm-up: every variant's loop tiers up before anything is measured (short runs first so
// feedback exists for every path, then a pause for the concurrent compiler, then more).
const scratch = new Float64Array(releasesPerSegment);
for (let w = 0; w < 3; w++) {
  for (const v of variants) v.run(Math.min(20, releasesPerSegment), scratch, 0);
}
for (let w = 0; w < 2; w++) {
  for (const v of variants) v.run(Math.min(500, releasesPerSegment), scratch, 0);
  await new Promise((res) => setTimeout(res, 100));
}
/** What the measurement itself allocates per segment (GCProfiler, memoryUsage, cpuUsage). */
let harnessBytes = Number.POSITIVE_INFINITY;
for (let w = 0; w < 5; w++) {
  harnessBytes = Math.min(harnessBytes, measureSegment(() => ({ releases: 0, missed: 0 })).bytes);
}

/** Runs one segment, measuring allocation (GCProfiler: freed by GCs + heap growth) and CPU. */
function measureSegment(fn: () => SegmentResult) {
  const profiler = new GCProfiler();
  profiler.start();
  const heap0 = process.memoryUsage().heapUsed;
  const cpu0 = process.cpuUsage();
  const startMs = performance.now();
  const r = fn();
  const endMs = performance.now();
  const cpu = process.cpuUsage(cpu0);
  const heap1 = process.memoryUsage().heapUsed;
  const profile = profiler.stop();
  let freed = 0;
  for (const g of profile.statistics)
    freed += g.beforeGC.heapStatistics.usedHeapSize - g.afterGC.heapStatistics.usedHeapSize;
  return { r, bytes: freed + (heap1 - heap0), cpu, startMs, endMs };
}

const gcStarts: number[] = [];
const obs = new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcStarts.push(e.startTime);
});
obs.observe({ entryTypes: ['gc'] });
const windows: { variant: number; startMs: number; endMs: number }[] = [];
for (let round = 0; round < rounds; round++) {
  for (let j = 0; j < variants.length; j++) {
    const i = (j + round) % variants.length;
    const t = totals[i]!;
    const { r, bytes, cpu, startMs, endMs } = measureSegment(() =>
      variants[i]!.run(releasesPerSegment, t.samples, t.releases),
    );
    t.allocatedBytes += Math.max(0, bytes - harnessBytes);
    t.releases += r.releases;
    t.missed += r.missed;
    t.cpuUs += cpu.user + cpu.system;
    t.wallMs += endMs - startMs;
    windows.push({ variant: i, startMs, endMs });
    await new Promise((res) => setImmediate(res)); // let the observer deliver
  }
}
await new Promise((res) => setTimeout(res, 50));
obs.disconnect();
for (const s of gcStarts) {
  const w = windows.find((x) => s >= x.startMs && s <= x.endMs);
  if (w !== undefined) totals[w.variant]!.gcs++;
}

function quantileUs(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[idx]! / 1000;
}

const loopRows = variants.map((v, i) => {
  const t = totals[i]!;
  const sorted = t.samples.slice(0, t.releases).sort();
  return {
    variant: v.name,
    p50Us: quantileUs(sorted, 0.5),
    p99Us: quantileUs(sorted, 0.99),
    p999Us: quantileUs(sorted, 0.999),
    maxUs: quantileUs(sorted, 1),
    missedPct: (100 * t.missed) / (t.releases + t.missed),
    cpuPct: (100 * t.cpuUs) / 1000 / t.wallMs,
    gcs: t.gcs,
    bytesPerFrame: t.allocatedBytes / (t.releases + t.missed),
  };
});
const readRows = readers.map(([name]) => ({
  clock: name,
  nsPerRead: readNs[name]!,
  bytesPerRead: readBytes[name]!,
  vsPerfNow: readNs[name]! / readNs['performance.now()']!,
}));

const header = {
  node: process.version,
  platform: `${process.platform}/${process.arch}`,
  scheduling: fifoNote,
  timerSlack: slack.applied ? '1 ns' : `unchanged (${slack.reason})`,
  periodNs,
  perVariantNs: rounds * segmentNs,
  native: nativeStatus().path,
};
if (args.json) {
  console.log(JSON.stringify({ ...header, reads: readRows, loop: loopRows }, null, 2));
} else {
  console.log(header);
  console.table(
    readRows.map((r) => ({
      clock: r.clock,
      'ns/read': Number(r.nsPerRead.toFixed(1)),
      'B/read': Number(r.bytesPerRead.toFixed(1)),
      'vs performance.now()': Number(r.vsPerfNow.toFixed(2)),
    })),
  );
  console.table(
    loopRows.map((r) => ({
      variant: r.variant,
      'p50 µs': Number(r.p50Us.toFixed(2)),
      'p99 µs': Number(r.p99Us.toFixed(1)),
      'p99.9 µs': Number(r.p999Us.toFixed(0)),
      'max µs': Number(r.maxUs.toFixed(0)),
      'missed %': Number(r.missedPct.toFixed(2)),
      'CPU %': Number(r.cpuPct.toFixed(1)),
      GCs: r.gcs,
      'B/frame': Number(r.bytesPerFrame.toFixed(1)),
    })),
  );
}
if (SINK[0] === -1) console.log('');
