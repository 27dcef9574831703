/**
 * Loads a mode's functions: each task's `run` (an isolated task's proxy instead, its module
 * loaded in its own worker, src/isolate), `overrun.degraded` and `overrun.safeState`, in
 * the calling thread's isolate. Setup only; errors are those of `loadTaskRef`.
 */
import type { ResolvedMode } from '../config/types.js';
import type { TaskFn } from '../runtime/index.js';
import { loadTaskRef, type ModuleCache } from '../tasks/load.js';
import { startIsolatedTask } from './registry.js';

/** The functions of one mode, index-aligned with `mode.tasks` (what `ExecutiveModeSpec` takes). */
export interface LoadedTaskFunctions {
  /** The `run` function of each task. */
  readonly fns: TaskFn[];
  /** The `overrun.degraded` function of each task, or null when none is declared. */
  readonly degraded: (TaskFn | null)[];
  /** The `overrun.safeState` function of each task, or null when none is declared. */
  readonly safeState: (TaskFn | null)[];
}

/**
 * Imports every task function of `mode`. An isolated task (`isolate: true`) is loaded in
 * its own worker instead (src/isolate), with the same checks and messages, and its proxy
 * function is returned; its `degraded` and `safeState` functions run in this thread.
 *
 * @param mode a resolved mode (its tasks' refs hold absolute files).
 * @param cache module namespaces already imported; pass the same map for every mode of a config.
 * @throws HardtickError `task_load_failed` (file missing, not importable, or threw while
 *   importing) or `task_not_function` (export missing or not a function).
 */
export async function loadTaskFunctions(
  mode: ResolvedMode,
  cache: ModuleCache = new Map(),
): Promise<LoadedTaskFunctions> {
  const fns: TaskFn[] = [];
  const degraded: (TaskFn | null)[] = [];
  const safeState: (TaskFn | null)[] = [];
  for (const task of mode.tasks) {
    // `isolate: true`: the task runs in its own worker; the executive gets its proxy.
    fns.push(
      task.isolation === undefined
        ? await loadTaskRef(task, task.run, 'run', cache)
        : (
            await startIsolatedTask({
              taskName: task.name,
              modeName: mode.name,
              run: task.run,
              graceNs: task.isolation.graceNs,
            })
          ).fn,
    );
    const policy = task.overrun;
    degraded.push(
      policy.degraded === null ? null : await loadTaskRef(task, policy.degraded, 'degraded', cache),
    );
    safeState.push(
      policy.safeState === null ? null : await loadTaskRef(task, policy.safeState, 'safeState', cache),
    );
  }
  return { fns, degraded, safeState };
}
