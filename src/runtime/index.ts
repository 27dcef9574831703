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
} from '../stats/distribution.js';
export type { AlarmRecordView } from './alarm-drain.js';
export {
  ALARM_KINDS,
  alarmKindId,
  GC_WARN_OLD,
  GC_WARN_YOUNG,
  KIND_COUNT,
  KIND_DEADLINE_MISS,
  KIND_FRAME_OVERRUN,
  KIND_GC_WARN,
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
export type { RunPhase, TaskContext } from './context.js';
export {
  EV_LATENESS,
  EV_RUN,
  EV_TASKS,
  evidenceExecAt,
  evidenceResponseAt,
  evidenceSize,
  jobsInFlight,
  RC_ALARMS_DROPPED,
  RC_ELAPSED_NS,
  RC_FRAME_INDEX,
  RC_FRAME_NS,
  RC_FRAME_OVERRUNS,
  RC_FRAMES_CUT_OFF,
  RC_FRAMES_LOST_PAUSE,
  RC_FRAMES_RUN,
  RC_FRAMES_SKIPPED,
  RC_IN_FRAME,
  RC_KIND_ROOM,
  RC_KIND_TOTALS,
  RC_MODE,
  RC_NOT_RUN_CATCH_UP,
  RC_NOT_RUN_CUT_OFF,
  RC_NOT_RUN_PAUSE,
  RC_NOT_RUN_POLICY,
  RC_NOT_RUN_UNAVAILABLE,
  RC_POS,
  RC_RELEASE_NS,
  RC_SIZE,
  RC_SLOT,
  RC_STANDBY_FRAMES,
  RC_START_NS,
  RC_STOP_CODE,
  RC_STOP_TASK,
  TS_CENSORED,
  TS_DEADLINE_MISSES,
  TS_DEGRADED,
  TS_DEGRADED_RUNS,
  TS_ERRORS,
  TS_EXEC_MAX_FRAME,
  TS_EXEC_MAX_NS,
  TS_JOBS_RUN,
  TS_LATE,
  TS_NOT_RUN_CATCH_UP,
  TS_NOT_RUN_CAUSES,
  TS_NOT_RUN_CUT_OFF,
  TS_NOT_RUN_PAUSE,
  TS_NOT_RUN_POLICY,
  TS_NOT_RUN_UNAVAILABLE,
  TS_OVERRUNS,
  TS_POLICY_TRIGGERS,
  TS_RELEASES,
  TS_RUNS,
  TS_SIZE,
  TS_SKIPPED,
} from './counters.js';
export type { CutOffCounters, CutOffTable, LoopEnding } from './cut-off.js';
export { accountEndingInto, cutOffFrames, cutOffInFlight, cutOffSlots, runSumsInto } from './cut-off.js';
export { Executive } from './executive.js';
export type { LeaseGate, LoopHeartbeat, LoopLease, SlotWindow, TaskLease } from './loop-hooks.js';
export { UNGUARDED_LEASE, UnguardedTaskLease } from './loop-hooks.js';
export type {
  DistributionNs,
  EvidenceDetail,
  EvidenceLayout,
  ExecutiveSnapshot,
  NotRunCounts,
  TaskSnapshot,
} from './snapshot.js';
export { emptyEvidence, evidenceTaskCount, snapshotFromEvidence, stopReasonText } from './snapshot.js';
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
