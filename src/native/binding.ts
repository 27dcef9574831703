/**
 * Loading the optional native accelerator (`build/Release/hardtick.node`, built from
 * `native/hardtick.c` by `scripts/build-native.mjs` at install time).
 *
 * The package works without it: {@link loadNative} returns null, never throws, and
 * {@link nativeStatus} says why (for reports). Cold path: call at setup.
 *
 * Threading: a Node worker is a separate environment; the addon is context-aware, so each
 * thread that calls `loadNative()` gets its own instance (and its own bound clock array).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** Scheduling policies accepted by {@link NativeBinding.setThreadScheduler}. */
export type SchedulerPolicy = 'fifo' | 'rr' | 'other' | 'batch' | 'idle';

/** A thread's scheduling policy and static priority. */
export interface ThreadScheduler {
  /** Policy name; `'deadline'` or `'unknown'` only for policies set by other tools. */
  readonly policy: SchedulerPolicy | 'deadline' | 'unknown';
  /** Static priority: 1..99 for fifo/rr, 0 otherwise. */
  readonly priority: number;
}

/**
 * The raw functions of the addon (see native/hardtick.c). Errno-returning functions give
 * 0 on success; they throw only on a wrong argument type.
 */
export interface NativeBinding {
  /** `f64[0] = CLOCK_MONOTONIC` in ns (a double). Allocates nothing. */
  clockInto(f64: Float64Array): void;
  /**
   * `f64[0] = CLOCK_REALTIME` in ns since the Unix epoch (wall time, stepped and slewed by
   * NTP). Allocates nothing. A reference independent of the loop's own schedule.
   */
  realtimeInto(f64: Float64Array): void;
  /**
   * Binds `f64` (over a SharedArrayBuffer, so it can never be detached) as the target of
   * {@link NativeBinding.readClock}, for the calling thread. Owned by `src/native`: use
   * {@link NativeClock} rather than calling this (rebinding breaks every NativeClock of
   * the thread).
   */
  bindClock(f64: Float64Array): void;
  /** `bound[0] = CLOCK_MONOTONIC` in ns; no argument handling (cheaper than clockInto). */
  readClock(): void;
  /** Blocks the calling thread until CLOCK_MONOTONIC ≥ `f64[0]` (absolute ns); EINTR retried. */
  sleepUntil(f64: Float64Array): void;
  /** `mlockall(MCL_CURRENT | MCL_FUTURE)`: 0 or an errno. */
  mlockall(): number;
  /** `munlockall()`: 0 or an errno. */
  munlockall(): number;
  /** Policy and priority of the calling thread only: 0 or an errno (EINVAL, EPERM). */
  setThreadScheduler(policy: SchedulerPolicy, priority: number): number;
  /** Policy and priority of the calling thread. */
  getThreadScheduler(): ThreadScheduler;
  /** CPU affinity of the calling thread only: 0 or an errno (EINVAL for [] or a bad CPU). */
  setThreadAffinity(cpus: readonly number[]): number;
  /** CPUs the calling thread may run on, ascending. */
  getThreadAffinity(): number[];
  /** The C library's message for an errno. */
  strerror(errno: number): string;
  /** The calling thread's kernel id (gettid). */
  threadId(): number;
  /** `clock_getres(CLOCK_MONOTONIC)` in ns. */
  clockResolutionNs(): number;
  /**
   * `_exit(code)`: ends the process at once, even while one of its threads is blocked in a
   * system call (`process.exit` would wait for it forever). Absent from older builds.
   */
  exitNow?(code: number): never;
}

/** Whether the addon is in use, and why not. */
export interface NativeStatus {
  /** True when {@link loadNative} returned a binding. */
  readonly available: boolean;
  /** Why it is not available (null when available). */
  readonly reason: string | null;
  /** The `.node` file tried (null when loading was disabled before any path was chosen). */
  readonly path: string | null;
}

/** Options of {@link loadNative}. */
export interface LoadNativeOptions {
  /**
   * The `.node` file to load. @default `HARDTICK_NATIVE_PATH` when set, else
   * `build/Release/hardtick.node` at the package root
   */
  readonly path?: string;
}

const REQUIRED_FUNCTIONS: readonly (keyof NativeBinding)[] = [
  'clockInto',
  'realtimeInto',
  'bindClock',
  'readClock',
  'sleepUntil',
  'mlockall',
  'munlockall',
  'setThreadScheduler',
  'getThreadScheduler',
  'setThreadAffinity',
  'getThreadAffinity',
  'strerror',
  'threadId',
  'clockResolutionNs',
];

/** Values of `HARDTICK_NATIVE` that force the pure-JS backend. */
const DISABLED_VALUES: ReadonlySet<string> = new Set(['0', 'false', 'off', 'no']);

interface LoadResult {
  readonly binding: NativeBinding | null;
  readonly status: NativeStatus;
}

/** Per-thread cache: a `.node` file is loaded (and probed) once per path. */
const cache = new Map<string, LoadResult>();
let lastStatus: NativeStatus | null = null;

/** The default addon path: `<package root>/build/Release/hardtick.node`. */
export function defaultNativePath(): string {
  // src/native/binding.ts and dist/native/binding.js are both two levels below the root.
  return fileURLToPath(new URL('../../build/Release/hardtick.node', import.meta.url));
}

/**
 * Loads the native addon, or returns null (never throws). Null when `HARDTICK_NATIVE` is
 * `0` (or `false`/`off`/`no`), when not on Linux, when the file is missing, when loading
 * throws, or when the file lacks a function (a stale build). The reason is kept for
 * {@link nativeStatus}. Results are cached per path (per thread); the environment
 * variable is read on every call.
 */
export function loadNative(options: LoadNativeOptions = {}): NativeBinding | null {
  const result = load(options);
  lastStatus = result.status;
  return result.binding;
}

/**
 * Status of the most recent {@link loadNative} call of this thread; when there was none,
 * of a default `loadNative()` made now.
 */
export function nativeStatus(): NativeStatus {
  if (lastStatus === null) loadNative();
  return lastStatus!;
}

function load(options: LoadNativeOptions): LoadResult {
  const env = process.env.HARDTICK_NATIVE;
  if (env !== undefined && DISABLED_VALUES.has(env.trim().toLowerCase())) {
    return failure(`disabled by HARDTICK_NATIVE=${env}`, null);
  }
  const path = options.path ?? process.env.HARDTICK_NATIVE_PATH ?? defaultNativePath();
  const cached = cache.get(path);
  if (cached !== undefined) return cached;
  const result = loadFrom(path);
  cache.set(path, result);
  return result;
}

function loadFrom(path: string): LoadResult {
  if (process.platform !== 'linux') {
    return failure(`the native addon is Linux-only (platform ${process.platform})`, path);
  }
  if (!existsSync(path)) {
    return failure(`${path} not found (not built: run \`node scripts/build-native.mjs\`)`, path);
  }
  let mod: unknown;
  try {
    mod = createRequire(import.meta.url)(path);
  } catch (error) {
    return failure(`loading ${path} failed: ${error instanceof Error ? error.message : String(error)}`, path);
  }
  const missing = REQUIRED_FUNCTIONS.filter(
    (name) => typeof (mod as Record<string, unknown> | null)?.[name] !== 'function',
  );
  if (missing.length > 0) {
    return failure(`${path} lacks ${missing.join(', ')} (stale build? rebuild it)`, path);
  }
  const binding = mod as NativeBinding;
  try {
    const probe = new Float64Array(1);
    binding.clockInto(probe);
    if (!(probe[0]! > 0)) return failure(`${path}: the clock read ${probe[0]}`, path);
  } catch (error) {
    return failure(
      `${path}: clock probe failed: ${error instanceof Error ? error.message : String(error)}`,
      path,
    );
  }
  return { binding, status: { available: true, reason: null, path } };
}

function failure(reason: string, path: string | null): LoadResult {
  return { binding: null, status: { available: false, reason, path } };
}
