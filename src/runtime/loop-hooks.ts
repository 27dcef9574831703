/**
 * What the executive needs from the per-frame helpers that live in higher layers: a
 * watchdog heartbeat (src/watchdog) and a lease guard and gate (src/lease). The runtime names only
 * these interfaces, so it imports nothing above it; `Heartbeat` and `LeaseGuard` implement
 * them. Also the lease view a task sees (`ctx.lease`) and the one used without a guard.
 *
 * Allocation contract: every method here is called on the loop's hot path and must neither
 * allocate nor throw; doubles travel through Float64Arrays, never as arguments.
 */

/** What a task sees as `ctx.lease`. Allocation-free; never throws. */
export interface TaskLease {
  /**
   * True only if this loop holds the lease and the lease (with its safety margin) still
   * covers the end of the running slot's budget, and it was renewed after the last pause
   * the loop detected. Check it right before emitting output, and send {@link token} with
   * the output so the receiver can fence stale writers.
   */
  valid(): boolean;
  /** The fencing token of the current (or last held) term; 0 when none was ever held. */
  token(): number;
  /** Writes the token into `out[at]` (no number crosses a call). */
  tokenInto(out: Float64Array, at: number): void;
}

/** The slot fields a lease view reads (the executive's task context). */
export interface SlotWindow {
  /** When the running slot started, ns on the RT clock. */
  readonly sliceStartNs: number;
  /** The running slot's budget, ns. */
  readonly budgetNs: number;
}

/** A watchdog heartbeat as the executive writes it (src/watchdog `Heartbeat`). */
export interface LoopHeartbeat {
  /** Every task of every mode, in the executive's flattened order (checked at construction). */
  readonly taskNames: readonly string[];
  /** A slot is about to run: slot `slot` of its frame, flattened task `task`; `src[at…at+2]` = frame, start, job deadline. */
  beginSlotAt(slot: number, task: number, src: Float64Array, at: number): void;
  /** The slot returned. */
  endSlot(): void;
  /** The loop waits for the release at `src[at]`. */
  idleAt(src: Float64Array, at: number): void;
}

/** A lease guard as the executive uses it (src/lease `LeaseGuard`). */
export interface LoopLease {
  /** A pause was detected at `times[at]` (ns, the executive's clock): authority lapses until renewed. */
  notePauseAt(times: Float64Array, at: number): void;
  /** The view tasks get as `ctx.lease`, reading `slot` (cold: allocates once per executive). */
  taskLease(slot: SlotWindow): TaskLease;
}

/**
 * Whether this loop leads, read by a lease-gated executive once per frame
 * (`ExecutiveOptions.leaseGate`; src/lease `LeaseGuard` implements it: one shared-memory
 * load of the keeper's state word).
 */
export interface LeaseGate {
  /** True while the keeper says this loop holds the lease. Allocation-free; never throws. */
  leading(): boolean;
}

/**
 * `ctx.lease` of a loop without a lease guard: the loop is the only writer there is, so
 * `valid()` is always true and the token is 0. Allocation-free.
 */
export class UnguardedTaskLease implements TaskLease {
  /** Always true: without a guard the loop is the only writer. */
  valid(): boolean {
    return true;
  }

  /** Always 0. */
  token(): number {
    return 0;
  }

  /** Writes 0. */
  tokenInto(out: Float64Array, at: number): void {
    out[at] = 0;
  }
}

/** The shared {@link UnguardedTaskLease} (stateless). */
export const UNGUARDED_LEASE: TaskLease = new UnguardedTaskLease();
