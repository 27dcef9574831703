/**
 * Shared-memory protocol between the executive's thread (the proxy of an isolated task,
 * isolated-task.ts), the supervisor thread (supervisor-worker.ts: owns the task workers,
 * terminates and respawns them) and a task worker (task-worker.ts: runs the task).
 *
 * Why three threads: `new Worker()` costs 1–15 ms on the thread that calls it (measured on
 * this 2-vCPU guest, bench/README.md "Isolation"), and only the thread that created a
 * worker can `terminate()` it. A real-time thread can afford neither the constructor nor
 * an event loop turn, so the supervisor owns the workers and the executive's thread only
 * stores, loads, waits and notifies on SharedArrayBuffers: the release, the completion
 * and the kill request are all atomics, never messages.
 *
 * Per isolated task: one control `Int32Array` (`C_*`), one data `Float64Array` (`D_*`) and
 * one byte area for the text of an error thrown in the worker. All three live for the
 * whole run; a respawned worker attaches to the same buffers, fenced by the generation
 * `C_GEN` (a worker whose generation is stale never publishes anything).
 *
 * Allocation contract: constants only.
 */

/** Control cell: the task's `STATE_*`. */
export const C_STATE = 0;
/** Control cell: release sequence number, bumped by the proxy for each release (worker waits on it). */
export const C_REQ = 1;
/** Control cell: sequence number of the last completed release (proxy waits on it). */
export const C_DONE = 2;
/** Control cell: `RESULT_*` of the last completed release. */
export const C_RESULT = 3;
/** Control cell: bytes of error text in the text area (valid when `C_RESULT` is `RESULT_THREW`). */
export const C_ERR_LEN = 4;
/** Control cell: the executive's clock, a `CLOCK_*` code (set by the proxy on its first release). */
export const C_CLOCK = 5;
/** Control cell: generation of the worker allowed to run: bumped by the proxy at each kill. */
export const C_GEN = 6;
/** Control cell: workers started so far (supervisor). */
export const C_SPAWNS = 7;
/** Control cells. */
export const C_SIZE = 8;

/** `C_STATE`: a worker is starting (loading the module, warming up); releases are skipped. */
export const STATE_STARTING = 0;
/** `C_STATE`: the worker waits for releases. */
export const STATE_READY = 1;
/** `C_STATE`: the task module could not be loaded; details in the text area. */
export const STATE_FAILED = 2;
/** `C_STATE`: the proxy gave up on a release and asked the supervisor to terminate and respawn. */
export const STATE_KILLED = 3;
/** `C_STATE`: closed for good (end of run). */
export const STATE_CLOSED = 4;

/** `C_RESULT`: the task returned. */
export const RESULT_OK = 0;
/** `C_RESULT`: the task threw; text area holds `name\nmessage`. */
export const RESULT_THREW = 1;

/** `C_CLOCK`: not known yet (no release so far). */
export const CLOCK_UNKNOWN = 0;
/** `C_CLOCK`: `performance.now() × 1e6` of the executive's thread (origin in `D_RT_ORIGIN_MS`). */
export const CLOCK_PERFORMANCE = 1;
/** `C_CLOCK`: CLOCK_MONOTONIC ns (the native clock): the same origin on every thread. */
export const CLOCK_MONOTONIC = 2;

/** Data cell: frame index of the release. */
export const D_FRAME = 0;
/** Data cell: job release, ns on the executive's clock. */
export const D_RELEASE = 1;
/** Data cell: job absolute deadline, ns. */
export const D_DEADLINE = 2;
/** Data cell: slot budget, ns. */
export const D_BUDGET = 3;
/** Data cell: slot start (the executive's read before the release), ns. */
export const D_SLICE_START = 4;
/** Data cell: job index within the hyperperiod. */
export const D_JOB = 5;
/** Data cell: slice number. */
export const D_SLICE = 6;
/** Data cell: task index in its mode. */
export const D_TASK_INDEX = 7;
/** Data cell: the executive's thread `performance.timeOrigin`, ms (for `CLOCK_PERFORMANCE`). */
export const D_RT_ORIGIN_MS = 8;
/** Data cell (supervisor): duration of the last `worker.terminate()` call, ns. */
export const D_TERMINATE_CALL_NS = 9;
/** Data cell (supervisor): last `terminate()` → the worker's `exit` event (thread gone), ns. */
export const D_TERMINATE_EXIT_NS = 10;
/** Data cell (supervisor): last kill noticed → new worker ready, ns. */
export const D_RESPAWN_NS = 11;
/** Data cell (supervisor): duration of the last `new Worker()` call on the supervisor, ns. */
export const D_SPAWN_CALL_NS = 12;
/** Data cell: 1 when the executive's `ctx.lease.valid()` was true at the release, else 0. */
export const D_LEASE_VALID = 13;
/** Data cell: the executive's `ctx.lease` token at the release. */
export const D_LEASE_TOKEN = 14;
/** Data cells. */
/** The run's phase: 0 warm-up, 1 measurement (`ctx.phase`). */
export const D_PHASE = 15;
/** Float64 cells in the data buffer. */
export const D_SIZE = 16;

/** Bytes of the error-text area (longer texts are cut at a character boundary). */
export const ERR_TEXT_BYTES = 2048;

/** Supervisor control cell: doorbell, bumped (and notified) after a kill request. */
export const SV_BELL = 0;
/** Supervisor control cells. */
export const SV_SIZE = 1;

/** The shared buffers of one isolated task. */
export interface IsolatedTaskBuffers {
  /** `C_SIZE` Int32 cells. */
  readonly control: SharedArrayBuffer;
  /** `D_SIZE` Float64 cells. */
  readonly data: SharedArrayBuffer;
  /** `ERR_TEXT_BYTES` bytes. */
  readonly text: SharedArrayBuffer;
}

/** What a task worker is started with (its `workerData`). */
export interface TaskWorkerData {
  /** The task's shared buffers. */
  readonly buffers: IsolatedTaskBuffers;
  /** Generation of this worker: it publishes only while `C_GEN` equals it. */
  readonly generation: number;
  /** Task name (for its context and messages). */
  readonly taskName: string;
  /** Mode the task belongs to. */
  readonly modeName: string;
  /** The `run` reference as written (for messages). */
  readonly spec: string;
  /** The resolved module file. */
  readonly file: string;
  /** The export to run. */
  readonly exportName: string;
  /** No-op dispatches run before the worker reports ready (warms the dispatch path). */
  readonly warmupCalls: number;
}

/** Messages the executive's thread sends to the supervisor (setup and end only). */
export type SupervisorMessage =
  | { readonly type: 'add'; readonly id: number; readonly task: TaskWorkerData }
  | { readonly type: 'close' };
