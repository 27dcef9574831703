/**
 * Numeric alarm kinds. The loop only ever handles these small integers; names are for
 * the cold side. The order is part of the API: `ALARM_KINDS[id]` is the name of kind `id`.
 *
 * Allocation contract: module-level constants only.
 */
import { ALARM_KINDS } from '../config/alarm-kinds.js';

/** A slot ran longer than its budget (value: execution time, ns). */
export const KIND_OVERRUN = 0;
/** A job completed after its absolute deadline (value: completion − deadline, ns). */
export const KIND_DEADLINE_MISS = 1;
/** A frame was still busy when the next release passed (value: frame end − next release, ns). */
export const KIND_FRAME_OVERRUN = 2;
/** A frame started later than `releaseLateNs` after its release (value: lateness, ns). */
export const KIND_RELEASE_LATE = 3;
/** A task threw (value: the task's error count so far, this one included). */
export const KIND_TASK_ERROR = 4;
/** Late frames were skipped (value: number of frames skipped). */
export const KIND_SKIPPED_FRAMES = 5;
/** The mode changed at a hyperperiod boundary (value: index of the new mode). */
export const KIND_MODE_CHANGE = 6;
/** The loop stopped (value: a `STOP_*` reason code). */
export const KIND_STOPPED = 7;
/**
 * The loop lost time: the gap between two consecutive frame wakes exceeded the release
 * spacing by more than `pauseThresholdNs` (value: gap − release spacing, ns = the pause
 * length; time: the late wake). Causes: GC, CPU steal, preemption, SIGSTOP, VM suspend,
 * or the previous frame itself running long (then `frame-overrun` is raised too).
 */
export const KIND_PAUSE = 8;
/**
 * An isolated task (`isolate: true`) had not finished when its budget + `isolateGrace`
 * was spent: its worker was terminated and is being respawned (value: slot start → kill
 * detected, ns). The slot also counts as an overrun, so the task's policy applies.
 */
export const KIND_KILLED = 9;
/**
 * GC governance's early warning (config `gc.warn`): a collection is coming (value: 1 the
 * young generation is nearly full, a scavenge is imminent; 2 the old generation grew past
 * `gc.warn.oldGrowth`, a mark-compact is coming). Raised once per episode, in frame slack.
 */
export const KIND_GC_WARN = 10;
/** Number of alarm kinds. */
export const KIND_COUNT = 11;

export { ALARM_KINDS } from '../config/alarm-kinds.js';

// The ids name the kinds of the config's list, in its order (checked once, at load).
for (const [id, name] of [
  [KIND_OVERRUN, 'overrun'],
  [KIND_DEADLINE_MISS, 'deadline-miss'],
  [KIND_FRAME_OVERRUN, 'frame-overrun'],
  [KIND_RELEASE_LATE, 'release-late'],
  [KIND_TASK_ERROR, 'task-error'],
  [KIND_SKIPPED_FRAMES, 'skipped-frames'],
  [KIND_MODE_CHANGE, 'mode-change'],
  [KIND_STOPPED, 'stopped'],
  [KIND_PAUSE, 'pause'],
  [KIND_KILLED, 'killed'],
  [KIND_GC_WARN, 'gc-warn'],
] as const) {
  if (ALARM_KINDS[id] !== name)
    throw new Error(`alarm-kinds: kind ${id} is '${ALARM_KINDS[id]}', not '${name}'`);
}
if (ALARM_KINDS.length !== KIND_COUNT)
  throw new Error('alarm-kinds: KIND_COUNT does not match the kind list');

/** `stopped` alarm value: {@link Executive.requestStop} was called. */
export const STOP_REQUESTED = 0;
/** `stopped` alarm value: a task's `stop` policy triggered. */
export const STOP_POLICY = 1;
/** `stopped` alarm value: a task's `safe-state` policy triggered. */
export const STOP_SAFE_STATE = 2;
/** `stopped` alarm value: the shared stop flag was raised. */
export const STOP_SIGNAL = 3;

/** `gc-warn` alarm value: the young generation is nearly full (a scavenge is imminent). */
export const GC_WARN_YOUNG = 1;
/** `gc-warn` alarm value: the old generation grew past the threshold (a mark-compact is coming). */
export const GC_WARN_OLD = 2;

/** Numeric id of an alarm kind name, or −1 when unknown (cold). */
export function alarmKindId(name: string): number {
  return (ALARM_KINDS as readonly string[]).indexOf(name);
}
