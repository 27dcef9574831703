/**
 * Starts a worker thread whose entry is one of hardtick's own modules and which imports
 * user modules (tasks, fail-safes), from `dist/` or from the TypeScript sources. Node 20
 * does not carry a parent's module hooks (`--import tsx`) into a worker, so when the parent
 * has tsx (it runs from sources, or was started with it) the worker is a one-line script
 * that registers tsx's loader (`tsx/esm/api`) before importing its entry: TypeScript task
 * modules then load in a worker as they do on the main thread. Cold code.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/** True when `moduleUrl` is a TypeScript source (vitest, tsx) rather than a `dist/` file. */
export function runningFromSources(moduleUrl: string): boolean {
  return /\.[mc]?ts$/.test(new URL(moduleUrl).pathname);
}

/** True when this process runs with tsx's module hooks (`--import tsx`, the `tsx` command, NODE_OPTIONS). */
export function parentHasTsx(): boolean {
  return `${process.execArgv.join(' ')} ${process.env.NODE_OPTIONS ?? ''}`.includes('tsx');
}

/**
 * URL of tsx's `register()` API: resolved from hardtick's own location, else from the
 * current folder (where `--import tsx` was resolved). Null when tsx cannot be found.
 */
export function tsxApiUrl(): string | null {
  try {
    return import.meta.resolve('tsx/esm/api');
  } catch {
    try {
      return pathToFileURL(createRequire(join(process.cwd(), 'noop.js')).resolve('tsx/esm/api')).href;
    } catch {
      return null;
    }
  }
}

/**
 * `new Worker` on the entry `name` next to `callerUrl` (`name.ts` from sources, else
 * `name.js`), registering tsx first when this process has it (see the module note).
 */
export function startWorker(callerUrl: string, name: string, options: WorkerOptions): Worker {
  const fromSources = runningFromSources(callerUrl);
  const entry = new URL(`./${name}.${fromSources ? 'ts' : 'js'}`, callerUrl);
  const tsx = fromSources || parentHasTsx() ? tsxApiUrl() : null;
  if (tsx === null) return new Worker(entry, options);
  const code =
    `import(${JSON.stringify(tsx)})` +
    `.then((api) => { (api.register ?? api.default.register)(); return import(${JSON.stringify(entry.href)}); });`;
  return new Worker(code, { ...options, eval: true });
}
