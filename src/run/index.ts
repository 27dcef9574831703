/**
 * The runner: `run` and `startRun`, the one way a loop is run (config → plan → tasks →
 * warm-up → measured executive → report, in a worker thread or on the main thread), and
 * what their callbacks receive. Named exports only.
 */
export type { RunLeaseStatus } from './lease.js';
export type {
  ChannelRunInfo,
  RunAlarm,
  RunEvent,
  RunEventType,
  RunOptions,
  RunStatus,
  RunThread,
  SetupChannels,
} from './options.js';
export { DEFAULT_DURATION_NS, durationOptionNs, MAX_TRACE } from './options.js';
export type { RunHandle, RunHandleEvents, RunReady } from './run.js';
export { run, startRun } from './run.js';
export { warmupLengthNs } from './warmup.js';
