/**
 * What the watchdog worker and {@link startWatchdog} say to each other: the worker's
 * `workerData`, the control words, and the messages the worker posts. Cold path.
 */

/** Int32 word of the control buffer: 0 while the watchdog should run, 1 to stop it. */
export const CTL_STOP = 0;
/** Int32 word of the control buffer: 1 once the worker has loaded everything and polls. */
export const CTL_READY = 1;
/** Int32 words in the control buffer. */
export const CTL_WORDS = 16;

/** The watchdog worker's `workerData`. */
export interface WatchdogWorkerData {
  /** The heartbeat buffer to watch. */
  readonly heartbeat: SharedArrayBuffer;
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
  /** Exit code to end the process with after a stuck event, or null to keep running. */
  readonly exitCode: number | null;
  /** How long to wait for the main thread to exit before SIGKILL, ns. */
  readonly killAfterNs: number;
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
}

/** Messages the watchdog worker posts. */
export type WatchdogMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'load_failed'; readonly message: string }
  | { readonly type: 'stuck'; readonly event: StuckEvent }
  | {
      readonly type: 'failsafe';
      readonly ok: boolean;
      readonly error: string | null;
      /** Time the fail-safe took, ns. */
      readonly durationNs: number;
    }
  | { readonly type: 'exit'; readonly code: number };
