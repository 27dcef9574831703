/**
 * The election a {@link LeaseKeeper} campaigns in: one leader at a time, holding a lease
 * with a TTL, identified by a fencing token that grows with every new leader.
 * Implementations: {@link InProcessElection} (tests, one process) and `EtcdElection`
 * (etcd v3, the real thing). Cold side only: everything here is async and allocates.
 */

/** A won term: what the keeper writes into the guard. */
export interface LeaderTerm {
  /**
   * Fencing token: strictly greater than the token of every earlier term of this election
   * (etcd: the election key's create revision).
   */
  readonly token: number;
  /** The lease's TTL as granted, ns (the server may round the requested TTL up). */
  readonly ttlNs: number;
}

/** Result of one renewal attempt. */
export interface RenewResult {
  /** True when the lease is alive and was extended by `ttlNs` from when the server handled it. */
  readonly alive: boolean;
  /** TTL granted by this renewal, ns (0 when not alive). */
  readonly ttlNs: number;
}

/**
 * One candidate's view of an election. Not re-entrant: the keeper calls one method at a time.
 */
export interface Election {
  /** This candidate's name (the writer name in a fencing sink's audit log). */
  readonly candidate: string;
  /** The TTL this candidate asks for, ns. */
  readonly ttlNs: number;
  /**
   * Tries once to become leader: grants a lease and claims the election key with it.
   * Resolves with the term when won, null when someone else leads. Rejects on transport
   * errors (the keeper retries).
   */
  tryAcquire(): Promise<LeaderTerm | null>;
  /**
   * Renews the current term's lease once; `alive: false` when the lease is gone (expired
   * or revoked: leadership is lost). Rejects on transport errors or after `timeoutMs`.
   */
  renew(timeoutMs: number): Promise<RenewResult>;
  /** Gives the current term up (revokes the lease, so a standby takes over at once). Best effort. */
  resign(): Promise<void>;
  /** Releases connections. The election cannot be used afterwards. */
  close(): Promise<void>;
}
