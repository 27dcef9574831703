/**
 * What a run report records about the machine and process, so two reports can be
 * compared knowing what differed. Cold path; reads a few `/proc` files synchronously
 * (no child processes).
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';

/** The machine and process a run happened on (`environment` in `hardtick.run/v1`). */
export interface RunEnvironment {
  /** hardtick's package version. */
  readonly hardtick: string;
  /** `process.version`, e.g. `v20.20.2`. */
  readonly node: string;
  /** V8 version. */
  readonly v8: string;
  /** `process.platform`, e.g. `linux`. */
  readonly platform: string;
  /** `process.arch`, e.g. `x64`. */
  readonly arch: string;
  /** Kernel release (`os.release()`), e.g. `6.18.0`. */
  readonly kernel: string;
  /** Logical CPUs and the first one's model name. */
  readonly cpus: { readonly count: number; readonly model: string };
  /** Clock backend (`Clock.kind`), e.g. `performance.now`. */
  readonly clock: string;
  /** Waiter backend (`Waiter.kind`), e.g. `hybrid`. */
  readonly waiter: string;
  /** The waiter's spin margin in ns, when it has one. */
  readonly waiterMarginNs: number | null;
  /**
   * Scheduling policy of the thread that ran the loop, e.g. `SCHED_OTHER (nice 0)` or
   * `SCHED_FIFO (priority 80)`; `SCHED_OTHER (assumed)` where it cannot be read.
   */
  readonly schedulingPolicy: string;
  /** Whether hardtick lowered the thread's timer slack, and the slack read back (ns), if readable. */
  readonly timerSlack: { readonly applied: boolean; readonly ns: number | null };
  /** Node flags of the process (`process.execArgv`). */
  readonly execArgv: readonly string[];
  /** V8 flags hardtick set at run time (`v8.setFlagsFromString`), e.g. `--no-memory-reducer`. */
  readonly v8Flags: readonly string[];
}

/** Inputs of {@link collectEnvironment} that only the caller knows. */
export interface EnvironmentInput {
  /** Clock backend name. */
  readonly clock: string;
  /** Waiter backend name. */
  readonly waiter: string;
  /** The waiter's spin margin in ns. @default null */
  readonly waiterMarginNs?: number | null;
  /** Result of `tryLowerTimerSlack()`. */
  readonly timerSlackApplied: boolean;
  /** V8 flags set at run time. @default [] */
  readonly v8Flags?: readonly string[];
}

/** Linux `SCHED_*` policy numbers (`include/uapi/linux/sched.h`). */
const POLICY_NAMES: Readonly<Record<number, string>> = {
  0: 'SCHED_OTHER',
  1: 'SCHED_FIFO',
  2: 'SCHED_RR',
  3: 'SCHED_BATCH',
  5: 'SCHED_IDLE',
  6: 'SCHED_DEADLINE',
};

/** Describes the current machine and thread. Never throws. */
export function collectEnvironment(input: EnvironmentInput): RunEnvironment {
  const cpus = os.cpus();
  return {
    hardtick: readVersion(),
    node: process.version,
    v8: process.versions.v8,
    platform: process.platform,
    arch: process.arch,
    kernel: os.release(),
    cpus: { count: cpus.length, model: cpus[0]?.model.trim() ?? 'unknown' },
    clock: input.clock,
    waiter: input.waiter,
    waiterMarginNs: input.waiterMarginNs ?? null,
    schedulingPolicy: readSchedulingPolicy(),
    timerSlack: { applied: input.timerSlackApplied, ns: readTimerSlackNs() },
    execArgv: [...process.execArgv],
    v8Flags: [...(input.v8Flags ?? [])],
  };
}

/**
 * Reads the calling thread's policy from `/proc/thread-self/stat` (fields 19 `nice`,
 * 40 `rt_priority`, 41 `policy`). Never throws.
 */
export function readSchedulingPolicy(): string {
  const stat = readProc('/proc/thread-self/stat') ?? readProc('/proc/self/stat');
  if (stat === null) return 'SCHED_OTHER (assumed)';
  return describeSchedStat(stat) ?? 'SCHED_OTHER (assumed)';
}

/**
 * Parses the policy out of a `/proc/<pid>/stat` line; null when the line is malformed.
 * Exported for tests.
 */
export function describeSchedStat(stat: string): string | null {
  // The command name (field 2) may hold spaces and parentheses: split after the last ')'.
  const close = stat.lastIndexOf(')');
  if (close < 0) return null;
  const fields = stat
    .slice(close + 1)
    .trim()
    .split(/\s+/);
  // fields[0] is field 3 (state), so field N is fields[N - 3].
  const nice = Number(fields[16]);
  const rtPriority = Number(fields[37]);
  const policy = Number(fields[38]);
  if (!Number.isInteger(policy) || !Number.isInteger(rtPriority) || !Number.isInteger(nice)) return null;
  const name = POLICY_NAMES[policy] ?? `policy ${policy}`;
  return policy === 1 || policy === 2 ? `${name} (priority ${rtPriority})` : `${name} (nice ${nice})`;
}

function readTimerSlackNs(): number | null {
  const text = readProc('/proc/thread-self/timerslack_ns') ?? readProc('/proc/self/timerslack_ns');
  if (text === null) return null;
  const ns = Number(text.trim());
  return Number.isFinite(ns) ? ns : null;
}

function readProc(path: string): string | null {
  if (process.platform !== 'linux') return null;
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

let version: string | undefined;

/** hardtick's version from package.json (works from `src/` and `dist/`), or `unknown`. */
export function readVersion(): string {
  if (version !== undefined) return version;
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version?: unknown;
    };
    version = typeof pkg.version === 'string' ? pkg.version : 'unknown';
  } catch {
    version = 'unknown';
  }
  return version;
}
