/**
 * Child side of the allocation probes (test/helpers/*-alloc-probe.ts): the V8 setting they
 * share, the `gc()` handle `--expose-gc` gives, and the one JSON line they print for
 * test/helpers/alloc-probe.ts to read.
 */
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';

/**
 * Compiles each function on its own when it gets hot. Sparkplug otherwise compiles hot
 * functions in batches, and whichever call fills the batch budget pays for the whole
 * batch; when that call is the measured window's own clock read, the window shows heap
 * growth that is not the subject's.
 */
export function compileEachFunctionAlone(): void {
  setFlagsFromString('--no-baseline-batch-compilation');
}

/** The collector handle; throws when the probe was started without `--expose-gc`. */
export function exposedGc(): (options?: { type?: 'minor' | 'major' }) => void {
  const gc = (globalThis as { gc?: (options?: { type?: 'minor' | 'major' }) => void }).gc;
  if (gc === undefined) throw new Error('run with --expose-gc');
  return gc;
}

/** Prints the probe's result: one JSON line on stdout, the last thing it writes. */
export function printResult(result: object): void {
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

/**
 * Bytes used in the young generation (`new_space`): where allocations land. With no GC in
 * a window, its growth is what the window allocated; unlike `heapUsed` it leaves out code
 * space, which a late recompile grows.
 */
export function youngBytes(): number {
  for (const s of getHeapSpaceStatistics()) if (s.space_name === 'new_space') return s.space_used_size;
  throw new Error('no new_space in v8.getHeapSpaceStatistics()');
}
