/**
 * What the loop's thread sets up for itself, in either thread mode: its task functions,
 * imported against the tables the host planned, and the V8 flags and alarm capacity every
 * executive of a run uses. Kept apart from prepare.ts so the real-time worker loads no
 * config parser or planner. Cold code.
 */
import type { ResolvedConfig } from '../config/types.js';
import { loadTaskFunctions } from '../isolate/load-mode.js';
import type { ScheduleTable } from '../plan/types.js';
import type { RealtimeStepResult } from '../realtime/types.js';
import type { ExecutiveModeSpec, ExecutiveOptions } from '../runtime/index.js';
import type { ModuleCache } from '../tasks/load.js';

/** Alarm records the executive can queue between drains. */
export const ALARM_CAPACITY = 4096;

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

/**
 * The options every executive of a run shares: the config's catch-up and alarm settings,
 * the run's clock, waiter and trace capacity, and the loop's helpers (stop flag, lease,
 * slack hook) when there are. Warm-up, JIT and measured executives start from these.
 */
export function runExecutiveOptions(
  config: ResolvedConfig,
  parts: Pick<
    ExecutiveOptions,
    'clock' | 'waiter' | 'modes' | 'initialMode' | 'traceCapacity' | 'stopFlag' | 'lease' | 'slackHook'
  >,
): ExecutiveOptions {
  const { stopFlag, lease, slackHook, ...rest } = parts;
  return {
    ...rest,
    catchUp: config.catchUp,
    releaseLateNs: config.alarms.releaseLateNs,
    pauseThresholdNs: config.alarms.pauseThresholdNs,
    alarmCapacity: ALARM_CAPACITY,
    alarmRatePerSecond: config.alarms.ratePerSecond,
    ...(stopFlag === undefined ? {} : { stopFlag }),
    ...(lease === undefined ? {} : { lease }),
    ...(slackHook === undefined ? {} : { slackHook }),
  };
}

/** Whether the timer-slack step was applied, and why not when it was not (the run's first line). */
export function timerSlackOutcome(steps: readonly RealtimeStepResult[]): {
  readonly applied: boolean;
  readonly reason: string | null;
} {
  const step = steps.find((st) => st.step === 'timerSlack');
  return {
    applied: step?.status === 'applied',
    reason:
      step === undefined || step.status === 'not-requested'
        ? 'not requested (realtime.timerSlackNs: false)'
        : step.reason,
  };
}
