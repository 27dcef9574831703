/**
 * Leader election over etcd v3 (npm `etcd3`, an optional dependency loaded on first use).
 *
 * Protocol (one key, one lease per term):
 * - acquire: read the key; when absent, grant a lease with the TTL and, in one transaction,
 *   create the key (value = candidate name) with that lease only if its create revision is
 *   still 0 (nobody created it meanwhile). Winning that transaction is winning the term;
 *   the transaction's revision is the key's create revision, which is the **fencing
 *   token**: etcd's revision only grows, so every later term (a later creation of the key)
 *   has a larger token than every earlier one.
 * - renew: one keep-alive on a long-lived LeaseKeepAlive stream; a response with TTL 0
 *   means the lease expired or was revoked (the key went with it): leadership is lost.
 * - resign: revoke the lease (the key is deleted with it, a standby wins at once).
 * When the leader stops renewing (paused, crashed, cut off), etcd expires the lease after
 * its TTL, deletes the key, and the standby's next acquire wins.
 *
 * Fault handling: `etcd3`'s own retries and circuit breaker are replaced by pass-through
 * policies. Retrying, and above all deciding that the lease may be gone, is the keeper's
 * job, on its own timeline: a client library that silently retries for seconds (or keeps
 * a circuit open for 5 s after etcd comes back) would hide exactly what must be noticed.
 * Every call carries a deadline.
 */
import { HardtickError } from '../errors.js';
import type { Election, LeaderTerm, RenewResult } from './election.js';

/** Options of {@link EtcdElection.connect}. */
export interface EtcdElectionOptions {
  /** etcd client endpoints, e.g. `"127.0.0.1:2379"` or `["http://10.0.0.1:2379", …]`. */
  readonly endpoints: string | readonly string[];
  /** The election key, e.g. `"/hardtick/motor-1/leader"`. */
  readonly key: string;
  /** This candidate's name (stored as the key's value). */
  readonly candidate: string;
  /** Lease TTL, ns: a whole number of seconds ≥ 1 (etcd's unit; it may round it up). */
  readonly ttlNs: number;
  /** Deadline of each unary call, ms. @default 1000 */
  readonly callTimeoutMs?: number;
}

/** The current holder of an election key. */
export interface EtcdLeaderInfo {
  /** Its candidate name. */
  readonly candidate: string;
  /** Its fencing token (the key's create revision). */
  readonly token: number;
  /** Its lease id (decimal string). */
  readonly leaseId: string;
}

// Minimal structural types of the parts of `etcd3` used here (the package is optional, so
// its types must not be needed to compile hardtick).
interface KeyValue {
  key: Buffer;
  value: Buffer;
  create_revision: string;
  lease: string;
}
interface RangeResponse {
  kvs: KeyValue[];
}
interface TxnResponse {
  header: { revision: string };
  succeeded: boolean;
}
interface KeepAliveResponse {
  ID: string;
  TTL: string;
}
interface KeepAliveStream {
  write(req: { ID: string }): void;
  on(event: 'data', fn: (res: KeepAliveResponse) => void): void;
  on(event: 'error', fn: (err: Error) => void): void;
  on(event: 'end', fn: () => void): void;
  cancel(): void;
}
interface CallOptions {
  deadline: number;
}
interface EtcdClient {
  kv: {
    range(req: { key: Buffer }, options?: CallOptions): Promise<RangeResponse>;
    txn(req: unknown, options?: CallOptions): Promise<TxnResponse>;
  };
  leaseClient: {
    leaseGrant(req: { TTL: number }, options?: CallOptions): Promise<{ ID: string; TTL: string }>;
    leaseRevoke(req: { ID: string }, options?: CallOptions): Promise<unknown>;
    leaseKeepAlive(options?: CallOptions): Promise<KeepAliveStream>;
  };
  close(): void;
}
interface Etcd3Module {
  Etcd3: new (options: Record<string, unknown>) => EtcdClient;
}

/** A fault-handling policy that runs the call once (see the module note). */
const PASS_THROUGH = {
  execute<T>(fn: (context: { signal: AbortSignal }) => T | PromiseLike<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      try {
        Promise.resolve(fn({ signal: new AbortController().signal })).then(resolve, reject);
      } catch (e) {
        reject(e);
      }
    });
  },
};

let etcd3Module: Promise<Etcd3Module> | null = null;

/**
 * Loads the optional `etcd3` package once (a dynamic import: users without it are not
 * affected until they ask for an etcd election).
 * @param specifier what to import. @default 'etcd3'
 * @throws HardtickError `lease_backend_missing` when it cannot be loaded.
 */
export function loadEtcd3(specifier = 'etcd3'): Promise<Etcd3Module> {
  const load = () =>
    (import(specifier) as Promise<Etcd3Module>).catch((cause: unknown) => {
      if (specifier === 'etcd3') etcd3Module = null;
      throw new HardtickError(
        'lease_backend_missing',
        `EtcdElection needs the optional dependency "etcd3" (npm install etcd3); importing "${specifier}" failed: ` +
          String((cause as Error)?.message ?? cause),
        { cause },
      );
    });
  if (specifier !== 'etcd3') return load();
  etcd3Module ??= load();
  return etcd3Module;
}

function hostsOf(endpoints: string | readonly string[]): string[] {
  const list = typeof endpoints === 'string' ? endpoints.split(',') : [...endpoints];
  return list.map((e) => e.trim()).filter((e) => e !== '');
}

/** An {@link Election} over an etcd v3 cluster (see the module note). */
export class EtcdElection implements Election {
  /** {@inheritDoc Election.candidate} */
  readonly candidate: string;
  /** {@inheritDoc Election.ttlNs} */
  readonly ttlNs: number;
  /** The election key. */
  readonly key: string;
  private readonly keyBuf: Buffer;
  private readonly client: EtcdClient;
  private readonly callTimeoutMs: number;
  private leaseId: string | null = null;
  private stream: KeepAliveStream | null = null;
  /** Resolver of the keep-alive in flight (one at a time). */
  private pending: ((res: KeepAliveResponse | Error) => void) | null = null;

  private constructor(client: EtcdClient, options: EtcdElectionOptions) {
    this.client = client;
    this.candidate = options.candidate;
    this.ttlNs = options.ttlNs;
    this.key = options.key;
    this.keyBuf = Buffer.from(options.key);
    this.callTimeoutMs = options.callTimeoutMs ?? 1000;
  }

  /**
   * Loads `etcd3` and creates a client (connections are made lazily, on the first call).
   * @throws HardtickError `usage` for bad options, `lease_backend_missing` without `etcd3`.
   */
  static async connect(options: EtcdElectionOptions): Promise<EtcdElection> {
    const hosts = hostsOf(options.endpoints ?? '');
    if (hosts.length === 0)
      throw new HardtickError('usage', 'EtcdElection: endpoints: expected at least one "host:port"');
    if (typeof options.key !== 'string' || options.key === '')
      throw new HardtickError('usage', 'EtcdElection: key: expected a non-empty string');
    if (typeof options.candidate !== 'string' || options.candidate === '')
      throw new HardtickError('usage', 'EtcdElection: candidate: expected a non-empty string');
    const ttlS = options.ttlNs / 1e9;
    if (!(Number.isInteger(ttlS) && ttlS >= 1))
      throw new HardtickError(
        'usage',
        `EtcdElection: ttlNs: expected a whole number of seconds >= 1 (etcd leases count seconds), got ${options.ttlNs} ns`,
      );
    const callTimeoutMs = options.callTimeoutMs ?? 1000;
    if (!(callTimeoutMs > 0))
      throw new HardtickError('usage', `EtcdElection: callTimeoutMs: expected > 0, got ${callTimeoutMs}`);
    const { Etcd3 } = await loadEtcd3();
    const client = new Etcd3({
      hosts,
      dialTimeout: callTimeoutMs,
      faultHandling: { host: () => PASS_THROUGH, global: PASS_THROUGH },
    });
    return new EtcdElection(client, options);
  }

  private deadline(): CallOptions {
    return { deadline: Date.now() + this.callTimeoutMs };
  }

  /** The key's current holder, or null when nobody leads. */
  async leader(): Promise<EtcdLeaderInfo | null> {
    const r = await this.client.kv.range({ key: this.keyBuf }, this.deadline());
    const kv = r.kvs[0];
    if (kv === undefined) return null;
    return { candidate: kv.value.toString(), token: Number(kv.create_revision), leaseId: kv.lease };
  }

  /** {@inheritDoc Election.tryAcquire} */
  async tryAcquire(): Promise<LeaderTerm | null> {
    this.dropStream();
    this.leaseId = null;
    if ((await this.leader()) !== null) return null;
    const grant = await this.client.leaseClient.leaseGrant({ TTL: this.ttlNs / 1e9 }, this.deadline());
    const txn = await this.client.kv.txn(
      {
        // target 1 = CREATE, result 0 = EQUAL (rpc.proto's enums)
        compare: [{ key: this.keyBuf, target: 1, result: 0, create_revision: 0 }],
        success: [{ request_put: { key: this.keyBuf, value: Buffer.from(this.candidate), lease: grant.ID } }],
        failure: [],
      },
      this.deadline(),
    );
    if (!txn.succeeded) {
      await this.client.leaseClient.leaseRevoke({ ID: grant.ID }, this.deadline()).catch(() => undefined);
      return null;
    }
    this.leaseId = grant.ID;
    return { token: Number(txn.header.revision), ttlNs: Number(grant.TTL) * 1e9 };
  }

  /** {@inheritDoc Election.renew} */
  async renew(timeoutMs: number): Promise<RenewResult> {
    const id = this.leaseId;
    if (id === null) return { alive: false, ttlNs: 0 };
    if (this.pending !== null) throw new HardtickError('usage', 'EtcdElection.renew: a renewal is in flight');
    const stream = await this.openStream();
    const res = await new Promise<KeepAliveResponse | Error>((resolve) => {
      const timer = setTimeout(() => {
        this.pending = null;
        resolve(new HardtickError('lease_unavailable', `etcd keep-alive: no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending = (r) => {
        clearTimeout(timer);
        this.pending = null;
        resolve(r);
      };
      stream.write({ ID: id });
    });
    if (res instanceof Error) {
      this.dropStream();
      throw res;
    }
    const ttlS = Number(res.TTL);
    if (!(ttlS > 0)) {
      this.leaseId = null;
      return { alive: false, ttlNs: 0 };
    }
    return { alive: true, ttlNs: ttlS * 1e9 };
  }

  /** {@inheritDoc Election.resign} */
  async resign(): Promise<void> {
    const id = this.leaseId;
    this.leaseId = null;
    this.dropStream();
    if (id === null) return;
    try {
      await this.client.leaseClient.leaseRevoke({ ID: id }, this.deadline());
    } catch (e) {
      // Already expired or revoked: nothing left to give up.
      if (!/lease not found/.test(String((e as Error)?.message))) throw e;
    }
  }

  /** {@inheritDoc Election.close} */
  async close(): Promise<void> {
    this.leaseId = null;
    this.dropStream();
    this.client.close();
  }

  private async openStream(): Promise<KeepAliveStream> {
    if (this.stream !== null) return this.stream;
    const stream = await this.client.leaseClient.leaseKeepAlive();
    const fail = (err: Error) => {
      if (this.stream === stream) this.stream = null;
      this.pending?.(err);
    };
    stream.on('data', (res) => this.pending?.(res));
    stream.on('error', (err) => fail(err));
    stream.on('end', () => fail(new HardtickError('lease_unavailable', 'etcd keep-alive stream ended')));
    this.stream = stream;
    return stream;
  }

  private dropStream(): void {
    const s = this.stream;
    this.stream = null;
    if (s !== null) {
      try {
        s.cancel();
      } catch {
        // already closed
      }
    }
  }
}
