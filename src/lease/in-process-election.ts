/**
 * An in-process election with the semantics of the etcd one (a key held by a lease with a
 * TTL; token = the key's create revision from a counter every write bumps), on a clock
 * you hand it: unit tests drive it with a fake clock and get exact expiries. Cold side.
 */
import { HardtickError } from '../errors.js';
import type { Election, LeaderTerm, RenewResult } from './election.js';

/** The shared store candidates of one in-process election talk to. */
export class InProcessElectionStore {
  /** Revision counter: every grant of the key bumps it (like etcd's store revision). */
  private revision = 0;
  private holder: { candidate: string; leaseId: number; token: number; expiresNs: number } | null = null;
  private nextLeaseId = 1;
  /** When false, every call rejects (a partitioned or stopped coordination service). */
  reachable = true;

  /**
   * An empty store (no holder), reachable.
   * @param nowNs the store's clock (the "server" time leases expire on), ns.
   */
  constructor(
    /** The store's clock, ns. */
    readonly nowNs: () => number,
  ) {}

  /** The current leader's name and token, or null (expired leases are dropped first). */
  leader(): { candidate: string; token: number } | null {
    this.expire();
    return this.holder === null ? null : { candidate: this.holder.candidate, token: this.holder.token };
  }

  /** Drops the current holder now, as if the server had expired its lease (for tests). */
  expireNow(): void {
    this.holder = null;
  }

  /** @internal */
  acquire(candidate: string, ttlNs: number): { leaseId: number; token: number } | null {
    this.check();
    this.expire();
    if (this.holder !== null) return null;
    const leaseId = this.nextLeaseId++;
    const token = ++this.revision;
    this.holder = { candidate, leaseId, token, expiresNs: this.nowNs() + ttlNs };
    return { leaseId, token };
  }

  /** @internal */
  renew(leaseId: number, ttlNs: number): boolean {
    this.check();
    this.expire();
    if (this.holder === null || this.holder.leaseId !== leaseId) return false;
    this.holder.expiresNs = this.nowNs() + ttlNs;
    return true;
  }

  /** @internal */
  revoke(leaseId: number): void {
    this.check();
    if (this.holder !== null && this.holder.leaseId === leaseId) this.holder = null;
  }

  private expire(): void {
    if (this.holder !== null && this.nowNs() >= this.holder.expiresNs) this.holder = null;
  }

  private check(): void {
    if (!this.reachable)
      throw new HardtickError('lease_unavailable', 'in-process election store unreachable');
  }
}

/** Options of {@link InProcessElection}. */
export interface InProcessElectionOptions {
  /** The store shared by the candidates. */
  readonly store: InProcessElectionStore;
  /** This candidate's name. */
  readonly candidate: string;
  /** Lease TTL, ns (> 0). */
  readonly ttlNs: number;
}

/** An {@link Election} over an {@link InProcessElectionStore}. */
export class InProcessElection implements Election {
  /** {@inheritDoc Election.candidate} */
  readonly candidate: string;
  /** {@inheritDoc Election.ttlNs} */
  readonly ttlNs: number;
  private readonly store: InProcessElectionStore;
  private leaseId = 0;

  /** @throws HardtickError `usage` for an empty candidate name or a TTL ≤ 0. */
  constructor(options: InProcessElectionOptions) {
    if (typeof options.candidate !== 'string' || options.candidate === '')
      throw new HardtickError('usage', 'InProcessElection: candidate must be a non-empty string');
    if (!(options.ttlNs > 0))
      throw new HardtickError('usage', `InProcessElection: ttlNs must be > 0, got ${options.ttlNs}`);
    this.store = options.store;
    this.candidate = options.candidate;
    this.ttlNs = options.ttlNs;
  }

  /** {@inheritDoc Election.tryAcquire} */
  async tryAcquire(): Promise<LeaderTerm | null> {
    const r = this.store.acquire(this.candidate, this.ttlNs);
    if (r === null) return null;
    this.leaseId = r.leaseId;
    return { token: r.token, ttlNs: this.ttlNs };
  }

  /** {@inheritDoc Election.renew} */
  async renew(_timeoutMs: number): Promise<RenewResult> {
    const alive = this.leaseId !== 0 && this.store.renew(this.leaseId, this.ttlNs);
    return { alive, ttlNs: alive ? this.ttlNs : 0 };
  }

  /** {@inheritDoc Election.resign} */
  async resign(): Promise<void> {
    if (this.leaseId !== 0) this.store.revoke(this.leaseId);
    this.leaseId = 0;
  }

  /** {@inheritDoc Election.close} */
  async close(): Promise<void> {
    this.leaseId = 0;
  }
}
