/**
 * Starts the real-time worker thread, from the compiled package or from the TypeScript
 * sources.
 *
 * - From `dist/` (the CLI, `node dist/cli/main.js`): `new Worker(new URL('./rt-worker.js',
 *   import.meta.url))`, the compiled entry next to this module.
 * - From `src/` (vitest, `tsx`): this module's URL ends in `.ts`. Node 20 does not apply a
 *   parent's `--import tsx` to a worker's *entry* module ("Unknown file extension .ts"), so
 *   the worker is a one-line eval script that registers tsx's ESM loader through its API
 *   (`tsx/esm/api`, a dev dependency) and then imports `rt-worker.ts`; tsx also maps the
 *   sources' `.js` specifiers to `.ts`.
 *
 * The worker inherits the process's `execArgv` (Node's default), so a TypeScript *task*
 * module works in the worker under `node --import tsx dist/cli/main.js run …` as it does
 * on the main thread.
 */
import { Worker } from 'node:worker_threads';
import type { RtWorkerData } from './protocol.js';

/** True when this module runs from TypeScript sources (vitest, tsx) rather than `dist/`. */
export function runningFromSources(moduleUrl: string = import.meta.url): boolean {
  return /\.[mc]?ts$/.test(new URL(moduleUrl).pathname);
}

/** Starts the worker that runs `hardtick run`'s executive (see rt-loop.ts). */
export function startRtWorker(data: RtWorkerData): Worker {
  const options = { workerData: data, name: 'hardtick-rt' };
  if (!runningFromSources()) return new Worker(new URL('./rt-worker.js', import.meta.url), options);
  const entry = new URL('./rt-worker.ts', import.meta.url).href;
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const code =
    `import(${JSON.stringify(tsxApi)})` +
    `.then(({ register }) => { register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(code, { ...options, eval: true });
}
