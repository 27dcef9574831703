/**
 * The loop side of a run's lease, in either thread mode: the guard tasks read as
 * `ctx.lease` (the host's keeper writes it), and for a lease-gated run (config `lease`)
 * the executives' frame gates: the guard itself for the measured executive, and for the
 * warm-up a private guard that alternates between leading and standby, so the standby
 * frame path is optimised before the measurement as the task path is. Cold code.
 */
import type { ResolvedConfig } from '../config/types.js';
import { LeaseGuard, type LeaseGuardClock } from '../lease/guard.js';
import type { ExecutiveOptions } from '../runtime/index.js';

/** The lease gate an executive gets: `{ leaseGate }`, or nothing for an ungated run. */
export type GateOption = Pick<ExecutiveOptions, 'leaseGate'>;

/** The guard and gates of one run's loop (see the module note). */
export class RunLeaseGates {
  /** The guard for `ctx.lease` and the keeper, or undefined (no lease in this run). */
  readonly guard: LeaseGuard | undefined;
  /** The warm-up's private gate (lease-gated runs only). */
  private readonly warm: LeaseGuard | null;
  /** Warm-up drives gated so far (even: standby, odd: leading). */
  private drives = 0;

  private constructor(guard: LeaseGuard | undefined, warm: LeaseGuard | null) {
    this.guard = guard;
    this.warm = warm;
  }

  /**
   * The loop's lease: a guard when the config has `lease` (then gated) or the run asked for
   * one (`lease: true`, a keeper of the caller's), on the loop's clock. Call it on the
   * loop's thread.
   */
  static create(config: ResolvedConfig, wanted: boolean, clock: LeaseGuardClock): RunLeaseGates {
    const gated = config.lease !== null;
    const guard = gated || wanted ? LeaseGuard.create({ clock }) : undefined;
    return new RunLeaseGates(guard, gated ? LeaseGuard.create({ clock }) : null);
  }

  /** True when the measured executive runs tasks only while leading (config `lease`). */
  get gated(): boolean {
    return this.warm !== null;
  }

  /** The measured executive's gate: the real guard. */
  measured(): GateOption {
    return this.warm === null || this.guard === undefined ? {} : { leaseGate: this.guard };
  }

  /** A warm-up executive on the real frames: the private gate, leading (its tasks run). */
  warmup(): GateOption {
    if (this.warm === null) return {};
    this.lead(true);
    return { leaseGate: this.warm };
  }

  /** Each JIT or rehearsal drive: the private gate, standby and leading in turn. */
  alternate(): GateOption {
    if (this.warm === null) return {};
    this.lead(this.drives++ % 2 === 1);
    return { leaseGate: this.warm };
  }

  /** Turns the private gate over (main thread: from a timer during the warm-up drive). */
  flip(): void {
    if (this.warm !== null) this.lead(!this.warm.leading());
  }

  private lead(leading: boolean): void {
    const warm = this.warm!;
    if (leading && !warm.leading()) warm.grant(1, Number.POSITIVE_INFINITY, 0);
    else if (!leading && warm.leading()) warm.revoke();
  }
}
