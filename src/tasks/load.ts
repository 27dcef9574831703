/**
 * Loads the task functions a config refers to (`run`, `overrun.degraded`,
 * `overrun.safeState`, each a `path#export` {@link TaskRef}) by dynamic `import()`.
 * Setup only: every problem is a {@link HardtickError} that names the task, the
 * reference as written and the resolved file, so the config can be fixed from the
 * message alone.
 *
 * Module formats: `.mjs` and `.js` (ESM, or CommonJS through Node's interop) load
 * directly. TypeScript task modules (`.ts`, `.mts`, `.cts`) need a loader in the
 * process, e.g. `node --import tsx node_modules/hardtick/dist/cli/main.js run …`
 * (or `NODE_OPTIONS="--import tsx" npx hardtick run …`); without one the error says so.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ResolvedTask, TaskRef } from '../config/types.js';
import { HardtickError } from '../errors.js';
import type { TaskFn } from '../runtime/index.js';

/** Module namespaces by absolute file; share one between modes so each file is imported once. */
export type ModuleCache = Map<string, Promise<Record<string, unknown>>>;

/** Which field of a task a reference came from (used in messages). */
export type RefRole = 'run' | 'degraded' | 'safeState';

const TS_EXTENSIONS = new Set(['.ts', '.mts', '.cts', '.tsx']);

/**
 * Imports one `path#export` reference and checks it is a function.
 *
 * @throws HardtickError `task_load_failed` (file missing, not importable, or threw while
 *   importing) or `task_not_function` (export missing or not a function).
 */
export async function loadTaskRef(
  task: Pick<ResolvedTask, 'name'>,
  ref: TaskRef,
  role: RefRole = 'run',
  cache: ModuleCache = new Map(),
): Promise<TaskFn> {
  const who = role === 'run' ? `task '${task.name}'` : `task '${task.name}' (overrun.${role})`;
  let pending = cache.get(ref.file);
  if (pending === undefined) {
    pending = importModule(ref.file);
    cache.set(ref.file, pending);
  }
  let ns: Record<string, unknown>;
  try {
    ns = await pending;
  } catch (error) {
    throw describeImportFailure(who, task.name, ref, error);
  }
  if (!Object.hasOwn(ns, ref.exportName)) {
    const names = exportNames(ns);
    const guess = didYouMean(ref.exportName, names);
    const listed = names.length === 0 ? 'it has no named exports' : `its exports are: ${names.join(', ')}`;
    throw new HardtickError(
      'task_not_function',
      `${who}: '${ref.spec}' — ${ref.file} has no export '${ref.exportName}'` +
        `${guess === null ? '' : ` (did you mean '${guess}'?)`}; ${listed}.`,
      { task: task.name, file: ref.file },
    );
  }
  const value = ns[ref.exportName];
  if (typeof value !== 'function') {
    throw new HardtickError(
      'task_not_function',
      `${who}: '${ref.spec}' (${ref.file}) is ${describeType(value)}, not a function; ` +
        `a task export must be a function (ctx) => void.`,
      { task: task.name, file: ref.file },
    );
  }
  return value as TaskFn;
}

async function importModule(file: string): Promise<Record<string, unknown>> {
  if (!existsSync(file)) throw new MissingFileError(file);
  if (statSync(file).isDirectory()) throw new MissingFileError(file, true);
  return (await import(pathToFileURL(file).href)) as Record<string, unknown>;
}

/** Internal marker: the module file itself does not exist (as opposed to a dependency of it). */
class MissingFileError extends Error {
  constructor(
    readonly file: string,
    readonly isDirectory = false,
  ) {
    super(isDirectory ? `${file} is a directory` : `${file} does not exist`);
  }
}

function describeImportFailure(who: string, taskName: string, ref: TaskRef, error: unknown): HardtickError {
  const details = { task: taskName, file: ref.file, cause: error };
  if (error instanceof MissingFileError) {
    return new HardtickError(
      'task_load_failed',
      error.isDirectory
        ? `${who}: cannot load '${ref.spec}': ${ref.file} is a directory, not a module file.`
        : `${who}: cannot load '${ref.spec}': module not found: ${ref.file} ` +
            `(the path is resolved against the config file's folder).`,
      details,
    );
  }
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ERR_UNKNOWN_FILE_EXTENSION' && TS_EXTENSIONS.has(extname(ref.file))) {
    return new HardtickError(
      'task_load_failed',
      `${who}: cannot load '${ref.spec}': ${ref.file} is TypeScript and no TypeScript loader is ` +
        `active; run with 'node --import tsx …' (or NODE_OPTIONS="--import tsx"), or compile it to .mjs.`,
      details,
    );
  }
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  if (error instanceof SyntaxError) {
    const where = syntaxErrorWhere(ref.file);
    return new HardtickError(
      'task_load_failed',
      `${who}: cannot load '${ref.spec}' from ${ref.file}: ` +
        (where === null
          ? `it does not parse: ${message}`
          : where.inFile
            ? `it does not parse: ${message} at ${where.text}`
            : `a module it imports does not parse: ${message}`),
      details,
    );
  }
  const what =
    code === 'ERR_MODULE_NOT_FOUND' || code === 'ERR_UNSUPPORTED_DIR_IMPORT'
      ? 'a module it imports could not be resolved'
      : 'it threw while being imported';
  return new HardtickError(
    'task_load_failed',
    `${who}: cannot load '${ref.spec}' from ${ref.file}: ${what}: ${message}`,
    details,
  );
}

/** JavaScript files `node --check` can parse (TypeScript loaders say where themselves). */
const CHECKABLE_EXTENSIONS = new Set(['.js', '.mjs', '.cjs']);

/**
 * Where a module that failed to parse is wrong, as plain `node` says it: `file:line`, the
 * line, a caret (Node's SyntaxError from `import()` carries no position; `node --check`
 * prints it). `inFile` false: the file itself parses (a module it imports does not).
 * Null when it cannot tell (not JavaScript, no output). Cold: only after a failed import.
 */
function syntaxErrorWhere(file: string): { readonly inFile: boolean; readonly text: string } | null {
  if (!CHECKABLE_EXTENSIONS.has(extname(file))) return null;
  const r = spawnSync(process.execPath, ['--check', file], { encoding: 'utf8', timeout: 10_000 });
  if (r.status === 0) return { inFile: false, text: '' };
  // "<file>:<line>\n<source line>\n<caret>\n\nSyntaxError: …"
  const [location, source, caret] = (r.stderr ?? '').split('\n');
  if (location === undefined || !/:\d+$/.test(location)) return null;
  return {
    inFile: true,
    text: `${location.replace(/^file:\/\//, '')}${source === undefined ? '' : `\n  ${source}`}${caret === undefined ? '' : `\n  ${caret}`}`,
  };
}

/** Export names a user could mean, sorted (`default` listed last, `__esModule` dropped). */
function exportNames(ns: Record<string, unknown>): string[] {
  const names = Object.keys(ns)
    .filter((n) => n !== 'default' && n !== '__esModule')
    .sort();
  if (Object.hasOwn(ns, 'default')) names.push('default');
  return names;
}

/** The closest name by edit distance (case-insensitive), if close enough to be a typo. */
function didYouMean(wanted: string, names: readonly string[]): string | null {
  let best: string | null = null;
  let bestDistance = Number.POSITIVE_INFINITY;
  const target = wanted.toLowerCase();
  for (const name of names) {
    const d = editDistance(target, name.toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = name;
    }
  }
  const limit = Math.max(2, Math.floor(wanted.length / 3));
  return best !== null && bestDistance <= limit ? best : null;
}

/** Levenshtein distance (two-row DP). */
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur.push(Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return 'an array';
  const type = typeof value;
  return type === 'object' ? 'an object' : `a ${type}`;
}
