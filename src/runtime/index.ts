/**
 * The runtime's public surface (named exports only). The executive is the only hot path
 * of hardtick; see executive.ts for its allocation and threading contract.
 */

export {
  DQ_COUNT,
  DQ_MAX,
  DQ_MEAN,
  DQ_MIN,
  DQ_P50,
  DQ_P99,
  DQ_P999,
  DQ_SIZE,
  TC_DEADLINE_MISSES,
  TC_DEGRADED,
  TC_DEGRADED_RUNS,
  TC_ERRORS,
  TC_EXEC_MAX_FRAME,
  TC_EXEC_MAX_NS,
  TC_OVERRUNS,
  TC_POLICY_TRIGGERS,
  TC_RELEASES,
  TC_RUNS,
  TC_SIZE,
  TC_SKIPPED,
} from './accessors.js';
export type { AlarmRecordView } from './alarm-drain.js';
export {
  ALARM_KINDS,
  alarmKindId,
  KIND_COUNT,
  KIND_DEADLINE_MISS,
  KIND_FRAME_OVERRUN,
  KIND_KILLED,
  KIND_MODE_CHANGE,
  KIND_OVERRUN,
  KIND_PAUSE,
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
  TRACE_END,
  TRACE_FLAG_DEADLINE_MISS,
  TRACE_FLAG_DEGRADED,
  TRACE_FLAG_ERROR,
  TRACE_FLAG_OVERRUN,
  TRACE_FLAG_SAFE_STATE,
  TRACE_FLAGS,
  TRACE_FRAME,
  TRACE_JOB,
  TRACE_MODE,
  TRACE_RECORD,
  TRACE_SLICE,
  TRACE_SLOT,
  TRACE_START,
  TRACE_TASK,
} from './trace-ring.js';
export type { CatchUpOptions, ExecutiveModeSpec, ExecutiveOptions, SlackHook, TaskFn } from './types.js';
