/**
 * Budget enforcement by isolation: a task declared `isolate: true` runs in its own worker
 * thread; the executive's thread releases it through shared memory and, when its budget
 * plus grace is spent, gives it up (alarm `killed`) while a supervisor thread terminates
 * and respawns the worker. See isolated-task.ts (the proxy) and protocol.ts (the cells).
 */
export type { IsolatedTaskOptions, IsolationTimings } from './isolated-task.js';
export {
  createIsolatedTaskBuffers,
  DEFAULT_SPIN_ITERATIONS,
  DEFAULT_WARMUP_CALLS,
  IsolatedTask,
  K_COMPLETED,
  K_ERRORS,
  K_KILLS,
  K_RELEASES,
  K_SIZE,
  K_UNAVAILABLE,
  KILL_SPIN_MARGIN_NS,
} from './isolated-task.js';
export type { StartIsolatedTaskOptions } from './registry.js';
export {
  closeIsolatedTasks,
  ISOLATE_START_TIMEOUT_MS,
  isolatedTasks,
  startIsolatedTask,
} from './registry.js';
