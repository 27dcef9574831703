/**
 * The config file format as a documented TypeScript type, for `defineConfig` in
 * `hardtick.config.ts` / `.mjs` (editors show these docs on hover). It mirrors the zod
 * schema in `schema.ts`; a compile-time check below keeps the two in step.
 */
import type { ConfigFileInput } from './schema.js';
import type { AlarmKindName, OverrunAction, Slicing } from './types.js';

/**
 * A duration: a number means milliseconds (`1.8`); a string carries its unit
 * (`"250us"`, `"1.8ms"`, `"2s"`, `"500ns"`). Converted exactly to integer nanoseconds;
 * at most 24 hours; sub-nanosecond precision is an error.
 */
export type DurationInput = number | string;

/** A `path#export` reference, the path relative to the config file: `"./tasks.mjs#sense"`. */
export type RefInput = string;

/** Overrun policy of one task. */
export interface OverrunInput {
  /** What happens when the task overruns its budget (after the hysteresis). */
  action: OverrunAction;
  /** Consecutive overruns before the action triggers; not with `bucket`. @default 1 */
  after?: number;
  /** Leaky bucket instead of `after`: each overrun adds 1, each on-time run removes `leak`. @default none */
  bucket?: {
    /** Level at which the action triggers (integer ≥ 1). */
    max: number;
    /** Removed by each on-time run. @default 1 */
    leak?: number;
  };
  /** For `degrade`: on-time degraded runs before the normal function returns. @default 10 */
  recoverAfter?: number;
  /** Required iff `action` is `"degrade"`: the function run while degraded. */
  degraded?: RefInput;
  /** Required iff `action` is `"safe-state"`: called once, then the loop stops. */
  safeState?: RefInput;
}

/** One periodic task. */
export interface TaskInput {
  /**
   * Unique within its mode: a letter or `_`, then letters, digits, `_`, `.`, `-` (at most
   * 128 characters); not a name every JavaScript object has (`constructor`, `__proto__`, …).
   */
  name: string;
  /** Release period. */
  period: DurationInput;
  /** Execution time allowed per job (the planned WCET); at most the deadline. */
  budget: DurationInput;
  /** Relative deadline. @default the period */
  deadline?: DurationInput;
  /** Release offset of the first job; less than the period. @default 0 */
  phase?: DurationInput;
  /** The function to run. */
  run: RefInput;
  /** Overrun policy. @default { action: 'warn' } */
  overrun?: OverrunInput;
  /** Run the task in its own worker, terminated at budget + `isolateGrace` (src/isolate). @default false */
  isolate?: boolean;
  /** With `isolate`: time past the budget before the worker is terminated. @default max(budget / 2, 100us) */
  isolateGrace?: DurationInput;
}

/** A further mode: its own task set and schedule table. */
export interface ModeInput {
  /** Frame size of this mode. @default the top-level `frame` */
  frame?: 'auto' | DurationInput;
  /** Slicing of this mode. @default the top-level `slicing` */
  slicing?: Slicing;
  /** The tasks of this mode (at least one; names unique within the mode). */
  tasks: TaskInput[];
}

/** A hardtick config file (what `defineConfig` accepts). */
export interface HardtickConfig {
  /** Path of the JSON Schema, for editors. */
  $schema?: string;
  /** Name of the configuration (shown in reports). */
  name: string;
  /** Minor frame size, or `"auto"` to let the planner choose. @default 'auto' */
  frame?: 'auto' | DurationInput;
  /** Whether jobs may be split at frame boundaries. @default 'off' */
  slicing?: Slicing;
  /** The tasks of the mode `main` (at least one). */
  tasks: TaskInput[];
  /** Further modes by name (`main` is reserved). @default none */
  modes?: Record<string, ModeInput>;
  /** Mode the loop starts in. @default 'main' */
  initialMode?: string;
  /** Late frames: skip to the next aligned frame, or run them back to back. @default 'skip' */
  catchUp?: 'skip' | 'run' | { policy: 'skip' | 'run' /** @default 4 */; maxFrames?: number };
  /** Alarm settings. @default all defaults below */
  alarms?: {
    /** Kinds that make `hardtick run` exit 1. @default ['deadline-miss', 'frame-overrun', 'task-error'] */
    fatal?: AlarmKindName[];
    /** Release lateness that raises `release-late`. @default '0.5ms' */
    releaseLate?: DurationInput;
    /** Wake-to-wake gap beyond the frame spacing that raises `pause`. @default '5ms' */
    pauseThreshold?: DurationInput;
    /** Alarms of one kind delivered per second; the rest are counted. @default 10 */
    ratePerSecond?: number;
  };
  /** Planner limits (a pathological task set gets a diagnostic, never a hang). @default all defaults below */
  limits?: {
    /** Largest hyperperiod planned (at most 24 h). @default '3600s' */
    maxHyperperiod?: DurationInput;
    /** Most jobs in one hyperperiod, at most 2_000_000 (the planner holds them all in memory). @default 1_000_000 */
    maxJobs?: number;
    /** Planner search time, in ms. @default 5000 */
    timeoutMs?: number;
  };
  /**
   * Real-time setup; each step is reported as applied, refused (with the reason) or not
   * requested, never a crash. @default only the timer slack is lowered (to 1 ns)
   */
  realtime?: RealtimeInput;
  /**
   * Watchdog thread on the loop's heartbeat; `false` turns it off.
   * @default a watchdog with grace max(1s, 10 frames), onStuck 'end-run', exit code 1
   */
  watchdog?: WatchdogInput | false;
  /** GC governance: planned minor GCs in frame slack, heap early warnings. @default both off */
  gc?: GcInput;
  /** Hot standby: run the tasks only while holding a lease in etcd. @default off */
  lease?: LeaseInput;
  /**
   * Let module references (`run`, `degraded`, `safeState`, `failSafe`) point outside the
   * project (the nearest folder with a package.json, else the config's folder). A config is
   * code: leave this off unless you trust where those modules come from. @default false
   */
  allowOutsideProject?: boolean;
  /** The waiter's spin margin: learned (`'auto'`) or fixed. @default learned */
  waiter?: WaiterInput;
}

/** Watchdog settings (`watchdog` key). */
export interface WatchdogInput {
  /** Time a slot may run past its job's deadline before it is stuck. @default '50ms' */
  grace?: DurationInput;
  /** Fail-safe `"path#export"`, run in the watchdog thread on stuck. @default none */
  failSafe?: string;
  /** Exit code of `hardtick run` after stuck (75 conventional), or false (then 1). @default false */
  exitCode?: number | false;
  /** Any JSON value, handed to the fail-safe as `params`. @default null */
  failSafeParams?: unknown;
  /** `'end-run'`: the first stuck event ends the run; `'keep-running'`: each one is raised and listed. @default 'end-run' */
  onStuck?: 'end-run' | 'keep-running';
}

/**
 * Hot standby (`lease` key): `hardtick run` campaigns for `key` in etcd and runs the tasks
 * only while it holds the lease; tasks get `ctx.lease` (valid(), fencing token).
 */
export interface LeaseInput {
  /** The etcd cluster (needs the optional npm package `etcd3`). */
  etcd: {
    /** Client endpoints: `"host:port"`, `"http://host:port"`, or a list of them. */
    endpoints: string | string[];
    /** Deadline of each etcd call; less than the TTL. @default '500ms' */
    callTimeout?: DurationInput;
  };
  /** The election key, shared by every candidate of one loop, e.g. `"/hardtick/motor-1/leader"`. */
  key: string;
  /** Lease TTL, whole seconds (`"1s"`, `"2s"`): a takeover takes about TTL + 0.5 s. */
  ttl: DurationInput;
  /** This process's name in the election and the report. @default the host name and process id, e.g. 'pi-01:4242' */
  candidate?: string;
  /** Safety margin taken off every validity. @default max(TTL / 10, 50ms) */
  margin?: DurationInput;
  /** Time between renewals. @default TTL / 3 */
  renewInterval?: DurationInput;
  /** Bound on the clock-rate difference to etcd, 0 ≤ ρ < 1. @default 0.01 */
  driftRate?: number;
  /** Time between campaign attempts while another candidate leads. @default '100ms' */
  campaignInterval?: DurationInput;
  /** Campaign again after losing the lease. @default true */
  rejoin?: boolean;
  /** Wait before campaigning again after a loss. @default the TTL */
  rejoinDelay?: DurationInput;
}

/** `gc`: each part off unless given (`true` or an object). */
export interface GcInput {
  /** Planned minor GCs in frame slack. @default off */
  planned?:
    | boolean
    | {
        /** Frames between collections, or `'auto'` (when the young generation is `youngFill` full). @default 'auto' */
        every?: number | 'auto';
        /** Slack a collection needs: `'auto'` (measured cost + max(25 %, 50 µs)) or a duration. @default 'auto' */
        minSlack?: 'auto' | number | string;
        /** `auto`: collect at this young-generation fill (0–1]. @default 0.5 */
        youngFill?: number;
      };
  /** Early warnings from heap statistics. @default off */
  warn?:
    | boolean
    | {
        /** Warn at this young-generation fill (0–1]. @default 0.85 */
        youngFill?: number;
        /** Warn each time the old generation grew by this many MB. @default 8 */
        oldGrowthMb?: number;
      };
}

/** `waiter`: the margin the loop spins before each release (all optional). */
export interface WaiterInput {
  /** `'auto'` (learned per sleep length) or a fixed duration. @default 'auto' */
  margin?: 'auto' | DurationInput;
  /** `auto`: share of wake-ups the margin covers, in (0, 1). @default 0.99 */
  quantile?: number;
  /** `auto`: smallest margin. @default '10us' */
  minMargin?: DurationInput;
  /** `auto`: largest margin (≤ 1 s). @default '1ms' */
  maxMargin?: DurationInput;
  /** `auto`: the mean share of each wait the spin may take, in (0, 1]. @default 0.005 */
  maxSpinShare?: number;
}

/** Real-time setup of the loop thread and the process (all optional). */
export interface RealtimeInput {
  /** SCHED_FIFO priority 1..99 of the loop thread (needs the native addon). @default not requested */
  priority?: number;
  /** CPU affinity of the loop thread: a CPU number or a list (needs the native addon). @default not requested */
  cpu?: number | number[];
  /** mlockall the process (needs the native addon). @default false */
  lockMemory?: boolean;
  /** µs held in /dev/cpu_dma_latency for the run (0 like cyclictest; needs root). @default not requested */
  cpuDmaLatency?: number;
  /** Timer slack of the loop thread in ns; `false` leaves the kernel default. @default 1 */
  timerSlackNs?: number | false;
  /** Nice value -20..19 of the loop thread. @default not requested */
  nice?: number;
}

// Compile-time: everything this interface allows, the schema's input type allows too,
// and both name the same top-level and task keys.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const inputFitsSchema: (config: HardtickConfig) => ConfigFileInput = (config) => config;
const sameKeys: [
  Same<keyof HardtickConfig, keyof ConfigFileInput>,
  Same<keyof TaskInput, keyof ConfigFileInput['tasks'][number]>,
  Same<keyof RealtimeInput, keyof NonNullable<ConfigFileInput['realtime']>>,
  Same<keyof WatchdogInput, keyof Exclude<ConfigFileInput['watchdog'], false | undefined>>,
  Same<keyof LeaseInput, keyof NonNullable<ConfigFileInput['lease']>>,
  Same<keyof WaiterInput, keyof NonNullable<ConfigFileInput['waiter']>>,
] = [true, true, true, true, true, true];
void inputFitsSchema;
void sameKeys;
