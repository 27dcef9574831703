/**
 * The executive-side proxy of an isolated task (`isolate: true` in the config): the
 * executive calls {@link IsolatedTask.fn} like any task function; the proxy releases the
 * task's worker through shared memory and waits for it, at most until the slot's budget
 * plus the task's grace is spent. Then it gives up: it asks the supervisor to terminate
 * the worker and respawn it, and throws the task's preallocated `task_killed` error, which
 * the executive turns into a `killed` alarm; the slot's execution (budget + grace and
 * more) has overrun its budget, so the task's overrun policy applies as for any overrun.
 *
 * One release (see protocol.ts for the cells):
 * 1. `C_STATE` is not `STATE_READY` (a worker is starting, or failed): the release is
 *    counted as unavailable and the call throws the task's preallocated `task_unavailable`
 *    error at once (never blocks the loop): the executive counts the release as not run
 *    (no execution, no sample) and a deadline miss;
 * 2. the context fields go to the data cells; `C_REQ` = ++seq, `Atomics.notify` (wakes the
 *    worker, tens of µs);
 * 3. optionally spin `spinIterations` loads of `C_DONE` (default 0), then `Atomics.wait` on `C_DONE` with timeouts that end {@link KILL_SPIN_MARGIN_NS}
 *    before the limit (sliceStart + budget + grace; the clock is read once per wait, never
 *    in the first spin), then a spin on the clock up to the limit;
 * 4. `C_DONE` = seq: a throw in the worker is rethrown here as an `Error` with the
 *    worker's name and message (a task error for the executive); else return.
 *
 * Allocation and threading contract: allocates in the constructor only; a release that
 * completes (or is unavailable: a preallocated error) allocates nothing (atomics, typed-array stores, boxed
 * timeouts from a prebuilt table, no closure). A kill throws a preallocated error; a task
 * error allocates its Error (as a throwing task does anyway). The clock's own allocation
 * (16 B per `performance.now()` read) remains; the proxy reads it only while blocked.
 * Threading: the executive's thread only (the one that created it).
 */
import { HardtickError } from '../errors.js';
import type { TaskContext } from '../runtime/context.js';
import type { TaskFn } from '../runtime/types.js';
import type { Clock } from '../time/clock.js';
import {
  C_CLOCK,
  C_DONE,
  C_ERR_LEN,
  C_GEN,
  C_REQ,
  C_RESULT,
  C_SIZE,
  C_SPAWNS,
  C_STATE,
  CLOCK_MONOTONIC,
  CLOCK_PERFORMANCE,
  D_BUDGET,
  D_DEADLINE,
  D_FRAME,
  D_JOB,
  D_LEASE_TOKEN,
  D_LEASE_VALID,
  D_PHASE,
  D_RELEASE,
  D_RESPAWN_NS,
  D_RT_ORIGIN_MS,
  D_SIZE,
  D_SLICE,
  D_SLICE_START,
  D_SPAWN_CALL_NS,
  D_TASK_INDEX,
  D_TERMINATE_CALL_NS,
  D_TERMINATE_EXIT_NS,
  ERR_TEXT_BYTES,
  type IsolatedTaskBuffers,
  RESULT_OK,
  STATE_CLOSED,
  STATE_FAILED,
  STATE_KILLED,
  STATE_READY,
  SV_BELL,
} from './protocol.js';

/** Counter offsets in {@link IsolatedTask.counters} (`K_*`). */
/** Calls of the proxy (releases of the task's slots). */
export const K_RELEASES = 0;
/** Releases the worker completed (returned or threw). */
export const K_COMPLETED = 1;
/** Releases whose task threw in the worker. */
export const K_ERRORS = 2;
/** Releases given up at budget + grace (worker terminated, respawn requested). */
export const K_KILLS = 3;
/** Releases skipped because no worker was ready (respawning, or failed). */
export const K_UNAVAILABLE = 4;
/** Counters. */
export const K_SIZE = 5;

/**
 * Default of {@link IsolatedTaskOptions.spinIterations}: 0, block at once. Measured on the
 * 2-vCPU box (bench/README.md "Isolation"): a 20 000-load spin (~10–40 µs) gave the same
 * p50 round trip (~12 µs) and a 3–4× worse p99 (the spinning thread takes the core the
 * worker needs). A dedicated, idle core may favour a spin.
 */
export const DEFAULT_SPIN_ITERATIONS = 0;
/** Default of {@link IsolatedTaskOptions.warmupCalls}. */
export const DEFAULT_WARMUP_CALLS = 1000;

/** Step of the fractional wait-timeout table, ns (10 µs). */
const TIMEOUT_STEP_NS = 10_000;
/** Largest timeout in the table, ns (20 ms); longer waits use whole ms (Smis). */
const TIMEOUT_TABLE_MAX_NS = 20_000_000;
/** The proxy stops sleeping this long before the limit and spins on the clock (see `waitDone`), ns. */
export const KILL_SPIN_MARGIN_NS = 200_000;
/** Longest single wait, ms (the clock is re-read after each). */
const LONG_WAIT_MS = 1000;

/**
 * `TIMEOUTS_MS[i]` = i·10 µs in ms, as boxed numbers (seeded with null so the array's
 * elements kind is generic: a load hands `Atomics.wait` the existing HeapNumber instead of
 * boxing a fresh one; the same trick as src/time/hybrid-waiter.ts).
 */
const TIMEOUTS_MS: readonly number[] = (() => {
  const n = TIMEOUT_TABLE_MAX_NS / TIMEOUT_STEP_NS + 1;
  const table: unknown[] = Array.from({ length: n }, () => null);
  for (let i = 0; i < n; i++) table[i] = (i * TIMEOUT_STEP_NS) / 1e6;
  return table as number[];
})();

/** Options of {@link IsolatedTask}. */
export interface IsolatedTaskOptions {
  /** Task name (messages, the worker's context). */
  readonly taskName: string;
  /** Mode of the task. */
  readonly modeName: string;
  /** Time the task may run past its slot budget before its worker is terminated, ns. */
  readonly graceNs: number;
  /** The shared buffers (see {@link createIsolatedTaskBuffers}). */
  readonly buffers: IsolatedTaskBuffers;
  /** The supervisor's control cells (its doorbell). */
  readonly bell: Int32Array;
  /** `Atomics.load` polls of `C_DONE` before the first blocking wait. @default DEFAULT_SPIN_ITERATIONS */
  readonly spinIterations?: number;
}

/** Fresh buffers for one isolated task, stamped with this thread's `performance.timeOrigin`. */
export function createIsolatedTaskBuffers(): IsolatedTaskBuffers {
  const buffers = {
    control: new SharedArrayBuffer(C_SIZE * Int32Array.BYTES_PER_ELEMENT),
    data: new SharedArrayBuffer(D_SIZE * Float64Array.BYTES_PER_ELEMENT),
    text: new SharedArrayBuffer(ERR_TEXT_BYTES),
  };
  new Float64Array(buffers.data)[D_RT_ORIGIN_MS] = performance.timeOrigin;
  return buffers;
}

/** Timing figures of an isolated task's last kill and respawn (measured by the supervisor), ns; NaN before any. */
export interface IsolationTimings {
  /** Duration of the `worker.terminate()` call. */
  readonly terminateCallNs: number;
  /** `terminate()` → the worker's `exit` event (its thread is gone). */
  readonly terminateExitNs: number;
  /** Kill noticed by the supervisor → the new worker ready. */
  readonly respawnNs: number;
  /** Duration of the last `new Worker()` call (on the supervisor thread). */
  readonly spawnCallNs: number;
}

/** The executive-side proxy of one isolated task (see the module note). */
export class IsolatedTask {
  /** The function to hand to the executive (created once; calls {@link IsolatedTask.call}). */
  readonly fn: TaskFn;
  /** Task name. */
  readonly taskName: string;
  /** Mode of the task. */
  readonly modeName: string;
  /** Grace past the slot budget before a kill, ns. */
  readonly graceNs: number;
  /** Counters (`K_*`), updated in place; read between frames. */
  readonly counters = new Float64Array(K_SIZE);
  /** The shared buffers (the supervisor and the worker attach to them). */
  readonly buffers: IsolatedTaskBuffers;
  private readonly ctl: Int32Array;
  private readonly cells: Float64Array;
  private readonly text: Uint8Array;
  private readonly bell: Int32Array;
  private readonly spinIterations: number;
  /** [0]: the last release's sequence number (wraps in int32). */
  private readonly seq = new Int32Array(1);
  private clockSeen: Clock | null = null;
  private readonly killedError: HardtickError;
  private readonly unavailableError: HardtickError;

  constructor(options: IsolatedTaskOptions) {
    this.taskName = options.taskName;
    this.modeName = options.modeName;
    this.graceNs = options.graceNs;
    this.buffers = options.buffers;
    this.ctl = new Int32Array(options.buffers.control);
    this.cells = new Float64Array(options.buffers.data);
    this.text = new Uint8Array(options.buffers.text);
    this.bell = options.bell;
    this.spinIterations = options.spinIterations ?? DEFAULT_SPIN_ITERATIONS;
    this.seq[0] = Atomics.load(this.ctl, C_REQ);
    this.killedError = new HardtickError(
      'task_killed',
      `task '${options.taskName}' did not finish within its budget + isolateGrace (${options.graceNs} ns); its worker was terminated and is being respawned`,
      { task: options.taskName },
    );
    this.unavailableError = new HardtickError(
      'task_unavailable',
      `task '${options.taskName}' has no worker ready (being respawned, or failed to load): the release did not run`,
      { task: options.taskName },
    );
    this.fn = (ctx: TaskContext): void => this.call(ctx);
  }

  /** The worker's state, a `STATE_*` code of protocol.ts. */
  get state(): number {
    return Atomics.load(this.ctl, C_STATE);
  }

  /** True while a worker is ready for the next release. */
  get ready(): boolean {
    return Atomics.load(this.ctl, C_STATE) === STATE_READY;
  }

  /** Workers started so far (1 + respawns). */
  get spawns(): number {
    return Atomics.load(this.ctl, C_SPAWNS);
  }

  /** The supervisor's figures for the last kill (cold; allocates). */
  timings(): IsolationTimings {
    const d = this.cells;
    const orNaN = (v: number): number => (v > 0 ? v : Number.NaN);
    return {
      terminateCallNs: orNaN(d[D_TERMINATE_CALL_NS]!),
      terminateExitNs: orNaN(d[D_TERMINATE_EXIT_NS]!),
      respawnNs: orNaN(d[D_RESPAWN_NS]!),
      spawnCallNs: orNaN(d[D_SPAWN_CALL_NS]!),
    };
  }

  /**
   * One release of the task (see the module note). Never allocates when it completes.
   * @throws the preallocated `task_unavailable` HardtickError when no worker is ready, the
   * `task_killed` one at budget + grace, or the worker's error rethrown.
   */
  call(ctx: TaskContext): void {
    const ctl = this.ctl;
    const k = this.counters;
    k[K_RELEASES]!++;
    if (Atomics.load(ctl, C_STATE) !== STATE_READY) {
      k[K_UNAVAILABLE]!++;
      throw this.unavailableError;
    }
    const clock = ctx.clock;
    if (clock !== this.clockSeen) this.noteClock(clock);
    const d = this.cells;
    d[D_FRAME] = ctx.frameIndex;
    d[D_RELEASE] = ctx.releaseNs;
    d[D_DEADLINE] = ctx.deadlineNs;
    d[D_BUDGET] = ctx.budgetNs;
    d[D_SLICE_START] = ctx.sliceStartNs;
    d[D_JOB] = ctx.jobIndex;
    d[D_SLICE] = ctx.slice;
    d[D_TASK_INDEX] = ctx.taskIndex;
    d[D_PHASE] = ctx.phase === 'measure' ? 1 : 0;
    // The lease answers for the whole slot budget (src/lease): its value at the release holds.
    d[D_LEASE_VALID] = ctx.lease.valid() ? 1 : 0;
    ctx.lease.tokenInto(d, D_LEASE_TOKEN);
    const seq = (this.seq[0]! + 1) | 0;
    this.seq[0] = seq;
    Atomics.store(ctl, C_REQ, seq);
    Atomics.notify(ctl, C_REQ, 1);
    let done = Atomics.load(ctl, C_DONE);
    const spin = this.spinIterations;
    for (let i = 0; done !== seq && i < spin; i++) done = Atomics.load(ctl, C_DONE);
    if (done !== seq) this.waitDone(ctx, seq, done);
    k[K_COMPLETED]!++;
    if (Atomics.load(ctl, C_RESULT) !== RESULT_OK) this.rethrow();
  }

  /**
   * The blocking part of a release (the spin did not see the answer): `Atomics.wait` on
   * `C_DONE` until the answer or the limit (slice start + budget + grace), then the kill.
   * A method of its own, entered only with integers and objects (the limit is computed
   * here from the context): inlined into `call`, this rarely taken path had no type
   * feedback and deoptimised `call` again and again (each deopt boxes doubles: ~1 B/frame).
   */
  private waitDone(ctx: TaskContext, seq: number, seen: number): void {
    const ctl = this.ctl;
    const clock = ctx.clock;
    const limitNs = ctx.sliceStartNs + ctx.budgetNs + this.graceNs;
    let done = seen;
    while (done !== seq) {
      const remainingNs = limitNs - clock.nowNs();
      if (remainingNs <= 0) this.kill();
      // The last stretch spins on the clock: a blocked thread wakes 0.05–1 ms late here,
      // which would delay the kill (and the loop) by as much. Only overrunning releases
      // get this close to the limit (cold path: clock reads may allocate, per the clock).
      if (remainingNs <= KILL_SPIN_MARGIN_NS) {
        done = Atomics.load(ctl, C_DONE);
        continue;
      }
      // Boxed timeouts from the table, or whole ms as an int32 (a Smi; `Math.floor` would
      // give a double, boxed: 16 B): nothing allocated per wait.
      if (remainingNs < TIMEOUT_TABLE_MAX_NS)
        Atomics.wait(
          ctl,
          C_DONE,
          done,
          TIMEOUTS_MS[((remainingNs - KILL_SPIN_MARGIN_NS) / TIMEOUT_STEP_NS) | 0],
        );
      else Atomics.wait(ctl, C_DONE, done, Math.min(LONG_WAIT_MS, (remainingNs / 1e6) | 0));
      done = Atomics.load(ctl, C_DONE);
    }
  }

  /**
   * Marks the task closed: later releases are unavailable, and a waiting worker exits.
   * Cold. (The supervisor terminates the workers; see registry.ts.)
   */
  close(): void {
    Atomics.store(this.ctl, C_STATE, STATE_CLOSED);
    Atomics.add(this.ctl, C_REQ, 1);
    Atomics.notify(this.ctl, C_REQ);
  }

  /** The load error text of a `STATE_FAILED` worker: `[code, message]` (cold). */
  failure(): [string, string] | null {
    if (Atomics.load(this.ctl, C_STATE) !== STATE_FAILED) return null;
    const [code, message] = this.readText();
    return [code, message];
  }

  /** Records the executive's clock for the worker (first release, or a new clock). Cold. */
  private noteClock(clock: Clock): void {
    this.clockSeen = clock;
    Atomics.store(this.ctl, C_CLOCK, clock.kind.startsWith('native') ? CLOCK_MONOTONIC : CLOCK_PERFORMANCE);
  }

  /**
   * Gives up on the current release: the generation moves on (the dying worker's late
   * answer is dropped), the state says `STATE_KILLED`, the supervisor's doorbell rings
   * (it terminates the worker and respawns), and the preallocated `task_killed` error is
   * thrown for the executive. Cold.
   */
  private kill(): never {
    const ctl = this.ctl;
    Atomics.add(ctl, C_GEN, 1);
    Atomics.store(ctl, C_STATE, STATE_KILLED);
    this.counters[K_KILLS]!++;
    Atomics.add(this.bell, SV_BELL, 1);
    Atomics.notify(this.bell, SV_BELL);
    throw this.killedError;
  }

  /** Rethrows the worker's error as an Error with its name and message (cold). */
  private rethrow(): never {
    this.counters[K_ERRORS]!++;
    const [name, message] = this.readText();
    const error = new Error(message);
    error.name = name;
    throw error;
  }

  /** The text area as `[first line, rest]` (cold). */
  private readText(): [string, string] {
    const n = Math.min(Atomics.load(this.ctl, C_ERR_LEN), ERR_TEXT_BYTES);
    const value = new TextDecoder().decode(this.text.slice(0, n));
    const nl = value.indexOf('\n');
    return nl < 0 ? ['Error', value] : [value.slice(0, nl), value.slice(nl + 1)];
  }
}
