/**
 * The one error type hardtick throws. Thrown only at setup (config, planning, loading
 * tasks); the running loop never throws, it counts and raises alarms.
 */

/** Every error code hardtick can produce. */
export type HardtickErrorCode =
  | 'config_unreadable'
  | 'config_not_json'
  | 'config_invalid'
  | 'schedule_infeasible'
  | 'plan_limit'
  | 'task_load_failed'
  | 'task_not_function'
  | 'pool_exhausted'
  | 'watchdog_failsafe_invalid'
  | 'lease_unavailable'
  | 'lease_backend_missing'
  | 'fencing_invalid'
  | 'report_unreadable'
  | 'report_not_json'
  | 'report_invalid'
  | 'report_inconsistent'
  | 'output_unwritable'
  | 'check_rules_invalid'
  | 'samples_unreadable'
  | 'samples_invalid'
  | 'task_killed'
  | 'task_unavailable'
  | 'task_returned_promise'
  | 'usage';

/** Structured details attached to a {@link HardtickError}. */
export interface HardtickErrorDetails {
  /** Task the error concerns, when there is one. */
  readonly task?: string;
  /** File the error concerns, when there is one. */
  readonly file?: string;
  /** Config path, e.g. `tasks[1].period`. */
  readonly path?: string;
  /** Individual problems, one line each, when the error gathers several. */
  readonly issues?: readonly string[];
  /** The underlying error, when one caused this. */
  readonly cause?: unknown;
}

/** Base error of hardtick: a stable `code` plus structured fields. */
export class HardtickError extends Error {
  /** Stable, machine-readable code. */
  readonly code: HardtickErrorCode;
  /** Task concerned, if any. */
  readonly task: string | undefined;
  /** File concerned, if any. */
  readonly file: string | undefined;
  /** Config path concerned, if any. */
  readonly path: string | undefined;
  /** Every individual problem when several were found at once. */
  readonly issues: readonly string[];

  /** An error with its `code`, the message a user can act on, and the structured `details`. */
  constructor(code: HardtickErrorCode, message: string, details: HardtickErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'HardtickError';
    this.code = code;
    this.task = details.task;
    this.file = details.file;
    this.path = details.path;
    this.issues = details.issues ?? [];
  }
}
