/**
 * Access to V8's `gc()` for planned collections, without requiring `--expose-gc` on the
 * command line. Cold: called once at start-up.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** V8's collector entry point: `gc({ type: 'minor' })` runs one scavenge of the young generation. */
export type GcFunction = (options?: { readonly type?: 'minor' | 'major' }) => void;

/** How {@link obtainGcFunction} got the function. */
export type GcAccess = 'expose-gc' | 'runtime-flag';

/** The function and how it was obtained. */
export interface GcFunctionResult {
  readonly gc: GcFunction;
  /** `expose-gc`: the process ran with `--expose-gc`; `runtime-flag`: set with `v8.setFlagsFromString` here. */
  readonly via: GcAccess;
}

/**
 * Returns V8's `gc` function: the global one when the process (or this worker's
 * execArgv) has `--expose-gc`, otherwise the flag is set at run time and the function is
 * taken from a fresh context (V8 installs `gc` into contexts created after the flag is
 * set). The flag stays set for the process (V8 flags are process-wide), so later
 * contexts also see a `gc` global: harmless, and nothing in hardtick relies on it.
 * @throws Error when V8 does not provide the function even then (never seen on Node ≥ 20).
 */
export function obtainGcFunction(): GcFunctionResult {
  const global = (globalThis as { gc?: unknown }).gc;
  if (typeof global === 'function') return { gc: global as GcFunction, via: 'expose-gc' };
  setFlagsFromString('--expose-gc');
  const fn: unknown = runInNewContext('typeof gc === "function" ? gc : undefined');
  if (typeof fn !== 'function') throw new Error('V8 did not provide gc() after --expose-gc was set');
  return { gc: fn as GcFunction, via: 'runtime-flag' };
}

/**
 * One full, synchronous collection before a measured loop starts. The warm-up and the alarm
 * rehearsal allocate (executives and their statistics buffers); without this, V8 finishes
 * that garbage with an incremental mark-compact some seconds into the measured loop (seen:
 * one 4–5 ms `incremental` GC inside 10 s runs of an allocation-free loop). Cold. Returns
 * false (and does nothing) when V8 provides no `gc` function.
 */
export function collectBeforeMeasurement(): boolean {
  let fn: GcFunction;
  try {
    fn = obtainGcFunction().gc;
  } catch {
    return false;
  }
  fn();
  return true;
}
