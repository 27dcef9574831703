/**
 * What the loop's thread sets up for itself, in either thread mode: its task functions,
 * imported against the tables the host planned, and the V8 flags and alarm capacity every
 * executive of a run uses. Kept apart from prepare.ts so the real-time worker loads no
 * config parser or planner. Cold code.
 */
import type { ResolvedConfig } from '../config/types.js';
import { loadTaskFunctions } from '../isolate/load-mode.js';
import type { ScheduleTable } from '../plan/types.js';
import type { ExecutiveModeSpec } from '../runtime/index.js';
import type { ModuleCache } from '../tasks/load.js';

/** Alarm records the executive can queue between drains. */
export const ALARM_CAPACITY = 4096;
/**
 * V8 flags set before the loop: the memory reducer starts a mark-compact soon after a quiet
 * loop yields to the event loop, and it has nothing to reclaim from an allocation-free
 * loop. V8 keeps one flag table per process, so either thread may set it.
 */
export const V8_FLAGS: readonly string[] = ['--no-memory-reducer'];

/**
 * Imports every task function of every mode against the planned tables, in the calling
 * thread's isolate: call it on the thread that runs the executive.
 */
export async function loadModes(
  config: ResolvedConfig,
  tables: readonly ScheduleTable[],
): Promise<ExecutiveModeSpec[]> {
  const cache: ModuleCache = new Map();
  const modes: ExecutiveModeSpec[] = [];
  for (let i = 0; i < config.modes.length; i++) {
    const mode = config.modes[i]!;
    const fns = await loadTaskFunctions(mode, cache);
    modes.push({ name: mode.name, table: tables[i]!, tasks: mode.tasks, ...fns });
  }
  return modes;
}
