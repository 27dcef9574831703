/**
 * The allocation measurement shared by the child-process probes (memory, channels,
 * watchdog): warm `run` up until V8 has finished compiling it, then run it `iterations`
 * times and report GC events and young-generation growth in that window.
 *
 * Warm-up: short calls first (a function's feedback vector exists only after a few calls,
 * so optimised code compiled during long first calls deopts later), then long ones, a
 * pause for the concurrent compiler, then runs of 20k until one shows < 1 KiB young growth
 * (a real per-iteration allocation never settles, so the measured run still catches it).
 * Young space (`new_space`), not the whole heap: a late recompile grows code space, which
 * is not allocation by the subject. Needs `--expose-gc`.
 */
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { exposedGc, youngBytes } from './probe-child.js';

/** What one measured window showed. */
export interface AllocationMeasurement {
  readonly iterations: number;
  readonly gcEvents: number;
  /** Young-generation growth over the window, bytes. */
  readonly heapDeltaBytes: number;
  /** Whole-heap growth over the window, bytes (includes code space). */
  readonly totalHeapDeltaBytes: number;
  readonly nsPerIteration: number;
}

const gc = exposedGc();

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Warms `run(n)` up, then measures `run(iterations)` (see the module note). */
export async function measureAllocation(
  run: (n: number) => void,
  iterations: number,
): Promise<AllocationMeasurement> {
  const collect = gc;
  for (let i = 0; i < 200; i++) run(10);
  for (let i = 0; i < 20; i++) run(5_000);
  await sleep(100);
  for (let i = 0; i < 10; i++) run(5_000);
  for (let i = 0; i < 20; i++) {
    await sleep(20);
    collect();
    const h0 = youngBytes();
    run(20_000);
    if (youngBytes() - h0 < 1024) break;
  }

  const gcStarts: number[] = [];
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcStarts.push(e.startTime);
  });
  obs.observe({ entryTypes: ['gc'] });
  collect();
  collect();
  const totalBefore = process.memoryUsage().heapUsed;
  const youngBefore = youngBytes();
  const t0 = performance.now();
  run(iterations);
  const t1 = performance.now();
  const youngAfter = youngBytes();
  const totalAfter = process.memoryUsage().heapUsed;
  await sleep(50);
  obs.disconnect();
  return {
    iterations,
    gcEvents: gcStarts.filter((s) => s >= t0 && s <= t1).length,
    heapDeltaBytes: youngAfter - youngBefore,
    totalHeapDeltaBytes: totalAfter - totalBefore,
    nsPerIteration: ((t1 - t0) * 1e6) / iterations,
  };
}
