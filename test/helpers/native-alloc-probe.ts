/**
 * Allocation probe for the native clock and waiter, run in a child process so vitest's
 * own work adds no GC noise:
 *
 *   node --expose-gc --import tsx test/helpers/native-alloc-probe.ts [reads] [waits]
 *
 * Measures, after warm-up and a full GC: `reads` NativeClock reads (through `nowNs()`
 * and the inline `readClock()` + `buf[0]` form, half each) and `waits` NativeWaiter waits
 * with deadlines already past (the full entry path without sleeping), plus a few real
 * short waits (sleep + spin) with a fixed margin and 300 with a learned one (two wait
 * classes, bank switches every 100 sleeps). Prints one JSON line: { reads, waits,
 * gcEvents, heapDeltaBytes, sleeps, autoSleeps, autoClasses, native }.
 */
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { loadNative, NATIVE_NOW, NativeClock, NativeWaiter, nativeStatus } from '../../src/native/index.js';
import { exposedGc, printResult } from './probe-child.js';

const reads = Number(process.argv[2] ?? 1_000_000);
const waits = Number(process.argv[3] ?? 10_000);
const gc = exposedGc();
const binding = loadNative();
if (binding === null) {
  printResult({ native: false, reason: nativeStatus().reason });
  process.exit(0);
}
const clock = new NativeClock(binding);
const waiter = new NativeWaiter(clock, { marginNs: 20_000 });
const auto = new NativeWaiter(clock, { autoMargin: { halfWindow: 100 } });
const acc = new Float64Array(1);

function readMany(n: number): void {
  const buf = clock.buf;
  for (let i = 0; i < n; i += 2) {
    acc[0] = acc[0]! + clock.nowNs();
    binding!.readClock();
    acc[0] = acc[0]! + buf[NATIVE_NOW]!;
  }
}
function waitPast(n: number): void {
  for (let i = 0; i < n; i++) {
    const nowNs = clock.nowNs();
    waiter.waitUntil(nowNs - 1000.5); // past: non-integer, non-Smi deadline
  }
}
function waitShort(n: number): void {
  for (let i = 0; i < n; i++) {
    const nowNs = clock.nowNs();
    waiter.waitUntil(nowNs + 60_000.25); // sleep ~40 µs, then spin ~20 µs
  }
}

function waitAuto(n: number): void {
  for (let i = 0; i < n; i++) {
    const nowNs = clock.nowNs();
    auto.waitUntil(nowNs + ((i & 1) === 0 ? 60_000.25 : 120_000.5)); // 10 µs margin: sleep, record, spin
  }
}

// Warm-up (short calls first so feedback exists for every path; see runtime-alloc-probe).
for (let i = 0; i < 200; i++) {
  readMany(100);
  waitPast(10);
  waitShort(2);
  waitAuto(2);
}
waitShort(20);
for (let i = 0; i < 50; i++) {
  readMany(20_000);
  waitPast(1_000);
  waitShort(5);
  waitAuto(20);
}
waitShort(50);
await new Promise((r) => setTimeout(r, 100));
// Until three rounds in a row are clean: one clean round can precede a late optimisation.
for (let i = 0, clean = 0; i < 30 && clean < 3; i++) {
  await new Promise((r) => setTimeout(r, 10));
  gc();
  const h0 = process.memoryUsage().heapUsed;
  readMany(100_000);
  waitPast(1_000);
  waitShort(5);
  waitAuto(20);
  clean = process.memoryUsage().heapUsed - h0 < 1024 ? clean + 1 : 0;
}

const gcStarts: number[] = [];
const obs = new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcStarts.push(e.startTime);
});
obs.observe({ entryTypes: ['gc'] });
gc();
gc();
waiter.resetStats();
auto.resetStats();
const heapBefore = process.memoryUsage().heapUsed;
const t0 = performance.now();
readMany(reads);
waitPast(waits);
waitShort(20);
waitAuto(300);
const t1 = performance.now();
const heapAfter = process.memoryUsage().heapUsed;

setTimeout(() => {
  obs.disconnect();
  printResult({
    native: true,
    reads,
    waits,
    gcEvents: gcStarts.filter((s) => s >= t0 && s <= t1).length,
    heapDeltaBytes: heapAfter - heapBefore,
    pastDeadline: waiter.stats.pastDeadline,
    sleeps: waiter.stats.sleeps,
    autoSleeps: auto.stats.sleeps,
    autoClasses: auto.marginSummary().classes.length,
    sink: acc[0]! > 0,
  });
}, 50);
