/**
 * Config loading and resolution: file → validated input → the frozen `ResolvedConfig`
 * with every default filled in and every time in integer nanoseconds. All validation of
 * the config happens here, at setup; nothing downstream checks again.
 */
import { readFile, stat } from 'node:fs/promises';
import { dirname, extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { HardtickError } from '../errors.js';
import { configBoundsProblems, MAX_CONFIG_FILE_BYTES } from './bounds.js';
import type { HardtickConfig } from './input.js';
import {
  type ConfigProblem,
  configErrorMap,
  configInvalidError,
  formatPath,
  problemsFromIssues,
  TOP_LEVEL_PATH,
} from './issues.js';
import { parseJsonText } from './json-text.js';
import { resolveLease } from './lease.js';
import { reservedModeNameProblems } from './names.js';
import { type ModuleTrust, projectDirOf, resolveModulePath } from './refs.js';
import type { ParsedConfigFile, ParsedRef } from './schema.js';
import {
  configFileSchema,
  DEFAULT_PLANNED_YOUNG_FILL,
  DEFAULT_TIMER_SLACK_NS,
  DEFAULT_WARN_OLD_GROWTH_MB,
  DEFAULT_WARN_YOUNG_FILL,
  DEFAULT_WATCHDOG_GRACE_FRAMES,
  DEFAULT_WATCHDOG_MIN_GRACE_NS,
  defaultIsolateGraceNs,
  MAIN_MODE,
  resolveWaiterConfig,
} from './schema.js';
import type {
  OverrunPolicy,
  ResolvedConfig,
  ResolvedGc,
  ResolvedMode,
  ResolvedRealtime,
  ResolvedTask,
  ResolvedWatchdog,
  TaskRef,
} from './types.js';

/** Options of {@link resolveConfig}. */
export interface ResolveOptions {
  /**
   * The config file, as the user named it: labels error messages and, made absolute,
   * becomes `ResolvedConfig.file`. @default undefined (built in memory; messages say `config`)
   */
  readonly file?: string;
  /** Folder that relative `run` paths are resolved against (made absolute). */
  readonly baseDir: string;
  /**
   * Let module references (`run`, `degraded`, `safeState`, `failSafe`) point outside the
   * config's project (the nearest folder with a package.json, else `baseDir`). The CLI's
   * `--allow-outside-project`; a config can also say `"allowOutsideProject": true`.
   * @default false
   */
  readonly allowOutsideProject?: boolean;
}

/** Options of {@link loadConfig}. */
export interface LoadConfigOptions {
  /** See {@link ResolveOptions.allowOutsideProject}. @default false */
  readonly allowOutsideProject?: boolean;
}

/**
 * The watchdog of a config without a `watchdog` key: a task that never returns is named
 * and ends the run (exit code 1), after the larger of 1 s and 10 frames past its deadline.
 */
export const DEFAULT_WATCHDOG: ResolvedWatchdog = Object.freeze({
  origin: 'default',
  graceNs: DEFAULT_WATCHDOG_MIN_GRACE_NS,
  graceFrames: DEFAULT_WATCHDOG_GRACE_FRAMES,
  failSafe: null,
  exitCode: null,
  failSafeParams: null,
  onStuck: 'end-run',
});

/** `catchUp.maxFrames` when the config does not set it. */
export const DEFAULT_CATCH_UP_MAX_FRAMES = 4;

/** Extensions {@link loadConfig} reads as JSON. */
const JSON_EXTENSIONS = new Set(['.json']);
/** Extensions {@link loadConfig} imports as JavaScript modules. */
const JS_EXTENSIONS = new Set(['.js', '.mjs', '.cjs']);
/** Extensions {@link loadConfig} imports as TypeScript (natively or through tsx). */
const TS_EXTENSIONS = new Set(['.ts', '.mts', '.cts']);

/**
 * Identity function that types a config written in TypeScript or JavaScript:
 * `export default defineConfig({ name: 'demo', tasks: [...] })`.
 */
export function defineConfig(config: HardtickConfig): HardtickConfig {
  return config;
}

/**
 * Validates a config (as parsed from JSON, or a module's export), fills every default,
 * converts times to integer ns, resolves `run` paths against `baseDir`, and deep-freezes
 * the result. Task `index` is the position in its mode's list. The size limits in
 * `bounds.ts` (string length, nesting, number of values) are checked first.
 * @throws HardtickError `config_invalid` listing every problem, one `path: message` line each.
 */
export function resolveConfig(input: unknown, options: ResolveOptions): ResolvedConfig {
  const tooLarge = configBoundsProblems(input);
  if (tooLarge.length > 0) throw configInvalidError(tooLarge, options.file);
  const reserved = reservedModeNameProblems(input);
  const result = configFileSchema.safeParse(input, { error: configErrorMap, reportInput: true });
  if (!result.success || reserved.length > 0) {
    const problems = result.success ? [] : problemsFromIssues(result.error.issues);
    throw configInvalidError([...reserved, ...problems], options.file);
  }
  const parsed = result.data;
  const baseDir = resolve(options.baseDir);
  const refs = new RefResolver({
    baseDir,
    projectDir: projectDirOf(baseDir),
    allowOutsideProject: options.allowOutsideProject === true || parsed.allowOutsideProject === true,
  });
  const main = resolveMode(MAIN_MODE, parsed.frame, parsed.slicing, parsed.tasks, refs, ['tasks']);
  const others = Object.entries(parsed.modes ?? {}).map(([name, mode]) =>
    resolveMode(name, mode.frame ?? parsed.frame, mode.slicing ?? parsed.slicing, mode.tasks, refs, [
      'modes',
      name,
      'tasks',
    ]),
  );
  const catchUp =
    typeof parsed.catchUp === 'string'
      ? { policy: parsed.catchUp, maxFrames: DEFAULT_CATCH_UP_MAX_FRAMES }
      : { policy: parsed.catchUp.policy, maxFrames: parsed.catchUp.maxFrames };
  const config: ResolvedConfig = {
    name: parsed.name,
    file: options.file === undefined ? null : resolve(options.file),
    baseDir,
    frame: main.frame,
    slicing: main.slicing,
    tasks: main.tasks,
    modes: [main, ...others],
    initialMode: parsed.initialMode ?? MAIN_MODE,
    catchUp,
    alarms: {
      fatal: [...new Set(parsed.alarms.fatal)],
      releaseLateNs: parsed.alarms.releaseLate,
      pauseThresholdNs: parsed.alarms.pauseThreshold,
      ratePerSecond: parsed.alarms.ratePerSecond,
    },
    limits: {
      maxHyperperiodNs: parsed.limits.maxHyperperiod,
      maxJobs: parsed.limits.maxJobs,
      timeoutMs: parsed.limits.timeoutMs,
    },
    realtime: resolveRealtime(parsed.realtime),
    watchdog:
      parsed.watchdog === false
        ? null
        : parsed.watchdog === undefined
          ? DEFAULT_WATCHDOG
          : {
              origin: 'config',
              graceNs: parsed.watchdog.grace,
              graceFrames: 0,
              failSafe:
                parsed.watchdog.failSafe === undefined
                  ? null
                  : refs.resolve(parsed.watchdog.failSafe, ['watchdog', 'failSafe']),
              exitCode:
                parsed.watchdog.exitCode === undefined || parsed.watchdog.exitCode === false
                  ? null
                  : parsed.watchdog.exitCode,
              failSafeParams: parsed.watchdog.failSafeParams ?? null,
              onStuck: parsed.watchdog.onStuck,
            },
    gc: resolveGc(parsed.gc),
    lease: resolveLease(parsed.lease),
    waiter: resolveWaiterConfig(parsed.waiter),
  };
  if (refs.problems.length > 0) throw configInvalidError(refs.problems, options.file);
  return deepFreeze(config);
}

/** `gc`, resolved: each part off unless given (true or an object), defaults filled. */
function resolveGc(gc: ParsedConfigFile['gc']): ResolvedGc {
  const planned = gc?.planned;
  const warn = gc?.warn;
  const p = typeof planned === 'object' ? planned : null;
  const w = typeof warn === 'object' ? warn : null;
  return {
    planned: {
      enabled: planned === true || p !== null,
      everyFrames: p === null || p.every === 'auto' ? null : p.every,
      minSlackNs: p === null || p.minSlack === 'auto' ? null : p.minSlack,
      youngFill: p?.youngFill ?? DEFAULT_PLANNED_YOUNG_FILL,
    },
    warn: {
      enabled: warn === true || w !== null,
      youngFill: w?.youngFill ?? DEFAULT_WARN_YOUNG_FILL,
      oldGrowthBytes: Math.round((w?.oldGrowthMb ?? DEFAULT_WARN_OLD_GROWTH_MB) * 1024 * 1024),
    },
  };
}

/**
 * Reads, validates and resolves a config file. `.json` is parsed as JSON; `.js`/`.mjs`/`.cjs`
 * are imported (default export, or an export named `config`); `.ts`/`.mts`/`.cts` are imported
 * too, through tsx when Node cannot load TypeScript itself. `run` paths are relative to the
 * file's folder.
 * @throws HardtickError `config_unreadable` (missing, a directory, no permission, module
 * failed to load), `config_not_json` (with `file:line:column`), or `config_invalid`.
 */
export async function loadConfig(file: string, load: LoadConfigOptions = {}): Promise<ResolvedConfig> {
  const absolute = resolve(file);
  const where = absolute === file ? file : `${file} (${absolute})`;
  let size: number;
  try {
    const stats = await stat(absolute);
    if (stats.isDirectory()) {
      throw Object.assign(new Error('is a directory, not a file'), { code: 'EISDIR' });
    }
    size = stats.size;
  } catch (error) {
    throw unreadable(file, `cannot read config file ${where}: ${osReason(error)}`, error);
  }
  const extension = extname(absolute).toLowerCase();
  const options: ResolveOptions = {
    file,
    baseDir: dirname(absolute),
    ...(load.allowOutsideProject === undefined ? {} : { allowOutsideProject: load.allowOutsideProject }),
  };
  if (JSON_EXTENSIONS.has(extension)) {
    if (size > MAX_CONFIG_FILE_BYTES) {
      throw new HardtickError(
        'config_invalid',
        `${file}: the file has ${size} bytes; a config file may have at most ${MAX_CONFIG_FILE_BYTES} (4 MiB)`,
        { file, path: TOP_LEVEL_PATH },
      );
    }
    let text: string;
    try {
      text = await readFile(absolute, 'utf8');
    } catch (error) {
      throw unreadable(file, `cannot read config file ${where}: ${osReason(error)}`, error);
    }
    const parsed = parseJsonText(text);
    if (!parsed.ok) {
      const { line, column, reason } = parsed.problem;
      throw new HardtickError('config_not_json', `${file}:${line}:${column}: not valid JSON: ${reason}`, {
        file,
      });
    }
    return resolveConfig(parsed.value, options);
  }
  if (JS_EXTENSIONS.has(extension) || TS_EXTENSIONS.has(extension)) {
    const namespace = await importConfigModule(absolute, file, TS_EXTENSIONS.has(extension));
    const exported = configExport(namespace);
    if (exported === undefined) {
      throw configInvalidError(
        [
          {
            path: '(module)',
            message:
              'expected a default export or an export named "config" holding the config, e.g. `export default defineConfig({ ... })`',
          },
        ],
        file,
      );
    }
    return resolveConfig(exported, options);
  }
  throw unreadable(
    file,
    `cannot read config file ${where}: unsupported extension "${extension}" (use .json, .js, .mjs, .cjs, .ts or .mts)`,
    undefined,
  );
}

async function importConfigModule(
  absolute: string,
  file: string,
  typescript: boolean,
): Promise<Record<string, unknown>> {
  const url = pathToFileURL(absolute).href;
  try {
    return (await import(url)) as Record<string, unknown>;
  } catch (error) {
    if (typescript && errorCode(error) === 'ERR_UNKNOWN_FILE_EXTENSION')
      return importThroughTsx(url, file, error);
    throw unreadable(file, `cannot load config module ${file}: ${errorMessage(error)}`, error);
  }
}

/** Node (before type stripping) cannot import `.ts`; tsx can, when it is installed. */
async function importThroughTsx(
  url: string,
  file: string,
  nativeError: unknown,
): Promise<Record<string, unknown>> {
  const specifier = 'tsx/esm/api';
  let api: { tsImport?: (specifier: string, parentURL: string) => Promise<unknown> };
  try {
    api = (await import(specifier)) as typeof api;
  } catch {
    throw unreadable(
      file,
      `cannot load config module ${file}: Node cannot load TypeScript on its own; install tsx (npm install --save-dev tsx) and run with "node --import tsx", or write the config as .json or .mjs`,
      nativeError,
    );
  }
  if (api.tsImport === undefined) {
    throw unreadable(
      file,
      `cannot load config module ${file}: the installed tsx has no tsImport`,
      nativeError,
    );
  }
  try {
    return (await api.tsImport(url, import.meta.url)) as Record<string, unknown>;
  } catch (error) {
    throw unreadable(file, `cannot load config module ${file}: ${errorMessage(error)}`, error);
  }
}

/**
 * The config a module exports: `default`, else `config`. A module compiled to CommonJS
 * (tsx on a `.ts` file outside a `"type": "module"` package) arrives as
 * `{ default: exports }`, so look one level into `exports` when it is not a config itself.
 */
function configExport(namespace: Record<string, unknown>): unknown {
  const exported = namespace.default ?? namespace.config;
  if (typeof exported === 'object' && exported !== null && !('tasks' in exported)) {
    const inner = exported as Record<string, unknown>;
    if (inner.default !== undefined || inner.config !== undefined) return inner.default ?? inner.config;
  }
  return exported;
}

function resolveMode(
  name: string,
  frame: 'auto' | number,
  slicing: ResolvedMode['slicing'],
  tasks: ParsedConfigFile['tasks'],
  refs: RefResolver,
  path: readonly PropertyKey[],
): ResolvedMode {
  return {
    name,
    frame,
    slicing,
    tasks: tasks.map((task, index): ResolvedTask => {
      const run = refs.resolve(task.run, [...path, index, 'run']);
      const overrun = task.overrun;
      const policy: OverrunPolicy = {
        action: overrun?.action ?? 'warn',
        after: overrun?.after ?? 1,
        bucket: overrun?.bucket === undefined ? null : { max: overrun.bucket.max, leak: overrun.bucket.leak },
        recoverAfter: overrun?.recoverAfter ?? 10,
        degraded:
          overrun?.degraded === undefined
            ? null
            : refs.resolve(overrun.degraded, [...path, index, 'overrun', 'degraded']),
        safeState:
          overrun?.safeState === undefined
            ? null
            : refs.resolve(overrun.safeState, [...path, index, 'overrun', 'safeState']),
      };
      return {
        index,
        name: task.name,
        periodNs: task.period,
        budgetNs: task.budget,
        deadlineNs: task.deadline ?? task.period,
        phaseNs: task.phase,
        run,
        overrun: policy,
        ...(task.isolate === true
          ? { isolation: { graceNs: task.isolateGrace ?? defaultIsolateGraceNs(task.budget) } }
          : {}),
      };
    }),
  };
}

/** `realtime` with every step explicit: null (or false) = not requested; timer slack lowered by default. */
function resolveRealtime(input: ParsedConfigFile['realtime']): ResolvedRealtime {
  const cpu = input?.cpu;
  return {
    priority: input?.priority ?? null,
    cpus:
      cpu === undefined ? null : [...new Set(typeof cpu === 'number' ? [cpu] : cpu)].sort((a, b) => a - b),
    lockMemory: input?.lockMemory ?? false,
    cpuDmaLatencyUs: input?.cpuDmaLatency ?? null,
    timerSlackNs: input?.timerSlackNs === false ? null : (input?.timerSlackNs ?? DEFAULT_TIMER_SLACK_NS),
    nice: input?.nice ?? null,
  };
}

/**
 * Resolves references' module paths (see `refs.ts`: inside the project unless allowed,
 * no URLs but local file URLs, no built-ins, no packages) and keeps every refusal with its
 * config path, so they are all reported together.
 */
class RefResolver {
  readonly problems: ConfigProblem[] = [];
  constructor(private readonly trust: ModuleTrust) {}

  resolve(ref: ParsedRef, path: readonly PropertyKey[]): TaskRef {
    const result = resolveModulePath(ref.path, this.trust);
    if (result.ok) return { spec: ref.spec, file: result.file, exportName: ref.exportName };
    this.problems.push({ path: formatPath(path), message: result.message });
    return { spec: ref.spec, file: '', exportName: ref.exportName };
  }
}

/** Freezes `value` and everything reachable from it; returns it, typed as given. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

function unreadable(file: string, message: string, cause: unknown): HardtickError {
  return new HardtickError('config_unreadable', message, { file, ...(cause === undefined ? {} : { cause }) });
}

const OS_REASONS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or directory',
  EISDIR: 'it is a directory, not a file',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOTDIR: 'a parent of the path is not a directory',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'the path is too long',
};

function osReason(error: unknown): string {
  const code = errorCode(error);
  const reason = code === undefined ? undefined : OS_REASONS[code];
  if (code !== undefined && reason !== undefined) return `${reason} (${code})`;
  return errorMessage(error);
}

function errorCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') {
    return error.code;
  }
  return undefined;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
