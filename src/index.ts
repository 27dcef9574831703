/**
 * hardtick's public API: named exports only (types kept apart). The CLI and the report
 * renderers use nothing but what is exported here.
 */

export type {
  AlarmKindName,
  DurationInput,
  HardtickConfig,
  LoadConfigOptions,
  ModeInput,
  OverrunAction,
  OverrunInput,
  OverrunPolicy,
  PlanLimits,
  ResolvedConfig,
  ResolvedMode,
  ResolvedTask,
  ResolveOptions,
  Slicing,
  TaskInput,
  TaskRef,
} from './config/index.js';
export {
  checkDurationNs,
  defineConfig,
  formatNs,
  loadConfig,
  msToNs,
  parseDurationNs,
  resolveConfig,
} from './config/index.js';
export type {
  DoctorCheck,
  DoctorCheckId,
  DoctorCounts,
  DoctorOptions,
  DoctorReport,
  DoctorStatus,
} from './doctor/index.js';
export { DOCTOR_CHECK_IDS, DOCTOR_SCHEMA, runDoctor } from './doctor/index.js';
export type { HardtickErrorCode, HardtickErrorDetails } from './errors.js';
export { HardtickError } from './errors.js';
export type {
  AuditEntry,
  FencedSinkOptions,
  FencedWrite,
  FencedWriteResult,
  SinkAddress,
  SinkStats,
} from './fencing/index.js';
export { auditViolations, FencedSink, FencedSinkClient, FencedSinkServer } from './fencing/index.js';
export type {
  Election,
  EtcdElectionOptions,
  EtcdLeaderInfo,
  InProcessElectionOptions,
  LeaderTerm,
  LeaseEvent,
  LeaseGuardClock,
  LeaseGuardOptions,
  LeaseGuardSnapshot,
  LeaseKeeperOptions,
  LeaseKeeperState,
  LeaseLossReason,
  RenewResult,
  TaskLease,
} from './lease/index.js';
export {
  EtcdElection,
  InProcessElection,
  InProcessElectionStore,
  LeaseGuard,
  LeaseKeeper,
  monotonicNowNs,
} from './lease/index.js';
export type {
  OverflowPolicy,
  PoolOptions,
  RecordConsumer,
  RecordProducer,
  RecordRing,
  RingOptions,
} from './memory/index.js';
export { Pool, Ring } from './memory/index.js';
export type {
  Diagnostic,
  PlanMode,
  PlannedFrame,
  PlannedSlot,
  PlanOptions,
  PlanResult,
  ScheduleTable,
} from './plan/index.js';
export { buildScheduleTable, hyperperiodNs, planSchedule, validatePlan } from './plan/index.js';
export type {
  BlockMaximaParams,
  GoodnessOfFit,
  PotParams,
  PwcetDiagnostics,
  PwcetFitReport,
  PwcetModel,
  PwcetModelChoice,
  PwcetNs,
  PwcetOptions,
  PwcetProbability,
  PwcetResult,
} from './pwcet/estimate.js';
export { AD_CRITICAL, estimatePwcet, PWCET_PROBABILITIES } from './pwcet/estimate.js';
export type { PwcetEvidence, SeriesEvidenceOptions } from './pwcet/evidence.js';
export { evidenceFromSeries, MIN_BLOCKS, MIN_SAMPLES } from './pwcet/evidence.js';
export type { RunEnvironment, RunReport, RunReportTask } from './report/index.js';
export { buildRunReport, collectEnvironment, GcMonitor, RUN_REPORT_SCHEMA } from './report/index.js';
export type {
  AlarmRecordView,
  CatchUpOptions,
  DistributionNs,
  ExecutiveModeSpec,
  ExecutiveOptions,
  ExecutiveSnapshot,
  TaskContext,
  TaskFn,
  TaskSnapshot,
  TraceRecord,
} from './runtime/index.js';
export { ALARM_KINDS, Executive } from './runtime/index.js';
export type { LogHistogramOptions } from './stats/histogram.js';
export { LogHistogram } from './stats/histogram.js';
export type { LoadedTaskFunctions } from './tasks/load.js';
export { loadTaskFunctions } from './tasks/load.js';
export type { Clock, Waiter } from './time/clock.js';
export { ManualClock, ManualWaiter } from './time/clock.js';
export type { HybridWaiterOptions } from './time/hybrid-waiter.js';
export { HybridWaiter } from './time/hybrid-waiter.js';
export type { JitterResult } from './time/jitter.js';
export { measureJitter } from './time/jitter.js';
export { releaseTimeNs } from './time/release.js';
export { SystemClock, systemClock } from './time/system-clock.js';
export type { TimerSlackResult } from './time/timer-slack.js';
export { tryLowerTimerSlack } from './time/timer-slack.js';
