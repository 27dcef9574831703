/**
 * The loop side of a run's lease, in either thread mode: the guard tasks read as
 * `ctx.lease` (the host's keeper writes it), and for a lease-gated run (config `lease`)
 * the executives' frame gates: the guard itself for the measured executive, and for the
 * warm-up a private guard that alternates between leading and standby, so the standby
 * frame path is optimised before the measurement as the task path is; the alarm rehearsal
 * notes its pauses on that private guard, so the pause path's guard call is optimised too.
 * Cold code.
 */
import type { ResolvedConfig } from '../config/types.js';
import { LeaseGuard, type LeaseGuardClock } from '../lease/guard.js';
import type { ExecutiveOptions } from '../runtime/index.js';

/** The lease gate an executive gets: `{ leaseGate }`, or nothing for an ungated run. */
export type GateOption = Pick<ExecutiveOptions, 'leaseGate'>;

/** A rehearsal executive's gate and pause guard (`{ leaseGate, lease }`), or less. */
export type RehearsalLeaseOption = Pick<ExecutiveOptions, 'leaseGate' | 'lease'>;

/** The guard and gates of one run's loop (see the module note). */
export class RunLeaseGates {
  /** The guard for `ctx.lease` and the keeper, or undefined (no lease in this run). */
  readonly guard: LeaseGuard | undefined;
  /** The warm-up's private guard (any run with a guard): the gate of a gated run's warm-up. */
  private readonly warm: LeaseGuard | null;
  /** The config has `lease`: the measured executive runs tasks only while leading. */
  private readonly isGated: boolean;
  /** Warm-up drives gated so far (even: standby, odd: leading). */
  private drives = 0;

  private constructor(guard: LeaseGuard | undefined, warm: LeaseGuard | null, gated: boolean) {
    this.guard = guard;
    this.warm = warm;
    this.isGated = gated;
  }

  /**
   * The loop's lease: a guard when the config has `lease` (then gated) or the run asked for
   * one (`lease: true`, a keeper of the caller's), on the loop's clock. Call it on the
   * loop's thread.
   */
  static create(config: ResolvedConfig, wanted: boolean, clock: LeaseGuardClock): RunLeaseGates {
    const gated = config.lease !== null;
    const guard = gated || wanted ? LeaseGuard.create({ clock }) : undefined;
    return new RunLeaseGates(guard, guard === undefined ? null : LeaseGuard.create({ clock }), gated);
  }

  /** True when the measured executive runs tasks only while leading (config `lease`). */
  get gated(): boolean {
    return this.isGated;
  }

  /** The measured executive's gate: the real guard. */
  measured(): GateOption {
    return !this.isGated || this.guard === undefined ? {} : { leaseGate: this.guard };
  }

  /** A warm-up executive on the real frames: the private gate, leading (its tasks run). */
  warmup(): GateOption {
    if (!this.isGated || this.warm === null) return {};
    this.lead(true);
    return { leaseGate: this.warm };
  }

  /** Each JIT drive: the private gate, standby and leading in turn. */
  alternate(): GateOption {
    if (!this.isGated || this.warm === null) return {};
    this.lead(this.drives++ % 2 === 1);
    return { leaseGate: this.warm };
  }

  /**
   * Each rehearsal drive: {@link RunLeaseGates.alternate}, and the private guard as the
   * executive's lease. The rehearsal raises a pause every frame; noted on the real guard
   * they would make its keeper renew, and with no guard at all the measured loop's first
   * pause would run the guard call without type feedback: a deoptimisation, then
   * interpreted frames that allocate, inside the measurement.
   */
  rehearsal(): RehearsalLeaseOption {
    return this.warm === null ? {} : { ...this.alternate(), lease: this.warm };
  }

  /** Turns the private gate over (main thread: from a timer during the warm-up drive). */
  flip(): void {
    if (this.isGated && this.warm !== null) this.lead(!this.warm.leading());
  }

  private lead(leading: boolean): void {
    const warm = this.warm!;
    if (leading && !warm.leading()) warm.grant(1, Number.POSITIVE_INFINITY, 0);
    else if (!leading && warm.leading()) warm.revoke();
  }
}
