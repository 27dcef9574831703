/**
 * Fail-safe used by the watchdog tests; runs in the watchdog thread. Drives the "outputs"
 * (`data.outputs`, Int32 words) to a safe state: word 0 = 1 (safe), word 1 = the stuck task,
 * word 2 = the stuck slot, word 3 = 1 when this ran on a thread other than the main thread;
 * Float64 word 2 (bytes 16..23) = CLOCK_MONOTONIC ns when it ran.
 * `throwing` is a fail-safe that fails, `notAFunction` is not a function.
 */
import { isMainThread } from 'node:worker_threads';
import { sharedNowNs } from '../../src/watchdog/heartbeat.js';
import type { FailSafeContext } from '../../src/watchdog/watchdog.js';

export function failSafe(context: FailSafeContext): void {
  const words = new Int32Array(context.data.outputs!, 0, 4);
  new Float64Array(context.data.outputs!, 16, 1)[0] = sharedNowNs();
  Atomics.store(words, 1, context.stuck.task);
  Atomics.store(words, 2, context.stuck.slot);
  Atomics.store(words, 3, isMainThread ? 0 : 1);
  Atomics.store(words, 0, 1);
}

/**
 * Counts its runs in Int32 word 8 of `data.outputs` and stores `params.code` in word 9 and
 * the stuck event's ordinal in word 10 (the latest run's).
 */
export function withParams(context: FailSafeContext): void {
  const words = new Int32Array(context.data.outputs!, 32, 3);
  Atomics.store(words, 1, (context.params as { code: number }).code);
  Atomics.store(words, 2, context.stuck.ordinal);
  Atomics.add(words, 0, 1);
}

export function throwing(): void {
  throw new Error('actuator bus offline');
}

export const notAFunction = 42;
