/**
 * Guards a run against task code that would take the process down behind its back: a
 * promise rejected with no handler, an exception nothing catches (a timer's callback), a
 * `process.exit` call. While {@link guardProcess} is in force each one becomes a
 * {@link ProcessFault} the run ends on (crashed, with its report) instead of Node's stack
 * trace and exit on the main thread, or a worker that dies without a word.
 * {@link exitProcess} is the real `process.exit`, for hardtick's own endings. Cold code.
 */

/** Which process-level fault it was. */
export type ProcessFaultCause = 'unhandled-rejection' | 'uncaught-exception' | 'process-exit';

/** One process-level fault seen while {@link guardProcess} was in force. */
export interface ProcessFault {
  readonly cause: ProcessFaultCause;
  /** The rejection reason or the exception; for `process-exit`, the exit code asked for. */
  readonly value: unknown;
  /** A stack that says where it came from (the error's; where `process.exit` was called), or null. */
  readonly stack: string | null;
}

/** Thrown by a guarded `process.exit`: no code after the call runs, and the process goes on. */
export class ProcessExitCalled extends Error {
  /** The exit code asked for. */
  readonly exitCode: number;

  constructor(exitCode: number) {
    super(`process.exit(${exitCode}) called during a run: the run ends as crashed`);
    this.name = 'ProcessExitCalled';
    this.exitCode = exitCode;
  }
}

/** `process.exit` as this thread had it when hardtick loaded (before any guard). */
const realExit: (code?: number) => never = process.exit.bind(process);

/** Ends this thread's process (worker: the worker) with `code`, even while a guard is in force. */
export function exitProcess(code: number): never {
  return realExit(code);
}

/**
 * Until the returned function is called, turns this thread's unhandled rejections,
 * uncaught exceptions and `process.exit` calls into `onFault` calls. A guarded
 * `process.exit` throws {@link ProcessExitCalled} after `onFault` (inside a task, the
 * executive counts it as the task's error; the run then ends on the fault).
 */
export function guardProcess(onFault: (fault: ProcessFault) => void): () => void {
  const previousExit = process.exit;
  const onRejection = (reason: unknown): void =>
    onFault({ cause: 'unhandled-rejection', value: reason, stack: stackOf(reason) });
  const onException = (error: unknown): void =>
    onFault({ cause: 'uncaught-exception', value: error, stack: stackOf(error) });
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  process.exit = function exit(code?: number | string | null): never {
    const exitCode = Number(code ?? process.exitCode ?? 0) || 0;
    onFault({ cause: 'process-exit', value: exitCode, stack: new Error('process.exit').stack ?? null });
    throw new ProcessExitCalled(exitCode);
  } as typeof process.exit;
  return () => {
    process.off('unhandledRejection', onRejection);
    process.off('uncaughtException', onException);
    process.exit = previousExit;
  };
}

function stackOf(value: unknown): string | null {
  return value instanceof Error && typeof value.stack === 'string' ? value.stack : null;
}
