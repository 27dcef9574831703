/**
 * The lease keeper: the non-real-time side of a lease. It campaigns in an {@link Election}
 * until it wins, writes the term (token, valid-until) into the {@link LeaseGuard} the RT
 * loop reads, renews the lease, and — the point of it all — revokes the guard *at once*
 * when leadership is lost or can no longer be proven.
 *
 * Valid-until (why the numbers are what they are). A renewal sent at `sent` (our clock)
 * reaches the server later, and the server extends the lease by TTL from when it handles
 * it, so the server's expiry is at least `sent + TTL` in real time — as long as both clocks
 * run at the same rate. They need not: a clock may run fast or slow by a rate error ρ, so
 * TTL of the server's time may be as little as TTL·(1−ρ) of ours. Then subtract a margin
 * for what is left (the RT loop's output latency after its check, scheduling noise):
 *
 *   validUntil = sent + TTL·(1 − driftRate) − margin
 *
 * measured from the SEND time, never from the response: a response delayed by a slow
 * network or a paused keeper must not extend authority. The guard additionally requires
 * the lease to cover the end of the running slot's budget (guard.ts).
 *
 * Going passive at once. The keeper revokes the guard (`valid()` false everywhere) when:
 * a renewal answers that the lease is gone (`revoked`); or its own clock reaches
 * valid-until before a renewal succeeded (`expired`: etcd unreachable, or the keeper
 * itself was paused — after a SIGSTOP it wakes past valid-until); or it is stopped. It
 * then resigns (best effort: revoking the lease lets the standby win without waiting for
 * the TTL) and, with `rejoin`, campaigns again as a standby after `rejoinDelayNs`.
 *
 * Pauses seen by the RT loop: the loop bumps the guard's pause counter; the keeper polls it
 * every `pausePollNs` while it leads and renews at once, since the guard withholds `valid()`
 * until a renewal sent after the pause succeeded.
 *
 * Cold side: async, allocates freely; never on the RT thread.
 */
import { HardtickError } from '../errors.js';
import type { Election, LeaderTerm } from './election.js';
import type { LeaseGuard } from './guard.js';

/** Why a term ended. */
export type LeaseLossReason = 'revoked' | 'expired' | 'stopped';

/** What the keeper reports (times in ns on the guard's clock; `atMs` = epoch ms). */
export type LeaseEvent =
  | { readonly type: 'campaigning'; readonly atMs: number }
  | {
      readonly type: 'leader';
      readonly token: number;
      readonly ttlNs: number;
      readonly validUntilNs: number;
      readonly atMs: number;
    }
  | {
      readonly type: 'lost';
      readonly token: number;
      readonly reason: LeaseLossReason;
      readonly atMs: number;
      /** The term's last valid-until (ns, guard clock): when its authority ended at the latest. */
      readonly validUntilNs: number;
    }
  | { readonly type: 'passive'; readonly reason: LeaseLossReason; readonly atMs: number }
  | { readonly type: 'error'; readonly during: 'campaign' | 'renew' | 'resign'; readonly message: string };

/** Keeper state. */
export type LeaseKeeperState = 'idle' | 'standby' | 'leader' | 'passive' | 'stopped';

/** Options of {@link LeaseKeeper}. */
export interface LeaseKeeperOptions {
  /** The election to campaign in. */
  readonly election: Election;
  /** The guard the RT loop reads (created on the RT thread, attached here). */
  readonly guard: LeaseGuard;
  /**
   * Safety margin subtracted from every valid-until, ns (see the module note).
   * @default max(50 ms, TTL / 10)
   */
  readonly marginNs?: number;
  /** Bound on the rate difference between this clock and the election server's, 0 ≤ ρ < 1. @default 0.01 */
  readonly driftRate?: number;
  /** Time between renewals, ns. Must leave room before valid-until. @default TTL / 3 */
  readonly renewIntervalNs?: number;
  /** Wait after a failed renewal attempt before the next, ns. @default 50 ms */
  readonly renewRetryNs?: number;
  /** While leading, how often the RT loop's pause counter is checked, ns. @default 2 ms */
  readonly pausePollNs?: number;
  /** Time between campaign attempts while someone else leads, ns. @default 100 ms */
  readonly campaignIntervalNs?: number;
  /** After losing, campaign again (as a standby) after `rejoinDelayNs`. @default true */
  readonly rejoin?: boolean;
  /** @default TTL */
  readonly rejoinDelayNs?: number;
  /** Event listener (leader, lost, passive, campaigning, errors). */
  readonly onEvent?: (event: LeaseEvent) => void;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.max(0, ms)));
const epochMs = () => performance.timeOrigin + performance.now();

function positive(name: string, v: number): number {
  if (!(Number.isFinite(v) && v > 0))
    throw new HardtickError('usage', `LeaseKeeper: ${name} must be a positive number of ns, got ${v}`);
  return v;
}

/** Keeps a lease for one RT loop (see the module note). */
export class LeaseKeeper {
  private readonly election: Election;
  private readonly guard: LeaseGuard;
  /** Margin subtracted from valid-until, ns. */
  readonly marginNs: number;
  /** Clock rate bound ρ. */
  readonly driftRate: number;
  /** Time between renewals, ns. */
  readonly renewIntervalNs: number;
  private readonly renewRetryNs: number;
  private readonly campaignIntervalNs: number;
  private readonly pausePollNs: number;
  private readonly rejoin: boolean;
  private readonly rejoinDelayNs: number;
  private readonly onEvent: (event: LeaseEvent) => void;
  private stateValue: LeaseKeeperState = 'idle';
  private stopRequested = false;
  private wake: (() => void) | null = null;
  private loop: Promise<void> | null = null;
  private tokenValue = 0;
  private termsValue = 0;
  private lossesValue = 0;

  /** @throws HardtickError `usage` for out-of-range options. */
  constructor(options: LeaseKeeperOptions) {
    this.election = options.election;
    this.guard = options.guard;
    const ttl = positive('election.ttlNs', options.election.ttlNs);
    this.marginNs = options.marginNs ?? Math.max(50e6, ttl / 10);
    if (!(this.marginNs >= 0))
      throw new HardtickError('usage', `LeaseKeeper: marginNs must be >= 0, got ${this.marginNs}`);
    this.driftRate = options.driftRate ?? 0.01;
    if (!(this.driftRate >= 0 && this.driftRate < 1))
      throw new HardtickError('usage', `LeaseKeeper: driftRate must be in [0, 1), got ${this.driftRate}`);
    if (!(ttl * (1 - this.driftRate) - this.marginNs > 0))
      throw new HardtickError(
        'usage',
        `LeaseKeeper: TTL ${ttl / 1e6} ms × (1 − ${this.driftRate}) − margin ${this.marginNs / 1e6} ms leaves no validity`,
      );
    this.renewIntervalNs = positive('renewIntervalNs', options.renewIntervalNs ?? ttl / 3);
    if (this.renewIntervalNs >= ttl * (1 - this.driftRate) - this.marginNs)
      throw new HardtickError(
        'usage',
        `LeaseKeeper: renewIntervalNs (${this.renewIntervalNs / 1e6} ms) must be shorter than the validity TTL·(1−ρ) − margin (${(ttl * (1 - this.driftRate) - this.marginNs) / 1e6} ms)`,
      );
    this.renewRetryNs = positive('renewRetryNs', options.renewRetryNs ?? 50e6);
    this.campaignIntervalNs = positive('campaignIntervalNs', options.campaignIntervalNs ?? 100e6);
    this.pausePollNs = positive('pausePollNs', options.pausePollNs ?? 2e6);
    this.rejoin = options.rejoin ?? true;
    this.rejoinDelayNs = options.rejoinDelayNs ?? ttl;
    this.onEvent = options.onEvent ?? (() => {});
  }

  /** Current state. */
  get state(): LeaseKeeperState {
    return this.stateValue;
  }

  /** Token of the current (or last) term; 0 before the first. */
  get token(): number {
    return this.tokenValue;
  }

  /** Terms won so far. */
  get terms(): number {
    return this.termsValue;
  }

  /** Terms lost (revoked or expired; not counting `stop`). */
  get losses(): number {
    return this.lossesValue;
  }

  /** Valid-until a renewal sent at `sentNs` with TTL `ttlNs` gives (see the module note). */
  validUntilNs(sentNs: number, ttlNs: number): number {
    return sentNs + ttlNs * (1 - this.driftRate) - this.marginNs;
  }

  /** Starts campaigning (then keeping the lease). Idempotent. */
  start(): void {
    if (this.loop !== null) return;
    this.loop = this.run().catch((e: unknown) => {
      this.guard.revoke();
      this.stateValue = 'stopped';
      this.emit({ type: 'error', during: 'campaign', message: String((e as Error)?.message ?? e) });
    });
  }

  /** Stops: the guard is revoked at once, then the lease resigned (best effort). */
  async stop(): Promise<void> {
    this.stopRequested = true;
    if (this.stateValue === 'leader') this.guard.revoke();
    this.wake?.();
    await this.loop;
    this.stateValue = 'stopped';
  }

  private emit(event: LeaseEvent): void {
    try {
      this.onEvent(event);
    } catch {
      // a listener's problem is not the keeper's
    }
  }

  /** Sleeps up to `ns`, returning early when a pause is noted (polled) or on stop. */
  private async pauseOrTimeout(ns: number, pauseSeq: number): Promise<void> {
    const end = this.guard.nowNs() + ns;
    for (;;) {
      if (this.stopRequested || this.guard.pauseSeq() !== pauseSeq) return;
      const left = end - this.guard.nowNs();
      if (left <= 0) return;
      await this.idle(Math.min(left, this.pausePollNs));
    }
  }

  private async idle(ns: number): Promise<void> {
    if (this.stopRequested) return;
    const stop = new Promise<void>((r) => (this.wake = r));
    await Promise.race([sleep(ns / 1e6), stop]);
    this.wake = null;
  }

  private async run(): Promise<void> {
    while (!this.stopRequested) {
      this.stateValue = 'standby';
      this.emit({ type: 'campaigning', atMs: epochMs() });
      let term: LeaderTerm | null = null;
      let sent = 0;
      let seqAtSend = 0;
      while (!this.stopRequested && term === null) {
        seqAtSend = this.guard.pauseSeq();
        sent = this.guard.nowNs();
        try {
          term = await this.election.tryAcquire();
        } catch (e) {
          this.emit({ type: 'error', during: 'campaign', message: String((e as Error)?.message ?? e) });
        }
        if (term === null) await this.idle(this.campaignIntervalNs);
      }
      if (term === null) break;
      if (term.token <= this.tokenValue) {
        // Tokens must grow: a backend that breaks this cannot fence. Refuse the term.
        this.emit({
          type: 'error',
          during: 'campaign',
          message: `election returned token ${term.token}, not above the previous ${this.tokenValue}`,
        });
        await this.election.resign().catch(() => undefined);
        await this.idle(this.campaignIntervalNs);
        continue;
      }
      let validUntil = this.validUntilNs(sent, term.ttlNs);
      if (this.stopRequested || this.guard.nowNs() >= validUntil) {
        // Won too late to use (the acquire itself took longer than the validity): give it back.
        await this.election.resign().catch(() => undefined);
        continue;
      }
      this.tokenValue = term.token;
      this.termsValue++;
      this.guard.grant(term.token, validUntil, sent);
      this.stateValue = 'leader';
      this.emit({
        type: 'leader',
        token: term.token,
        ttlNs: term.ttlNs,
        validUntilNs: validUntil,
        atMs: epochMs(),
      });

      let reason: LeaseLossReason = 'stopped';
      let lastSent = sent;
      // A pause noted since the acquire was sent blocks the new term's output (its send time
      // is before the pause): renew at once rather than at the first interval.
      let pauseSeq = seqAtSend;
      for (;;) {
        const now = this.guard.nowNs();
        if (this.stopRequested) break;
        if (now >= validUntil) {
          reason = 'expired';
          break;
        }
        const seq = this.guard.pauseSeq();
        const pauseNoted = seq !== pauseSeq;
        pauseSeq = seq;
        if (!pauseNoted && now < lastSent + this.renewIntervalNs) {
          await this.pauseOrTimeout(Math.min(lastSent + this.renewIntervalNs, validUntil) - now, pauseSeq);
          continue;
        }
        const s = this.guard.nowNs();
        lastSent = s;
        let alive = true;
        try {
          const timeoutMs = Math.max(1, (validUntil - s) / 1e6);
          const r = await this.election.renew(timeoutMs);
          alive = r.alive;
          // An answer after valid-until comes too late: the guard had already stopped the
          // loop, and a keeper that late (paused?) gives the term up rather than resume.
          if (alive && this.guard.nowNs() >= validUntil) {
            reason = 'expired';
            break;
          }
          if (alive && !this.stopRequested) {
            validUntil = Math.max(validUntil, this.validUntilNs(s, r.ttlNs));
            this.guard.renew(validUntil, s);
          }
        } catch (e) {
          this.emit({ type: 'error', during: 'renew', message: String((e as Error)?.message ?? e) });
          // Retry soon (before valid-until, checked at the top of the loop).
          lastSent = s - this.renewIntervalNs + this.renewRetryNs;
        }
        if (!alive) {
          reason = 'revoked';
          break;
        }
      }
      // Passive first, then tell the world, then clean up.
      this.guard.revoke();
      this.stateValue = 'passive';
      if (reason !== 'stopped') {
        this.lossesValue++;
        this.emit({ type: 'lost', token: term.token, reason, atMs: epochMs(), validUntilNs: validUntil });
      }
      this.emit({ type: 'passive', reason, atMs: epochMs() });
      try {
        await this.election.resign();
      } catch (e) {
        this.emit({ type: 'error', during: 'resign', message: String((e as Error)?.message ?? e) });
      }
      if (this.stopRequested || !this.rejoin) break;
      await this.idle(this.rejoinDelayNs);
    }
    if (this.stateValue === 'leader') this.guard.revoke();
  }
}
