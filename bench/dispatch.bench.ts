/**
 * Dispatch benchmark (issue 3, item 9a): per-slot dispatch + measurement overhead of the
 * Executive, stepping with a no-wait waiter, vs a bare loop calling the same task functions
 * with the same clock reads (N+1 per frame, shared timestamps) and nothing else. Goal: ≤ 1.2×.
 * Side by side for two clocks: a non-allocating counter clock (isolates hardtick's own cost)
 * and src/time's SystemClock (`performance.now()`, what `hardtick run` uses today). Also the
 * bytes allocated per frame by each configuration (heap delta after a full GC, no GC in between).
 *
 * Run: npx tsx bench/dispatch.bench.ts
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Bench } from 'tinybench';
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

const clocks: Clock[] = [new CounterClock(), await systemClock()];
const bench = new Bench({ time: 1000, warmupTime: 300 });
const alloc: Record<string, number> = {};
for (const clock of clocks) {
  const exec = makeExecutive(clock);
  const bare = makeBare(clock);
  const runExec = (n: number) => void exec.runFrames(n);
  alloc[`executive / ${clock.kind}`] = bytesPerFrame(runExec);
  alloc[`bare loop / ${clock.kind}`] = bytesPerFrame(bare);
  bench.add(`executive / ${clock.kind}`, () => runExec(FRAMES));
  bench.add(`bare loop / ${clock.kind}`, () => bare(FRAMES));
}
await bench.run();

const nsPerSlot = (name: string): number => {
  const t = bench.tasks.find((x) => x.name === name)!;
  const r = t.result;
  return 'latency' in r ? (r.latency.p50 * 1e6) / (FRAMES * SLOTS) : Number.NaN;
};
console.log(
  `node ${process.version}, ${process.platform}/${process.arch}; ${SLOTS} slots/frame, ${FRAMES} frames/iteration`,
);
console.table(
  clocks.map((c) => {
    const e = nsPerSlot(`executive / ${c.kind}`);
    const b = nsPerSlot(`bare loop / ${c.kind}`);
    return {
      clock: c.kind,
      'executive ns/slot': Number(e.toFixed(1)),
      'bare ns/slot': Number(b.toFixed(1)),
      ratio: Number((e / b).toFixed(2)),
      'executive B/frame': Number(alloc[`executive / ${c.kind}`]!.toFixed(1)),
      'bare B/frame': Number(alloc[`bare loop / ${c.kind}`]!.toFixed(1)),
    };
  }),
);
if (sink === -1) console.log('');
