/**
 * Benchmarks 9(b) and 9(c): release lateness and CPU cost of waiting for a 1 ms period.
 *
 *   npx tsx bench/waiter.bench.ts [--duration 10s] [--segment 2s] [--period 1ms]
 *                                 [--cpu-dma-latency] [--json]
 *
 * Every variant does the same absolute-deadline work: releases at t0 + k·period, lateness
 * = wake − release into a LogHistogram, releases that passed while late are skipped and
 * counted as missed (cyclictest's rule). Variants:
 * - `hardtick hybrid 200us`: HybridWaiter, the default (the reference for ratios): spin
 *   reads the clock about every `spinReadIntervalNs` = 1 µs (calibrated busy stride);
 * - `hybrid 200us stride 1`: the same with `spinReadIntervalNs: 0`, i.e. clock reads back to
 *   back in the spin (the behaviour before the option; ~16× more reads, each 16 B);
 * - `hardtick hybrid 100us`: the default with a 100 µs spin margin;
 * - `Atomics.wait only`: HybridWaiter in `'sleep'` mode (no spin);
 * - `setTimeout chain`: each callback re-arms `setTimeout` for the next release
 *   (and re-arms again if it fired early);
 * - `setInterval 1ms`: one `setInterval(fn, 1)`; a tick before the next release does
 *   nothing, a tick after it handles that release.
 * The machine is noisy (identical runs differ 10× at p99 over minutes), so
 * variants are interleaved: rounds of one `--segment` per variant, the order rotated each
 * round, and `--duration` is each variant's total. Default: 5 rounds × 5 × 2 s ≈ 52 s.
 * CPU is `process.cpuUsage()` (user + system, whole process) over each segment's wall
 * time, in % of one core. GCs are counted per segment with a PerformanceObserver. Bytes
 * allocated per frame: a v8.GCProfiler per segment (heap used before − after each GC, plus
 * the heap growth over the segment), divided by the segment's releases; clock reads per frame
 * from the waiter's counters (HybridWaiter variants: one read on entry, one after each sleep,
 * the spin's reads, plus the loop's wake read).
 * The timer slack of the main thread is lowered to 1 ns first for every variant alike.
 * `--cpu-dma-latency` also holds /dev/cpu_dma_latency at 0 for the run (root; system-wide:
 * idle CPUs poll instead of halting, so wake-ups skip the hypervisor).
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { release as kernelRelease } from 'node:os';
import { PerformanceObserver } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { GCProfiler } from 'node:v8';
import { checkDurationNs } from '../src/config/duration.js';
import { formatTable, formatUs } from '../src/report/format.js';
import { LogHistogram } from '../src/stats/histogram.js';
import { HybridWaiter } from '../src/time/hybrid-waiter.js';
import { measureJitter } from '../src/time/jitter.js';
import { releaseTimeNs } from '../src/time/release.js';
import { systemClock } from '../src/time/system-clock.js';
import { tryLowerTimerSlack } from '../src/time/timer-slack.js';

interface SegmentResult {
  releases: number;
  missed: number;
}

interface Variant {
  readonly name: string;
  /** The HybridWaiter of waiter variants (for clock-read counts), else null. */
  readonly waiter: HybridWaiter | null;
  /** Runs `releases` releases at `periodNs`, recording lateness into `histogram`. */
  run(periodNs: number, releases: number, histogram: LogHistogram): Promise<SegmentResult>;
}

interface Totals {
  histogram: LogHistogram;
  releases: number;
  missed: number;
  cpuUs: number;
  wallNs: number;
  gcs: number;
  allocatedBytes: number;
  clockReads: number;
}

function waiterVariant(name: string, waiter: HybridWaiter): Variant {
  return {
    name,
    waiter,
    async run(periodNs, releases, histogram) {
      const r = measureJitter({
        periodNs,
        durationNs: releases * periodNs,
        clock: systemClock,
        waiter,
        histogram,
      });
      return { releases: r.count + r.details.missedPeriods, missed: r.details.missedPeriods };
    },
  };
}

/**
 * Handles a wake-up at `wakeNs` for release `k`: records it and returns the next release
 * index, skipping (and adding to `missed.n`) those that already passed.
 */
function onRelease(
  histogram: LogHistogram,
  t0Ns: number,
  k: number,
  periodNs: number,
  releases: number,
  wakeNs: number,
  missed: { n: number },
): number {
  histogram.record(wakeNs - releaseTimeNs(t0Ns, k, periodNs));
  let next = k + 1;
  if (next < releases && wakeNs >= releaseTimeNs(t0Ns, next, periodNs)) {
    const due = Math.min(releases, Math.floor((wakeNs - t0Ns) / periodNs) + 1);
    missed.n += due - next;
    next = due;
  }
  return next;
}

const setTimeoutChain: Variant = {
  name: 'setTimeout chain',
  waiter: null,
  run(periodNs, releases, histogram) {
    return new Promise((resolve) => {
      const t0Ns = systemClock.nowNs() + periodNs;
      const missed = { n: 0 };
      let k = 0;
      const tick = (): void => {
        const nowNs = systemClock.nowNs();
        const releaseNs = releaseTimeNs(t0Ns, k, periodNs);
        if (nowNs < releaseNs) {
          setTimeout(tick, (releaseNs - nowNs) / 1e6); // fired early: re-arm
          return;
        }
        k = onRelease(histogram, t0Ns, k, periodNs, releases, nowNs, missed);
        if (k >= releases) {
          resolve({ releases, missed: missed.n });
          return;
        }
        setTimeout(tick, Math.max(0, releaseTimeNs(t0Ns, k, periodNs) - systemClock.nowNs()) / 1e6);
      };
      setTimeout(tick, periodNs / 1e6);
    });
  },
};

const setIntervalLoop: Variant = {
  name: 'setInterval 1ms',
  waiter: null,
  run(periodNs, releases, histogram) {
    return new Promise((resolve) => {
      const t0Ns = systemClock.nowNs() + periodNs;
      const missed = { n: 0 };
      let k = 0;
      const timer = setInterval(
        () => {
          const nowNs = systemClock.nowNs();
          if (nowNs < releaseTimeNs(t0Ns, k, periodNs)) return; // early tick: nothing due
          k = onRelease(histogram, t0Ns, k, periodNs, releases, nowNs, missed);
          if (k >= releases) {
            clearInterval(timer);
            resolve({ releases, missed: missed.n });
          }
        },
        Math.max(1, Math.round(periodNs / 1e6)),
      );
    });
  },
};

function parseDuration(name: string, text: string): number {
  const check = checkDurationNs(text);
  if (!check.ok) {
    process.stderr.write(`waiter.bench: ${name}: ${check.message}\n`);
    process.exit(2);
  }
  return check.ns;
}

/** Opens /dev/cpu_dma_latency and writes a 32-bit 0; the request lasts while the fd is open. */
function holdCpuDmaLatencyZero(): { fd: number | null; note: string } {
  try {
    const fd = openSync('/dev/cpu_dma_latency', 'w');
    writeSync(fd, new Uint8Array(new Int32Array([0]).buffer));
    return { fd, note: 'held at 0 µs' };
  } catch (error) {
    return { fd: null, note: `not held (${(error as NodeJS.ErrnoException).code ?? String(error)})` };
  }
}

function percentile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      duration: { type: 'string', default: '10s' },
      segment: { type: 'string', default: '2s' },
      period: { type: 'string', default: '1ms' },
      json: { type: 'boolean', default: false },
      'cpu-dma-latency': { type: 'boolean', default: false },
    },
  });
  const durationNs = parseDuration('--duration', values.duration);
  const segmentNs = parseDuration('--segment', values.segment);
  const periodNs = parseDuration('--period', values.period);
  const rounds = Math.max(1, Math.round(durationNs / segmentNs));
  const releasesPerSegment = Math.max(1, Math.floor(segmentNs / periodNs));

  const slack = tryLowerTimerSlack(1);
  const dma = values['cpu-dma-latency'] ? holdCpuDmaLatencyZero() : { fd: null, note: 'not requested' };
  const variants: Variant[] = [
    waiterVariant('hardtick hybrid 200us', new HybridWaiter({ marginNs: 200_000 })),
    waiterVariant('hybrid 200us stride 1', new HybridWaiter({ marginNs: 200_000, spinReadIntervalNs: 0 })),
    waiterVariant('hardtick hybrid 100us', new HybridWaiter({ marginNs: 100_000 })),
    waiterVariant('Atomics.wait only', new HybridWaiter({ mode: 'sleep' })),
    setTimeoutChain,
    setIntervalLoop,
  ];
  const totals: Totals[] = variants.map(() => ({
    histogram: new LogHistogram(),
    releases: 0,
    missed: 0,
    cpuUs: 0,
    wallNs: 0,
    gcs: 0,
    allocatedBytes: 0,
    clockReads: 0,
  }));
  const segmentP99: number[][] = variants.map(() => []);

  const gcStartsMs: number[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcStartsMs.push(e.startTime);
  });
  observer.observe({ entryTypes: ['gc'] });
  const windows: Array<{ variant: number; startMs: number; endMs: number }> = [];

  // Warm-up: every variant once, short, not recorded (JIT tier-up, first page faults).
  for (const v of variants) await v.run(periodNs, 300, new LogHistogram());

  process.stderr.write(`waiter.bench: /dev/cpu_dma_latency: ${dma.note}\n`);
  process.stderr.write(
    `waiter.bench: ${rounds} round(s) × ${variants.length} variants × ${formatUs(segmentNs / 1000)} ms at a ` +
      `${formatUs(periodNs)} µs period (timer slack ${slack.applied ? 'lowered to 1 ns' : `not lowered: ${slack.reason}`})\n`,
  );
  for (let round = 0; round < rounds; round++) {
    for (let j = 0; j < variants.length; j++) {
      const i = (j + round) % variants.length; // rotate the order: no variant always follows another
      const v = variants[i]!;
      const t = totals[i]!;
      const segment = new LogHistogram();
      v.waiter?.resetStats();
      const profiler = new GCProfiler();
      profiler.start();
      const heap0 = process.memoryUsage().heapUsed;
      const cpu0 = process.cpuUsage();
      const startMs = performance.now();
      const r = await v.run(periodNs, releasesPerSegment, segment);
      const endMs = performance.now();
      const cpu = process.cpuUsage(cpu0);
      const heap1 = process.memoryUsage().heapUsed;
      const profile = profiler.stop();
      let freed = 0;
      for (const g of profile.statistics)
        freed += g.beforeGC.heapStatistics.usedHeapSize - g.afterGC.heapStatistics.usedHeapSize;
      t.allocatedBytes += freed + (heap1 - heap0);
      if (v.waiter !== null) {
        const ws = v.waiter.stats;
        t.clockReads += 2 * ws.waits + ws.sleeps + ws.spinIterations; // entry + wake read per wait
      }
      windows.push({ variant: i, startMs, endMs });
      t.histogram.add(segment);
      t.releases += r.releases;
      t.missed += r.missed;
      t.cpuUs += cpu.user + cpu.system;
      t.wallNs += (endMs - startMs) * 1e6;
      segmentP99[i]!.push(segment.valueAtQuantile(0.99));
    }
    process.stderr.write(`  round ${round + 1}/${rounds} done\n`);
  }
  await new Promise((resolve) => setTimeout(resolve, 100)); // let GC entries arrive
  if (dma.fd !== null) closeSync(dma.fd); // closing the fd releases the latency request
  observer.disconnect();
  for (const w of windows) {
    totals[w.variant]!.gcs += gcStartsMs.filter((s) => s >= w.startMs && s < w.endMs).length;
  }

  const ref = totals[0]!.histogram;
  const rows = variants.map((v, i) => {
    const t = totals[i]!;
    const h = t.histogram;
    const p99 = h.valueAtQuantile(0.99);
    return {
      name: v.name,
      count: h.count,
      p50Ns: h.valueAtQuantile(0.5),
      p99Ns: p99,
      p999Ns: h.valueAtQuantile(0.999),
      maxNs: h.maxNs,
      medianSegmentP99Ns: percentile(segmentP99[i]!, 0.5),
      missed: t.missed,
      missedPct: (100 * t.missed) / t.releases,
      cpuPct: (100 * t.cpuUs * 1000) / t.wallNs,
      gcs: t.gcs,
      gcsPer10s: (t.gcs * 10e9) / t.wallNs,
      bytesPerFrame: t.allocatedBytes / t.releases,
      clockReadsPerFrame: t.clockReads > 0 ? t.clockReads / t.releases : null,
      p99VsHardtick: p99 / ref.valueAtQuantile(0.99),
      p999VsHardtick: h.valueAtQuantile(0.999) / ref.valueAtQuantile(0.999),
    };
  });

  if (values.json) {
    process.stdout.write(
      `${JSON.stringify({ node: process.version, kernel: kernelRelease(), periodNs, segmentNs, rounds, timerSlack: slack, cpuDmaLatency: dma.note, rows }, null, 2)}\n`,
    );
    return;
  }
  process.stdout.write(
    `\nrelease lateness at a ${formatUs(periodNs)} µs period, µs (Node ${process.version}, kernel ${kernelRelease()}, ` +
      `timer slack ${slack.applied ? '1 ns' : 'default'}, cpu_dma_latency ${dma.fd !== null ? '0' : 'default'})\n\n`,
  );
  process.stdout.write(
    formatTable(
      [
        { header: 'variant', align: 'left' },
        { header: 'p50' },
        { header: 'p99' },
        { header: 'p99.9' },
        { header: 'max' },
        { header: 'seg p99 (median)' },
        { header: 'missed' },
        { header: 'CPU %' },
        { header: 'GCs/10s' },
        { header: 'B/frame' },
        { header: 'reads/frame' },
        { header: 'p99 ×hardtick' },
        { header: 'p99.9 ×hardtick' },
      ],
      rows.map((r) => [
        r.name,
        formatUs(r.p50Ns),
        formatUs(r.p99Ns),
        formatUs(r.p999Ns),
        formatUs(r.maxNs),
        formatUs(r.medianSegmentP99Ns),
        `${r.missed} (${r.missedPct.toFixed(2)} %)`,
        r.cpuPct.toFixed(1),
        r.gcsPer10s.toFixed(1),
        r.bytesPerFrame.toFixed(0),
        r.clockReadsPerFrame === null ? '-' : r.clockReadsPerFrame.toFixed(0),
        `${r.p99VsHardtick.toFixed(1)}×`,
        `${r.p999VsHardtick.toFixed(1)}×`,
      ]),
    ),
  );
}

await main();
