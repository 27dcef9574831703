/**
 * Dispatch benchmark: per-slot dispatch + measurement overhead of the Executive, stepping
 * with a no-wait waiter, vs a bare loop calling the same task functions with the same clock
 * reads (N+1 per frame, shared timestamps) and nothing else. Goal: ≤ 1.2×. Side by side for
 * three clocks: a non-allocating counter clock (isolates hardtick's own cost), the native
 * clock (CLOCK_MONOTONIC through the addon, what `hardtick run` uses when it is built) and
 * src/time's SystemClock (`performance.now()`, the fallback). Also the bytes allocated per
 * frame by each configuration (heap delta after a full GC, no GC in between).
 *
 * Each clock is measured in a child process of its own: in one process the executive's
 * and the bare loop's call sites would see all three clock classes (polymorphic), which
 * no real run does.
 *
 *   npx tsx bench/dispatch.bench.ts                     # table, one child per clock
 *   npx tsx bench/dispatch.bench.ts --clock native --json    # one clock (what a child runs)
 *   node --cpu-prof --import tsx bench/dispatch.bench.ts --clock native --profile 5
 *        # only the executive, 5 s, for a CPU profile (.cpuprofile in the working directory)
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Bench } from 'tinybench';
import { loadNative } from '../src/native/binding.js';
import { NativeClock } from '../src/native/native-clock.js';
import { Executive, type TaskContext } from '../src/runtime/index.js';
import type { Clock, Waiter } from '../src/time/clock.js';
import { F, makeMode, makeTable, makeTask } from '../test/helpers/runtime-fixtures.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const SLOTS = 4;
const FRAMES = 1000;

/** Non-allocating clock: each read advances a Float64Array cell by 7 ns. */
class CounterClock implements Clock {
  readonly kind = 'counter';
  private readonly buf = new Float64Array([1e12]);
  nowNs(): number {
    this.buf[0] = this.buf[0]! + 7;
    return this.buf[0]!;
  }
}
class NoWait implements Waiter {
  readonly kind = 'none';
  waitUntil(_deadlineNs: number): void {}
}

async function systemClock(): Promise<Clock> {
  try {
    const m = (await import('../src/time/system-clock.js')) as { SystemClock: new () => Clock };
    return new m.SystemClock();
  } catch {
    return { kind: 'performance.now (local)', nowNs: () => performance.now() * 1e6 };
  }
}

/** Keeps the work observable so the JIT cannot drop it. */
let sink = 0;
const fns = [
  (_c: TaskContext) => void sink++,
  (_c: TaskContext) => void (sink += 2),
  (_c: TaskContext) => void (sink += 3),
  (_c: TaskContext) => void (sink += 4),
];

function makeExecutive(clock: Clock): Executive {
  const tasks = fns.map((_, i) => makeTask(i, `t${i}`, F, 500_000));
  const table = makeTable(F, tasks, [fns.map((_, i) => ({ task: i, job: 0 }))]);
  const exec = new Executive({ clock, waiter: new NoWait(), modes: [makeMode('main', table, tasks, fns)] });
  exec.start();
  return exec;
}

/** The bare loop: same calls, same reads, a context-shaped object, no bookkeeping. */
function makeBare(clock: Clock): (frames: number) => void {
  const ctx = { taskIndex: 0 } as unknown as TaskContext;
  let acc = 0;
  return (frames: number) => {
    for (let k = 0; k < frames; k++) {
      let t = clock.nowNs();
      for (let s = 0; s < SLOTS; s++) {
        fns[s]!(ctx);
        const end = clock.nowNs();
        acc += end - t;
        t = end;
      }
    }
    sink += acc > 0 ? 1 : 0;
  };
}

/**
 * Heap bytes per frame: after warm-up, the smallest heap delta of 5 runs of 20k frames,
 * each after a full GC (the smallest, because JIT compilation finishing mid-run and a
 * scavenge in a run both distort single runs; the zero-allocation test is the gate).
 */
function bytesPerFrame(run: (frames: number) => void): number {
  for (let i = 0; i < 4; i++) run(50_000);
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 5; i++) {
    gc();
    const before = process.memoryUsage().heapUsed;
    run(20_000);
    best = Math.min(best, process.memoryUsage().heapUsed - before);
  }
  return Math.max(0, best / 20_000);
}

const GOAL = 1.2;
const CLOCK_KINDS = ['counter', 'native', 'performance.now'] as const;
type ClockKind = (typeof CLOCK_KINDS)[number];

const { values } = parseArgs({
  options: {
    clock: { type: 'string' },
    json: { type: 'boolean', default: false },
    profile: { type: 'string' },
  },
});

/** One clock's figures (what a child prints with --json). */
interface ClockResult {
  readonly clock: string;
  readonly executiveNsPerSlot: number;
  readonly bareNsPerSlot: number;
  readonly executiveBytesPerFrame: number;
  readonly bareBytesPerFrame: number;
}

async function makeClock(kind: ClockKind): Promise<Clock | null> {
  if (kind === 'counter') return new CounterClock();
  if (kind === 'performance.now') return systemClock();
  const binding = loadNative();
  return binding === null ? null : new NativeClock(binding);
}

/** Measures one clock in this process. */
async function measure(clock: Clock): Promise<ClockResult> {
  const exec = makeExecutive(clock);
  const bare = makeBare(clock);
  const runExec = (n: number) => void exec.runFrames(n);
  const executiveBytesPerFrame = bytesPerFrame(runExec);
  const bareBytesPerFrame = bytesPerFrame(bare);
  const bench = new Bench({ time: 2000, warmupTime: 500 });
  bench.add('executive', () => runExec(FRAMES));
  bench.add('bare', () => bare(FRAMES));
  await bench.run();
  const nsPerSlot = (name: string): number => {
    const r = bench.tasks.find((x) => x.name === name)!.result;
    return 'latency' in r ? (r.latency.p50 * 1e6) / (FRAMES * SLOTS) : Number.NaN;
  };
  return {
    clock: clock.kind,
    executiveNsPerSlot: nsPerSlot('executive'),
    bareNsPerSlot: nsPerSlot('bare'),
    executiveBytesPerFrame,
    bareBytesPerFrame,
  };
}

if (values.clock !== undefined) {
  if (!(CLOCK_KINDS as readonly string[]).includes(values.clock)) {
    console.error(`dispatch.bench: --clock: expected one of ${CLOCK_KINDS.join(', ')}, got ${values.clock}`);
    process.exit(2);
  }
  const clock = await makeClock(values.clock as ClockKind);
  if (clock === null) {
    console.error('dispatch.bench: native addon not built (npm run build:native)');
    process.exit(3);
  }
  if (values.profile !== undefined) {
    // Only the executive, for `node --cpu-prof`: warm up, then run for the given seconds.
    const exec = makeExecutive(clock);
    exec.runFrames(200_000);
    const endMs = performance.now() + Number(values.profile) * 1000;
    let frames = 0;
    while (performance.now() < endMs) frames += exec.runFrames(FRAMES);
    console.log(`${frames} frames (${frames * SLOTS} slots) profiled with the ${clock.kind} clock`);
  } else {
    const r = await measure(clock);
    console.log(values.json ? JSON.stringify(r) : r);
  }
  if (sink === -1) console.log('');
} else {
  const results: ClockResult[] = [];
  for (const kind of CLOCK_KINDS) {
    const child = spawnSync(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(import.meta.url), '--clock', kind, '--json'],
      { encoding: 'utf8' },
    );
    if (child.status === 3) {
      console.error(`${kind}: skipped (native addon not built: npm run build:native)`);
      continue;
    }
    if (child.status !== 0) {
      console.error(`${kind}: child failed (status ${child.status}): ${child.stderr.slice(0, 500)}`);
      process.exitCode = 1;
      continue;
    }
    results.push(JSON.parse(child.stdout.trim().split('\n').at(-1)!) as ClockResult);
  }
  console.log(
    `node ${process.version}, ${process.platform}/${process.arch}; ${SLOTS} slots/frame, ${FRAMES} frames/iteration, ` +
      `tinybench p50, one child process per clock`,
  );
  console.table(
    results.map((r) => {
      const ratio = r.executiveNsPerSlot / r.bareNsPerSlot;
      return {
        clock: r.clock,
        'executive ns/slot': Number(r.executiveNsPerSlot.toFixed(1)),
        'bare ns/slot': Number(r.bareNsPerSlot.toFixed(1)),
        'hardtick ns/slot': Number((r.executiveNsPerSlot - r.bareNsPerSlot).toFixed(1)),
        ratio: Number(ratio.toFixed(2)),
        [`≤ ${GOAL}×`]: ratio <= GOAL ? 'met' : 'not met',
        'executive B/frame': Number(r.executiveBytesPerFrame.toFixed(1)),
        'bare B/frame': Number(r.bareBytesPerFrame.toFixed(1)),
      };
    }),
  );
}
