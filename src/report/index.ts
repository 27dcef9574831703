/**
 * Run evidence on the cold side: the `hardtick.run/v1` report, the environment it
 * records, the GC observer and the text summary (named exports only).
 */

export type { GcEvent, GcKindName, GcSummary } from '../gc/monitor.js';
export { GC_EVENTS_KEPT, GcMonitor } from '../gc/monitor.js';
export type { EnvironmentInput, RunEnvironment } from './environment.js';
export { collectEnvironment, describeSchedStat, readSchedulingPolicy, readVersion } from './environment.js';
export type { RunReportLease, RunReportLeaseTransition } from './lease.js';
export { describeLeaseSection } from './lease.js';
export type { PauseCause, PauseSighting, PauseSummary, RunReportPause } from './pauses.js';
export { attributePauses, PAUSES_KEPT } from './pauses.js';
export type { RunReport, RunReportInput, RunReportTask } from './run-report.js';
export { buildRunReport, RUN_REPORT_SCHEMA } from './run-report.js';
export { formatLateness, formatRunSummary, formatWcetTable } from './summary.js';
