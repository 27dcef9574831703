/**
 * The V8 flags hardtick sets in its own process, with `v8.setFlagsFromString`. V8 keeps one
 * flag table per process; each isolate reads these when it needs them. No imports but
 * node:v8: the CLI applies them before the rest of the library loads (src/cli/early.ts).
 *
 * - `--no-memory-reducer`: an isolate created after this has no memory reducer. It covers
 *   the real-time worker (started after the flags are set). V8 reads it only when it sets up
 *   a heap, so the main isolate, already running, keeps its reducer.
 * - `--gc-memory-reducer-start-delay-ms=2147483647`: for an isolate that has one (the main
 *   thread's). After a mark-compact, the reducer waits this long and then, if the isolate
 *   looks idle, runs two or three full collections to give memory back. V8 reads the delay
 *   at each mark-compact; the default, 8 s, put those collections ~8 s after start-up, in
 *   the middle of a measured run: 20–60 ms of CPU on the main thread and its GC helpers, and
 *   on a 2-CPU machine a 5–7 ms pause of a loop thread running without real-time priority
 *   (measured). At 2³¹ − 1 ms (~24.9 days) the reducer starts only in a run that long. Set
 *   after a mark-compact has happened, it leaves the reducer already waiting as it is.
 */
import { setFlagsFromString } from 'node:v8';

/** What {@link applyV8Flags} sets, as the report's `environment.v8Flags` lists them. */
export const V8_FLAGS: readonly string[] = [
  '--no-memory-reducer',
  '--gc-memory-reducer-start-delay-ms=2147483647',
];

/** Sets {@link V8_FLAGS}. Idempotent. */
export function applyV8Flags(): void {
  for (const flag of V8_FLAGS) setFlagsFromString(flag);
}
