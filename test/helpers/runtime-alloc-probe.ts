/**
 * Allocation probe for the executive, run in a child process so vitest's workers don't
 * add GC noise:
 *
 *   node --expose-gc --import tsx test/helpers/runtime-alloc-probe.ts <variant> [frames]
 *
 * Variants: `manual` (src/time ManualClock + ManualWaiter, tasks advance the clock; the
 * probe also measures what one `ManualClock.advance` allocates by itself, since a clock
 * that allocates hides the executive's own figure), `manual-like` (the same semantics over
 * a Float64Array: allocation-free), `fake-rt`
 * (a Float64Array-backed clock with fractional, non-Smi times and a waiter that "wakes"
 * a fraction of a ns late — like a native clock would), `fake-rt-heartbeat` (fake-rt with
 * a watchdog heartbeat), `perf-now` (a performance.now()
 * clock and a no-wait waiter; measures what the clock itself allocates). Prints one JSON
 * line: { variant, frames, gcEvents, heapDeltaBytes, bytesPerFrame, slotsPerFrame,
 * clockBytesPerCall }.
 *
 * Warm-up runs every code path the measured loop uses (same tasks, same clock) so the JIT
 * has optimised it; then a full GC; then the measured frames, with GC events observed by a
 * PerformanceObserver (only entries that start inside the measured window count).
 */
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { Executive, type TaskContext } from '../../src/runtime/index.js';
import type { Clock, Waiter } from '../../src/time/clock.js';
import { ManualClock, ManualWaiter } from '../../src/time/clock.js';
import { Heartbeat } from '../../src/watchdog/heartbeat.js';
import { compileEachFunctionAlone, exposedGc, printResult } from './probe-child.js';
import { F, makeMode, makeTable, makeTask } from './runtime-fixtures.js';

// A Sparkplug batch compiled inside the measured window would show as heap growth that is
// not the loop's: see compileEachFunctionAlone.
compileEachFunctionAlone();

const variant = process.argv[2] ?? 'manual';
const frames = Number(process.argv[3] ?? 200_000);
const gc = exposedGc();

/** Clock over one double in a Float64Array: reads and writes never allocate. */
class BufferClock implements Clock {
  readonly kind = 'buffer';
  readonly buf = new Float64Array(1);
  constructor(startNs: number) {
    this.buf[0] = startNs;
  }
  nowNs(): number {
    return this.buf[0]!;
  }
  spend(ns: number): void {
    this.buf[0] = this.buf[0]! + ns;
  }
}
/** Wakes `lateNs` after the deadline (like ManualWaiter when 0). */
class BufferWaiter implements Waiter {
  readonly kind = 'buffer';
  constructor(
    private readonly clock: BufferClock,
    private readonly lateNs: number,
  ) {}
  waitUntil(deadlineNs: number): void {
    const b = this.clock.buf;
    if (b[0]! < deadlineNs) b[0] = deadlineNs + this.lateNs;
  }
}
class PerfNowClock implements Clock {
  readonly kind = 'performance.now';
  nowNs(): number {
    return performance.now() * 1e6;
  }
}
class NoWait implements Waiter {
  readonly kind = 'none';
  waitUntil(_deadlineNs: number): void {}
}

const START_NS = 30 * 86_400e9 + 0.5; // ~30 days of uptime, a non-integer
const tasks = [
  makeTask(0, 'a', F, 200_000),
  makeTask(1, 'b', 2 * F, 300_000),
  makeTask(2, 'c', 4 * F, 300_000),
];
const table = makeTable(F, tasks, [
  [
    { task: 0, job: 0 },
    { task: 1, job: 0 },
    { task: 2, job: 0 },
  ],
  [{ task: 0, job: 1 }],
  [
    { task: 0, job: 2 },
    { task: 1, job: 1 },
  ],
  [{ task: 0, job: 3 }],
]);
const slotsPerFrame = table.slotCount / table.frameCount;

let clock: Clock;
let waiter: Waiter;
let fns: ((ctx: TaskContext) => void)[];
let clockBytesPerCall = 0;
if (variant === 'manual') {
  // What ManualClock allocates on its own per advance (after warm-up).
  // Measured until a window shows no growth (at most 20): a recompile of the measuring loop
  // that a loaded machine delays lands in one window once (code space counts in heapUsed),
  // while an allocating advance grows every window (16 B a call: 1.6 MB each).
  const probe = new ManualClock(30 * 86_400e9);
  const advanceMany = (n: number) => {
    for (let i = 0; i < n; i++) probe.advance(1);
  };
  for (let i = 0; i < 200; i++) advanceMany(10);
  advanceMany(100_000);
  for (let i = 0; i < 20; i++) {
    await new Promise((r) => setTimeout(r, 20));
    gc();
    const h0 = process.memoryUsage().heapUsed;
    advanceMany(100_000);
    clockBytesPerCall = Math.max(0, (process.memoryUsage().heapUsed - h0) / 100_000);
    if (clockBytesPerCall < 0.04) break;
  }
}
if (variant === 'manual') {
  const c = new ManualClock(30 * 86_400e9);
  clock = c;
  waiter = new ManualWaiter(c);
  fns = [() => c.advance(100_000), () => c.advance(150_000), () => c.advance(50_000)];
} else if (variant === 'manual-like') {
  const c = new BufferClock(30 * 86_400e9);
  clock = c;
  waiter = new BufferWaiter(c, 0);
  fns = [() => c.spend(100_000), () => c.spend(150_000), () => c.spend(50_000)];
} else if (variant === 'fake-rt' || variant === 'fake-rt-heartbeat') {
  const c = new BufferClock(START_NS);
  clock = c;
  waiter = new BufferWaiter(c, 0.375);
  fns = [() => c.spend(100_000.25), () => c.spend(150_000.125), () => c.spend(50_000.5)];
} else if (variant === 'perf-now') {
  clock = new PerfNowClock();
  waiter = new NoWait();
  let sink = 0;
  fns = [() => void sink++, () => void sink++, () => void sink++];
} else {
  throw new Error(`unknown variant ${variant}`);
}

// `fake-rt-heartbeat`: fake-rt with a watchdog heartbeat (beginSlot/endSlot/idle per slot
// and frame, fractional ns arguments): the executive's heartbeat call sites must not box.
const heartbeat =
  variant === 'fake-rt-heartbeat' ? Heartbeat.create({ taskNames: tasks.map((t) => t.name) }) : undefined;
const exec = new Executive({
  clock,
  waiter,
  modes: [makeMode('main', table, tasks, fns)],
  ...(heartbeat === undefined ? {} : { heartbeat }),
});
exec.start();
// Warm-up: tier-up of every path the measured frames take. In chunks, so runFrames gets
// regular (not only on-stack-replaced) optimised code, with a pause that lets V8's
// concurrent compiler finish, then more frames on the final code.
// Short calls first: V8 allocates a function's feedback vector only after a few calls, so
// if the first calls of runFrames are long ones, its entry code has no type feedback, the
// optimised code compiled during them deopts at the entry on a later call, and a later
// long call re-compiles the loop (runOne inlined: 40–110 KB of code space) — possibly
// inside the measured window.
for (let i = 0; i < 200; i++) exec.runFrames(10);
for (let i = 0; i < 20; i++) exec.runFrames(5_000);
await new Promise((r) => setTimeout(r, 100));
for (let i = 0; i < 10; i++) exec.runFrames(5_000);
// Settle: on a loaded machine a concurrent (re)compile can finish well after the pause
// above and land in the measured window (code space counts in heapUsed; frames run in
// unoptimised code meanwhile box doubles), and a call as long as the measured one can
// trigger an on-stack recompile that shorter ones don't. Repeat runs of the measured
// length until two in a row show no heap growth. A real per-frame allocation (≥ 16 B per
// frame) never settles, so after 20 tries the measured run below still catches it.
for (let i = 0, clean = 0; i < 20 && clean < 2; i++) {
  await new Promise((r) => setTimeout(r, 20));
  gc();
  const h0 = process.memoryUsage().heapUsed;
  exec.runFrames(frames);
  clean = process.memoryUsage().heapUsed - h0 < 4096 ? clean + 1 : 0;
}

const gcStarts: number[] = [];
const obs = new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcStarts.push(e.startTime);
});
obs.observe({ entryTypes: ['gc'] });
gc();
gc();
const heapBefore = process.memoryUsage().heapUsed;
const t0 = performance.now();
const ran = exec.runFrames(frames);
const t1 = performance.now();
const heapAfter = process.memoryUsage().heapUsed;

setTimeout(() => {
  obs.disconnect();
  const gcEvents = gcStarts.filter((s) => s >= t0 && s <= t1).length;
  const heapDeltaBytes = heapAfter - heapBefore;
  printResult({
    variant,
    frames: ran,
    gcEvents,
    heapDeltaBytes,
    bytesPerFrame: heapDeltaBytes / ran,
    slotsPerFrame,
    clockBytesPerCall,
    nsPerFrame: ((t1 - t0) * 1e6) / ran,
    overruns: exec.snapshot().alarms.overrun,
  });
}, 50);
