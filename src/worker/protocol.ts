/**
 * The wire between `hardtick run`'s main thread and its real-time worker: shared-memory
 * ring layouts (numeric records, `SCREAMING_SNAKE` offsets) and the few cold
 * `postMessage` messages (setup, warm-up end, final snapshot, errors).
 *
 * Who writes what (each ring is single-producer single-consumer, {@link SpscRing}):
 *
 * | ring     | producer | consumer | record                | overflow     |
 * |----------|----------|----------|-----------------------|--------------|
 * | alarms   | worker   | main     | `AL_*` (9 doubles)    | drop-newest  |
 * | stats    | worker   | main     | `ST_*` + `TS_*`×tasks | overwrite    |
 * | commands | main     | worker   | `CMD_*` (2 doubles)   | drop-newest  |
 * | trace    | worker   | main     | `TR_*` (9 doubles)    | overwrite    |
 *
 * plus one shared Int32 word, the executive's `stopFlag` (`Atomics.load` before every
 * frame), so a stop works even if the worker never gets to poll its command ring.
 *
 * Every buffer is created on the main thread (it knows the config's task count, which
 * sizes the stats record) and handed over in `workerData`. Records carry only numbers:
 * task and mode names travel once, in the config both sides load.
 */
import type { HardtickErrorCode } from '../errors.js';
import type { ClockBackend } from '../native/select.js';
import type { RealtimeStepResult } from '../realtime/types.js';
import type { RunEnvironment } from '../report/environment.js';
import type { GcSummary } from '../report/gc-monitor.js';
import type { Executive, ExecutiveSnapshot } from '../runtime/index.js';
import {
  DQ_COUNT,
  DQ_MAX,
  DQ_MEAN,
  DQ_MIN,
  DQ_P50,
  DQ_P99,
  DQ_P999,
  DQ_SIZE,
  KIND_COUNT,
  TS_DEADLINE_MISSES as TC_DEADLINE_MISSES,
  TS_DEGRADED as TC_DEGRADED,
  TS_DEGRADED_RUNS as TC_DEGRADED_RUNS,
  TS_ERRORS as TC_ERRORS,
  TS_EXEC_MAX_FRAME as TC_EXEC_MAX_FRAME,
  TS_OVERRUNS as TC_OVERRUNS,
  TS_POLICY_TRIGGERS as TC_POLICY_TRIGGERS,
  TS_RELEASES as TC_RELEASES,
  TS_RUNS as TC_RUNS,
  TS_SIZE as TC_SIZE,
  TS_SKIPPED as TC_SKIPPED,
} from '../runtime/index.js';
import type { ChannelDescriptor } from './channels.js';

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
/** Publication number (1, 2, …). */
export const ST_SEQ = 0;
/** 0 during warm-up, 1 while measuring, 2 final (loop ended). */
export const ST_PHASE = 1;
/** Loop clock at publication − the measured run's first release, ns (relative: raw clocks differ across isolates). */
export const ST_ELAPSED = 2;
/** Frames run. */
export const ST_FRAMES = 3;
/** Index of the next frame (frames run + skipped). */
export const ST_FRAME_INDEX = 4;
/** Current mode index. */
export const ST_MODE = 5;
/** Release lateness, `DQ_*` layout (src/runtime/accessors.ts) from here: count, min, mean, p50, p99, p999, max. */
export const ST_LATE = 6;
/** Release lateness: values recorded. */
export const ST_LATE_COUNT = ST_LATE + DQ_COUNT;
export const ST_LATE_MIN = ST_LATE + DQ_MIN;
export const ST_LATE_MEAN = ST_LATE + DQ_MEAN;
export const ST_LATE_P50 = ST_LATE + DQ_P50;
export const ST_LATE_P99 = ST_LATE + DQ_P99;
export const ST_LATE_P999 = ST_LATE + DQ_P999;
export const ST_LATE_MAX = ST_LATE + DQ_MAX;
/** Alarm acknowledgements received (`CMD_ACK`). */
export const ST_ACKS = 13;
/** Alarm records the executive dropped (its ring was full). */
export const ST_ALARMS_DROPPED = 14;
/** Per alarm kind id k, the exact total raised: `ST_KIND_TOTALS + k` (`KIND_COUNT` words). */
export const ST_KIND_TOTALS = 15;
/** Room for alarm kinds at `ST_KIND_TOTALS` (there are `KIND_COUNT` = 9 today). */
export const ST_KIND_ROOM = 12;
/** Frame size of the current mode, ns. */
export const ST_FRAME_NS = ST_KIND_TOTALS + ST_KIND_ROOM;
/** 1 once the executive stopped, else 0. */
export const ST_STOPPED = ST_FRAME_NS + 1;
/** Doubles before the per-task blocks. */
export const ST_HEADER = ST_STOPPED + 1;

/** Per task g (every task of every mode, in snapshot order) at `ST_HEADER + g·TS_SIZE`: */
export const TS_RELEASES = 0;
export const TS_RUNS = 1;
export const TS_OVERRUNS = 2;
export const TS_MISSES = 3;
export const TS_ERRORS = 4;
export const TS_SKIPPED = 5;
export const TS_DEGRADED_RUNS = 6;
/** Times the task's overrun policy triggered. */
export const TS_POLICY_TRIGGERS = 7;
/** 1 while the task runs its degraded function. */
export const TS_DEGRADED = 8;
/** Frame of the longest execution (−1 before the first). */
export const TS_EXEC_MAX_FRAME = 9;
/** Execution time, `DQ_*` layout from here (count, min, mean, p50, p99, p999, max), ns. */
export const TS_EXEC = 10;
export const TS_EXEC_COUNT = TS_EXEC + DQ_COUNT;
export const TS_EXEC_MIN = TS_EXEC + DQ_MIN;
export const TS_EXEC_MEAN = TS_EXEC + DQ_MEAN;
export const TS_EXEC_P50 = TS_EXEC + DQ_P50;
export const TS_EXEC_P99 = TS_EXEC + DQ_P99;
export const TS_EXEC_P999 = TS_EXEC + DQ_P999;
export const TS_EXEC_MAX = TS_EXEC + DQ_MAX;
/** Doubles per task block. */
export const TS_SIZE = TS_EXEC + DQ_SIZE;
/** Stats ring capacity: the main thread only wants the latest record. */
export const STATS_RING_CAPACITY = 8;
/** Phases (`ST_PHASE`). */
export const PHASE_WARMUP = 0;
export const PHASE_MEASURING = 1;
export const PHASE_FINAL = 2;

/** Doubles in a stats record for `taskCount` tasks (over every mode). */
export function statsRecordSize(taskCount: number): number {
  return ST_HEADER + taskCount * TS_SIZE;
}

/**
 * Fills statistics records from an executive through its public allocation-free
 * accessors (`taskCountersInto`, `execQuantilesInto`, `latenessQuantilesInto`): the
 * worker publishes them through the stats ring, the main-thread loop keeps its latest one
 * for the status line and `/metrics`.
 *
 * Allocation contract: allocates in the constructor only (its counters scratch array);
 * `fill` writes numbers into the caller's Float64Array and allocates nothing once
 * optimised. Cost: O(tasks) plus three partial histogram scans per task and for the
 * lateness (a few µs per task): call it in frame slack. Threading: the executive's thread.
 */
export class StatsRecordWriter {
  /** `taskCountersInto` output, `TC_SIZE` per task. */
  private readonly counters: Float64Array;
  /** Mode names by index (to turn `modeName` into `ST_MODE`). */
  private readonly modeNames: readonly string[];

  constructor(
    private readonly taskCount: number,
    modeNames: readonly string[],
  ) {
    this.counters = new Float64Array(Math.max(1, taskCount) * TC_SIZE);
    this.modeNames = modeNames;
  }

  /**
   * Writes `executive`'s figures into `r` (length ≥ `statsRecordSize(taskCount)`). The
   * caller sets `ST_SEQ`, `ST_PHASE`, `ST_ELAPSED` and `ST_ACKS`.
   */
  fill(executive: Executive, r: Float64Array): void {
    r[ST_FRAMES] = executive.framesRun;
    r[ST_FRAME_INDEX] = executive.frameIndex;
    const modeName = executive.modeName;
    const names = this.modeNames;
    for (let m = 0; m < names.length; m++) if (names[m] === modeName) r[ST_MODE] = m;
    executive.latenessQuantilesInto(r, ST_LATE);
    for (let k = 0; k < KIND_COUNT; k++) r[ST_KIND_TOTALS + k] = executive.alarmTotal(k);
    r[ST_ALARMS_DROPPED] = executive.alarmsDropped;
    r[ST_FRAME_NS] = executive.frameNs;
    r[ST_STOPPED] = executive.stopped ? 1 : 0;
    const c = this.counters;
    executive.taskCountersInto(c, 0);
    for (let g = 0; g < this.taskCount; g++) {
      const o = ST_HEADER + g * TS_SIZE;
      const s = g * TC_SIZE;
      r[o + TS_RELEASES] = c[s + TC_RELEASES]!;
      r[o + TS_RUNS] = c[s + TC_RUNS]!;
      r[o + TS_OVERRUNS] = c[s + TC_OVERRUNS]!;
      r[o + TS_MISSES] = c[s + TC_DEADLINE_MISSES]!;
      r[o + TS_ERRORS] = c[s + TC_ERRORS]!;
      r[o + TS_SKIPPED] = c[s + TC_SKIPPED]!;
      r[o + TS_DEGRADED_RUNS] = c[s + TC_DEGRADED_RUNS]!;
      r[o + TS_POLICY_TRIGGERS] = c[s + TC_POLICY_TRIGGERS]!;
      r[o + TS_DEGRADED] = c[s + TC_DEGRADED]!;
      r[o + TS_EXEC_MAX_FRAME] = c[s + TC_EXEC_MAX_FRAME]!;
      executive.execQuantilesInto(g, r, o + TS_EXEC);
    }
  }
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
/** Acknowledge alarms of kind `CMD_ARG` (counted in `ST_ACKS`). */
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
/** Doubles per trace record (= the executive's `TRACE_RECORD`). */
export const TR_SIZE = 9;

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
  /** Config file, as given on the command line (the worker resolves it like the CLI). */
  readonly configFile: string;
  /** Measured run length, ns; 0 = until stopped. */
  readonly durationNs: number;
  /** Warm-up length, ns (0: none; −1: the default rule, applied to the planned frame). */
  readonly warmupNs: number;
  /** Waiter spin margin, ns; −1: the chosen waiter's default (native 100 µs, hybrid 200 µs). */
  readonly marginNs: number;
  /** Statistics publication period, ns. */
  readonly statsIntervalNs: number;
  /** Use the native clock and waiter when the addon loads (`HARDTICK_NATIVE=0` still forces JS). @default true */
  readonly preferNative?: boolean;
  /** The executive's stop flag: one Int32 word in a SharedArrayBuffer. */
  readonly stopFlag: SharedArrayBuffer;
  readonly alarmRing: SharedArrayBuffer;
  readonly statsRing: SharedArrayBuffer;
  readonly commandRing: SharedArrayBuffer;
  /**
   * Slot trace (`--trace n`): the executive keeps the last `traceCapacity` slots and the
   * worker forwards them through `traceRing` (`TR_*` records) in frame slack. Absent or 0:
   * tracing off. @default 0
   */
  readonly traceCapacity?: number;
  readonly traceRing?: SharedArrayBuffer | null;
  /**
   * Watchdog go word (one Int32): with `watchdog` in the config, the worker creates the
   * heartbeat (it is the writer: its clock and, for `performance.now()`, its time origin),
   * posts it in `ready`, and waits (`Atomics.wait`) until the main thread has started the
   * watchdog and stored 1 here (or the stop flag is set) before its first release. @default null
   */
  readonly watchdogGo?: SharedArrayBuffer | null;
}

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
  /** The heartbeat buffer the loop writes (config `watchdog`), or null. */
  readonly heartbeat: SharedArrayBuffer | null;
}

/** Worker → main messages (all cold; the loop itself talks only through the rings). */
export type RtWorkerMessage =
  | { readonly type: 'ready'; readonly info: RtReadyInfo }
  /** The task channels the task modules opened (`openChannel`), sent once after loading them. */
  | { readonly type: 'channels'; readonly channels: readonly ChannelDescriptor[] }
  | {
      readonly type: 'warmup-done';
      readonly frames: number;
      readonly durationNs: number;
      readonly alarms: number;
      /** Why the warm-up executive stopped (policy, stop flag), or null when it ran out its time. */
      readonly stopReason: string | null;
    }
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
    }
  | {
      readonly type: 'done';
      readonly snapshot: ExecutiveSnapshot;
      readonly environment: RunEnvironment;
      readonly gc: GcSummary;
      /** True when the measured run ended by itself (duration reached, not stopped). */
      readonly reachedDuration: boolean;
      readonly warmupFrames: number;
      /**
       * This isolate's `heapUsed` right before and right after the measured loop, bytes
       * (no GC in between ⇒ the difference is what the loop allocated).
       */
      readonly heap: { readonly beforeBytes: number; readonly afterBytes: number };
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
