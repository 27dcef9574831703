/**
 * The host side of a lease-gated run (config `lease`): the etcd election and the
 * `LeaseKeeper` that writes the loop's guard, on the thread that started the run. The
 * election client is made before the loop starts (a missing `etcd3` package is bad input,
 * before any frame); the keeper campaigns once the measurement starts (a candidate in
 * warm-up must not hold the lease it cannot use); every role change is told as a `lease`
 * event and kept for the report's `lease` section; at the end the guard is revoked at once
 * (the loop stops acting) and the lease resigned, so a standby takes over without waiting
 * for the TTL. Cold code.
 */
import { hostname } from 'node:os';
import type { ResolvedConfig, ResolvedLease } from '../config/types.js';
import { HardtickError } from '../errors.js';
import type { Election } from '../lease/election.js';
import { EtcdElection } from '../lease/etcd-election.js';
import type { LeaseGuard } from '../lease/guard.js';
import { type LeaseEvent, LeaseKeeper } from '../lease/keeper.js';
import {
  MAX_LEASE_TRANSITIONS,
  type RunReportLease,
  type RunReportLeaseTransition,
} from '../report/lease.js';

/** Longest candidate name (as the config's `lease.candidate`). */
const MAX_CANDIDATE_LENGTH = 128;
/** The same election error is printed at most this often, ms (etcd down: every campaign fails). */
const ERROR_REPEAT_MS = 5000;

/** How a run's lease role shows in the status line. */
export interface RunLeaseStatus {
  /** `leader` (tasks run), `standby` (campaigning), `passive` (lost; rejoining later, or not). */
  readonly role: 'leader' | 'standby' | 'passive';
  /** The token of the term held, or of the last one; 0 before any. */
  readonly token: number;
}

/** Where a run's lease tells its story (the session's `lease` events). */
export type LeaseSay = (level: 'info' | 'warn', text: string) => void;

/** Epoch ms, sub-ms (the keeper's `atMs` clock). */
const epochMs = (): number => performance.timeOrigin + performance.now();

/** The default candidate name: host name and process id. */
export function defaultCandidate(): string {
  const host = hostname().replace(/[^\x21-\x7e]/g, '_') || 'host';
  return `${host}:${process.pid}`.slice(-MAX_CANDIDATE_LENGTH);
}

/**
 * The run's `candidate` option checked (as `lease.candidate` is in the config).
 * @throws HardtickError `usage` naming the option.
 */
export function checkCandidateOption(value: unknown): string {
  if (typeof value !== 'string' || !/^[\x21-\x7e]+$/.test(value) || value.length > MAX_CANDIDATE_LENGTH) {
    throw new HardtickError(
      'usage',
      `candidate: expected a name of 1 to ${MAX_CANDIDATE_LENGTH} printable ASCII characters without spaces, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

/** Options of {@link RunLease.open}. */
export interface RunLeaseOptions {
  /** The run's `candidate` option (overrides `lease.candidate`), or null. */
  readonly candidate: string | null;
  /** Tells a line. */
  readonly say: LeaseSay;
  /** The election to use instead of etcd (tests). @default an `EtcdElection` on `lease.etcd` */
  readonly election?: Election;
}

/**
 * The run's lease when its config has one (else null): `candidate` is the run's option.
 * @throws HardtickError `usage` when the run also asked for a guard of its own (`lease:
 * true`: two keepers cannot write one guard) or for a bad candidate;
 * `lease_backend_missing` without `etcd3`.
 */
export async function openRunLease(
  config: ResolvedConfig,
  run: { readonly lease: boolean; readonly candidate: string | null },
  say: LeaseSay,
): Promise<RunLease | null> {
  if (config.lease === null) return null;
  if (run.lease) {
    throw new HardtickError(
      'usage',
      'lease: true asks for a guard you keep yourself, but the config has a "lease" key, which the runner keeps: drop one of them',
    );
  }
  return RunLease.open(config.lease, { candidate: run.candidate, say });
}

/** One run's election, keeper and transitions (see the module note). */
export class RunLease {
  private keeper: LeaseKeeper | null = null;
  private readonly transitions: RunReportLeaseTransition[] = [];
  private dropped = 0;
  private startMs = Number.NaN;
  private finished = false;
  private errors = 0;
  private lastError = { text: '', atMs: Number.NEGATIVE_INFINITY };
  private stopping: Promise<void> | null = null;
  /** Intervals led so far (closed ones), ms; and the start of the open one, or NaN. */
  private leadMs = 0;
  private leadSinceMs = Number.NaN;
  private readonly tokens: number[] = [];

  private constructor(
    /** The resolved `lease` key. */
    readonly config: ResolvedLease,
    /** This process's name in the election. */
    readonly candidate: string,
    private readonly election: Election,
    private readonly say: LeaseSay,
  ) {}

  /**
   * The election client for `config` (no connection yet: etcd3 connects on the first call).
   * @throws HardtickError `lease_backend_missing` without the `etcd3` package, `usage` for a
   * bad candidate option.
   */
  static async open(config: ResolvedLease, options: RunLeaseOptions): Promise<RunLease> {
    const candidate =
      options.candidate === null
        ? (config.candidate ?? defaultCandidate())
        : checkCandidateOption(options.candidate);
    let election = options.election;
    if (election === undefined) {
      try {
        election = await EtcdElection.connect({
          endpoints: config.etcd.endpoints,
          key: config.key,
          candidate,
          ttlNs: config.ttlNs,
          callTimeoutMs: config.etcd.callTimeoutNs / 1e6,
        });
      } catch (error) {
        if (error instanceof HardtickError && error.code === 'lease_backend_missing') {
          throw new HardtickError(
            'lease_backend_missing',
            `the config's "lease" needs the optional npm package "etcd3", which cannot be loaded here: npm install etcd3 (${error.message})`,
            { path: 'lease', cause: error },
          );
        }
        throw error;
      }
    }
    return new RunLease(config, candidate, election, options.say);
  }

  /** Campaigns from now on (the measurement started), keeping `guard`. Idempotent. */
  start(guard: LeaseGuard | null): void {
    if (this.keeper !== null || this.finished) return;
    if (guard === null) throw new HardtickError('usage', 'lease: the loop has no lease guard to keep');
    const c = this.config;
    this.startMs = epochMs();
    this.keeper = new LeaseKeeper({
      election: this.election,
      guard,
      marginNs: c.marginNs,
      driftRate: c.driftRate,
      renewIntervalNs: c.renewIntervalNs,
      campaignIntervalNs: c.campaignIntervalNs,
      rejoin: c.rejoin,
      rejoinDelayNs: c.rejoinDelayNs,
      onEvent: (e) => this.onEvent(e, guard),
    });
    this.keeper.start();
  }

  /** The role for the status line, or null before the keeper started. */
  status(): RunLeaseStatus | null {
    const k = this.keeper;
    if (k === null) return null;
    const role = k.state === 'leader' ? 'leader' : k.state === 'passive' ? 'passive' : 'standby';
    return { role, token: k.token };
  }

  /**
   * The report's section at the end of the run. Revokes the guard at once (the loop acts no
   * more) and starts resigning ({@link close} waits for it); later keeper events are not
   * recorded. Synchronous: it runs inside the report's assembly.
   */
  finish(standbyFrames: number): RunReportLease {
    const endMs = epochMs();
    if (!this.finished) {
      this.finished = true;
      const k = this.keeper;
      if (k !== null) {
        const wasLeader = k.state === 'leader';
        this.stopping = k.stop();
        if (wasLeader) this.record({ kind: 'passive', token: null, reason: 'stopped' }, endMs);
      }
    }
    const measuredMs = Number.isNaN(this.startMs) ? 0 : Math.max(0, endMs - this.startMs);
    const leadMs = Math.min(
      measuredMs,
      this.leadMs + (Number.isNaN(this.leadSinceMs) ? 0 : Math.max(0, endMs - this.leadSinceMs)),
    );
    return {
      key: this.config.key,
      candidate: this.candidate,
      ttlNs: this.config.ttlNs,
      transitions: [...this.transitions],
      transitionsDropped: this.dropped,
      leadingNs: Math.round(leadMs * 1e6),
      standbyNs: Math.round((measuredMs - leadMs) * 1e6),
      standbyFrames,
      tokens: [...this.tokens],
      errors: this.errors,
    };
  }

  /** Stops the keeper (revoke, then resign: a standby wins at once) and closes the client. */
  async close(): Promise<void> {
    this.finished = true;
    await (this.stopping ?? this.keeper?.stop());
    await this.election.close().catch(() => undefined);
  }

  private onEvent(e: LeaseEvent, guard: LeaseGuard): void {
    if (e.type === 'error') {
      this.errors++;
      const now = epochMs();
      const text = `lease: election ${e.during} failed: ${e.message}`;
      if (text !== this.lastError.text || now - this.lastError.atMs >= ERROR_REPEAT_MS) {
        this.lastError = { text, atMs: now };
        if (!this.finished) this.say('warn', text);
      }
      return;
    }
    if (this.finished) return;
    switch (e.type) {
      case 'campaigning':
        this.record({ kind: 'standby', token: null, reason: null }, e.atMs);
        this.say('info', `lease: standby, campaigning for ${this.config.key} as ${this.candidate}`);
        break;
      case 'leader': {
        this.record({ kind: 'leader', token: e.token, reason: null }, e.atMs);
        const leftMs = (e.validUntilNs - guard.nowNs()) / 1e6;
        this.say(
          'info',
          `lease: leader as ${this.candidate} (token ${e.token}; valid for ${Math.round(leftMs)} ms, renewed every ${Math.round(this.config.renewIntervalNs / 1e6)} ms)`,
        );
        break;
      }
      case 'lost': {
        // Authority ended at the term's last valid-until at the latest (a keeper paused past
        // it notices later): the time led stops there.
        const lapsedMs = epochMs() - (guard.nowNs() - e.validUntilNs) / 1e6;
        this.record({ kind: 'lost', token: e.token, reason: e.reason }, e.atMs, Math.min(e.atMs, lapsedMs));
        this.say(
          'warn',
          `lease: lost the term of token ${e.token} (${e.reason}): no task runs until this process leads again`,
        );
        break;
      }
      case 'passive':
        this.record({ kind: 'passive', token: null, reason: e.reason }, e.atMs);
        this.say(
          'info',
          `lease: passive (${e.reason})${this.config.rejoin && e.reason !== 'stopped' ? `; campaigning again in ${Math.round(this.config.rejoinDelayNs / 1e6)} ms` : ''}`,
        );
        break;
    }
  }

  /** Keeps a transition and the times it closes or opens. */
  private record(
    t: Pick<RunReportLeaseTransition, 'kind' | 'token' | 'reason'>,
    atMs: number,
    leadEndMs = atMs,
  ): void {
    if (t.kind === 'leader') {
      if (t.token !== null && !this.tokens.includes(t.token)) this.tokens.push(t.token);
      if (Number.isNaN(this.leadSinceMs)) this.leadSinceMs = atMs;
    } else if ((t.kind === 'lost' || t.kind === 'passive') && !Number.isNaN(this.leadSinceMs)) {
      this.leadMs += Math.max(0, leadEndMs - this.leadSinceMs);
      this.leadSinceMs = Number.NaN;
    }
    if (this.transitions.length >= MAX_LEASE_TRANSITIONS) {
      this.dropped++;
      return;
    }
    this.transitions.push({
      at: new Date(atMs).toISOString(),
      sinceStartNs: Math.max(0, Math.round((atMs - this.startMs) * 1e6)),
      ...t,
    });
  }
}
