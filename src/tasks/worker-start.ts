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
 * URLs of tsx's two `register()` APIs (ESM hooks, and the CommonJS hook a `.ts` file outside
 * a `"type": "module"` package needs), resolved from hardtick's own location, else from the
 * current folder (where `--import tsx` was resolved). Null when tsx cannot be found.
 */
export function tsxApiUrls(): readonly [string, string] | null {
  const from = (resolveOne: (specifier: string) => string): readonly [string, string] | null => {
    try {
      return [resolveOne('tsx/esm/api'), resolveOne('tsx/cjs/api')];
    } catch {
      return null;
    }
  };
  const cwdRequire = createRequire(join(process.cwd(), 'noop.js'));
  return from((s) => import.meta.resolve(s)) ?? from((s) => pathToFileURL(cwdRequire.resolve(s)).href);
}

/** Flags of this process that take the next argument and make no sense for a worker's entry. */
const EVAL_FLAGS = new Set(['-e', '--eval', '-p', '--print', '--input-type']);

/**
 * This process's `execArgv` for a worker: without `--eval`/`--print` and their script, and
 * without `--input-type` (a worker started from `node --input-type=module -e …` would
 * refuse its own entry file otherwise).
 */
export function workerExecArgv(execArgv: readonly string[] = process.execArgv): string[] {
  const out: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const arg = execArgv[i]!;
    if (EVAL_FLAGS.has(arg)) {
      i++;
      continue;
    }
    if ([...EVAL_FLAGS].some((flag) => flag.startsWith('--') && arg.startsWith(`${flag}=`))) continue;
    out.push(arg);
  }
  return out;
}

/**
 * `new Worker` on the entry `name` next to `callerUrl` (`name.ts` from sources, else
 * `name.js`), registering tsx first when this process has it (see the module note).
 */
export function startWorker(callerUrl: string, name: string, options: WorkerOptions): Worker {
  const fromSources = runningFromSources(callerUrl);
  // Node hands a worker the parent's execArgv by default; only when that holds an --eval
  // script does the worker get a filtered copy (then without flags Node refuses for workers).
  const execArgv = workerExecArgv();
  if (options.execArgv === undefined && execArgv.length !== process.execArgv.length)
    options = { ...options, execArgv };
  const entry = new URL(`./${name}.${fromSources ? 'ts' : 'js'}`, callerUrl);
  const tsx = fromSources || parentHasTsx() ? tsxApiUrls() : null;
  if (tsx === null) return newWorker(entry, options);
  const register = (url: string): string =>
    `import(${JSON.stringify(url)}).then((api) => (api.register ?? api.default.register)())`;
  const code = `Promise.all([${register(tsx[0])}, ${register(tsx[1])}]).then(() => import(${JSON.stringify(entry.href)}));`;
  return newWorker(code, { ...options, eval: true });
}

/**
 * `new Worker`, once more without the flags Node names when it refuses an explicit
 * execArgv (process-wide V8 flags such as --expose-gc may not be given to a worker).
 */
function newWorker(what: string | URL, options: WorkerOptions): Worker {
  try {
    return new Worker(what, options);
  } catch (error) {
    const invalid = /invalid execArgv flags: (.*)$/.exec((error as Error).message)?.[1]?.split(', ');
    if (invalid === undefined || options.execArgv === undefined) throw error;
    return new Worker(what, { ...options, execArgv: options.execArgv.filter((a) => !invalid.includes(a)) });
  }
}
