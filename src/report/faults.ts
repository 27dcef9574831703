/**
 * The fault fields of a run report, in one place: how a crashed run ended (`crash`) and
 * the first distinct errors each task threw (`tasks[i].errorSamples`), and their lines.
 * The run layer fills them (src/run/faults.ts); check and the renderers read them.
 */

/**
 * What took the run down: a promise rejected with no handler, an exception nothing caught,
 * a `process.exit` call (task code), the loop's worker failing or exiting on its own, or a
 * loop that did not stop when told to (a task blocked outside JavaScript).
 */
export type CrashCause =
  | 'unhandled-rejection'
  | 'uncaught-exception'
  | 'process-exit'
  | 'worker-error'
  | 'loop-unresponsive';

/** Extension: how a crashed run ended (`stopReason: "crashed"`, a non-zero `exitCode`). */
export interface RunReportCrash {
  readonly cause: CrashCause;
  /** What happened, one line: the error (`Error: boom`), `process.exit(3)`, … */
  readonly message: string;
  /** The task whose code it came from, when the stack names one of the task modules. */
  readonly task?: string;
  /** Where in that task's module: `file:line` of the first stack frame in it. */
  readonly at?: string;
}

/** Extension: one distinct error a task threw (its first occurrence). */
export interface TaskErrorSample {
  /** `Name: message`, as the alarm line prints it. */
  readonly message: string;
  /** `file:line` of the first stack frame in the task's own module, or null when none is. */
  readonly at: string | null;
  /** Frame (since the measured run's first release) where it was first seen. */
  readonly frame: number;
}

/** How many distinct errors per task a report keeps (the first ones). */
export const ERROR_SAMPLES_KEPT = 5;

/** The crash as one line: `crashed: unhandled rejection in task t (/x/tasks.mjs:4): Error: boom`. */
export function describeCrash(c: RunReportCrash): string {
  const where =
    c.task === undefined
      ? c.at === undefined
        ? ''
        : ` at ${c.at}`
      : ` in task ${c.task}${c.at === undefined ? '' : ` (${c.at})`}`;
  return `crashed: ${c.cause.replace(/-/g, ' ')}${where}: ${c.message}`;
}

/** One error sample as a line: `Error: boom (/x/tasks.mjs:7, first in frame 49)`. */
export function describeErrorSample(e: TaskErrorSample): string {
  return `${e.message} (${e.at === null ? 'not in the task module' : e.at}, first in frame ${e.frame})`;
}
