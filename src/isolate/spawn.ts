/**
 * Starts one of this folder's worker entry modules, from the compiled package or from the
 * TypeScript sources, with the parent's TypeScript loader when it has one (the isolated
 * task module may be TypeScript; src/tasks/worker-start.ts). Cold code.
 */
import type { Worker, WorkerOptions } from 'node:worker_threads';
import { startWorker } from '../tasks/worker-start.js';

/** The worker entry modules of src/isolate. */
export type IsolateEntry = 'supervisor-worker' | 'task-worker';

/** `new Worker` on `entry` (`.js` next to this module, or `.ts` through tsx from sources). */
export function startIsolateWorker(entry: IsolateEntry, options: WorkerOptions): Worker {
  return startWorker(import.meta.url, entry, options);
}
