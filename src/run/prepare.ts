/**
 * A run's setup, done once per run on the thread that starts it: the config (a file, or an
 * object) resolved, every mode planned into its table (the loop's thread then loads the task
 * functions against those tables: loop-setup.ts). Also the loop-timing figures the
 * real-time setup checks. Cold code: bad input is a {@link HardtickError}.
 */
import { existsSync, statSync } from 'node:fs';
import { loadConfig, resolveConfig } from '../config/load.js';
import type { ResolvedConfig } from '../config/types.js';
import { HardtickError } from '../errors.js';
import { loadNative } from '../native/binding.js';
import { DEFAULT_NATIVE_MARGIN_NS } from '../native/native-clock.js';
import { planSchedule } from '../plan/plan.js';
import { buildScheduleTable } from '../plan/table.js';
import type { ScheduleTable } from '../plan/types.js';
import type { RealtimeLoopTiming } from '../realtime/apply.js';

/** Default margin of the hybrid (pure-JS) waiter, ns (the native waiter's is `DEFAULT_NATIVE_MARGIN_NS`). */
export const DEFAULT_MARGIN_NS = 200_000;

/** The config and its planned tables: what both thread modes start from. */
export interface RunPlan {
  readonly config: ResolvedConfig;
  /** Every mode's table, by mode index. */
  readonly tables: readonly ScheduleTable[];
  /** Index of the initial mode. */
  readonly initialMode: number;
  /** Tasks over every mode (the executive's flattened order). */
  readonly taskCount: number;
}

/** True for a config that is already resolved (`loadConfig`/`resolveConfig` output). */
function isResolved(config: object): config is ResolvedConfig {
  const c = config as Partial<ResolvedConfig>;
  return Array.isArray(c.modes) && typeof c.baseDir === 'string' && typeof c.initialMode === 'string';
}

/**
 * Loads (a path), resolves (an object; relative `run` paths against `baseDir`) or takes (a
 * resolved config) the config, and plans every mode. `allowOutsideProject`: task modules
 * may lie outside the config's project (a config is code: see the trust model).
 * @throws HardtickError for a config that cannot be read or is invalid, or an infeasible mode.
 */
export async function prepareRun(
  config: string | object,
  baseDir: string = process.cwd(),
  allowOutsideProject = false,
): Promise<RunPlan> {
  const resolved =
    typeof config === 'string'
      ? await loadConfig(config, { allowOutsideProject })
      : isResolved(config)
        ? config
        : resolveConfig(config, { baseDir, allowOutsideProject });
  checkFailSafeFile(resolved);
  const tables = planModes(resolved);
  return {
    config: resolved,
    tables,
    initialMode: Math.max(
      0,
      resolved.modes.findIndex((m) => m.name === resolved.initialMode),
    ),
    taskCount: resolved.modes.reduce((n, m) => n + m.tasks.length, 0),
  };
}

/**
 * The watchdog's fail-safe module must exist before the loop starts (in worker mode the
 * watchdog only starts once the loop thread is set up).
 * @throws HardtickError `watchdog_failsafe_invalid` naming the reference and the file.
 */
function checkFailSafeFile(config: ResolvedConfig): void {
  const ref = config.watchdog?.failSafe ?? null;
  if (ref === null || (existsSync(ref.file) && !statSync(ref.file).isDirectory())) return;
  throw new HardtickError(
    'watchdog_failsafe_invalid',
    `watchdog.failSafe: cannot load '${ref.spec}': module not found: ${ref.file} ` +
      `(the path is resolved against the config file's folder)`,
    { file: ref.file, path: 'watchdog.failSafe' },
  );
}

/** Plans every mode; an infeasible one is bad input (its diagnostics in the message). */
export function planModes(config: ResolvedConfig): ScheduleTable[] {
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

/** Index of mode `name`, or throws HardtickError('usage') naming the modes there are. */
export function modeIndexOrThrow(config: ResolvedConfig, name: string, what = 'requestMode'): number {
  const index = config.modes.findIndex((m) => m.name === name);
  if (index < 0) {
    throw new HardtickError(
      'usage',
      `${what}: unknown mode '${name}' (modes: ${config.modes.map((m) => m.name).join(', ')})`,
    );
  }
  return index;
}

/**
 * The waiter margin a run will use: the one asked for, else the default of the waiter
 * `selectClockAndWaiter` will pick (native when the addon loads, else hybrid).
 */
export function expectedMarginNs(marginNs: number | null): number {
  if (marginNs !== null) return marginNs;
  return loadNative() === null ? DEFAULT_MARGIN_NS : DEFAULT_NATIVE_MARGIN_NS;
}

/**
 * The loop's timing for the RT-throttling check: of every mode, the one with the largest
 * busy share (waiter spin + fullest frame's planned load, over its frame).
 */
export function loopTimingFor(tables: readonly ScheduleTable[], spinNsPerFrame: number): RealtimeLoopTiming {
  let best: RealtimeLoopTiming = { frameNs: 1, spinNsPerFrame, loadNsPerFrame: 0 };
  let bestShare = -1;
  for (const table of tables) {
    let maxLoadNs = 0;
    for (let f = 0; f < table.frameCount; f++) {
      let load = 0;
      for (let i = table.frameSlotStart[f]!; i < table.frameSlotStart[f + 1]!; i++)
        load += table.slotBudgetNs[i]!;
      if (load > maxLoadNs) maxLoadNs = load;
    }
    const share = (Math.min(spinNsPerFrame, table.frameNs) + maxLoadNs) / table.frameNs;
    if (share > bestShare) {
      bestShare = share;
      best = { frameNs: table.frameNs, spinNsPerFrame, loadNsPerFrame: maxLoadNs };
    }
  }
  return best;
}
