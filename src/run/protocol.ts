/**
 * The wire between a run's host (the thread that started it) and its real-time worker:
 * shared-memory ring layouts (numeric records, `SCREAMING_SNAKE` offsets) and the few
 * cold `postMessage` messages. Rings (each SPSC, {@link SpscRing}): alarms worker → host
 * (`AL_*`, drop-newest), stats worker → host (`REC_*` header + the executive's evidence
 * block, overwrite), commands host → worker (`CMD_*`), trace worker → host (`TR_*`,
 * overwrite); plus the executive's stop flag (one Int32). The host creates every buffer
 * (it knows the task count) and hands the resolved config and planned tables over in
 * `workerData`: the worker neither loads nor plans the config again.
 */
import type { ResolvedConfig } from '../config/types.js';
import type { HardtickErrorCode } from '../errors.js';
import type { GcSummary } from '../gc/monitor.js';
import type { ClockBackend } from '../native/select.js';
import type { ScheduleTable } from '../plan/types.js';
import type { RealtimeStepResult } from '../realtime/types.js';
import type { RunEnvironment } from '../report/environment.js';
import type { RunReportCrash } from '../report/faults.js';
import { type ExecutiveSnapshot, evidenceSize } from '../runtime/index.js';
import type { MarginSummary } from '../time/margin-learner.js';
import type { ChannelDescriptor } from '../worker/channels.js';
import type { WarmupOutcome } from './warmup.js';

// ── Alarm record (worker → main) ───────────────────────────────────────────────────────
/** Alarm kind id (`ALARM_KINDS[id]`). */
export const AL_KIND = 0;
/** Mode index the alarm was raised in. */
export const AL_MODE = 1;
/** Task index in that mode, −1 when none. */
export const AL_TASK = 2;
/** Frame index since the measured run started. */
export const AL_FRAME = 3;
/** Time since the measured run's first release, ns (worker clock; raw clocks differ across isolates). */
export const AL_SINCE_START = 4;
/** Kind-specific value (see `KIND_*` in src/runtime/alarm-kinds.ts). */
export const AL_VALUE = 5;
/** 0 for a plain alarm; for a rate-limit summary, the alarms it stands for. */
export const AL_SUPPRESSED = 6;
/** Summary only: frame of the first suppressed alarm (else = `AL_FRAME`). */
export const AL_FIRST_FRAME = 7;
/** Summary only: time of the first suppressed alarm since start, ns. */
export const AL_FIRST_SINCE_START = 8;
/** Doubles per alarm record. */
export const AL_SIZE = 9;
/** Alarm ring capacity (records). The executive rate-limits delivery, so this is ample. */
export const ALARM_RING_CAPACITY = 1024;

// ── Statistics record (worker → main; also the main-thread loop's cached figures) ─────
// A short header, then the executive's evidence block (src/runtime/counters.ts `EV_*`)
// exactly as `Executive.evidenceInto` writes it.
/** Publication number (1, 2, …). */
export const REC_SEQ = 0;
/** 0 during warm-up, 1 while measuring, 2 final (loop ended). */
export const REC_PHASE = 1;
/** Loop clock at publication − the measured run's first release, ns (relative: raw clocks differ across isolates). */
export const REC_ELAPSED = 2;
/** Alarm acknowledgements received (`CMD_ACK`). */
export const REC_ACKS = 3;
/** The waiter's spin margin at its last wait, ns (learned or fixed); NaN: a waiter without a learner. */
export const REC_MARGIN = 4;
/** The evidence block (`EV_*` offsets added to this) from here. */
export const REC_EVIDENCE = 5;
/** Stats ring capacity: the main thread only wants the latest record. */
export const STATS_RING_CAPACITY = 8;

/** Phase: warming up (records go to scratch rings). */
export const PHASE_WARMUP = 0;
/** Phase: the measured run. */
export const PHASE_MEASURING = 1;
/** Phase: the loop ended (the last record). */
export const PHASE_FINAL = 2;

/** Doubles in a stats record for `taskCount` tasks (over every mode). */
export function statsRecordSize(taskCount: number): number {
  return REC_EVIDENCE + evidenceSize(taskCount);
}

// ── Command record (main → worker) ─────────────────────────────────────────────────────
/** Command code (`CMD_STOP`, `CMD_MODE`, `CMD_ACK`). */
export const CMD_KIND = 0;
/** Argument: mode index for `CMD_MODE`, alarm kind id for `CMD_ACK`. */
export const CMD_ARG = 1;
/** Doubles per command. */
export const CMD_SIZE = 2;
/** Stop after the current frame (reason `requested`; the CLI says which signal). */
export const CMD_STOP = 1;
/** Switch to mode `CMD_ARG` at the next hyperperiod boundary. */
export const CMD_MODE = 2;
/** Acknowledge alarms of kind `CMD_ARG` (counted in `REC_ACKS`). */
export const CMD_ACK = 3;
/** Command ring capacity. */
export const COMMAND_RING_CAPACITY = 64;

// ── Trace record (worker → main; only with `--trace N`) ────────────────────────────────
// The executive's trace record (`TRACE_*`, src/runtime/trace-ring.ts) with its two times
// made relative, like the alarms': ns since the measured run's first release.
/** Frame index since the measured run started. */
export const TR_FRAME = 0;
/** Slot position within its frame. */
export const TR_SLOT = 1;
/** Mode index. */
export const TR_MODE = 2;
/** Task index in that mode. */
export const TR_TASK = 3;
/** Job number. */
export const TR_JOB = 4;
/** Slice number. */
export const TR_SLICE = 5;
/** Slot start since the measured run's first release, ns. */
export const TR_START = 6;
/** Slot end since the measured run's first release, ns. */
export const TR_END = 7;
/** `TRACE_FLAG_*` bits (overrun 1, error 2, degraded 4, deadline miss 8, safe state 16). */
export const TR_FLAGS = 8;
/** The slot's frame's release since the measured run's first release, ns. */
export const TR_FRAME_RELEASE = 9;
/** The slot's frame's measured start (its wake read) since the measured run's first release, ns. */
export const TR_FRAME_START = 10;
/** Doubles per trace record (= the executive's `TRACE_RECORD`). */
export const TR_SIZE = 11;

/**
 * Trace ring capacity for `--trace n` (records): the next power of two ≥ max(n, 64). The
 * ring overwrites (newest wins): the main thread keeps the last n anyway, and the worker
 * never waits for it.
 */
export function traceRingCapacity(n: number): number {
  let c = 64;
  while (c < n) c *= 2;
  return c;
}

// ── Cold messages ──────────────────────────────────────────────────────────────────────

/** `workerData` of the real-time worker. */
export interface RtWorkerData {
  /** The run's config, loaded once by the host. */
  readonly config: ResolvedConfig;
  /** Every mode's schedule table, planned once by the host (index = mode index). */
  readonly tables: readonly ScheduleTable[];
  /** Measured run length, ns; 0 = until stopped. */
  readonly durationNs: number;
  /** Warm-up length, ns (0: none). */
  readonly warmupNs: number;
  /** Waiter spin margin, ns; −1: the chosen waiter's default (native 100 µs, hybrid 200 µs). */
  readonly marginNs: number;
  /** Statistics publication period, ns. */
  readonly statsIntervalNs: number;
  /** Use the native clock and waiter when the addon loads (`HARDTICK_NATIVE=0` still forces JS). @default true */
  readonly preferNative?: boolean;
  /** The executive's stop flag: one Int32 word in a SharedArrayBuffer. */
  readonly stopFlag: SharedArrayBuffer;
  /** Alarm ring (`AL_*` records). */
  readonly alarmRing: SharedArrayBuffer;
  /** Stats ring (`statsRecordSize` records). */
  readonly statsRing: SharedArrayBuffer;
  /**
   * The measured executive's live evidence block (`evidenceSize(tasks)` doubles,
   * `ExecutiveOptions.liveEvidence`): its counts are exact to the slot whatever becomes of
   * the worker, so a stuck or crashed run's report is built from it. @default none
   */
  readonly liveEvidence?: SharedArrayBuffer | null;
  /** Command ring (`CMD_*` records). */
  readonly commandRing: SharedArrayBuffer;
  /**
   * Slot trace: the executive keeps the last `traceCapacity` slots and the worker forwards
   * them through `traceRing` (`TR_*` records) in frame slack. Absent or 0: tracing off. @default 0
   */
  readonly traceCapacity?: number;
  /** The trace ring, or null when tracing is off. @default null */
  readonly traceRing?: SharedArrayBuffer | null;
  /**
   * Watchdog go word (one Int32): with `watchdog` in the config, the worker creates the
   * heartbeat (it is the writer: its clock and, for `performance.now()`, its time origin),
   * posts it in `ready`, and waits (`Atomics.wait`) until the host has started the
   * watchdog and stored 1 here (or the stop flag is set) before its first release. @default null
   */
  readonly watchdogGo?: SharedArrayBuffer | null;
  /**
   * Create a lease guard on the loop thread (its clock's origin) for `ctx.lease`; its buffer
   * is posted in `ready` for the host's `LeaseKeeper`. @default false
   */
  readonly lease?: boolean;
  /**
   * The doorbell: one Int32 the loop sets to 1 (and notifies) when the host should drain
   * before its next timed poll: a `to-main` channel half full, or alarms waiting (at most
   * every {@link ALARM_BELL_INTERVAL_NS}). The host sets it back to 0 when it answers.
   * @default null (no doorbell: the host's timed polls only)
   */
  readonly doorbell?: SharedArrayBuffer | null;
}

/** Alarms waiting ring the doorbell at most this often, ns (a storm of alarms wakes the host at most 20 times a second). */
export const ALARM_BELL_INTERVAL_NS = 50_000_000;

/** What the worker chose at setup (for the run's first line, the report and the warnings). */
export interface RtReadyInfo {
  readonly clock: string;
  readonly waiter: string;
  readonly marginNs: number;
  /** The clock/waiter selection (native or JS, and why). */
  readonly backend: ClockBackend;
  readonly slackApplied: boolean;
  readonly slackReason: string | null;
  readonly frameNs: number;
  /** The thread-scoped real-time steps the worker applied to itself (`applyRealtimeInThread`). */
  readonly realtimeSteps: readonly RealtimeStepResult[];
  /** The worker's kernel thread id, or null off Linux. */
  readonly threadId: number | null;
  /** The worker's `performance.timeOrigin`, epoch ms: its `performance.now()` clock on another thread's timeline. */
  readonly timeOriginMs: number;
  /** The heartbeat buffer the loop writes (config `watchdog`), or null. */
  readonly heartbeat: SharedArrayBuffer | null;
  /** The lease guard's buffer (`RtWorkerData.lease`), or null. */
  readonly leaseGuard: SharedArrayBuffer | null;
  /** The loop thread's environment, read at setup (its scheduling policy, timer slack, backends). */
  readonly environment: RunEnvironment;
}

/** Worker → main messages (all cold; the loop itself talks only through the rings). */
export type RtWorkerMessage =
  | { readonly type: 'ready'; readonly info: RtReadyInfo }
  /** The task channels the task modules opened (`openChannel`), sent once after loading them. */
  | { readonly type: 'channels'; readonly channels: readonly ChannelDescriptor[] }
  | { readonly type: 'warmup-done'; readonly warmup: WarmupOutcome }
  | { readonly type: 'measuring' }
  | {
      /**
       * A task threw: its message, for the alarm line. Sent only for task-error alarms the
       * rate limit lets through (the thrown error already allocated; this is bounded).
       */
      readonly type: 'task-error';
      readonly mode: number;
      readonly task: number;
      readonly count: number;
      readonly text: string;
      /** `file:line` of the first stack frame in a task module, or null. */
      readonly at: string | null;
    }
  | {
      /**
       * A process-level fault in the worker (unhandled rejection, uncaught exception,
       * `process.exit`): the run ends as crashed; the worker stops its loop and still sends `done`.
       */
      readonly type: 'crash';
      readonly crash: RunReportCrash;
    }
  | {
      readonly type: 'done';
      readonly snapshot: ExecutiveSnapshot;
      readonly gc: GcSummary;
      /** True when the measured run ended by itself (duration reached, not stopped). */
      readonly reachedDuration: boolean;
      /** What the waiter's margin learner knew at the end, or null (no learner). */
      readonly margin: MarginSummary | null;
      /**
       * This isolate's heap right before and right after the measured loop, bytes: the whole
       * heap (`used_heap_size`, code space included: a late recompile grows it) and the young
       * generation (no GC in between ⇒ its growth is what the loop allocated).
       */
      readonly heap: {
        readonly beforeBytes: number;
        readonly afterBytes: number;
        readonly youngBeforeBytes: number;
        readonly youngAfterBytes: number;
      };
      /**
       * Adds to a `gc.events[i].atNs` (this isolate's performance timeline) to get ns since
       * the measured run's first release on the executive's clock, like alarm times.
       */
      readonly gcToRunNs: number;
      /**
       * This isolate's `performance.timeOrigin` (epoch ms): with `gcToRunNs` it places the
       * run's first release on the epoch timeline another thread can read (the main thread's
       * steal samples: epoch ns of the first release = timeOriginMs × 1e6 − gcToRunNs).
       */
      readonly timeOriginMs: number;
    }
  | {
      /** Setup failed with a HardtickError: the main thread prints it as in main-thread mode. */
      readonly type: 'setup-error';
      readonly code: HardtickErrorCode;
      readonly message: string;
      readonly issues: readonly string[];
    };
