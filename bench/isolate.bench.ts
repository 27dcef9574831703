/**
 * Cost of budget enforcement by isolation (src/isolate), in three figures:
 *
 * 1. Per release: an isolated empty task (release through shared memory, answer, on the
 *    executive's thread: store + notify, wait) vs a direct call of the same empty function,
 *    timed per call with the selected clock (native when built), interleaved in rounds so
 *    all see the same machine load. Also with `spinIterations: 20000` (the proxy spins
 *    ~10–40 µs on the answer before it blocks).
 * 2. Termination: a task that never returns (budget 1 ms, grace 0): how long the proxy call
 *    takes to give up (= when the loop resumes; minus the budget: the detection lateness),
 *    the supervisor's `worker.terminate()` call, and terminate() → the worker's `exit`
 *    event (its thread is gone).
 * 3. Respawn: kill noticed by the supervisor → the new worker ready (module loaded, warmed).
 *
 * Usage: `npm run bench:isolate` (from sources: workers register tsx, which slows their
 * start) or `npm run build && npx tsx bench/isolate.bench.ts --dist` (the compiled package,
 * as `hardtick run` uses it). Prints medians (and p99) per round and over all rounds.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { selectClockAndWaiter } from '../src/native/select.js';
import { MutableTaskContext } from '../src/runtime/context.js';
import type { TaskFn } from '../src/runtime/types.js';

const useDist = process.argv.includes('--dist');
const isolateUrl = useDist ? '../dist/isolate/index.js' : '../src/isolate/index.js';
if (useDist && !existsSync(fileURLToPath(new URL(isolateUrl, import.meta.url))))
  throw new Error('--dist: run `npm run build` first');
const iso = (await import(isolateUrl)) as typeof import('../src/isolate/index.js');

const FILE = fileURLToPath(new URL('../test/fixtures/isolate/tasks.mjs', import.meta.url));
const ROUNDS = 5;
const CALLS = 5_000;
const KILLS = 6;

const { clock, backend } = selectClockAndWaiter();
const ctx = new MutableTaskContext(clock);
ctx.budgetNs = 1e9;

function quantile(sorted: Float64Array, q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}
const us = (ns: number): string => (ns / 1e3).toFixed(2);
const ms = (ns: number): string => (ns / 1e6).toFixed(2);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Per-call times of `fn` (clock read before and after each call), sorted. */
function timeCalls(fn: TaskFn, n: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const t0 = clock.nowNs();
    ctx.sliceStartNs = t0;
    fn(ctx);
    out[i] = clock.nowNs() - t0;
  }
  return out.sort();
}

const direct: TaskFn = (await import(FILE)).empty;
const start = (exportName: string, extra: Record<string, unknown> = {}) =>
  iso.startIsolatedTask({
    taskName: exportName,
    modeName: 'main',
    run: { spec: `./tasks.mjs#${exportName}`, file: FILE, exportName },
    graceNs: 0,
    ...extra,
  });

console.log(
  `isolation bench: ${useDist ? 'dist' : 'sources (tsx workers)'}, clock ${backend.clock}, node ${process.version}, ${ROUNDS} rounds × ${CALLS} calls`,
);

// 1. Round trip.
const blocking = await start('empty', { graceNs: 1e9 });
const spinning = await start('empty', { graceNs: 1e9, spinIterations: 20_000 });
for (const t of [spinning, blocking]) timeCalls(t.fn, 2_000);
timeCalls(direct, 20_000);
const p50s = { direct: [] as number[], spin: [] as number[], block: [] as number[] };
const p99s = { direct: [] as number[], spin: [] as number[], block: [] as number[] };
console.log(
  '\nround  direct p50/p99 (µs)  isolated, spin 20000 p50/p99 (µs)  isolated (default, no spin) p50/p99 (µs)  p50 ratio default/direct',
);
for (let r = 0; r < ROUNDS; r++) {
  const d = timeCalls(direct, CALLS);
  const s = timeCalls(spinning.fn, CALLS);
  const b = timeCalls(blocking.fn, CALLS);
  p50s.direct.push(quantile(d, 0.5));
  p50s.spin.push(quantile(s, 0.5));
  p50s.block.push(quantile(b, 0.5));
  p99s.direct.push(quantile(d, 0.99));
  p99s.spin.push(quantile(s, 0.99));
  p99s.block.push(quantile(b, 0.99));
  console.log(
    `${String(r + 1).padStart(5)}  ${us(quantile(d, 0.5)).padStart(8)} / ${us(quantile(d, 0.99)).padStart(8)}  ${us(quantile(s, 0.5)).padStart(9)} / ${us(quantile(s, 0.99)).padStart(9)}  ${us(quantile(b, 0.5)).padStart(13)} / ${us(quantile(b, 0.99)).padStart(9)}  ${(quantile(b, 0.5) / quantile(d, 0.5)).toFixed(0)}×`,
  );
}
console.log(
  `median  ${us(median(p50s.direct))} / ${us(median(p99s.direct))}  ${us(median(p50s.spin))} / ${us(median(p99s.spin))}  ${us(median(p50s.block))} / ${us(median(p99s.block))}  ratio p50 default/direct ${(median(p50s.block) / median(p50s.direct)).toFixed(0)}×`,
);

// 2 and 3. Kill, terminate, respawn.
const runaway = await start('spinForever');
const gaveUp: number[] = [];
const terminateCall: number[] = [];
const terminateExit: number[] = [];
const respawn: number[] = [];
console.log(
  '\nkill  gave up after (ms; budget 1 ms, grace 0)  terminate() call (ms)  terminate → exit (ms)  respawn to ready (ms)',
);
for (let k = 0; k < KILLS; k++) {
  const t0 = clock.nowNs();
  ctx.sliceStartNs = t0;
  ctx.budgetNs = 1e6;
  try {
    runaway.fn(ctx);
  } catch {}
  gaveUp.push(clock.nowNs() - t0);
  // Let the supervisor terminate and respawn (its event loop, not this thread's, does it).
  while (!runaway.ready) await new Promise((r) => setTimeout(r, 2));
  await new Promise((r) => setTimeout(r, 100)); // the old worker's exit event
  const t = runaway.timings();
  terminateCall.push(t.terminateCallNs);
  terminateExit.push(t.terminateExitNs);
  respawn.push(t.respawnNs);
  console.log(
    `${String(k + 1).padStart(4)}  ${ms(gaveUp[k]!).padStart(41)}  ${ms(t.terminateCallNs).padStart(21)}  ${ms(t.terminateExitNs).padStart(21)}  ${ms(t.respawnNs).padStart(21)}`,
  );
}
console.log(
  `median  gave up ${ms(median(gaveUp))} ms (detection ${ms(median(gaveUp) - 1e6)} ms after budget + grace), terminate() ${ms(median(terminateCall))} ms, terminate → exit ${ms(median(terminateExit))} ms, respawn ${ms(median(respawn))} ms`,
);
await iso.closeIsolatedTasks();
