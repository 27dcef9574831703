/**
 * Starts one of this folder's worker entry modules, from the compiled package or from
 * the TypeScript sources (same scheme as src/worker/start.ts: from sources, a one-line
 * eval worker registers tsx's ESM loader, because Node 20 ignores `--import tsx` for a
 * worker's entry module). Cold code.
 */
import { Worker, type WorkerOptions } from 'node:worker_threads';
import { runningFromSources } from '../worker/start.js';

/** The worker entry modules of src/isolate. */
export type IsolateEntry = 'supervisor-worker' | 'task-worker';

/** `new Worker` on `entry` (`.js` next to this module, or `.ts` through tsx from sources). */
export function startIsolateWorker(entry: IsolateEntry, options: WorkerOptions): Worker {
  if (!runningFromSources(import.meta.url))
    return new Worker(new URL(`./${entry}.js`, import.meta.url), options);
  const url = new URL(`./${entry}.ts`, import.meta.url).href;
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const code =
    `import(${JSON.stringify(tsxApi)})` +
    `.then(({ register }) => { register(); return import(${JSON.stringify(url)}); });`;
  return new Worker(code, { ...options, eval: true });
}
