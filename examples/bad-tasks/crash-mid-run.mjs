/**
 * Fixture: a task that kills the thread running it after ~100 calls. In the real-time
 * worker (`hardtick run`'s default) `process.exit` ends only the worker thread, so the
 * main thread reports the crash, still writes the report from the last statistics it
 * received, and exits 2. Do not run it with `--thread main`: there it exits the process.
 */
let calls = 0;

/** Runs normally ~100 times, then exits the thread with code 3. */
export function control() {
  calls++;
  if (calls === 100) process.exit(3);
}
