/// <reference types="node" preserve="true" />
/**
 * hardtick's public API: named exports only (types kept apart). First the runner (`run`,
 * `startRun`: the one way a loop is run), then the layers below it for programs that embed
 * them. The CLI uses nothing but what is exported here.
 */

export type {
  AlarmKindName,
  DurationInput,
  HardtickConfig,
  LeaseInput,
  LoadConfigOptions,
  ModeInput,
  OverrunAction,
  OverrunInput,
  OverrunPolicy,
  PlanLimits,
  ResolvedConfig,
  ResolvedLease,
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
export { closestMatch } from './config/issues.js';
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
export type { GcEvent, GcKindName, GcOverlap, GcSummary, MissKind } from './gc/monitor.js';
export { GC_EVENTS_KEPT, GC_UNPLANNED_KEPT } from './gc/monitor.js';
export type { LoadedTaskFunctions } from './isolate/load-mode.js';
export { loadTaskFunctions } from './isolate/load-mode.js';
export type {
  AuditEntry,
  Election,
  EtcdElectionOptions,
  EtcdLeaderInfo,
  FencedSinkOptions,
  FencedWrite,
  FencedWriteResult,
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
  SinkAddress,
  SinkStats,
  TaskLease,
} from './lease/index.js';
export {
  auditViolations,
  EtcdElection,
  FencedSink,
  FencedSinkClient,
  FencedSinkServer,
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
export type { MetricsServer, MetricsServerOptions } from './metrics/server.js';
export { parseMetricsAddress, startMetricsServer } from './metrics/server.js';
export type { MetricsEnvironment, MetricsSource, MetricsTask } from './metrics/source.js';
export { metricsSourceFromSnapshot } from './metrics/source.js';
export type {
  ClockBackend,
  ClockSelection,
  NativeStatus,
  NativeWaiterOptions,
  SelectClockOptions,
} from './native/index.js';
export {
  DEFAULT_NATIVE_MARGIN_NS,
  loadNative,
  NativeClock,
  NativeWaiter,
  nativeStatus,
  selectClockAndWaiter,
} from './native/index.js';
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
export {
  AD_CRITICAL,
  estimatePwcet,
  formatP,
  PWCET_PROBABILITIES,
  probabilityValue,
} from './pwcet/estimate.js';
export type { PwcetEvidence, SeriesEvidenceOptions } from './pwcet/evidence.js';
export { DEFAULT_BLOCK_SIZE, evidenceFromSeries, MIN_BLOCKS, MIN_SAMPLES } from './pwcet/evidence.js';
export type { ReportTaskSamples } from './pwcet/from-run.js';
export { pwcetFromReportTask, taskSamplesFromReport } from './pwcet/from-run.js';
export { readSamplesFile } from './pwcet/read-samples.js';
export type {
  ApplyRealtimeOptions,
  RealtimeLoopTiming,
  RealtimeRequest,
  RealtimeSetup,
  RealtimeStepName,
  RealtimeStepResult,
  RealtimeStepStatus,
} from './realtime/index.js';
export {
  applyRealtime,
  applyRealtimeInThread,
  mergeRealtimeSteps,
  REALTIME_STEPS,
} from './realtime/index.js';
export type { CheckCase, CheckInput, CheckResult, CheckStatus } from './report/check/evaluate.js';
export { evaluateCheck, taskKey } from './report/check/evaluate.js';
export {
  CHECK_RESULT_SCHEMA,
  checkResultJson,
  formatCheckMarkdown,
  formatCheckText,
} from './report/check/format.js';
export type { CheckRuleId, CheckRules, RuleFlags, TaskRules, Tolerance } from './report/check/rules.js';
export {
  applyRuleFlags,
  CHECK_RULES,
  DEFAULT_CHECK_RULES,
  RULE_DESCRIPTIONS,
  readRulesFile,
} from './report/check/rules.js';
export type {
  CrashCause,
  CrashFields,
  RunReportCrash,
  RunReportCrashSlot,
  TaskErrorSample,
} from './report/faults.js';
export type { Align, Column } from './report/format.js';
export { formatDurationNs, formatPercent, formatTable, formatUs } from './report/format.js';
export type {
  RunEnvironment,
  RunReport,
  RunReportLease,
  RunReportLeaseTransition,
  RunReportTask,
} from './report/index.js';
export {
  buildRunReport,
  collectEnvironment,
  describeLeaseSection,
  formatRunSummary,
  GcMonitor,
  RUN_REPORT_SCHEMA,
} from './report/index.js';
export type { LoadedRunReport } from './report/read.js';
export { parseRunReport, readRunReport } from './report/read.js';
export { renderHtml } from './report/render/html.js';
export { renderJunit } from './report/render/junit.js';
export { renderMarkdown } from './report/render/md.js';
export type { ChromeTrace, TraceEvent, TraceRenderOptions } from './report/render/trace.js';
export { renderChromeTrace } from './report/render/trace.js';
export type {
  RunReportAccounting,
  RunReportEvidence,
  RunReportNotRun,
  RunReportWarmup,
} from './report/run-report.js';
export { ACCOUNTING_IDENTITIES } from './report/run-report.js';
export type { JitterJson, PlanJson, PwcetSource, RenderPlanOptions } from './report/text.js';
export {
  formatDoctor,
  jitterToJson,
  planToJson,
  renderJitter,
  renderPlan,
  renderPwcet,
} from './report/text.js';
export type { WriteReportOptions } from './report/write.js';
export { MAX_CREATED_FOLDERS, writeReportFile } from './report/write.js';
export type {
  ChannelRunInfo,
  RunAlarm,
  RunEvent,
  RunEventType,
  RunHandle,
  RunHandleEvents,
  RunLeaseStatus,
  RunOptions,
  RunReady,
  RunStatus,
  RunThread,
  SetupChannels,
} from './run/index.js';
export {
  DEFAULT_DURATION_NS,
  durationOptionNs,
  MAX_TRACE,
  run,
  startRun,
  warmupLengthNs,
} from './run/index.js';
export type {
  AlarmRecordView,
  CatchUpOptions,
  CutOffTable,
  DistributionNs,
  EvidenceDetail,
  EvidenceLayout,
  ExecutiveModeSpec,
  ExecutiveOptions,
  ExecutiveSnapshot,
  LeaseGate,
  LoopEnding,
  LoopHeartbeat,
  LoopLease,
  NotRunCounts,
  RunPhase,
  SlackHook,
  SlotWindow,
  TaskContext,
  TaskFn,
  TaskSnapshot,
  TraceRecord,
} from './runtime/index.js';
export {
  ALARM_KINDS,
  accountEndingInto,
  DQ_COUNT,
  DQ_MAX,
  DQ_MEAN,
  DQ_MIN,
  DQ_P50,
  DQ_P99,
  DQ_P999,
  DQ_SIZE,
  EV_LATENESS,
  EV_RUN,
  EV_TASKS,
  Executive,
  emptyEvidence,
  evidenceExecAt,
  evidenceResponseAt,
  evidenceSize,
  GC_WARN_OLD,
  GC_WARN_YOUNG,
  jobsInFlight,
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
  STOP_POLICY,
  STOP_REQUESTED,
  STOP_SAFE_STATE,
  STOP_SIGNAL,
  snapshotFromEvidence,
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
} from './runtime/index.js';
export type { LogHistogramOptions } from './stats/histogram.js';
export { LogHistogram } from './stats/histogram.js';
export type { Clock, Waiter } from './time/clock.js';
export { ManualClock, ManualWaiter } from './time/clock.js';
export type { HybridWaiterOptions, WaitMode } from './time/hybrid-waiter.js';
export { HybridWaiter } from './time/hybrid-waiter.js';
export type { JitterResult } from './time/jitter.js';
export { measureJitter } from './time/jitter.js';
export type { MarginClassSummary, MarginLearnerOptions, MarginSummary } from './time/margin-learner.js';
export {
  MARGIN_CLASS_COUNT,
  MarginLearner,
  MS_LAST_MARGIN_NS,
  MS_MARGIN_NS,
  MS_QUANTILE_NS,
  MS_SAMPLES,
  MS_SIZE,
  MS_WAIT_FROM_NS,
} from './time/margin-learner.js';
export { releaseTimeNs } from './time/release.js';
export { SystemClock, systemClock } from './time/system-clock.js';
export type { TimerSlackResult } from './time/timer-slack.js';
export { tryLowerTimerSlack } from './time/timer-slack.js';
export { packageVersion } from './version.js';
export type {
  FailSafeContext,
  FailSafeFunction,
  FailSafeResult,
  HeartbeatClock,
  HeartbeatOptions,
  HeartbeatSnapshot,
  RecoveredEvent,
  StuckEvent,
  WatchdogHandle,
  WatchdogOptions,
} from './watchdog/index.js';
export {
  defaultWatchdogPollNs,
  Heartbeat,
  MAX_READ_ATTEMPTS,
  sharedNowNs,
  startWatchdog,
  WATCHDOG_EXIT_CODE,
} from './watchdog/index.js';
