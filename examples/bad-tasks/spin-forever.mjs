/**
 * Fixture: a task that spins forever after ~300 ms (150 calls at 2 ms). Only a watchdog
 * notices (see spin-forever.json: `watchdog` with a 50 ms grace and a fail-safe): the
 * main thread prints `alarm stuck: task control …`, writes the report (`stuck`,
 * `stopReason: 'stuck'`), terminates the worker and exits with `watchdog.exitCode`.
 */
let calls = 0;

/** Runs normally ~150 times, then never returns. */
export function control() {
  calls++;
  if (calls >= 150) for (;;) {}
}

/** A second task, so the stuck one is named among others. */
export function log() {}
