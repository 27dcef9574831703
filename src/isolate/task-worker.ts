/**
 * Entry module of an isolated task's worker (started by the supervisor, supervisor-worker.ts).
 * Loads the task function (the same loader and messages as a task run in the executive's
 * thread), warms its dispatch path up, reports `STATE_READY`, then serves releases until it
 * is terminated:
 *
 * 1. `Atomics.wait` on `C_REQ` (blocked, no CPU) until the proxy bumps it;
 * 2. fills its context from the data cells (times are on the executive's clock);
 * 3. calls the task; a throw is caught, its `name\nmessage` written to the text area;
 * 4. publishes `C_RESULT`, then `C_DONE` = the release's sequence number, and notifies.
 *
 * It never returns to its event loop while serving (nothing else runs in this thread).
 * Every publication is fenced by the generation: once the proxy has given up on this
 * worker (`C_GEN` moved on), a late finish is dropped, so a respawned worker's results
 * are never mixed with a dying one's. The task function itself is not dry-called during
 * warm-up (it may have side effects); its first real release runs it cold.
 *
 * Allocation contract: the serving loop allocates nothing itself (typed-array stores,
 * atomics, the preallocated context); what the task allocates is its own business, and a
 * throw allocates the text (cold).
 */
import { workerData } from 'node:worker_threads';
import { HardtickError } from '../errors.js';
import type { TaskLease } from '../lease/guard.js';
import { loadNative } from '../native/binding.js';
import { NativeClock } from '../native/native-clock.js';
import type { RunPhase, TaskContext } from '../runtime/context.js';
import type { TaskFn } from '../runtime/types.js';
import { loadTaskRef } from '../tasks/load.js';
import type { Clock } from '../time/clock.js';
import {
  C_CLOCK,
  C_DONE,
  C_ERR_LEN,
  C_GEN,
  C_REQ,
  C_RESULT,
  C_STATE,
  CLOCK_MONOTONIC,
  D_BUDGET,
  D_DEADLINE,
  D_FRAME,
  D_JOB,
  D_LEASE_TOKEN,
  D_LEASE_VALID,
  D_PHASE,
  D_RELEASE,
  D_RT_ORIGIN_MS,
  D_SLICE,
  D_SLICE_START,
  D_TASK_INDEX,
  ERR_TEXT_BYTES,
  RESULT_OK,
  RESULT_THREW,
  STATE_FAILED,
  STATE_READY,
  STATE_STARTING,
  type TaskWorkerData,
} from './protocol.js';

/**
 * The executive's clock, read from this thread: CLOCK_MONOTONIC (native addon, or
 * `process.hrtime.bigint()` without it) or the executive thread's `performance.now()`
 * timeline (this thread's reading shifted by the difference of the two time origins).
 */
class WorkerClock implements Clock {
  kind = 'performance.now';
  /** 1: CLOCK_MONOTONIC; 0: the executive thread's performance timeline. */
  private monotonic = 0;
  /** This thread's `performance.now()` ns → the executive thread's. */
  private offsetNs = 0.5;
  private native: NativeClock | null = null;

  /** Switches to the executive's clock `code` (`CLOCK_*`). Cold. */
  use(code: number, rtOriginMs: number): void {
    this.monotonic = code === CLOCK_MONOTONIC ? 1 : 0;
    this.offsetNs = (performance.timeOrigin - rtOriginMs) * 1e6;
    if (this.monotonic === 1 && this.native === null) {
      const binding = loadNative();
      if (binding !== null) this.native = new NativeClock(binding);
    }
    this.kind = this.monotonic === 1 ? (this.native === null ? 'hrtime' : 'native') : 'performance.now';
  }

  nowNs(): number {
    if (this.monotonic === 0) return performance.now() * 1e6 + this.offsetNs;
    if (this.native !== null) return this.native.nowNs();
    return Number(process.hrtime.bigint());
  }
}

/** The executive's lease as it stood at the release (valid for the whole slot budget). */
class ReleasedLease implements TaskLease {
  valid(): boolean {
    return cells[D_LEASE_VALID] === 1;
  }
  token(): number {
    return cells[D_LEASE_TOKEN]!;
  }
  tokenInto(out: Float64Array, at: number): void {
    out[at] = cells[D_LEASE_TOKEN]!;
  }
}

/** The context an isolated task sees: the executive's fields for this release, copied over. */
class IsolatedTaskContext implements TaskContext {
  taskIndex = 0;
  jobIndex = 0;
  slice = 0;
  frameIndex = 0.5;
  releaseNs = 0.5;
  deadlineNs = 0.5;
  budgetNs = 0.5;
  sliceStartNs = 0.5;
  /** Always false: a degraded function runs in the executive's thread, not here. */
  readonly degraded = false;
  phase: RunPhase = 'measure';
  readonly lease: TaskLease = new ReleasedLease();

  constructor(
    readonly taskName: string,
    readonly modeName: string,
    readonly clock: WorkerClock,
  ) {}

  remainingNs(): number {
    return this.sliceStartNs + this.budgetNs - this.clock.nowNs();
  }

  /** Not available here: the executive runs in another thread (a task error, with this message). */
  requestMode(name: string): void {
    throw new Error(`requestMode('${name}'): not available in an isolated task (it runs in its own worker)`);
  }
}

const data = workerData as TaskWorkerData;
const ctl = new Int32Array(data.buffers.control);
const cells = new Float64Array(data.buffers.data);
const text = new Uint8Array(data.buffers.text);
const generation = data.generation;
const encoder = new TextEncoder();

/** Writes `value` (UTF-8, cut at a character boundary) to the text area; returns its bytes. */
function writeText(value: string): number {
  const bytes = encoder.encode(value);
  let n = Math.min(bytes.length, ERR_TEXT_BYTES);
  while (n > 0 && n < bytes.length && (bytes[n]! & 0xc0) === 0x80) n--;
  text.set(bytes.subarray(0, n));
  return n;
}

function current(): boolean {
  return Atomics.load(ctl, C_GEN) === generation;
}

let fn: TaskFn | null = null;
try {
  fn = await loadTaskRef(
    { name: data.taskName },
    { spec: data.spec, file: data.file, exportName: data.exportName },
    'run',
  );
} catch (error) {
  if (current()) {
    const code = error instanceof HardtickError ? error.code : 'task_load_failed';
    const message = error instanceof Error ? error.message : String(error);
    Atomics.store(ctl, C_ERR_LEN, writeText(`${code}\n${message}`));
    Atomics.store(ctl, C_STATE, STATE_FAILED);
    Atomics.notify(ctl, C_STATE);
  }
}
if (fn !== null) serve(fn);

/** Fills `ctx` from the data cells (and follows a change of the executive's clock). */
function fill(ctx: IsolatedTaskContext, clock: WorkerClock, clockCode: Int32Array): void {
  const code = Atomics.load(ctl, C_CLOCK);
  if (code !== clockCode[0]) {
    clockCode[0] = code;
    clock.use(code, cells[D_RT_ORIGIN_MS]!);
  }
  ctx.frameIndex = cells[D_FRAME]!;
  ctx.releaseNs = cells[D_RELEASE]!;
  ctx.deadlineNs = cells[D_DEADLINE]!;
  ctx.budgetNs = cells[D_BUDGET]!;
  ctx.sliceStartNs = cells[D_SLICE_START]!;
  ctx.jobIndex = cells[D_JOB]!;
  ctx.slice = cells[D_SLICE]!;
  ctx.taskIndex = cells[D_TASK_INDEX]!;
  ctx.phase = cells[D_PHASE] === 1 ? 'measure' : 'warmup';
}

function warmNoop(_ctx: TaskContext): void {}

/** The serving loop (see the module note). Returns when this worker's generation is stale. */
function serve(task: TaskFn): void {
  const clock = new WorkerClock();
  const clockCode = new Int32Array([-1]);
  const ctx = new IsolatedTaskContext(data.taskName, data.modeName, clock);
  // Warm the dispatch path (fill + a call site) without running the task.
  for (let i = 0; i < data.warmupCalls; i++) {
    fill(ctx, clock, clockCode);
    warmNoop(ctx);
  }
  let seen = Atomics.load(ctl, C_REQ);
  if (!current() || Atomics.compareExchange(ctl, C_STATE, STATE_STARTING, STATE_READY) !== STATE_STARTING)
    return;
  Atomics.notify(ctl, C_STATE);
  for (;;) {
    Atomics.wait(ctl, C_REQ, seen);
    const seq = Atomics.load(ctl, C_REQ);
    if (seq === seen) continue;
    seen = seq;
    if (!current() || Atomics.load(ctl, C_STATE) !== STATE_READY) return;
    fill(ctx, clock, clockCode);
    let result = RESULT_OK;
    let thrown: unknown = null;
    try {
      task(ctx);
    } catch (error) {
      result = RESULT_THREW;
      thrown = error;
    }
    if (!current()) return;
    if (result === RESULT_THREW) {
      const name = thrown instanceof Error ? thrown.name : 'Error';
      const message = thrown instanceof Error ? thrown.message : String(thrown);
      Atomics.store(ctl, C_ERR_LEN, writeText(`${name}\n${message}`));
    }
    Atomics.store(ctl, C_RESULT, result);
    Atomics.store(ctl, C_DONE, seq);
    Atomics.notify(ctl, C_DONE, 1);
  }
}
