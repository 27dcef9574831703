/**
 * What the watchdog worker and {@link startWatchdog} say to each other: the worker's
 * `workerData`, the control words, and the messages the worker posts. Cold path.
 */

/** Int32 word of the control buffer: 0 while the watchdog should run, 1 to stop it. */
export const CTL_STOP = 0;
/** Int32 word of the control buffer: 1 once the worker has loaded everything and polls. */
export const CTL_READY = 1;
/**
 * Int32 word of the control buffer, written by the main thread's end-of-process handler
 * (`interruptMain`): {@link MAIN_ENDING_STARTED} when it starts, {@link MAIN_ENDING_DONE}
 * once its `beforeExit` callback (the report) finished, just before `process.exit`. The
 * watchdog worker reads it to decide whether to wait longer or to take over (SIGKILL).
 */
export const CTL_MAIN_ENDING = 2;
/** Int32 words in the control buffer. */
export const CTL_WORDS = 16;

/** {@link CTL_MAIN_ENDING}: the main thread's handler started. */
export const MAIN_ENDING_STARTED = 1;
/** {@link CTL_MAIN_ENDING}: the main thread's `beforeExit` finished; `process.exit` follows. */
export const MAIN_ENDING_DONE = 2;

/**
 * Name of the global function the watchdog worker calls on the main thread through an
 * in-process inspector session (`Runtime.evaluate`), suffixed with the control buffer's
 * id so that two watchdogs never share it.
 */
export const MAIN_HANDLER_PREFIX = '__hardtickWatchdogEnd_';

/**
 * What the watchdog worker writes itself when it has to SIGKILL the process (the main
 * thread never ran its handler): a small JSON file, `schema: "hardtick.stuck/v1"`.
 */
export interface FallbackReportSpec {
  /** Absolute path of the file to write. */
  readonly file: string;
  /** Fields copied into the file as they are (e.g. the config name). */
  readonly fields: Readonly<Record<string, unknown>>;
}

/** The watchdog worker's `workerData`. */
export interface WatchdogWorkerData {
  /** The heartbeat buffer to watch; null: it comes later, as a {@link WatchdogControlMessage}. */
  readonly heartbeat: SharedArrayBuffer | null;
  /** Control words (`CTL_*`): private to this watchdog, never written by the RT thread. */
  readonly control: SharedArrayBuffer;
  /** Grace past a slot's deadline before it counts as stuck, ns. */
  readonly graceNs: number;
  /** Longest sleep between two heartbeat reads, ns. */
  readonly pollNs: number;
  /** URL of the fail-safe module, or null. */
  readonly failSafeUrl: string | null;
  /** Export of the fail-safe module to call. */
  readonly failSafeExport: string;
  /** Shared buffers handed to the fail-safe. */
  readonly failSafeData: Readonly<Record<string, SharedArrayBuffer>>;
  /** The JSON value handed to the fail-safe as `context.params`. */
  readonly failSafeParams: unknown;
  /** With an exit code: ask the main thread (inspector interrupt) to end the process. */
  readonly interruptMain: boolean;
  /** Suffix of the main thread's handler name ({@link MAIN_HANDLER_PREFIX}). */
  readonly handlerId: string;
  /** What to write before a SIGKILL, or null. */
  readonly fallbackReport: FallbackReportSpec | null;
  /** Exit code to end the process with after a stuck event, or null to keep running. */
  readonly exitCode: number | null;
  /**
   * With an exit code: end the process only when a stuck event is still open at this time
   * (heartbeat clock, ns) rather than at once; null: at once.
   */
  readonly exitAtNs: number | null;
  /** How long to wait for the main thread to exit before SIGKILL, ns. */
  readonly killAfterNs: number;
}

/** Main → watchdog thread: the heartbeat of a watchdog started without one. */
export interface WatchdogControlMessage {
  readonly type: 'heartbeat';
  readonly buffer: SharedArrayBuffer;
}

/** A stuck slot as the worker reports it (plain data: it crosses threads). */
export interface StuckEvent {
  /** Frame number of the stuck slot. */
  readonly frame: number;
  /** Slot index within the frame. */
  readonly slot: number;
  /** Task index. */
  readonly task: number;
  /** Task name from the heartbeat (`task#<n>` when it has none). */
  readonly taskName: string;
  /** Slot start, ns on the heartbeat's clock. */
  readonly startNs: number;
  /** Slot deadline, ns on the heartbeat's clock. */
  readonly deadlineNs: number;
  /** When the watchdog saw it, ns on the heartbeat's clock. */
  readonly detectedNs: number;
  /** `detectedNs − deadlineNs`: how far past its deadline the slot was when seen, ns. */
  readonly overrunNs: number;
  /** 1 for the first stuck event of this watchdog, 2 for the next, … */
  readonly ordinal: number;
}

/** A stuck slot that ended after all (the heartbeat moved on). */
export interface RecoveredEvent {
  /** {@link StuckEvent.ordinal} of the stuck event that ended. */
  readonly ordinal: number;
  /** When the watchdog saw the heartbeat move on, ns on the heartbeat's clock. */
  readonly seenNs: number;
  /**
   * `seenNs − deadlineNs` of the stuck slot: an upper bound of how far past its deadline
   * the slot ran (the watchdog polls every `pollNs` while a slot is stuck), ns.
   */
  readonly overrunNs: number;
}

/** Messages the watchdog worker posts. */
export type WatchdogMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'load_failed'; readonly message: string }
  | { readonly type: 'stuck'; readonly event: StuckEvent }
  | { readonly type: 'recovered'; readonly event: RecoveredEvent }
  | {
      readonly type: 'failsafe';
      /** {@link StuckEvent.ordinal} of the stuck event it ran for. */
      readonly ordinal: number;
      readonly ok: boolean;
      readonly error: string | null;
      /** Time the fail-safe took, ns. */
      readonly durationNs: number;
    }
  | { readonly type: 'exit'; readonly code: number };
