/**
 * The isolated tasks of this thread and their supervisor (supervisor-worker.ts). The task
 * loader calls {@link startIsolatedTask} for every task with `isolate: true`; the first
 * call starts the supervisor. Setup and end only (cold; allocates; may await).
 *
 * The supervisor is `unref()`ed: it never keeps a process alive, and it goes (with its
 * task workers) when this thread ends. {@link closeIsolatedTasks} ends it explicitly.
 */
import type { Worker } from 'node:worker_threads';
import { HardtickError, type HardtickErrorCode } from '../errors.js';
import { createIsolatedTaskBuffers, DEFAULT_WARMUP_CALLS, IsolatedTask } from './isolated-task.js';
import { C_STATE, STATE_STARTING, type SupervisorMessage, SV_SIZE, type TaskWorkerData } from './protocol.js';
import { startIsolateWorker } from './spawn.js';
import { waitWhileEqual } from './wait-async.js';

/** Longest wait for a task worker to be ready at setup, ms. */
export const ISOLATE_START_TIMEOUT_MS = 30_000;

/** What {@link startIsolatedTask} needs to know about the task. */
export interface StartIsolatedTaskOptions {
  /** Task name (messages, the worker's context). */
  readonly taskName: string;
  /** Mode the task belongs to (the worker's context). */
  readonly modeName: string;
  /** The `run` reference (`spec` as written, resolved `file`, `exportName`). */
  readonly run: { readonly spec: string; readonly file: string; readonly exportName: string };
  /** Grace past the slot budget before a kill, ns. */
  readonly graceNs: number;
  /** See {@link IsolatedTaskOptions.spinIterations}. */
  readonly spinIterations?: number;
  /** No-op dispatches the worker runs before it reports ready. @default DEFAULT_WARMUP_CALLS */
  readonly warmupCalls?: number;
  /** Setup timeout, ms. @default ISOLATE_START_TIMEOUT_MS */
  readonly startTimeoutMs?: number;
}

interface Supervisor {
  readonly worker: Worker;
  readonly bell: Int32Array;
}

let supervisor: Supervisor | null = null;
const tasks: IsolatedTask[] = [];

function ensureSupervisor(): Supervisor {
  if (supervisor !== null) return supervisor;
  const bellBuffer = new SharedArrayBuffer(SV_SIZE * Int32Array.BYTES_PER_ELEMENT);
  const worker = startIsolateWorker('supervisor-worker', {
    workerData: { bell: bellBuffer },
    name: 'hardtick-isolate-supervisor',
  });
  worker.unref();
  // Its failure leaves kills unanswered (the tasks stay unavailable); never a crash here.
  worker.on('error', () => {});
  supervisor = { worker, bell: new Int32Array(bellBuffer) };
  return supervisor;
}

/**
 * Starts an isolated task's worker (through the supervisor) and resolves once it is ready.
 *
 * @throws HardtickError with the code and message the in-thread loader would give
 *   (`task_load_failed`, `task_not_function`) when the worker cannot load the task, or
 *   `task_load_failed` when it is not ready within `startTimeoutMs`.
 */
export async function startIsolatedTask(options: StartIsolatedTaskOptions): Promise<IsolatedTask> {
  const sv = ensureSupervisor();
  const buffers = createIsolatedTaskBuffers();
  const task = new IsolatedTask({
    taskName: options.taskName,
    modeName: options.modeName,
    graceNs: options.graceNs,
    buffers,
    bell: sv.bell,
    ...(options.spinIterations === undefined ? {} : { spinIterations: options.spinIterations }),
  });
  const data: TaskWorkerData = {
    buffers,
    generation: 0,
    taskName: options.taskName,
    modeName: options.modeName,
    spec: options.run.spec,
    file: options.run.file,
    exportName: options.run.exportName,
    warmupCalls: options.warmupCalls ?? DEFAULT_WARMUP_CALLS,
  };
  sv.worker.postMessage({ type: 'add', id: tasks.length, task: data } satisfies SupervisorMessage);
  const ctl = new Int32Array(buffers.control);
  const timeoutMs = options.startTimeoutMs ?? ISOLATE_START_TIMEOUT_MS;
  const t0 = performance.now();
  // A pending `Atomics.waitAsync` does not keep the event loop alive (and the supervisor
  // is unref'd): hold it with a timer until the worker has answered.
  const keepAlive = setInterval(() => {}, 1000);
  try {
    while (Atomics.load(ctl, C_STATE) === STATE_STARTING) {
      const left = timeoutMs - (performance.now() - t0);
      if (left <= 0) {
        task.close();
        throw new HardtickError(
          'task_load_failed',
          `task '${options.taskName}': its isolated worker ('${options.run.spec}', ${options.run.file}) was not ready within ${timeoutMs} ms`,
          { task: options.taskName, file: options.run.file },
        );
      }
      await waitWhileEqual(ctl, C_STATE, STATE_STARTING, Math.min(left, 100));
    }
  } finally {
    clearInterval(keepAlive);
  }
  const failure = task.failure();
  if (failure !== null) {
    task.close();
    throw new HardtickError(failure[0] as HardtickErrorCode, failure[1], {
      task: options.taskName,
      file: options.run.file,
    });
  }
  tasks.push(task);
  return task;
}

/** The isolated tasks started on this thread (setup order). */
export function isolatedTasks(): readonly IsolatedTask[] {
  return tasks;
}

/**
 * Closes every isolated task and ends the supervisor with its workers. Cold; safe to call
 * twice. Later {@link startIsolatedTask} calls start a new supervisor.
 */
export async function closeIsolatedTasks(): Promise<void> {
  for (const t of tasks) t.close();
  tasks.length = 0;
  const sv = supervisor;
  supervisor = null;
  if (sv === null) return;
  sv.worker.postMessage({ type: 'close' } satisfies SupervisorMessage);
  await sv.worker.terminate();
}
