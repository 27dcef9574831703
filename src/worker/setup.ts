/**
 * Setup shared by both `hardtick run` paths (main thread and real-time worker): planning
 * every mode, loading the task functions, the V8 flags and run-length rules. Cold code:
 * throws {@link HardtickError} on bad input, allocates freely.
 */
import type { ResolvedConfig } from '../config/types.js';
import { HardtickError } from '../errors.js';
import { planSchedule } from '../plan/plan.js';
import { buildScheduleTable } from '../plan/table.js';
import type { ExecutiveModeSpec, ExecutiveOptions } from '../runtime/index.js';
import { loadTaskFunctions, type ModuleCache } from '../tasks/load.js';

/** Alarm records the executive can queue between drains. */
export const ALARM_CAPACITY = 4096;
/**
 * V8 flags set before the loop: the memory reducer starts a 2–10 ms mark-compact soon
 * after a quiet loop yields to the event loop (measured on Node 20); it has nothing to reclaim
 * from an allocation-free loop, so it is switched off. V8 keeps one flag table per
 * process (flags are not per isolate), so setting it on either thread covers both; the
 * worker sets it itself anyway, before it creates anything.
 */
export const V8_FLAGS: readonly string[] = ['--no-memory-reducer'];

/** Warm-up when `--warmup` is not given: the longer of these two, capped. */
const WARMUP_MIN_NS = 200_000_000;
const WARMUP_MIN_FRAMES = 500;
const WARMUP_MAX_NS = 2_000_000_000;

/** The warm-up length for `--warmup` (null: the default rule) at the initial frame size. */
export function warmupLengthNs(optionNs: number | null, frameNs: number): number {
  return optionNs ?? Math.min(WARMUP_MAX_NS, Math.max(WARMUP_MIN_NS, WARMUP_MIN_FRAMES * frameNs));
}

/** Index of the config's initial mode (the loader guarantees it names a mode). */
export function initialModeIndex(config: ResolvedConfig): number {
  return Math.max(
    0,
    config.modes.findIndex((m) => m.name === config.initialMode),
  );
}

/** Tasks over every mode (the executive's flattened per-task arrays, snapshot order). */
export function totalTaskCount(config: ResolvedConfig): number {
  let n = 0;
  for (const mode of config.modes) n += mode.tasks.length;
  return n;
}

/** Plans every mode; an infeasible one is bad input (its diagnostics in the message). */
export function planModes(config: ResolvedConfig): ExecutiveModeSpec['table'][] {
  return config.modes.map((mode) => {
    const plan = planSchedule(mode, config.limits);
    if (!plan.feasible) {
      const where = config.modes.length > 1 ? `mode '${mode.name}' of ${config.name}` : config.name;
      const issues = plan.diagnostics.map((d) => `${d.code}: ${d.message}`);
      throw new HardtickError(
        'schedule_infeasible',
        `the schedule of ${where} is infeasible (run 'hardtick plan' for details):\n${issues.map((i) => `  ${i}`).join('\n')}`,
        { issues },
      );
    }
    return buildScheduleTable(plan);
  });
}

/**
 * Plans every mode and imports every task function (in the calling thread's isolate:
 * call it on the thread that will run the executive).
 */
export async function loadModes(config: ResolvedConfig): Promise<ExecutiveModeSpec[]> {
  const tables = planModes(config);
  const cache: ModuleCache = new Map();
  const modes: ExecutiveModeSpec[] = [];
  for (let i = 0; i < config.modes.length; i++) {
    const mode = config.modes[i]!;
    const fns = await loadTaskFunctions(mode, cache);
    modes.push({ name: mode.name, table: tables[i]!, tasks: mode.tasks, ...fns });
  }
  return modes;
}

/** `--mode-after`'s mode must exist (HardtickError `usage` otherwise). Returns its index. */
export function modeIndexOrThrow(config: ResolvedConfig, name: string): number {
  const index = config.modes.findIndex((m) => m.name === name);
  if (index < 0) {
    throw new HardtickError(
      'usage',
      `--mode-after: unknown mode '${name}' (modes: ${config.modes.map((m) => m.name).join(', ')})`,
    );
  }
  return index;
}

/** Alarm rehearsal after the warm-up (both thread modes): drives, and ns each (1 µs frames: ~10k frames). */
export const REHEARSAL_DRIVES = 20;
/** Length of one rehearsal drive, ns. */
export const REHEARSAL_DRIVE_NS = 10_000_000;
/** Alarms of one kind delivered per second in the rehearsal: most go through the listener. */
const REHEARSAL_ALARM_RATE = 100_000;

/**
 * Options of a rehearsal executive over `modes` (already {@link rehearsalModes}): every
 * alarm threshold at 0, the rehearsal alarm rate. No heartbeat or slack hook: zero
 * deadlines would read as overdue. `base` carries the run's clock, waiter, initial mode,
 * catch-up, trace capacity and (worker mode) stop flag. Cold.
 */
export function rehearsalExecutiveOptions(
  base: Pick<
    ExecutiveOptions,
    'clock' | 'waiter' | 'modes' | 'initialMode' | 'catchUp' | 'traceCapacity' | 'stopFlag'
  >,
): ExecutiveOptions {
  return {
    ...base,
    releaseLateNs: 0,
    pauseThresholdNs: 0,
    alarmCapacity: ALARM_CAPACITY,
    alarmRatePerSecond: REHEARSAL_ALARM_RATE,
  };
}

/** Frame size of the rehearsal tables ({@link rehearsalModes}), ns: far below any real slot. */
export const REHEARSAL_FRAME_NS = 1_000;

/** What every slot of a rehearsal runs: nothing (the user's tasks are never called there). */
function rehearsalTask(): void {}

/**
 * The modes with every alarm made to happen, for the worker's alarm rehearsal before
 * measurement (rt-loop.ts): the same tasks and policies over copies of the tables with
 * 1 µs frames (every frame late: catch-up skips, frame overruns) and zero budgets,
 * releases and deadlines (every slot overruns and misses its deadline). Every function
 * (normal, degraded, safe-state) is a no-op: the rehearsal exercises the executive and
 * the loop, never the user's code (tasks with side effects, channels, counters would
 * otherwise see a burst of bogus frames). `stop` and `safe-state` policies become `warn`,
 * so the rehearsal does not end at the first overrun. Cold; allocates.
 */
export function rehearsalModes(modes: readonly ExecutiveModeSpec[]): ExecutiveModeSpec[] {
  return modes.map((mode) => {
    const t = mode.table;
    return {
      ...mode,
      fns: mode.fns.map(() => rehearsalTask),
      degraded: mode.degraded.map((fn) => (fn === null ? null : rehearsalTask)),
      safeState: mode.safeState.map((fn) => (fn === null ? null : rehearsalTask)),
      table: {
        ...t,
        frameNs: REHEARSAL_FRAME_NS,
        hyperperiodNs: REHEARSAL_FRAME_NS * t.frameCount,
        slotBudgetNs: new Float64Array(t.slotCount),
        slotReleaseNs: new Float64Array(t.slotCount),
        slotDeadlineNs: new Float64Array(t.slotCount),
      },
      tasks: mode.tasks.map((task) =>
        task.overrun.action === 'stop' || task.overrun.action === 'safe-state'
          ? { ...task, overrun: { ...task.overrun, action: 'warn' as const } }
          : task,
      ),
    };
  });
}
