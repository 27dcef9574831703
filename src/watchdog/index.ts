/** The watchdog: heartbeat block (RT side) and the watchdog thread that watches it. */

export type { JsonValue, JsonValueProblem } from '../config/json-value.js';
export { formatJsonPath, jsonValueProblem } from '../config/json-value.js';
export type { HeartbeatClock, HeartbeatOptions, HeartbeatSnapshot } from './heartbeat.js';
export {
  CLOCK_MONOTONIC,
  CLOCK_PERFORMANCE,
  emptySnapshot,
  Heartbeat,
  MAX_READ_ATTEMPTS,
  STATE_DONE,
  STATE_IDLE,
  STATE_NONE,
  STATE_RUNNING,
  sharedNowNs,
} from './heartbeat.js';
export type {
  FailSafeContext,
  FailSafeFunction,
  FailSafeResult,
  FailSafeSpec,
  FallbackReportSpec,
  RecoveredEvent,
  StuckEvent,
  WatchdogHandle,
  WatchdogOptions,
} from './watchdog.js';
export {
  DEFAULT_WATCHDOG_KILL_AFTER_NS,
  DEFAULT_WATCHDOG_POLL_NS,
  defaultWatchdogPollNs,
  MAX_DEFAULT_WATCHDOG_POLL_NS,
  startWatchdog,
  WATCHDOG_EXIT_CODE,
} from './watchdog.js';
