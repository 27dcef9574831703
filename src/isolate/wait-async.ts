/**
 * `Atomics.waitAsync` (ES2024; in Node 20, but not in the ES2022 lib this package compiles
 * against). Cold code: for setup and the supervisor, whose event loops must stay free.
 */

/** The result of `Atomics.waitAsync`. */
type WaitAsyncResult = { async: false; value: string } | { async: true; value: Promise<string> };

const atomics = Atomics as unknown as {
  waitAsync(array: Int32Array, index: number, value: number, timeoutMs?: number): WaitAsyncResult;
};

/**
 * Resolves when `array[index]` is no longer `value` (or was not to begin with), or after
 * `timeoutMs` (default: never), without blocking the thread.
 */
export async function waitWhileEqual(
  array: Int32Array,
  index: number,
  value: number,
  timeoutMs?: number,
): Promise<void> {
  const r = atomics.waitAsync(array, index, value, timeoutMs);
  if (r.async) await r.value;
}
