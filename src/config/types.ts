/**
 * The resolved config: what the rest of hardtick consumes. Produced only by
 * `src/config/` (zod validation + defaults), deeply frozen, every time in integer
 * nanoseconds, every default filled in. Nothing downstream validates again.
 */

/** How jobs may be split across frames. */
export type Slicing = 'off' | 'auto';

/** What happens when a task overruns its budget (after the hysteresis says so). */
export type OverrunAction = 'warn' | 'skip-next' | 'degrade' | 'safe-state' | 'stop';

import type { AlarmKindName } from './alarm-kinds.js';

export type { AlarmKindName } from './alarm-kinds.js';

/** A `path#export` reference to a function in a module. */
export interface TaskRef {
  /** The text as written in the config, e.g. `./tasks.mjs#sense`. */
  readonly spec: string;
  /** Absolute path of the module (resolved against the config file's folder). */
  readonly file: string;
  /** Name of the export. */
  readonly exportName: string;
}

/** Declared overrun policy of a task, with its hysteresis. */
export interface OverrunPolicy {
  /** @default 'warn' */
  readonly action: OverrunAction;
  /**
   * Consecutive overruns needed before `action` triggers (an on-time run resets the count).
   * Ignored when `bucket` is set. @default 1
   */
  readonly after: number;
  /**
   * Leaky bucket (Orocos max-overrun style): each overrun adds 1, each on-time run
   * removes `leak` (never below 0); the action triggers when the level reaches `max`.
   * @default null
   */
  readonly bucket: { readonly max: number; readonly leak: number } | null;
  /**
   * For `degrade`: consecutive on-time runs of the degraded function before the
   * normal function is restored. @default 10
   */
  readonly recoverAfter: number;
  /** Required for `degrade`: the function run instead while degraded. */
  readonly degraded: TaskRef | null;
  /** Required for `safe-state`: called once, then the loop stops. */
  readonly safeState: TaskRef | null;
}

/** One task, fully resolved. Times in integer nanoseconds. */
export interface ResolvedTask {
  /** Position in its mode's task list (stable; used as the numeric task id). */
  readonly index: number;
  readonly name: string;
  readonly periodNs: number;
  /** The execution time allowed (the planned WCET). */
  readonly budgetNs: number;
  /** Relative deadline. @default periodNs */
  readonly deadlineNs: number;
  /** Release offset of the first job. @default 0 */
  readonly phaseNs: number;
  readonly run: TaskRef;
  readonly overrun: OverrunPolicy;
  /**
   * Present when the task runs in its own worker (`isolate: true`, src/isolate); absent
   * otherwise. @default absent
   */
  readonly isolation?: ResolvedIsolation;
}

/** `isolate: true` and `isolateGrace`, resolved. */
export interface ResolvedIsolation {
  /** Time past the slot budget before the worker is terminated, ns. @default max(budget / 2, 100 µs) */
  readonly graceNs: number;
}

/** A task set with its own table. The top-level `tasks` form the mode named `main`. */
export interface ResolvedMode {
  readonly name: string;
  /** `'auto'` or a fixed frame size in ns. */
  readonly frame: 'auto' | number;
  readonly slicing: Slicing;
  readonly tasks: readonly ResolvedTask[];
}

/** Planner limits, so a pathological task set gives a diagnostic, never a hang. */
export interface PlanLimits {
  /** @default 3_600_000_000_000 (1 hour) */
  readonly maxHyperperiodNs: number;
  /** Jobs in one hyperperiod. @default 1_000_000 */
  readonly maxJobs: number;
  /** Wall-clock budget for the search. @default 5000 */
  readonly timeoutMs: number;
}

/**
 * Real-time setup requested by the config (`realtime`). `null` (or `false` for
 * `lockMemory`) means "not requested": that step is left alone and reported as such.
 * Applied by `src/realtime/` at run time; every step is reported as applied, refused
 * (with the OS reason) or not requested.
 */
export interface ResolvedRealtime {
  /** SCHED_FIFO priority 1..99 of the thread that runs the loop. Needs the native addon. @default null */
  readonly priority: number | null;
  /** CPUs the loop thread may run on (ascending, no duplicates). Needs the native addon. @default null */
  readonly cpus: readonly number[] | null;
  /** `mlockall(MCL_CURRENT | MCL_FUTURE)` for the process. Needs the native addon. @default false */
  readonly lockMemory: boolean;
  /** Value held in `/dev/cpu_dma_latency` for the whole run, µs (0: no C-state exit latency). @default null */
  readonly cpuDmaLatencyUs: number | null;
  /**
   * Timer slack of the loop thread, ns. The one step requested by default: 1 ns
   * (lowered from the kernel's 50 µs). `null` when the config says `false` (left alone).
   * @default 1
   */
  readonly timerSlackNs: number | null;
  /** Nice value of the loop thread, -20..19. @default null */
  readonly nice: number | null;
}

/** The whole resolved config (deeply frozen). */
export interface ResolvedConfig {
  readonly name: string;
  /** Absolute path of the config file, or null when built in memory. */
  readonly file: string | null;
  /** Folder that relative `run` paths were resolved against. */
  readonly baseDir: string;
  /** Same as `modes[0].frame`. */
  readonly frame: 'auto' | number;
  /** Same as `modes[0].slicing`. */
  readonly slicing: Slicing;
  /** Same as `modes[0].tasks`. */
  readonly tasks: readonly ResolvedTask[];
  /** `modes[0]` is `main` (the top-level tasks); others from the `modes` key. */
  readonly modes: readonly ResolvedMode[];
  /** Name of the mode the loop starts in. @default 'main' */
  readonly initialMode: string;
  /** Late frames: skip to the next aligned frame, or run them back to back (at most `maxFrames`). */
  readonly catchUp: { readonly policy: 'skip' | 'run'; readonly maxFrames: number };
  readonly alarms: {
    /** Kinds that make `hardtick run` exit 1. @default ['deadline-miss','frame-overrun','task-error'] */
    readonly fatal: readonly AlarmKindName[];
    /** Release lateness above which a `release-late` alarm is raised. @default 500_000 (0.5 ms) */
    readonly releaseLateNs: number;
    /**
     * Wake-to-wake gap beyond the release spacing above which a `pause` alarm is raised.
     * @default 5_000_000 (5 ms)
     */
    readonly pauseThresholdNs: number;
    /** Alarms of one kind delivered to listeners per second; the rest are counted. @default 10 */
    readonly ratePerSecond: number;
  };
  readonly limits: PlanLimits;
  /** Real-time setup of the loop thread and process. @default only `timerSlackNs: 1` requested */
  readonly realtime: ResolvedRealtime;
  /** The watchdog: the config's, the default one (no `watchdog` key), or null (`watchdog: false`). */
  readonly watchdog: ResolvedWatchdog | null;
  /** GC governance (`gc`); both parts disabled when the key is absent. */
  readonly gc: ResolvedGc;
  /** Hot standby (`lease`), or null when the config has no `lease` key. */
  readonly lease: ResolvedLease | null;
  /** The waiter's spin margin (`waiter`). @default learned ("auto") */
  readonly waiter: ResolvedWaiter;
}

/**
 * `lease`, resolved (see src/lease `LeaseKeeper` for how each figure is used). Times in
 * integer ns.
 */
export interface ResolvedLease {
  /** The coordination service (etcd v3 is the one there is). */
  readonly etcd: {
    /** Client endpoints, as written (one or more). */
    readonly endpoints: readonly string[];
    /** Deadline of each call, ns. @default 500 ms */
    readonly callTimeoutNs: number;
  };
  /** The election key. */
  readonly key: string;
  /** Lease TTL, ns (whole seconds). */
  readonly ttlNs: number;
  /** This process's name, or null: `<hostname>:<pid>` at run time (or the run's `candidate` option). @default null */
  readonly candidate: string | null;
  /** Safety margin off every validity, ns. @default max(TTL / 10, 50 ms) */
  readonly marginNs: number;
  /** Time between renewals, ns. @default TTL / 3 */
  readonly renewIntervalNs: number;
  /** Bound on the clock-rate difference to etcd. @default 0.01 */
  readonly driftRate: number;
  /** Time between campaign attempts while another candidate leads, ns. @default 100 ms */
  readonly campaignIntervalNs: number;
  /** Campaign again after losing the lease. @default true */
  readonly rejoin: boolean;
  /** Wait before campaigning again after a loss, ns. @default the TTL */
  readonly rejoinDelayNs: number;
}

/**
 * `waiter`, resolved: the margin the loop's waiter spins before each release, learned or
 * fixed, and the bounds of a learned one (src/time/margin-learner.ts). The shape of
 * `selectClockAndWaiter`'s `margin` option.
 */
export interface ResolvedWaiter {
  /** `'auto'` (learned) or a fixed margin, ns. @default 'auto' */
  readonly marginNs: 'auto' | number;
  /** Share of wake-ups a learned margin covers, in (0, 1). @default 0.99 */
  readonly quantile: number;
  /** Smallest learned margin, ns. @default 10_000 */
  readonly minMarginNs: number;
  /** Largest learned margin, ns. @default 1_000_000 */
  readonly maxMarginNs: number;
  /** Mean share of a wait a learned margin may spin, in (0, 1]. @default 0.005 */
  readonly maxSpinShare: number;
}

/** `gc`, resolved (see src/gc `PlannedGc`). */
export interface ResolvedGc {
  readonly planned: {
    /** @default false (true when `gc.planned` is true or an object) */
    readonly enabled: boolean;
    /** Frames between planned collections; null = `auto` (by young-generation fill). @default null */
    readonly everyFrames: number | null;
    /** Slack a planned collection needs, ns; null = `auto` (measured cost + max(25 %, 50 µs)). @default null */
    readonly minSlackNs: number | null;
    /** `auto`: collect once the young generation is this full. @default 0.5 */
    readonly youngFill: number;
  };
  readonly warn: {
    /** @default false (true when `gc.warn` is true or an object) */
    readonly enabled: boolean;
    /** Warn when the young generation is this full. @default 0.85 */
    readonly youngFill: number;
    /** Warn each time the old generation has grown by this many bytes. @default 8 MiB */
    readonly oldGrowthBytes: number;
  };
}

/** `watchdog`, resolved. */
export interface ResolvedWatchdog {
  /** `config`: the config's `watchdog` section; `default`: the config has none. */
  readonly origin: 'config' | 'default';
  /** Time a slot may run past its job's deadline before it is stuck, ns (at least; see `graceFrames`). */
  readonly graceNs: number;
  /**
   * The grace is at least this many frames of the run's largest frame: the grace in force
   * is max(graceNs, graceFrames × frame). 0 for a configured watchdog (its grace as given).
   */
  readonly graceFrames: number;
  /** The fail-safe function (module resolved against the config's folder), or null. */
  readonly failSafe: TaskRef | null;
  /** Exit code `hardtick run` ends with after a stuck event, or null (then 1). */
  readonly exitCode: number | null;
  /** The JSON value handed to the fail-safe as `params` (null when absent). */
  readonly failSafeParams: unknown;
  /** `end-run`: the first stuck event ends the run; `keep-running`: every one is raised and listed. */
  readonly onStuck: 'end-run' | 'keep-running';
}
