/**
 * Fixture: a task that calls `process.exit(3)` on its 100th call. During a run that call
 * ends nothing: it throws (the task's error), the loop stops at the next frame, and the
 * run ends as crashed (`crash.cause: "process-exit"`, naming the task and this file's
 * line), with its report and exit code 2, in either thread mode.
 */
let calls = 0;

/** Runs normally ~100 times, then exits the thread with code 3. */
export function control() {
  calls++;
  if (calls === 100) process.exit(3);
}
