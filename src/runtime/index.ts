/**
 * The runtime's public surface (named exports only). The executive is the only hot path
 * of hardtick; see executive.ts for its allocation and threading contract.
 */

export type { AlarmRecordView } from './alarm-drain.js';
export {
  ALARM_KINDS,
  alarmKindId,
  KIND_COUNT,
  KIND_DEADLINE_MISS,
  KIND_FRAME_OVERRUN,
  KIND_MODE_CHANGE,
  KIND_OVERRUN,
  KIND_RELEASE_LATE,
  KIND_SKIPPED_FRAMES,
  KIND_STOPPED,
  KIND_TASK_ERROR,
  STOP_POLICY,
  STOP_REQUESTED,
  STOP_SAFE_STATE,
  STOP_SIGNAL,
} from './alarm-kinds.js';
export {
  ALARM_FRAME,
  ALARM_KIND,
  ALARM_MODE,
  ALARM_RECORD,
  ALARM_TASK,
  ALARM_TIME,
  ALARM_VALUE,
  AlarmRing,
} from './alarm-ring.js';
export type { TaskContext } from './context.js';
export { Executive } from './executive.js';
export type { DistributionNs, ExecutiveSnapshot, TaskSnapshot } from './snapshot.js';
export type { TraceRecord } from './trace-ring.js';
export {
  TRACE_FLAG_DEADLINE_MISS,
  TRACE_FLAG_DEGRADED,
  TRACE_FLAG_ERROR,
  TRACE_FLAG_OVERRUN,
  TRACE_FLAG_SAFE_STATE,
} from './trace-ring.js';
export type { CatchUpOptions, ExecutiveModeSpec, ExecutiveOptions, TaskFn } from './types.js';
