/**
 * A run's faults as its report names them: a process-level fault (src/tasks
 * process-guard.ts) or a failed loop thread as the report's `crash` (cause, message, the
 * task and `file:line` its stack points at), and the first distinct errors of each task
 * (`tasks[i].errorSamples`), located in the task's own module. Cold code.
 */
import { fileURLToPath } from 'node:url';
import type { ResolvedConfig } from '../config/types.js';
import {
  type CrashCause,
  ERROR_SAMPLES_KEPT,
  type RunReportCrash,
  type TaskErrorSample,
} from '../report/faults.js';
import type { ProcessFault } from '../tasks/process-guard.js';
import { describeThrown } from './text.js';

/** Exit code of a crashed run (as for bad input: the run's evidence cannot be trusted). */
export const CRASH_EXIT_CODE = 2;

/** One module reference of a task (`run`, `overrun.degraded`, `overrun.safeState`). */
export interface TaskModuleRef {
  readonly task: string;
  readonly file: string;
  readonly exportName: string;
}

/** Every task module reference of `config`, all modes. */
export function taskModuleRefs(config: ResolvedConfig): TaskModuleRef[] {
  const refs: TaskModuleRef[] = [];
  for (const mode of config.modes) {
    for (const t of mode.tasks) {
      for (const ref of [t.run, t.overrun.degraded, t.overrun.safeState]) {
        if (ref !== null) refs.push({ task: t.name, file: ref.file, exportName: ref.exportName });
      }
    }
  }
  return refs;
}

/** Where a stack points into the task modules: `file:line`, and the task when it can tell. */
export interface TaskLocation {
  readonly at: string;
  readonly task: string | null;
}

/** One V8 stack line: `at fn (file:line:col)` or `at file:line:col`. */
const FRAME = /^\s*at (?:(.*?) \()?(.+?):(\d+):\d+\)?$/;

/**
 * The first frame of `stack` in one of `refs`' files, as `file:line`, with the task whose
 * export the frame's function is (else the task, when only one uses that file). Null when
 * no frame is in a task module.
 */
export function locateInTasks(stack: string | null, refs: readonly TaskModuleRef[]): TaskLocation | null {
  if (stack === null) return null;
  for (const line of stack.split('\n')) {
    const m = FRAME.exec(line);
    if (m === null) continue;
    const file = toPath(m[2]!);
    const inFile = refs.filter((r) => r.file === file);
    if (inFile.length === 0) continue;
    const fn = (m[1] ?? '').split(/[ .]/).at(-1) ?? '';
    const byExport = inFile.find((r) => r.exportName === fn);
    const tasks = new Set(inFile.map((r) => r.task));
    const task = byExport?.task ?? (tasks.size === 1 ? inFile[0]!.task : null);
    return { at: `${file}:${m[3]}`, task };
  }
  return null;
}

function toPath(location: string): string {
  if (location.startsWith('file:')) {
    try {
      return fileURLToPath(location);
    } catch {
      return location;
    }
  }
  return location;
}

/** The report's `crash` for a process-level fault, located in the task modules. */
export function crashFromFault(fault: ProcessFault, refs: readonly TaskModuleRef[]): RunReportCrash {
  const message =
    fault.cause === 'process-exit'
      ? `process.exit(${String(fault.value)}) called`
      : describeThrown(fault.value);
  return crash(fault.cause, message, locateInTasks(fault.stack, refs));
}

/** A `crash` entry: cause and message, with the task and place when known. */
export function crash(
  cause: CrashCause,
  message: string,
  where: { readonly task?: string | null; readonly at?: string | null } | null = null,
): RunReportCrash {
  return {
    cause,
    message,
    ...(where?.task == null ? {} : { task: where.task }),
    ...(where?.at == null ? {} : { at: where.at }),
  };
}

/**
 * The first {@link ERROR_SAMPLES_KEPT} distinct errors (message and place) of each task,
 * by the snapshot's task index (modes in order, their tasks flattened).
 */
export class ErrorSamples {
  private readonly byTask: TaskErrorSample[][];

  constructor(taskCount: number) {
    this.byTask = Array.from({ length: taskCount }, () => []);
  }

  /** Keeps one error of task `index` if it is new and there is room. */
  add(index: number, sample: TaskErrorSample): void {
    const kept = this.byTask[index];
    if (kept === undefined || kept.length >= ERROR_SAMPLES_KEPT) return;
    if (kept.some((s) => s.message === sample.message && s.at === sample.at)) return;
    kept.push(sample);
  }

  /** The samples, by task index. */
  list(): readonly (readonly TaskErrorSample[])[] {
    return this.byTask;
  }
}
