/**
 * Starts a worker thread on a TypeScript module. Node 20 ignores `--import tsx` in a
 * worker's `execArgv` for the worker's entry module ("Unknown file extension .ts"), so the
 * worker is a two-line eval script that registers tsx's ESM loader with its API first and
 * then imports the module.
 */
import { Worker, type WorkerOptions } from 'node:worker_threads';

const TSX_API = import.meta.resolve('tsx/esm/api');

/** A worker running the TypeScript module at `moduleUrl` (with `workerData` etc. from `options`). */
export function startTsWorker(moduleUrl: URL, options: WorkerOptions = {}): Worker {
  const code =
    `import(${JSON.stringify(TSX_API)})` +
    `.then(({ register }) => { register(); return import(${JSON.stringify(moduleUrl.href)}); });`;
  return new Worker(code, { ...options, eval: true });
}
