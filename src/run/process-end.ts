/**
 * Ending the process when a run's loop thread cannot be stopped. A worker thread blocked
 * in a system call (a read of a FIFO with no writer) takes no `terminate()`, and
 * `process.exit()` joins every worker first: it would wait forever. The native addon's
 * `_exit` ends the process with the code; without it a signal does (the same one for a
 * signal's stop, else SIGKILL), and the status is the signal's. Cold code.
 */
import { writeSync } from 'node:fs';
import { constants } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { loadNative, nativeStatus } from '../native/binding.js';
import { exitProcess } from '../tasks/process-guard.js';

/** How long a terminated loop worker gets to exit before the process is ended around it, ms. */
export const TERMINATE_WAIT_MS = 1000;

/** 128 + the signal's number: the exit code a shell shows for a process the signal ended. */
export function signalExitCode(signal: NodeJS.Signals): number {
  return 128 + (constants.signals[signal] ?? 15);
}

/** The signal of a stop note `signal:<NAME>` (how a signal's stop names itself), else null. */
export function stopSignalOf(stopNote: string | null): NodeJS.Signals | null {
  const m = /^signal:(SIG[A-Z0-9]+)$/.exec(stopNote ?? '');
  return m !== null && m[1]! in constants.signals ? (m[1] as NodeJS.Signals) : null;
}

/**
 * Ends the process now with `code`, whatever its threads are doing. Without the native
 * addon: re-raises `signal` with its default action when given (a signal's stop), else
 * SIGKILL; a line on stderr says so.
 */
export function endProcessNow(code: number, signal: NodeJS.Signals | null = null): never {
  const native = loadNative();
  native?.exitNow?.(code);
  const why =
    native === null
      ? `the native addon is not available: ${nativeStatus().reason}`
      : 'the native addon is stale';
  const by = signal ?? 'SIGKILL';
  writeSync(
    2,
    `hardtick: a thread of this process is blocked outside JavaScript; ending it by ${by}, ` +
      `not with exit code ${code} (${why})\n`,
  );
  if (signal !== null) {
    // With no listener left, Node restores the signal's default action: it ends the process.
    process.removeAllListeners(signal);
    process.kill(process.pid, signal);
  }
  process.kill(process.pid, 'SIGKILL');
  return exitProcess(code);
}

/**
 * Listens for `signals` until the returned function is called: the first one calls
 * `stop(signal)`; a second one (any of them) ends the process at once with 128 + its
 * number ({@link endProcessNow}: even while the loop's thread is blocked).
 */
export function onStopSignals(
  signals: readonly NodeJS.Signals[],
  stop: (signal: NodeJS.Signals) => void,
): () => void {
  let seen = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (seen) {
      writeSync(2, `hardtick: ${signal} again: exiting now, without a report\n`);
      endProcessNow(signalExitCode(signal), signal);
    }
    seen = true;
    stop(signal);
  };
  for (const s of signals) process.on(s, onSignal);
  return () => {
    for (const s of signals) process.off(s, onSignal);
  };
}

/**
 * After a run ended with its loop worker still alive (stuck, unresponsive): terminates it
 * and, if it has not exited {@link TERMINATE_WAIT_MS} later (blocked in a system call),
 * ends the process with `code` ({@link endProcessNow}). The timer keeps the process
 * alive until then; it is cleared when the worker exits.
 */
export function endWorkerOrProcess(
  worker: Worker,
  exited: boolean,
  code: number,
  signal: NodeJS.Signals | null,
): void {
  if (exited) return;
  void worker.terminate();
  const timer = setTimeout(() => endProcessNow(code, signal), TERMINATE_WAIT_MS);
  worker.once('exit', () => clearTimeout(timer));
}
